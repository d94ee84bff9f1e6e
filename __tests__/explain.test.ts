// `npm run explain`: the routing model on hand-checked cases (distances worked out from the coordinate
// tables), the scenarios of a stack, and the command as users run it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../src/app";
import { GA_REGIONS, GEOGRAPHIES } from "../src/config/limits";
import { explainSelection } from "../src/explain/options";
import { GEOGRAPHY_POINTS, greatCircleKm, REGION_POINTS } from "../src/explain/geography";
import { PROXIMITY_NOTE, renderExplainMarkdown, renderExplainText, servedBy } from "../src/explain/render";
import { route, routeListener, type GroupState } from "../src/explain/routing";
import { explainStack, groupState } from "../src/explain/scenarios";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";
import { ROOT } from "./support/run";

const up = (region: string, dial = 100, capacity?: number): GroupState => ({ region, dial, available: true, ...(capacity !== undefined && { capacity }) });
const down = (region: string, dial = 100): GroupState => ({ region, dial, available: false });

describe("the coordinate tables", () => {
  it("place every region Global Accelerator supports and every client geography", () => {
    expect(Object.keys(REGION_POINTS).sort()).toEqual([...GA_REGIONS].sort());
    expect(Object.keys(GEOGRAPHY_POINTS)).toEqual([...GEOGRAPHIES]);
  });

  it("measure great-circle distances: London to New York is about 5,570 km", () => {
    expect(greatCircleKm({ lat: 51.5, lon: -0.1 }, { lat: 40.7, lon: -74.0 })).toBeCloseTo(5570, -1);
    expect(greatCircleKm(REGION_POINTS["eu-west-1"], REGION_POINTS["eu-west-1"])).toBe(0);
  });
});

