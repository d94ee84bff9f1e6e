// The plan gate on plans recorded from real Terraform (__tests__/fixtures/plans): what it lets through,
// what it stops and how it says so, and the CLI's exit codes and Markdown.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../src/app";
import { DEFAULT_CONFIG } from "../src/config/default-config";
import { reviewCapacity } from "../src/plan-gate/capacity";
import { planOfAnotherStack, readPlan } from "../src/plan-gate/plan-json";
import { gatePassed, renderMarkdown, renderText } from "../src/plan-gate/render";
import { passed, reviewPlan, type GatePolicy } from "../src/plan-gate/review";
import { ROOT } from "./support/run";

const FIXTURES = join(__dirname, "fixtures", "plans");
const fixture = (name: string) => join(FIXTURES, `${name}.json`);
const plan = (name: string) => readPlan(readFileSync(fixture(name), "utf8"), name);
const review = (name: string, policy: GatePolicy = { allowDestroy: [] }) => reviewPlan(plan(name), policy);

describe("the plan gate", () => {
  it("fails a plan that replaces the accelerator, whatever allowDestroy says", () => {
    const result = review("replace-accelerator", { allowDestroy: ["listeners", "endpointGroups"] });
    expect(passed(result)).toBe(false);
    expect(result.violations).toEqual([
      {
        address: "aws_globalaccelerator_accelerator.accelerator",
        kind: "replace",
        reason: "the accelerator is always protected: replacing it loses its static IP addresses for ever.",
      },
    ]);
    expect(result.changes.find((c) => c.kind === "replace")?.details).toEqual(["replaced because ip_addresses cannot change in place"]);
  });

  it("fails a plan that deletes the accelerator at an old address and points to the moved block that would keep it", () => {
    const result = review("accelerator-address-changed");
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].address).toBe("aws_globalaccelerator_accelerator.Networking_accelerator_5596A0AB");
    expect(result.violations[0].reason).toContain(
      "The plan also creates aws_globalaccelerator_accelerator.accelerator: if the address changed in a refactor, add a moved block from aws_globalaccelerator_accelerator.Networking_accelerator_5596A0AB.",
    );
  });

  it("fails a listener rename without moved blocks unless allowDestroy lists both listeners and endpoint groups", () => {
    const addresses = (policy: GatePolicy) => review("listener-renamed-without-moved", policy).violations.map((v) => v.address).sort();
    expect(addresses({ allowDestroy: [] })).toEqual([
      "aws_globalaccelerator_endpoint_group.inference-v1_us-east-1",
      "aws_globalaccelerator_endpoint_group.inference-v1_us-west-1",
      "aws_globalaccelerator_listener.inference-v1",
    ]);
    expect(addresses({ allowDestroy: ["endpointGroups"] })).toEqual(["aws_globalaccelerator_listener.inference-v1"]);
    expect(addresses({ allowDestroy: ["listeners", "endpointGroups"] })).toEqual([]);
  });

  it("passes a rename done with moved blocks and reports each move with its old address", () => {
    const result = review("listener-moved");
    expect(passed(result)).toBe(true);
    expect(result.changes.find((c) => c.address === "aws_globalaccelerator_listener.inference")).toMatchObject({
      movedFrom: "aws_globalaccelerator_listener.inference-v1",
    });
  });

  it("passes a first plan and lists every endpoint group with its dial and weights", () => {
    const result = review("full-prod-create");
    expect(passed(result)).toBe(true);
    expect(result.changes.map((c) => c.kind)).toEqual(Array(8).fill("create"));
    expect(result.changes.find((c) => c.address === "aws_globalaccelerator_endpoint_group.inference_eu-west-1")?.details).toEqual([
      "traffic dial 0%",
      "weights: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/tgi-euw1/f234470eafcee810 128",
    ]);
  });

  it("shows dial and weight changes of an endpoint group updated in place", () => {
    expect(renderText(review("traffic-update"), "smart-routing")).toContain(
      "update  aws_globalaccelerator_endpoint_group.inference_us-west-1  (traffic dial 0% → 100%; weight of eipalloc-0a1b2c3d4e5f60718 64 → 128)",
    );
  });

  it("writes the same verdict and changes as Markdown, with a table a pull request can show", () => {
    const markdown = renderMarkdown(review("replace-accelerator"), "smart-routing");
    expect(markdown).toContain("### Terraform plan for `smart-routing`: ❌ plan gate failed");
    expect(markdown).toContain("- **`aws_globalaccelerator_accelerator.accelerator`: replace**: the accelerator is always protected");
    expect(markdown).toContain("| replace | `aws_globalaccelerator_accelerator.accelerator` | replaced because ip_addresses cannot change in place |");
  });

  it.each([
    ["text that is not JSON", "{", /^p\.json: is not JSON/],
    ["JSON without a format version", "{}", /^p\.json: has no format_version, so it is not the output of terraform show -json <planfile>$/],
    ["JSON without planned values", JSON.stringify({ format_version: "1.2" }), /^p\.json: has no planned_values, not a plan; run terraform plan/],
    ["a state instead of a plan", JSON.stringify({ format_version: "1.0", values: {} }), /is a state \(terraform show -json without a plan file\), not a plan/],
    ["another format version", JSON.stringify({ format_version: "2.0", planned_values: {} }), /has format_version "2.0"; this gate reads format 1.x/],
    ["an action it does not know", JSON.stringify({ format_version: "1.2", planned_values: {}, resource_changes: [{ address: "a.b", type: "a", mode: "managed", change: { actions: ["obliterate"] } }] }), /resource_changes\[0\] \(a\.b\) has action "obliterate", which this gate does not know/],
  ])("refuses %s with a message naming the file", (_name, text, message) => {
    expect(() => readPlan(text, "p.json")).toThrow(message);
  });

  it("tells a plan of the stack from a plan of another stack by the addresses its configuration declares", () => {
    const byDefault = loadModel({}).model!.stacks[0];
    const llm = loadModel({ SMART_ROUTING_CONFIG: "examples/llm-multi-region.yaml" }).model!.stacks[0];
    expect(planOfAnotherStack(plan("traffic-update"), byDefault)).toBeUndefined();
    expect(planOfAnotherStack(plan("llm-create"), llm)).toBeUndefined();
    expect(planOfAnotherStack(plan("traffic-update"), llm)).toBe(
      "is not a plan of stack llm-global: its configuration declares no aws_globalaccelerator_listener.chat, aws_globalaccelerator_endpoint_group.chat_us-east-1, aws_globalaccelerator_endpoint_group.chat_eu-west-1 and 2 more; check --stack and SMART_ROUTING_CONFIG",
    );
  });

  it("fails a plan Terraform marked as errored", () => {
    const plan = JSON.parse(readFileSync(fixture("accelerator-in-state"), "utf8"));
    plan.errored = true;
    expect(review("accelerator-in-state").problems).toEqual([]);
    expect(reviewPlan(readPlan(JSON.stringify(plan), "p"), { allowDestroy: [] }).problems).toEqual([
      "Terraform reported an error while planning: the plan is incomplete and cannot be reviewed",
    ]);
  });
});

