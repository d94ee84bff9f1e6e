// The CI roles' IAM, proven by the provider's own calls: the default config, examples/full.yaml's two
// stacks and the default config with a steered group (the autopilot's SSM parameter) are planned, applied
// (created, then changed) and destroyed (a saved destroy plan applied, as CI would) with real Terraform
// and the real provider against moto and the local Global Accelerator API, every call recorded per phase,
// and each call's IAM authorization checked against the documents `npm run iam-policy` writes. The plan
// role must allow every call of a plan, the apply role every call of an apply, the destroy's
// DeleteAccelerator is denied unless --break-glass, and nothing is allowed that no recorded call needs.
// The operations each phase calls are committed, so a provider or Terraform upgrade that calls something
// new fails here, naming it. The four stacks run in parallel.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLAMP_STATEMENT_IDS, stackPolicies, type PolicyDocument, type StackPolicies } from "../src/iam/policies";
import { startLocalAws, type LocalAws } from "./support/deploy";
import { conditionHolds, evaluate, statementApplies, wildcardMatch, type Decision } from "./support/iam-evaluator";
import { neededAuthorizations, type NeededAuthorization } from "./support/iam-requests";
import { laneConfig, operationDifferences, operationsByPhase, PHASES, recordLane, type LaneSpec, type OperationsByPhase, type Phase, type RecordedLane } from "./support/recorded-run";
import { ROOT } from "./support/run";

const ACCOUNT = "123456789012"; // moto's and the local Global Accelerator API's account
const OPERATIONS_FILE = join(ROOT, "__tests__", "fixtures", "iam-operations.json");

// Every apply phase creates its stack. The apply phase of ai-models-prod then changes it, so that every
// kind of update is called: tags changed and removed (on the Shield protection too), the accelerator
// renamed, flow logs moved, a listener's client affinity and a group's dial changed, a group and a
// listener removed, the DNS records updated in place. The other two stacks are only created and destroyed
// (which saves two Terraform runs each): their updates would be the same actions under the same
// statements (accelerator/*; the zone with the stack's own record names and types, which its create and
// destroy already use), and the plan of each deployed stack (its destroy's) still reads everything back.
const LANES: Readonly<Record<string, LaneSpec>> = {
  "smart-routing": { config: undefined, stack: "smart-routing" },
  "ai-models-prod": {
    config: "examples/full.yaml",
    stack: "ai-models-prod",
    change: (stack) => {
      stack.tags = { team: "inference-platform" };
      stack.accelerator.name = "ai-models-renamed";
      stack.accelerator.flowLogs.prefix = "ai-models-v2/";
      stack.dns.evaluateTargetHealth = false;
      const inference = stack.listeners.find((l: { name: string }) => l.name === "inference");
      inference.clientAffinity = "NONE";
      inference.endpointGroups[0].trafficDialPercentage = 50;
      inference.endpointGroups.pop();
      stack.listeners = stack.listeners.filter((l: { name: string }) => l.name !== "streaming");
    },
  },
  "ai-models-dualstack": { config: "examples/full.yaml", stack: "ai-models-dualstack" },
  // The default config with a steered group: the stack publishes the autopilot's SSM parameter, which the
  // change rewrites (a new ceiling) and retags.
  steered: {
    config: undefined,
    stack: "steered",
    start: (stack) => {
      stack.tags = { team: "inference" };
      stack.autopilot = { prometheus: { url: "http://prometheus.monitoring:9090" } };
      const [west, east] = stack.listeners[0].endpointGroups;
      Object.assign(west, { capacity: 300 });
      Object.assign(east, { capacity: 400, modelServer: "vllm", autopilot: { signal: "queue", lowWatermark: 4, highWatermark: 16 } });
    },
    change: (stack) => {
      stack.tags = { owner: "inference-platform" };
      stack.listeners[0].endpointGroups[1].trafficDialPercentage = 60;
    },
  },
};

const written = new Map<LaneSpec, string>();
/** The config file `npm run iam-policy` reads for a lane: its own, or, for a lane that starts elsewhere, that config written out. */
function configFile(spec: LaneSpec): string | undefined {
  if (spec.start === undefined) return spec.config;
  if (!written.has(spec)) {
    const file = join(mkdtempSync(join(tmpdir(), "iam-calls-config-")), "config.json");
    writeFileSync(file, JSON.stringify(laneConfig(spec)));
    written.set(spec, file);
  }
  return written.get(spec);
}