describe("where a geography's clients go", () => {
  // Hand-checked distances from Europe's point (Frankfurt): eu-west-1 1,123 km, me-central-1 4,799 km,
  // us-east-1 6,587 km, ap-northeast-1 9,309 km.
  it("to the closest region, with every dial at 100", () => {
    expect(route("europe", [up("us-east-1"), up("eu-west-1"), up("me-central-1")])).toEqual([{ region: "eu-west-1", fraction: 1, via: "closest" }]);
  });

  it("a client in Europe with eu-west-1 drained lands in the closest remaining region, me-central-1 rather than us-east-1", () => {
    expect(route("europe", [up("us-east-1"), up("eu-west-1", 0), up("me-central-1")])).toEqual([{ region: "me-central-1", fraction: 1, via: "closest" }]);
  });

  it("spill from a dial of 30 goes to the next closest group, whole, whatever that group's own dial", () => {
    expect(route("europe", [up("ap-northeast-1"), up("eu-west-1", 30), up("us-east-1", 50)])).toEqual([
      { region: "eu-west-1", fraction: 0.3, via: "closest" },
      { region: "us-east-1", fraction: 0.7, via: "spill", from: "eu-west-1" },
    ]);
  });

  it("spill skips a closer group at dial 0", () => {
    expect(route("europe", [up("eu-west-1", 30), up("me-central-1", 0), up("us-east-1")]).map((s) => s.region)).toEqual(["eu-west-1", "us-east-1"]);
  });

  it("the share a dial holds back stays where it is when no other group has a dial above 0", () => {
    expect(route("europe", [up("eu-west-1", 30), up("us-east-1", 0)])).toEqual([{ region: "eu-west-1", fraction: 1, via: "closest" }]);
  });

  // North America's point (Missouri): us-east-1 1,295 km, us-west-2 2,455 km, us-west-1 2,613 km, eu-west-1 6,517 km, eu-central-1 7,596 km.
  it("a failed region fails over to the closest group that is up, ignoring dials: a group at dial 0 takes it", () => {
    expect(route("north-america", [down("us-east-1"), up("us-west-2", 0), up("eu-west-1")])).toEqual([{ region: "us-west-2", fraction: 1, via: "failover", from: "us-east-1" }]);
  });

  it("fails open to the closest group when none of the three closest others is up", () => {
    const groups = [down("us-east-1"), down("us-west-2"), down("us-west-1"), down("eu-west-1"), up("eu-central-1")];
    expect(route("north-america", groups)).toEqual([{ region: "us-east-1", fraction: 1, via: "fail-open", from: "us-east-1" }]);
    expect(route("north-america", groups.slice(0, 4).concat(up("eu-central-1")).filter((g) => g.region !== "us-west-1"))).toEqual([
      { region: "eu-central-1", fraction: 1, via: "failover", from: "us-east-1" },
    ]);
  });

  it("with every dial at 0, goes to the closest group that is up, as in failover", () => {
    expect(route("europe", [up("us-east-1", 0), up("eu-west-1", 0)])).toEqual([{ region: "eu-west-1", fraction: 1, via: "all-dials-zero" }]);
  });

  it("fails over the spilled share when the group it spills to is down", () => {
    expect(route("europe", [up("eu-west-1", 30), down("us-east-1"), up("ap-northeast-1")])).toEqual([
      { region: "eu-west-1", fraction: 0.3, via: "closest" },
      { region: "eu-west-1", fraction: 0.7, via: "failover", from: "us-east-1" },
    ]);
    expect(servedBy(route("europe", [up("eu-west-1", 30), down("us-east-1"), up("ap-northeast-1")]))).toBe("eu-west-1 (30% closest, 70% failover from us-east-1)");
  });

  it("is shown once per region, saying how each share got there", () => {
    // eu-west-1's 30% and the 70% its dial sends to me-central-1 both fail over to us-east-1.
    expect(servedBy(route("europe", [down("eu-west-1", 30), down("me-central-1"), up("us-east-1")]))).toBe("us-east-1 (failover from eu-west-1 and me-central-1)");
    expect(servedBy(route("europe", [down("eu-west-1", 30), down("us-east-1"), up("me-central-1")]))).toBe(
      "me-central-1 (30% failover from eu-west-1, 70% held back by eu-west-1's dial)",
    );
    expect(servedBy(route("europe", [down("eu-west-1"), down("us-east-1")]))).toBe("eu-west-1 (fails open: no group tried is up)");
    expect(servedBy(route("europe", [up("eu-west-1", 0), up("us-east-1", 0)]))).toBe("eu-west-1 (every dial is 0)");
    expect(servedBy([])).toBe("no endpoint group");
  });

  it("treats a group whose every weight is 0 as one with no healthy endpoint", () => {
    const config = validConfig();
    const groups = config.stacks[0].listeners[0].endpointGroups;
    groups[0].endpoints.forEach((ep: { weight?: number }) => (ep.weight = 0));
    const listener = toModel(parseConfig(config).config).stacks[0].listeners[0];
    expect(groupState(listener.endpointGroups[0], [])).toMatchObject({ region: "us-west-1", available: false });
    expect(groupState(listener.endpointGroups[1], ["us-east-1"])).toMatchObject({ region: "us-east-1", available: false, dial: 25 });
    expect(groupState(listener.endpointGroups[1], [], 100)).toMatchObject({ available: true, dial: 100 });
  });
});

describe("the load on each region", () => {
  it("adds up each geography's demand by the share it sends, and flags a region over its capacity", () => {
    const routing = routeListener([up("eu-west-1", 30, 40), up("us-east-1", 100, 200)], { europe: 100, "north-america": 50 }, GEOGRAPHIES);
    expect(routing.loads).toEqual([
      { region: "eu-west-1", load: 30, capacity: 40, down: false, overloaded: false },
      { region: "us-east-1", load: 120, capacity: 200, down: false, overloaded: false },
    ]);
    const failed = routeListener([down("eu-west-1", 30), up("us-east-1", 100, 120)], { europe: 100, "north-america": 50 }, GEOGRAPHIES);
    expect(failed.loads[1]).toEqual({ region: "us-east-1", load: 150, capacity: 120, down: false, overloaded: true });
    expect(failed.loads[0]).toMatchObject({ region: "eu-west-1", load: 0, down: true, overloaded: false });
  });

  it("is not an overload at exactly the capacity, however the shares add up", () => {
    const routing = routeListener([up("eu-west-1", 70, 70), up("us-east-1", 100, 30)], { europe: 100 }, GEOGRAPHIES);
    expect(routing.loads.map((l) => l.overloaded)).toEqual([false, false]);
  });
});