describe("the gate's capacity check", () => {
  // Plans of examples/llm-multi-region.yaml recorded against the local AWS API, with and without -var.
  const llm = loadModel({ SMART_ROUTING_CONFIG: "examples/llm-multi-region.yaml" }).model!.stacks[0];
  it("passes the plan of the config's own dials and weights: every region within its capacity", () => {
    expect(reviewCapacity(plan("llm-create"), llm)).toEqual({
      checked: true,
      strict: false,
      groups: ["chat/us-east-1: dial 100", "chat/eu-west-1: dial 100", "chat/us-west-2: dial 100", "chat/ap-northeast-1: dial 100"],
      overloads: [],
    });
  });

  it("reads a -var traffic_dials override from the plan: draining us-east-1 overloads us-west-2 (North America's next closest)", () => {
    const review = reviewCapacity(plan("llm-drain-us-east-1"), llm, true);
    expect(review.groups[0]).toBe("chat/us-east-1: dial 0");
    // All of North America's 900, and the 48% of South America's 120 whose metros are closer to Oregon than to Dublin.
    expect(review.overloads).toEqual([{ listener: "chat", region: "us-west-2", load: expect.closeTo(957.6, 1), capacity: 700 }]);
    expect(gatePassed(reviewPlan(plan("llm-drain-us-east-1"), llm), review)).toBe(false);
    expect(gatePassed(reviewPlan(plan("llm-drain-us-east-1"), llm), { ...review, strict: false })).toBe(true);
  });

  it("reads -var endpoint_weights from the plan: every weight of ap-northeast-1 at 0 sends Asia to eu-west-1, over its capacity", () => {
    const review = reviewCapacity(plan("llm-weights-zero-ap-northeast-1"), llm);
    expect(review.groups[3]).toBe("chat/ap-northeast-1: dial 100, every weight 0");
    expect(review.overloads).toEqual([{ listener: "chat", region: "eu-west-1", load: expect.closeTo(1222.8, 1), capacity: 1000 }]);
  });

  it("counts a group the plan deletes or lacks as taking no traffic", () => {
    const data = JSON.parse(readFileSync(fixture("llm-create"), "utf8"));
    data.resource_changes = data.resource_changes.filter((rc: { address: string }) => rc.address !== "aws_globalaccelerator_endpoint_group.chat_eu-west-1");
    const review = reviewCapacity(readPlan(JSON.stringify(data), "p"), llm);
    expect(review.groups[1]).toBe("chat/eu-west-1: not in the plan, no traffic");
    expect(review.overloads.map((o) => o.region)).toEqual(["us-east-1", "ap-northeast-1"]);
  });

  it("checks nothing for a stack without demand and capacity, and says nothing about it", () => {
    const review = reviewCapacity(plan("listener-moved"), loadModel({}).model!.stacks[0], true);
    expect(review).toEqual({ checked: false, strict: true, groups: [], overloads: [] });
    expect(renderText(reviewPlan(plan("listener-moved"), { allowDestroy: [] }), "smart-routing", review)).not.toContain("capacity");
  });
});