/** The four documents per stack, as `npm run iam-policy` writes them for a config. */
function iamPolicyDocuments(config: string | undefined, extra: string[] = []): Map<string, StackPolicies> {
  const out = mkdtempSync(join(tmpdir(), "iam-calls-"));
  const run = spawnSync(process.execPath, ["scripts/iam-policy.js", "--repo", "acme/smart-routing", "--account", ACCOUNT, "--out", out, ...extra], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, SMART_ROUTING_CONFIG: config, GITHUB_REPOSITORY: undefined },
  });
  if (run.status !== 0) throw new Error(`npm run iam-policy failed:\n${run.stderr}`);
  const read = (stack: string, file: string) => JSON.parse(readFileSync(join(out, stack, file), "utf8")) as PolicyDocument;
  const stacks = [...run.stdout.matchAll(/^wrote .*\/([^/]+)\/\{/gm)].map((m) => m[1]);
  return new Map(
    stacks.map((stack) => [
      stack,
      { planRole: read(stack, "plan-role-policy.json"), applyRole: read(stack, "apply-role-policy.json"), planTrust: read(stack, "plan-role-trust.json"), applyTrust: read(stack, "apply-role-trust.json") },
    ]),
  );
}

interface Lane extends RecordedLane {
  readonly name: string;
  readonly documents: StackPolicies;
  readonly breakGlass: StackPolicies;
  readonly needs: Readonly<Record<Phase, readonly NeededAuthorization[]>>;
}

let aws: LocalAws;
let lanes: Lane[];
const started = Date.now();

