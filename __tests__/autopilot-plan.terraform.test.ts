// Terraform and the autopilot never fight, shown with real Terraform and the real provider against moto
// (state, and the SSM parameter the stack publishes) and the local Global Accelerator API: a stack with a
// steered group is applied and publishes exactly what the autopilot reads; the dial is then moved through
// the API (UpdateEndpointGroup, as the autopilot moves it) and the next plan is empty, outputs and all;
// an operator's traffic_dials override changes the published ceiling, never the steered dial, while an
// unsteered group's dial follows the override as before.
import { SsmPublishedReader } from "../src/autopilot/aws";
import type { PublishedStack } from "../src/autopilot/types";
import { configHash } from "../src/model/config-hash";
import { ADDRESS } from "../src/model/contract";
import { reviewCapacity } from "../src/plan-gate/capacity";
import { readPlan } from "../src/plan-gate/plan-json";
import { renderText } from "../src/plan-gate/render";
import { reviewPlan } from "../src/plan-gate/review";
import { defaultConfigNamed, endpointGroupIn, prepare, startLocalAws, terraform, type Deployment, type LocalAws } from "./support/deploy";
import { request } from "./support/local-aws";

const NAME = "steered";
/** A query with quotes, a backslash and a non-ASCII character: what must survive HCL and jsonencode. */
const QUERY = 'avg by (region) (vllm:num_requests_waiting{model=~"llama\\\\-3", note="é"})';

let aws: LocalAws;
let d: Deployment;