describe("a stack's scenarios", () => {
  const stackOf = (change: (c: ReturnType<typeof validConfig>) => void = () => {}) => {
    const config = validConfig();
    change(config);
    return toModel(parseConfig(config).config).stacks[0];
  };

  it("are normal operation, the config's dials, and each region of the listener failed alone", () => {
    const explanation = explainStack(stackOf());
    expect(explanation.listeners.map((l) => [l.listener.name, l.scenarios.map((s) => s.scenario.title)])).toEqual([
      ["inference", ["normal operation: every region healthy, every dial at 100", "the config's dials (us-east-1 25), every region healthy", "us-west-1 failed", "us-east-1 failed"]],
      ["streaming", ["normal operation: every region healthy (the config's dials are all 100)", "ap-northeast-1 failed"]],
    ]);
    const [normal, dials] = explanation.listeners[0].scenarios;
    expect(normal.routing.routes["north-america"]).toEqual([{ region: "us-east-1", fraction: 1, via: "closest" }]);
    expect(dials.routing.routes["north-america"]).toEqual([
      { region: "us-east-1", fraction: 0.25, via: "closest" },
      { region: "us-west-1", fraction: 0.75, via: "spill", from: "us-east-1" },
    ]);
  });

  it("fail the regions given together instead of one at a time", () => {
    const titles = explainStack(stackOf(), ["us-west-1", "us-east-1"]).listeners[0].scenarios.map((s) => s.scenario.title);
    expect(titles).toEqual(["normal operation: every region healthy, every dial at 100", "the config's dials (us-east-1 25), every region healthy", "us-west-1 and us-east-1 failed"]);
  });

  it("list every overload with its listener, scenario, load and capacity, and render it", () => {
    const stack = stackOf((c) => {
      c.stacks[0].demand = { "north-america": 300, europe: 100 };
      c.stacks[0].listeners[0].endpointGroups[0].capacity = 350;
      c.stacks[0].listeners[0].endpointGroups[1].capacity = 200;
    });
    const explanation = explainStack(stack);
    expect(explanation.overloads).toEqual([
      { listener: "inference", scenario: "normal operation: every region healthy, every dial at 100", region: "us-east-1", load: 400, capacity: 200 },
      { listener: "inference", scenario: "us-west-1 failed", region: "us-east-1", load: 400, capacity: 200 },
      { listener: "inference", scenario: "us-east-1 failed", region: "us-west-1", load: 400, capacity: 350 },
    ]);
    const text = renderExplainText([explanation]);
    expect(text.startsWith(`${PROXIMITY_NOTE}\n`)).toBe(true);
    expect(text).toContain("    us-east-1   400       200  200%  OVERLOADED\n");
    expect(text).toContain("  inference, us-east-1 failed: us-west-1 400 / 350 (114.3%)\n");
    expect(text).toContain("    europe            100  us-east-1 25%, us-west-1 75% (held back by us-east-1's dial)\n");
    const markdown = renderExplainMarkdown([explanation]);
    expect(markdown).toContain("#### us-east-1 failed");
    expect(markdown).toContain("| us-east-1 | 0 | down |  |  |");
    expect(markdown).toContain("| us-west-1 | 400 | 350 | 114.3% | **OVERLOADED** |");
    expect(markdown).toContain("| europe | 100 | us-west-1 (25% failover from us-east-1, 75% held back by us-east-1's dial) |");
  });

  it("say when no overload check is possible, and when none is found", () => {
    expect(renderExplainText([explainStack(stackOf())])).toContain("\ntest: no overload check (it needs demand on the stack and capacity on the endpoint groups).\n");
    const roomy = stackOf((c) => {
      c.stacks[0].demand = { europe: 10 };
      c.stacks[0].listeners[0].endpointGroups.forEach((g: { capacity?: number }) => (g.capacity = 1000));
    });
    expect(renderExplainText([explainStack(roomy)])).toContain("\ntest: no scenario sends a region more than its capacity.\n");
  });
});