describe("npm run plan-gate", () => {
  const gate = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ["scripts/plan-gate.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, SMART_ROUTING_CONFIG: undefined, ...env } });

  it("exits 0 on a plan that passes and prints the summary", () => {
    const run = gate([fixture("listener-moved")]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Plan for smart-routing: 0 to create");
    expect(run.stdout).toContain("move    aws_globalaccelerator_listener.inference  (moved from aws_globalaccelerator_listener.inference-v1)");
    expect(run.stdout).toMatch(/plan-gate: passed\n$/);
  });

  it("exits 1 on a plan that replaces the accelerator, naming the address and action, and writes the Markdown", () => {
    const markdown = join(mkdtempSync(join(tmpdir(), "plan-gate-")), "summary.md");
    const run = gate([fixture("replace-accelerator"), "--markdown", markdown]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("plan-gate: FAILED: the plan would destroy 1 protected resource(s):\n  aws_globalaccelerator_accelerator.accelerator: replace:");
    expect(readFileSync(markdown, "utf8")).toContain("❌ plan gate failed");
  });

  it("takes the stack's allowDestroy from the config named by SMART_ROUTING_CONFIG and --stack", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-gate-"));
    const config = JSON.parse(JSON.stringify(DEFAULT_CONFIG));
    config.stacks[0].allowDestroy = ["listeners", "endpointGroups"];
    writeFileSync(join(dir, "c.json"), JSON.stringify(config));
    const run = gate([fixture("listener-renamed-without-moved"), "--stack", "smart-routing"], { SMART_ROUTING_CONFIG: join(dir, "c.json") });
    expect(run.stdout).toContain("delete  aws_globalaccelerator_listener.inference-v1");
    expect(run.stdout).not.toContain("protected resource");
    // The deletes are allowed; what fails the gate is the new listener taking 443 while the old one still
    // holds it (plan-gate-swap.test.ts): renamedFrom is how a listener is renamed.
    expect(run.stdout).toContain("plan-gate: aws_globalaccelerator_listener.inference takes TCP 443, which aws_globalaccelerator_listener.inference-v1 gives up in the same apply");
    expect(run.status).toBe(1);
  });

  it("reads the plan from standard input with -, as the workflows pipe terraform show -json into it", () => {
    const run = spawnSync(process.execPath, ["scripts/plan-gate.js", "-"], {
      cwd: ROOT,
      encoding: "utf8",
      input: readFileSync(fixture("replace-accelerator"), "utf8"),
      env: { ...process.env, SMART_ROUTING_CONFIG: undefined },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("aws_globalaccelerator_accelerator.accelerator: replace:");
    const empty = spawnSync(process.execPath, ["scripts/plan-gate.js", "-"], { cwd: ROOT, encoding: "utf8", input: "", env: { ...process.env, SMART_ROUTING_CONFIG: undefined } });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/^plan-gate: standard input/);
  });

  it.each([
    ["no plan file", [], "plan-gate: expected one plan JSON file, received 0"],
    ["a missing file", ["nope.json"], "plan-gate: cannot read nope.json: no such file"],
    ["a stack the config does not have", [fixture("listener-moved"), "--stack", "prod"], 'plan-gate: no stack named "prod" in this config; its stacks are: smart-routing'],
    ["a plan of another stack", [fixture("llm-create")], `plan-gate: ${fixture("llm-create")} is not a plan of stack smart-routing: its configuration declares no aws_globalaccelerator_listener.inference`],
    ["a Markdown file it cannot write", [fixture("listener-moved"), "--markdown", "/nonexistent/summary.md"], "plan-gate: cannot write /nonexistent/summary.md: ENOENT"],
  ])("exits 2 on %s with a clear message, and prints no verdict", (_name, args, message) => {
    const run = gate(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).not.toContain("plan-gate: passed");
  });

  it("prints the regions the plan would overload and passes; --capacity-strict fails it, in the Markdown too", () => {
    const env = { SMART_ROUTING_CONFIG: "examples/llm-multi-region.yaml" };
    const warned = gate([fixture("llm-drain-us-east-1")], env);
    expect(warned.status).toBe(0);
    expect(warned.stdout).toContain(
      "plan-gate: capacity: warning (--capacity-strict would fail the gate): the plan would overload 1 region(s):\n  chat/us-west-2 at 957.6 / 700 (136.8%)\nplan-gate: passed\n",
    );
    const markdown = join(mkdtempSync(join(tmpdir(), "plan-gate-")), "summary.md");
    const strict = gate([fixture("llm-drain-us-east-1"), "--capacity-strict", "--markdown", markdown], env);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain("plan-gate: capacity: FAILED (--capacity-strict): the plan would overload 1 region(s):\n  chat/us-west-2 at 957.6 / 700 (136.8%)\nplan-gate: failed\n");
    expect(readFileSync(markdown, "utf8")).toContain("❌ plan gate failed\n\n7 to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n\n**Capacity (--capacity-strict):** the plan's dials and weights would overload:\n- `chat/us-west-2 at 957.6 / 700 (136.8%)`");
    expect(gate([fixture("llm-create"), "--capacity-strict"], env).status).toBe(0);
  });

  it("exits 2 when the config has several stacks and --stack names none", () => {
    const run = gate([fixture("listener-moved")], { SMART_ROUTING_CONFIG: "examples/multi-stack.yaml" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("plan-gate: this config has several stacks (llm-staging, llm-prod); name one with --stack\n");
  });
});
