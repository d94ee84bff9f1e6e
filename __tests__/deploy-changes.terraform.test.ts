// A stack's life with the real cdktf CLI, Terraform and provider against the local Global Accelerator API
// (state in S3 on moto): deployed, changed in place (dial, weight, health check, a new endpoint, a new
// region), steered with the operators' -var overrides, a listener renamed with renamedFrom, then
// destroyed: refused while prevent_destroy is on, and in the order the API requires once it is off.
// The steps build on each other, as a stack's changes do; each checks what the API holds and which
// calls the provider made.
import type { RecordedCall } from "../src/local-aws/global-accelerator";
import { acceleratorsNamed, cdktf, configuredShape, defaultConfigNamed, prepare, shapeFromModel, staticIps, startLocalAws, terraform, type Deployment, type LocalAws } from "./support/deploy";

const NAME = "changes";
let aws: LocalAws;
let outdir: string;
let first: { arn: string; ips: string[] };

beforeAll(async () => {
  aws = await startLocalAws(0);
});
afterAll(async () => aws?.stop());

/** Synthesizes the changed config into the same cdktf.out (as a user does) and deploys it with cdktf. */
async function deploy(config: unknown, extra: string[] = []): Promise<{ deployment: Deployment; output: string; calls: RecordedCall[] }> {
  const deployment = await prepare(aws, config, NAME, outdir);
  outdir = deployment.outdir;
  const before = aws.ga.calls().length;
  const result = await cdktf(deployment, "deploy", extra);
  if (result.status !== 0) throw new Error(`cdktf deploy failed:\n${result.stdout}${result.stderr}`);
  return { deployment, output: result.stdout, calls: aws.ga.calls().slice(before) };
}

const operations = (calls: RecordedCall[]) => calls.filter((c) => c.status === 200).map((c) => c.operation);
const changesIn = (calls: RecordedCall[]) => operations(calls).filter((op) => /^(Create|Update|Delete|Tag|Untag)/.test(op ?? ""));

