// The routing diagram, checked with Mermaid's own parser (what GitHub renders with): it must parse,
// and the graph it describes must be the config's topology, with the keys operators use.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { loadModel } from "../src/app";
import { GEOGRAPHIES } from "../src/config/limits";
import { groupState, routeGroups } from "../src/explain";
import type { StackModel } from "../src/model/model";
import { routingDiagram } from "../src/handoff/diagram";
import { ROOT } from "./support/run";

interface Parsed {
  type: string;
  vertices: { id: string; text: string; classes: string[] }[];
  edges: { start: string; end: string }[];
}

function parseMermaid(text: string): { status: number | null; parsed?: Parsed; error: string } {
  const run = spawnSync(process.execPath, [join(ROOT, "__tests__", "support", "parse-mermaid.mjs")], { input: text, encoding: "utf8" });
  return { status: run.status, parsed: run.status === 0 ? JSON.parse(run.stdout) : undefined, error: run.stderr };
}

function stackOf(config: string | undefined, name: string): StackModel {
  const stack = loadModel({ SMART_ROUTING_CONFIG: config }).model?.stacks.find((s) => s.name === name);
  if (stack === undefined) throw new Error(`no stack ${name} in ${config}`);
  return stack;
}

describe("the routing diagram of examples/full.yaml's ai-models-prod", () => {
  const stack = stackOf("examples/full.yaml", "ai-models-prod");
  const result = parseMermaid(routingDiagram(stack));
  const parsed = result.parsed as Parsed;
  const text = (id: string) => parsed.vertices.find((v) => v.id === id)?.text;
  const children = (id: string) => parsed.edges.filter((e) => e.start === id).map((e) => e.end);

  it("parses as a Mermaid flowchart", () => {
    expect(result).toMatchObject({ status: 0, error: "" });
    expect(parsed.type).toBe("flowchart-v2");
  });

  it("goes static IPs -> accelerator -> listeners -> endpoint groups -> endpoints, as in the config", () => {
    expect(children("ips")).toEqual(["accelerator"]);
    expect(children("accelerator").map(text)).toEqual([
      "listener inference<br>TCP 443<br>client affinity SOURCE_IP",
      "listener streaming<br>UDP 9000-9010<br>client affinity NONE",
    ]);
    const [inference, streaming] = children("accelerator");
    expect(children(inference).map((g) => text(g)?.split("<br>")[0])).toEqual(["us-west-1", "us-east-1", "eu-west-1"]);
    expect(children(streaming).map((g) => text(g)?.split("<br>")[0])).toEqual(["ap-northeast-1", "us-east-1"]);
    const endpointCount = stack.listeners.flatMap((l) => l.endpointGroups).reduce((n, g) => n + g.endpoints.length, 0);
    expect(parsed.vertices).toHaveLength(3 + 2 + 5 + endpointCount);
  });

  // What explain's model says a group serves in normal operation with the config's dials, as the label words it.
  const serves = (listener: number, region: string) => {
    const l = stack.listeners[listener];
    const routing = routeGroups(l.endpointGroups.map((g) => groupState(g, [])), stack.demand);
    const shares = GEOGRAPHIES.flatMap((g) => {
      const share = routing.routes[g].filter((s) => s.region === region).reduce((sum, s) => sum + s.fraction, 0);
      return share > 0 ? [`${g} ${Math.round(share * 1000) / 10}%`] : [];
    });
    return shares.length > 0 ? `serves ${shares.join(", ")}` : "serves no clients in normal operation";
  };

  it("labels groups with dial, operator key, health check, model server, capacity and the clients they serve, and endpoints with type, weight and key", () => {
    const [uswest1, useast1, euwest1] = children(children("accelerator")[0]);
    expect(text(useast1)).toBe(`us-east-1<br>dial 50%<br>key inference/us-east-1<br>health TCP :443 every 30s, threshold 3<br>capacity 600<br>${serves(0, "us-east-1")}`);
    expect(text(uswest1)).toBe(
      `us-west-1<br>dial 100%<br>key inference/us-west-1<br>health HTTP :8000/health every 10s, threshold 3<br>model server vllm<br>capacity 800<br>ports 443→8443<br>${serves(0, "us-west-1")}`,
    );
    // North America is split between the two coasts; the drained group serves nobody until a failover.
    expect(serves(0, "us-west-1")).toMatch(/^serves north-america \d+(\.\d)?%, south-america 50%, /);
    expect(text(euwest1)?.endsWith("<br>serves no clients in normal operation")).toBe(true);
    expect(text(children(children("accelerator")[1])[1])).toContain(`<br>${serves(1, "us-east-1")}`);
    expect(children(useast1).map(text)).toEqual([
      "alb vllm-use1<br>weight 128<br>key inference/us-east-1/vllm-use1",
      "nlb triton-use1 (found by name)<br>weight 200<br>key inference/us-east-1/triton-use1",
    ]);
    expect(text("accelerator")).toBe("accelerator ai-models<br>IPV4, enabled<br>var.accelerator_enabled");
    expect(text("ips")).toBe("static IPs 198.51.100.10, 203.0.113.10 (BYOIP)<br>outputs static_ips, dns_name");
  });

  it("marks the drained region (dial 0) and nothing else", () => {
    expect(parsed.vertices.filter((v) => v.classes.includes("drained")).map((v) => v.text.split("<br>")[0])).toEqual(["eu-west-1"]);
  });
});

describe("the routing diagram of the embedded default", () => {
  it("parses, with two regions of one Elastic IP each", () => {
    const { status, parsed } = parseMermaid(routingDiagram(stackOf(undefined, "smart-routing")));
    expect(status).toBe(0);
    expect(parsed?.vertices.filter((v) => v.text.startsWith("eip ")).map((v) => v.text.split("<br>")[1])).toEqual(["weight 128", "weight 128"]);
  });
});

describe("the Mermaid check itself", () => {
  it("rejects a diagram with a broken label, with Mermaid's message", () => {
    const { status, error } = parseMermaid('flowchart LR\n  a["unclosed --> b\n');
    expect(status).toBe(1);
    expect(error).toContain("Parse error on line");
  });
});