beforeAll(async () => {
  aws = await startLocalAws(0);
  const documents = new Map<string | undefined, [Map<string, StackPolicies>, Map<string, StackPolicies>]>();
  for (const config of new Set(Object.values(LANES).map(configFile))) documents.set(config, [iamPolicyDocuments(config), iamPolicyDocuments(config, ["--break-glass"])]);
  // Every lane finishes (and stops its servers) before a failure is reported, so none outlives moto.
  const settled = await Promise.allSettled(Object.values(LANES).map((spec) => recordLane(aws.s3, spec, aws.loadBalancers)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  const recorded = settled.map((s) => (s as PromiseFulfilledResult<RecordedLane>).value);
  lanes = Object.entries(LANES).map(([name, spec], i) => {
    const [plain, breakGlass] = documents.get(configFile(spec))!;
    const calls = recorded[i].calls;
    const needs = Object.fromEntries(PHASES.map((phase) => [phase, calls[phase].flatMap((call) => neededAuthorizations(call, ACCOUNT))])) as Record<Phase, NeededAuthorization[]>;
    return { ...recorded[i], name, documents: plain.get(spec.stack)!, breakGlass: breakGlass.get(spec.stack)!, needs };
  });
  const steps = lanes.flatMap((l) => l.steps.map((s) => `${l.name} ${s.phase}: ${s.command} ${(s.ms / 1000).toFixed(1)} s`));
  process.stdout.write(`iam-calls: recorded in ${((Date.now() - started) / 1000).toFixed(1)} s\n${steps.join("\n")}\n`);
});
afterAll(async () => aws?.stop());

const describeNeed = (phase: Phase, n: NeededAuthorization) => `${phase}: ${n.call} needs ${n.action} on ${n.resource}${Object.keys(n.context).length > 1 ? ` ${JSON.stringify(n.context)}` : ""}`;

/** Every needed authorization of the phases that the document does not decide as `expected`, described. */
function decidedOtherwise(document: PolicyDocument, lane: Lane, phases: readonly Phase[], expected: Decision, except: (n: NeededAuthorization) => boolean = () => false): string[] {
  const found = phases.flatMap((phase) => lane.needs[phase].filter((n) => !except(n) && evaluate(document, n).decision !== expected).map((n) => `${describeNeed(phase, n)}: ${evaluate(document, n).decision}`));
  return [...new Set(found)];
}

const isDeleteAccelerator = (n: NeededAuthorization) => n.action === "globalaccelerator:DeleteAccelerator";

describe.each(Object.keys(LANES))("the CI roles of %s", (name) => {
  const lane = () => lanes.find((l) => l.name === name)!;

  it("are the documents npm run iam-policy writes, and the change the apply phase makes needs no others", () => {
    const { model, changedModel, documents } = lane();
    // The CI roles' four documents (a stack with an autopilot also gets the autopilot's role, proven in autopilot-iam.terraform.test.ts).
    const ciRoles = (p: StackPolicies) => ({ planRole: p.planRole, applyRole: p.applyRole, planTrust: p.planTrust, applyTrust: p.applyTrust });
    expect(documents).toEqual(ciRoles(stackPolicies(model, { account: ACCOUNT, repository: "acme/smart-routing", breakGlass: false })));
    expect(ciRoles(stackPolicies(changedModel, { account: ACCOUNT, repository: "acme/smart-routing" }))).toEqual(documents);
  });

  it("let the plan role make every call of a plan (init, a new stack, a deployed one with a change, its destroy)", () => {
    expect(decidedOtherwise(lane().documents.planRole, lane(), ["plan"], "allowed")).toEqual([]);
  });

  it("let the apply role make every call of a plan and an apply (create, change, delete a listener or group)", () => {
    expect(decidedOtherwise(lane().documents.applyRole, lane(), ["plan", "apply"], "allowed")).toEqual([]);
  });

  it("deny the destroy's DeleteAccelerator explicitly without --break-glass, and allow the rest of the destroy", () => {
    const { applyRole } = lane().documents;
    expect(lane().needs.destroy.filter(isDeleteAccelerator)).toHaveLength(1);
    expect(decidedOtherwise(applyRole, lane(), ["destroy"], "explicitly denied", (n) => !isDeleteAccelerator(n))).toEqual([]);
    expect(decidedOtherwise(applyRole, lane(), ["destroy"], "allowed", isDeleteAccelerator)).toEqual([]);
  });

  it("allow the whole destroy with --break-glass", () => {
    expect(decidedOtherwise(lane().breakGlass.applyRole, lane(), ["plan", "apply", "destroy"], "allowed")).toEqual([]);
  });
});

/**
 * What an Allow statement grants, and what of it none of the needed authorizations uses: an action, a
 * resource, or one value of a condition, each as "<Sid>: <what>".
 */
function grants(document: PolicyDocument, needs: readonly NeededAuthorization[]): { actions: string[]; unusedActions: string[]; unusedRest: string[] } {
  const [actions, unusedActions, unusedRest]: string[][] = [[], [], []];
  // The clamp's statements serve the autopilot's calls after an apply, not Terraform's: proven in autopilot-iam.terraform.test.ts.
  document = { ...document, Statement: document.Statement.filter((s) => !(CLAMP_STATEMENT_IDS as readonly (string | undefined)[]).includes(s.Sid)) };
  for (const statement of document.Statement.filter((s) => s.Effect === "Allow")) {
    const using = needs.filter((n) => statementApplies(statement, n));
    for (const action of [statement.Action].flat()) {
      actions.push(`${statement.Sid}: ${action}`);
      if (!using.some((n) => wildcardMatch(action, n.action, true))) unusedActions.push(`${statement.Sid}: ${action}`);
    }
    for (const resource of [statement.Resource ?? []].flat()) if (!using.some((n) => wildcardMatch(resource, n.resource))) unusedRest.push(`${statement.Sid}: ${resource}`);
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
      for (const [key, values] of Object.entries(keys)) {
        for (const value of [values].flat()) if (!using.some((n) => conditionHolds(operator, key, [value], n.context))) unusedRest.push(`${statement.Sid}: ${operator} ${key} = ${value}`);
      }
    }
  }
  return { actions, unusedActions, unusedRest };
}

describe("what the roles allow", () => {
  const roles: [string, (l: Lane) => PolicyDocument, Phase[]][] = [
    ["plan role", (l) => l.documents.planRole, ["plan"]],
    // The apply role also makes the destroy (all of it but DeleteAccelerator), so a destroy's call is a use.
    ["apply role", (l) => l.documents.applyRole, ["plan", "apply", "destroy"]],
    ["apply role with --break-glass", (l) => l.breakGlass.applyRole, ["plan", "apply", "destroy"]],
  ];

  // Resources and condition values come from each stack's own config, so each stack must use its own;
  // actions are granted alike to every stack, so one stack's recorded call shows that one is needed.
  it.each(roles)("is needed by a recorded call: every action, resource and condition value of the %s", (_role, document, phases) => {
    const found = lanes.map((l) => ({ name: l.name, ...grants(document(l), phases.flatMap((p) => l.needs[p])) }));
    expect(found.flatMap((f) => f.unusedRest.map((r) => `${f.name}: ${r}`))).toEqual([]);
    const used = new Set(found.flatMap((f) => f.actions.filter((a) => !f.unusedActions.includes(a))));
    expect([...new Set(found.flatMap((f) => f.unusedActions))].filter((a) => !used.has(a))).toEqual([]);
  });
});

describe("the operations each phase calls", () => {
  it("are the ones committed in __tests__/fixtures/iam-operations.json: an upgrade that calls something new fails here, naming it", () => {
    const recorded = operationsByPhase(lanes);
    // SMART_ROUTING_RECORD_OPERATIONS=1 rewrites the file, once the new calls' IAM is checked.
    if (process.env.SMART_ROUTING_RECORD_OPERATIONS === "1") writeFileSync(OPERATIONS_FILE, `${JSON.stringify(recorded, null, 2)}\n`);
    const committed = JSON.parse(readFileSync(OPERATIONS_FILE, "utf8")) as OperationsByPhase;
    expect(operationDifferences(recorded, committed, "iam-operations.json")).toEqual([]);
  });
});