async function secondPlanIsEmpty(d: Deployment): Promise<void> {
  const plan = await terraform(d, ["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
  expect([plan.status, plan.stdout]).toEqual([0, expect.stringContaining("No changes.")]);
}

function theAccelerator() {
  const held = acceleratorsNamed(aws, NAME);
  expect(held).toHaveLength(1);
  return held[0];
}

const CHANGED = (stack: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const [west, east] = stack.listeners[0].endpointGroups;
  west.endpoints[0].weight = 64;
  west.healthCheck = { protocol: "HTTP", port: 8000, path: "/health", intervalSeconds: 10, thresholdCount: 2 };
  east.trafficDialPercentage = 50;
  east.endpoints.push({ type: "instance", id: "i-0123456789abcdef0", weight: 32 });
  stack.listeners[0].endpointGroups.push({ region: "eu-west-1", endpoints: [{ type: "eip", id: "eipalloc-0a0b0c0d0e0f01234" }] });
};

describe("cdktf deploy of a new stack", () => {
  it("creates the accelerator, listener and groups the config says, and the second plan is empty", async () => {
    const { deployment, output } = await deploy(defaultConfigNamed(NAME));
    expect(output).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    const held = theAccelerator();
    expect(configuredShape(held)).toEqual(shapeFromModel(deployment.model, new Map()));
    first = { arn: held.AcceleratorArn as string, ips: staticIps(held) };
    await secondPlanIsEmpty(deployment);
  });
});

describe("a change of dial, weight, health check, a new endpoint and a new region", () => {
  it("applies in place: the accelerator, its ARN and its static IPs stay; nothing is deleted", async () => {
    const { deployment, output, calls } = await deploy(defaultConfigNamed(NAME, CHANGED));
    expect(output).toContain("Apply complete! Resources: 1 added, 2 changed, 0 destroyed.");
    expect(changesIn(calls).sort()).toEqual(["CreateEndpointGroup", "UpdateEndpointGroup", "UpdateEndpointGroup"]);
    const held = theAccelerator();
    expect([held.AcceleratorArn, staticIps(held)]).toEqual([first.arn, first.ips]);
    expect(configuredShape(held)).toEqual(shapeFromModel(deployment.model, new Map()));
    await secondPlanIsEmpty(deployment);
  });
});

describe("the operators' -var overrides, through cdktf deploy --var", () => {
  it("drain one group and zero one endpoint, changing only those two groups", async () => {
    const before = configuredShape(theAccelerator());
    const { output, calls } = await deploy(defaultConfigNamed(NAME, CHANGED), [
      '--var=traffic_dials={"inference/us-east-1"=0}',
      '--var=endpoint_weights={"inference/us-west-1/eipalloc-0a1b2c3d4e5f60718"=0}',
    ]);
    expect(output).toContain("Apply complete! Resources: 0 added, 2 changed, 0 destroyed.");
    expect(changesIn(calls)).toEqual(["UpdateEndpointGroup", "UpdateEndpointGroup"]);
    const after = configuredShape(theAccelerator());
    const groups = (shape: typeof before) => Object.fromEntries(shape.Listeners[0].EndpointGroups.map((g) => [g.EndpointGroupRegion, g]));
    expect(groups(after)["us-east-1"]).toEqual({ ...groups(before)["us-east-1"], TrafficDialPercentage: 0 });
    expect(groups(after)["us-west-1"].Endpoints).toEqual([{ ...groups(before)["us-west-1"].Endpoints[0], Weight: 0 }]);
    expect(groups(after)["eu-west-1"]).toEqual(groups(before)["eu-west-1"]);
    expect({ ...groups(after)["us-west-1"], Endpoints: [] }).toEqual({ ...groups(before)["us-west-1"], Endpoints: [] });
  });
});

describe("a listener renamed with renamedFrom", () => {
  it("applies as a move: no listener or group is deleted or created, and the ARNs stay", async () => {
    const listenerArn = (theAccelerator().Listeners as { ListenerArn: string }[])[0].ListenerArn;
    const renamed = defaultConfigNamed(NAME, (stack) => {
      CHANGED(stack);
      Object.assign(stack.listeners[0], { name: "serving", renamedFrom: "inference" });
    });
    const { deployment, output, calls } = await deploy(renamed);
    // The -var overrides of the step before are not passed again: the two groups go back to the config.
    expect(output).toContain("Apply complete! Resources: 0 added, 2 changed, 0 destroyed.");
    expect(output).toContain("has moved to aws_globalaccelerator_listener.serving");
    expect(changesIn(calls)).toEqual(["UpdateEndpointGroup", "UpdateEndpointGroup"]);
    expect((theAccelerator().Listeners as { ListenerArn: string }[]).map((l) => l.ListenerArn)).toEqual([listenerArn]);
    const state = await terraform(deployment, ["state", "list"]);
    expect(state.stdout.split("\n").filter((a) => a.startsWith("aws_globalaccelerator_")).sort()).toEqual([
      "aws_globalaccelerator_accelerator.accelerator",
      "aws_globalaccelerator_endpoint_group.serving_eu-west-1",
      "aws_globalaccelerator_endpoint_group.serving_us-east-1",
      "aws_globalaccelerator_endpoint_group.serving_us-west-1",
      "aws_globalaccelerator_listener.serving",
    ]);
    await secondPlanIsEmpty(deployment);
  });
});

describe("cdktf destroy", () => {
  const renamed = (protect: boolean) =>
    defaultConfigNamed(NAME, (stack) => {
      CHANGED(stack);
      Object.assign(stack.listeners[0], { name: "serving", renamedFrom: "inference" });
      stack.accelerator.protectFromDestroy = protect;
    });

  it("is refused while prevent_destroy is on, and nothing is deleted or disabled", async () => {
    const deployment = await prepare(aws, renamed(true), NAME, outdir);
    const before = aws.ga.calls().length;
    const destroyed = await cdktf(deployment, "destroy");
    expect(destroyed.status).not.toBe(0);
    expect(destroyed.stdout + destroyed.stderr).toContain("Instance cannot be destroyed");
    expect(changesIn(aws.ga.calls().slice(before))).toEqual([]);
    expect(theAccelerator().Enabled).toBe(true);
  });

  it("with protectFromDestroy: false, removes every group, then the listener, disables and then deletes the accelerator", async () => {
    const { output, calls: deployCalls } = await deploy(renamed(false));
    // prevent_destroy is Terraform's own setting: turning it off changes nothing in the API.
    expect(output).toContain("No changes.");
    expect(changesIn(deployCalls)).toEqual([]);
    const deployment = await prepare(aws, renamed(false), NAME, outdir);
    const before = aws.ga.calls().length;
    const destroyed = await cdktf(deployment, "destroy");
    expect(destroyed.stdout).toContain("Destroy complete! Resources: 5 destroyed.");
    expect(changesIn(aws.ga.calls().slice(before))).toEqual([
      "DeleteEndpointGroup",
      "DeleteEndpointGroup",
      "DeleteEndpointGroup",
      "DeleteListener",
      "UpdateAccelerator",
      "DeleteAccelerator",
    ]);
    expect(acceleratorsNamed(aws, NAME)).toEqual([]);
  });
});