describe("the arguments of explain", () => {
  const model = loadModel({ SMART_ROUTING_CONFIG: "examples/full.yaml" }).model!;

  it("select the stacks named and the regions given with --fail, repeated or comma-separated", () => {
    const selected = explainSelection(model, ["ai-models-prod"], ["us-east-1,eu-west-1", "us-east-1"]);
    expect(selected).toMatchObject({ failed: ["us-east-1", "eu-west-1"] });
    expect(selected.error ?? selected.stacks.map((s) => s.name)).toEqual(["ai-models-prod"]);
  });

  it.each([
    ["an unknown stack", ["prod"], undefined, 'no stack named "prod" in this config; its stacks are: ai-models-prod, ai-models-dualstack'],
    ["a region where a stack belongs", ["eu-west-1"], undefined, 'no stack named "eu-west-1" in this config; its stacks are: ai-models-prod, ai-models-dualstack (to fail a region, give --fail eu-west-1)'],
    ["a region Global Accelerator does not support", [], ["us-moon-1"], '--fail "us-moon-1" is not a region Global Accelerator supports'],
    ["a region one selected stack has no group in", [], ["eu-west-1"], "--fail eu-west-1: stack ai-models-dualstack has no endpoint group there (its regions: eu-central-1, us-west-2); name the stack to explain"],
  ])("refuse %s with one clear message", (_name, names, fail, message) => {
    expect(explainSelection(model, names, fail)).toEqual({ error: message });
  });
});

describe("npm run explain", () => {
  const explain = (args: string[], config?: string) =>
    spawnSync(process.execPath, ["scripts/explain.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, SMART_ROUTING_CONFIG: config } });
  const examples = [undefined, ...readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")).sort().map((f) => `examples/${f}`)];

  it.each(examples)("prints the normal and every single-failure scenario of every listener of %s", (config) => {
    const run = explain([], config);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const stack of loadModel({ SMART_ROUTING_CONFIG: config }).model!.stacks) {
      for (const listener of stack.listeners) {
        const section = run.stdout.split(`${stack.name}, listener ${listener.name} (`)[1]?.split(/\n\S/)[0] ?? "";
        expect(section).toMatch(/\n {2}normal operation: every region healthy/);
        for (const group of listener.endpointGroups) expect(section).toContain(`\n  ${group.region} failed\n`);
      }
    }
  });

  it("writes the same scenarios as Markdown with --markdown", () => {
    const file = join(mkdtempSync(join(tmpdir(), "explain-")), "explain.md");
    const run = explain(["ai-models-prod", "--fail", "us-east-1", "--markdown", file], "examples/full.yaml");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("\n  us-east-1 failed\n");
    expect(run.stdout).not.toContain("us-west-1 failed");
    expect(readFileSync(file, "utf8")).toContain("#### us-east-1 failed\n\n| Geography | Demand | Served by |");
  });

  it.each<[string, string[], string | undefined, string]>([
    ["an unknown stack", ["prod"], undefined, 'explain: no stack named "prod" in this config; its stacks are: smart-routing\n'],
    ["an unknown region", ["--fail", "us-moon-1"], undefined, 'explain: --fail "us-moon-1" is not a region Global Accelerator supports\n'],
    ["a region the stack has no group in", ["--fail", "eu-west-1"], undefined, "explain: --fail eu-west-1: stack smart-routing has no endpoint group there (its regions: us-east-1, us-west-1); name the stack to explain\n"],
    ["an unknown flag", ["--region", "eu-west-1"], undefined, "explain: Unknown option '--region'."],
    ["--fail without a region", ["--fail"], undefined, "explain: Option '--fail <value>' argument missing"],
  ])("exits 2 on %s with a clear message and no stack trace", (_name, args, config, message) => {
    const run = explain(args, config);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