beforeAll(async () => {
  aws = await startLocalAws(0);
  d = await prepare(
    aws,
    defaultConfigNamed(NAME, (stack) => {
      stack.autopilot = { prometheus: { url: "http://prometheus.monitoring:9090" } };
      stack.demand = { "north-america": 500 };
      const [west, east] = stack.listeners[0].endpointGroups;
      west.capacity = 300;
      east.capacity = 400;
      east.trafficDialPercentage = 90;
      east.modelServer = "vllm";
      east.metricsLabels = { model: 'llama "3"' };
      east.autopilot = { signal: { query: QUERY }, lowWatermark: 4, highWatermark: 16, maxStepPercent: 25 };
    }),
    NAME,
  );
  const init = await terraform(d, ["init", "-input=false", "-no-color"]);
  if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stdout}${init.stderr}`);
  const apply = await terraform(d, ["apply", "-auto-approve", "-input=false", "-no-color"]);
  if (apply.status !== 0) throw new Error(`terraform apply failed:\n${apply.stdout}${apply.stderr}`);
});
afterAll(async () => aws?.stop());

const groupIn = (region: string) => endpointGroupIn(aws, NAME, region);

/** The parameter as the autopilot reads it: its own reader (GetParameter in us-west-2, the value checked against its schema). */
async function published(): Promise<PublishedStack> {
  const reader = new SsmPublishedReader({ endpoint: aws.s3, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  try {
    return await reader.read(NAME);
  } finally {
    reader.destroy();
  }
}

/** What the autopilot must read for the steered group, with the given ceiling. */
function expectedPublication(ceiling: number, unsteeredDial: number): PublishedStack {
  return {
    version: 1,
    stack: NAME,
    configHash: configHash(d.model),
    groups: [
      {
        key: "inference/us-east-1",
        listener: "inference",
        region: "us-east-1",
        arn: groupIn("us-east-1").EndpointGroupArn,
        ceiling,
        capacity: 400,
        metricsLabels: { model: 'llama "3"' },
        settings: { signal: { query: QUERY }, lowWatermark: 4, highWatermark: 16, minDialPercent: 10, maxStepPercent: 25, holdForSeconds: 120, settleForSeconds: 60 },
      },
    ],
    // The group Terraform alone steers, with the dial Terraform sets it to: the autopilot reads its health.
    others: [{ key: "inference/us-west-1", listener: "inference", region: "us-west-1", arn: groupIn("us-west-1").EndpointGroupArn, ceiling: unsteeredDial }],
  };
}

/** An UpdateEndpointGroup of the dial alone, signed for the API's region, as the autopilot's SDK call is. */
async function moveDial(arn: string, dial: number): Promise<void> {
  const answer = await request(aws.ga.endpoint, "POST", "/", JSON.stringify({ EndpointGroupArn: arn, TrafficDialPercentage: dial }), {
    authorization: "AWS4-HMAC-SHA256 Credential=AKIAAUTOPILOT/20260101/us-west-2/globalaccelerator/aws4_request, SignedHeaders=host, Signature=0",
    "x-amz-target": "GlobalAccelerator_V20180706.UpdateEndpointGroup",
    "content-type": "application/x-amz-json-1.1",
  });
  expect(answer.status).toBe(200);
}

interface PlannedChange {
  readonly address: string;
  readonly change: { readonly actions: string[]; readonly before: Record<string, unknown> | null; readonly after: Record<string, unknown> | null };
}

/** `terraform plan -out` with `args`, then `terraform show -json` of it: the resource changes by address, and the JSON. */
async function planned(args: string[]): Promise<{ changes: Map<string, PlannedChange>; json: string }> {
  const plan = await terraform(d, ["plan", "-input=false", "-no-color", "-out=autopilot.tfplan", ...args]);
  expect([plan.status, plan.stderr]).toEqual([0, ""]);
  const show = await terraform(d, ["show", "-json", "autopilot.tfplan"]);
  const json = JSON.parse(show.stdout) as { resource_changes: PlannedChange[] };
  return { changes: new Map(json.resource_changes.map((rc) => [rc.address, rc])), json: show.stdout };
}

describe("a stack with a steered group, applied", () => {
  it("publishes in us-west-2 each steered group's ARN, ceiling, capacity, labels and settings, and the config's hash, as the autopilot's reader reads it", async () => {
    expect(await published()).toEqual(expectedPublication(90, 100));
  });

  it("creates the steered group at its config dial, the ceiling", () => {
    expect(groupIn("us-east-1").TrafficDialPercentage).toBe(90);
  });
});

describe("after the autopilot moves a steered dial through the API", () => {
  beforeAll(async () => moveDial(groupIn("us-east-1").EndpointGroupArn, 37.5));

  it("terraform plan -detailed-exitcode finds no changes: no resource, no output, no parameter", async () => {
    const plan = await terraform(d, ["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    expect([plan.status, plan.stderr]).toEqual([0, ""]);
    expect(plan.stdout).toContain("No changes. Your infrastructure matches the configuration.");
    expect(groupIn("us-east-1").TrafficDialPercentage).toBe(37.5);
  });

  it("an operator's traffic_dials plans a new ceiling for the steered group, never its dial; the unsteered dial follows the override", async () => {
    const { changes, json } = await planned(["-var", `traffic_dials={"inference/us-east-1"=40,"inference/us-west-1"=50}`]);
    const parameter = changes.get(ADDRESS.autopilotParameter)!;
    expect(parameter.change.actions).toEqual(["update"]);
    expect(JSON.parse(parameter.change.before?.insecure_value as string).groups[0].ceiling).toBe(90);
    expect(JSON.parse(parameter.change.after?.insecure_value as string).groups[0].ceiling).toBe(40);
    expect(changes.get(ADDRESS.endpointGroup({ listener: "inference", region: "us-east-1" }))?.change.actions).toEqual(["no-op"]);
    const west = changes.get(ADDRESS.endpointGroup({ listener: "inference", region: "us-west-1" }))!;
    expect([west.change.actions, west.change.before?.traffic_dial_percentage, west.change.after?.traffic_dial_percentage]).toEqual([["update"], 100, 50]);

    // The plan gate, on that plan: it reports the ceiling change, and checks capacity at the ceiling (40),
    // not at the dial the autopilot left (37.5, which the plan shows as the group's).
    expect(changes.get(ADDRESS.endpointGroup({ listener: "inference", region: "us-east-1" }))?.change.after?.traffic_dial_percentage).toBe(37.5);
    const plan = readPlan(json, "plan.json");
    const text = renderText(reviewPlan(plan, { allowDestroy: [] }), NAME, reviewCapacity(plan, d.model));
    expect(text).toContain(`  update  ${ADDRESS.autopilotParameter}  (inference/us-east-1 ceiling 90 → 40)\n`);
    expect(text).toContain("capacity with the dials and weights the plan leaves (every region healthy): inference/us-west-1: dial 50; inference/us-east-1: ceiling 40\n");
  });

  it("applied, the override is published as the ceiling and leaves the steered dial where the autopilot put it; the next plan is empty", async () => {
    const apply = await terraform(d, ["apply", "-input=false", "-no-color", "autopilot.tfplan"]);
    expect([apply.status, apply.stderr]).toEqual([0, ""]);
    expect(await published()).toEqual(expectedPublication(40, 50));
    expect(groupIn("us-east-1").TrafficDialPercentage).toBe(37.5);
    expect(groupIn("us-west-1").TrafficDialPercentage).toBe(50);
    const again = await terraform(d, ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-var", `traffic_dials={"inference/us-east-1"=40,"inference/us-west-1"=50}`]);
    expect([again.status, again.stderr]).toEqual([0, ""]);
  });
});
