// The autopilot role's IAM, proven by its adapters' own calls, as iam-calls.terraform.test.ts proves the CI
// roles: the SSM, S3 and Global Accelerator adapters and the lease make every call a run makes (the
// published parameter read, the state object read while absent, created with If-None-Match, read, replaced
// with If-Match, a write that lost its race, a lease a second contender is refused, a pause; the
// accelerator's status, a group's dial and health, a dial written) against moto (through the recording
// proxy) and the local Global Accelerator API; each call's IAM authorization is checked against the
// document `autopilotPolicy` writes, and every action, resource and condition value the role allows must be
// needed by one of them. No Terraform runs here (moto is the part this needs; see jest.config.js).
import { CreateAcceleratorCommand, CreateEndpointGroupCommand, CreateListenerCommand, GlobalAcceleratorClient } from "@aws-sdk/client-global-accelerator";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GlobalAcceleratorDialApi, S3StateStore, SsmPublishedReader, stateLocationOf } from "../src/autopilot/aws";
import { acquireOrRenew, pause, recordWrites } from "../src/autopilot/lease";
import { acceleratorArnOf, type PublishedStack } from "../src/autopilot/types";
import { autopilotPolicy, stackPolicies, type PolicyDocument } from "../src/iam/policies";
import { startGlobalAcceleratorApi, type GlobalAcceleratorApi } from "../src/local-aws/global-accelerator";
import { AUTOPILOT } from "../src/model/contract";
import { toModel, type StackModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { startAwsRecorder, type AwsRecorder } from "./support/aws-recorder";
import { validConfig } from "./support/configs";
import { conditionHolds, evaluate, statementApplies, wildcardMatch } from "./support/iam-evaluator";
import { fromGlobalAccelerator, fromWire, neededAuthorizations, type NeededAuthorization } from "./support/iam-requests";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startS3Server, createStateBucket, request } = require("../scripts/lib/moto-server");
/* eslint-enable @typescript-eslint/no-require-imports */

const ACCOUNT = "123456789012"; // moto's and the local Global Accelerator API's account
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/** validConfig's stack with an autopilot (the model's; config validation of `autopilot` is another part's). */
function autopilotStack(mode: "enforce" | "monitor", backend: Partial<StackModel["backend"]> = {}, prometheus: StackModel["autopilot"] extends infer A ? (A extends { prometheus: infer P } ? P : never) : never = { url: "http://prometheus.monitoring:9090" }): StackModel {
  const stack = toModel(parseConfig(validConfig()).config).stacks[0];
  return { ...stack, backend: { ...stack.backend, ...backend }, autopilot: { prometheus, intervalSeconds: 15, mode, staleAfterSeconds: 60 } };
}

let moto: { endpoint: string; stop: () => Promise<void> };
let recorder: AwsRecorder;
let ga: GlobalAcceleratorApi;

beforeAll(async () => {
  moto = await startS3Server();
  recorder = await startAwsRecorder(moto.endpoint);
  ga = await startGlobalAcceleratorApi({ deployDelayMs: 0 });
});
afterAll(async () => {
  await ga?.stop();
  await recorder?.stop();
  await moto?.stop();
});

/** Sets a stack up (not recorded), then runs every call the autopilot makes through the recorder; returns what they need. */
async function autopilotRun(stack: StackModel): Promise<NeededAuthorization[]> {
  const { bucket, region } = stack.backend;
  await createStateBucket(moto.endpoint, bucket, region);
  const setupGa = new GlobalAcceleratorClient({ region: "us-west-2", endpoint: ga.endpoint, credentials });
  const acc = await setupGa.send(new CreateAcceleratorCommand({ Name: stack.name, IdempotencyToken: `${stack.name}-${Math.random()}` }));
  const lis = await setupGa.send(new CreateListenerCommand({ AcceleratorArn: acc.Accelerator!.AcceleratorArn, Protocol: "TCP", PortRanges: [{ FromPort: 443, ToPort: 443 }], IdempotencyToken: `l-${Math.random()}` }));
  const group = await setupGa.send(
    new CreateEndpointGroupCommand({ ListenerArn: lis.Listener!.ListenerArn, EndpointGroupRegion: "us-east-1", IdempotencyToken: `g-${Math.random()}`, EndpointConfigurations: [{ EndpointId: "eipalloc-0a1b2c3d4e5f60001" }] }),
  );
  setupGa.destroy();
  const arn = group.EndpointGroup!.EndpointGroupArn!;
  const published: PublishedStack = {
    version: 1,
    stack: stack.name,
    configHash: "h",
    groups: [
      {
        key: "inference/us-east-1",
        listener: "inference",
        region: "us-east-1",
        arn,
        ceiling: 100,
        capacity: 100,
        metricsLabels: {},
        settings: { signal: "queue", lowWatermark: 2, highWatermark: 8, minDialPercent: 10, maxStepPercent: 20, holdForSeconds: 120, settleForSeconds: 60 },
      },
    ],
  };
  const setupSsm = new SSMClient({ region: AUTOPILOT.parameterRegion, endpoint: moto.endpoint, credentials });
  await setupSsm.send(new PutParameterCommand({ Name: AUTOPILOT.parameterName(stack.name), Value: JSON.stringify(published), Type: "String", Overwrite: true }));
  setupSsm.destroy();

  const [wire, accelerator] = [recorder.calls().length, ga.calls().length];
  const reader = new SsmPublishedReader({ endpoint: recorder.endpoint, credentials });
  const store = new S3StateStore(() => stateLocationOf(stack), { endpoint: recorder.endpoint, credentials });
  const dials = new GlobalAcceleratorDialApi({ endpoint: ga.endpoint, credentials });
  try {
    expect((await reader.read(stack.name)).groups[0].arn).toBe(arn);
    expect(await store.read(stack.name)).toEqual({ state: { version: 1, writes: {}, pauses: {} } }); // absent: 404
    expect((await acquireOrRenew(store, stack.name, "autopilot-1", 1000, 45)).held).toBe(true); // If-None-Match
    expect((await acquireOrRenew(store, stack.name, "autopilot-2", 1001, 45)).held).toBe(false);
    await pause(store, stack.name, "inference/us-east-1", "ops", "maintenance", 1002); // If-Match
    const stale = await store.read(stack.name);
    await acquireOrRenew(store, stack.name, "autopilot-1", 1003, 45);
    expect((await store.write(stack.name, stale.state, stale.etag)).written).toBe(false); // 412
    expect(await dials.acceleratorStatus(acceleratorArnOf(arn))).toBe("DEPLOYED");
    const { dial } = await dials.describeGroup(arn);
    await dials.setDial(arn, dial - 20);
    await recordWrites(store, stack.name, "autopilot-1", { "inference/us-east-1": { from: dial, to: dial - 20, at: 1004 } }, 1004);
  } finally {
    reader.destroy();
    store.destroy();
    dials.destroy();
  }
  const calls = [...recorder.calls().slice(wire).map(fromWire), ...ga.calls().slice(accelerator).map(fromGlobalAccelerator)];
  expect(calls.filter((c) => c.status === 412)).toHaveLength(1);
  expect(calls.filter((c) => c.status === 404)).toHaveLength(2); // the read above and the lease's first
  return calls.flatMap((c) => neededAuthorizations(c, ACCOUNT));
}

const denied = (policy: PolicyDocument, needs: readonly NeededAuthorization[]) =>
  [...new Set(needs.filter((n) => evaluate(policy, n).decision !== "allowed").map((n) => `${n.call} needs ${n.action} on ${n.resource}: ${evaluate(policy, n).decision}`))];

/** Every action, resource and condition value of an Allow statement that no needed authorization uses, as "<Sid>: <what>". */
function unused(policy: PolicyDocument, needs: readonly NeededAuthorization[]): string[] {
  const found: string[] = [];
  for (const statement of policy.Statement.filter((s) => s.Effect === "Allow")) {
    const using = needs.filter((n) => statementApplies(statement, n));
    for (const action of [statement.Action].flat()) if (!using.some((n) => wildcardMatch(action, n.action, true))) found.push(`${statement.Sid}: ${action}`);
    for (const resource of [statement.Resource ?? []].flat()) if (!using.some((n) => wildcardMatch(resource, n.resource))) found.push(`${statement.Sid}: ${resource}`);
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
      for (const [key, values] of Object.entries(keys)) for (const value of [values].flat()) if (!using.some((n) => conditionHolds(operator, key, [value], n.context))) found.push(`${statement.Sid}: ${operator} ${key} = ${value}`);
    }
  }
  return found;
}

describe("the autopilot role", () => {
  let enforce: StackModel;
  let needs: NeededAuthorization[];
  beforeAll(async () => {
    enforce = autopilotStack("enforce");
    needs = await autopilotRun(enforce);
  });

  it("is written by npm run iam-policy's stackPolicies for a stack with an autopilot, and only for one", () => {
    expect(stackPolicies(enforce, { account: ACCOUNT, repository: "acme/smart-routing" }).autopilotRole).toEqual(autopilotPolicy(enforce, { account: ACCOUNT }));
    const { autopilot: _, ...without } = enforce;
    expect(stackPolicies(without, { account: ACCOUNT, repository: "acme/smart-routing" })).not.toHaveProperty("autopilotRole");
  });

  it("the calls are the autopilot's: the parameter, the state object, the accelerator's status, a group's dial read and written", () => {
    expect([...new Set(needs.map((n) => `${n.action} ${n.resource}`))].sort()).toEqual(
      [
        `globalaccelerator:DescribeAccelerator ${acceleratorArnOf(needs.find((n) => n.action === "globalaccelerator:DescribeEndpointGroup")!.resource)}`,
        `globalaccelerator:DescribeEndpointGroup ${needs.find((n) => n.action === "globalaccelerator:DescribeEndpointGroup")!.resource}`,
        `globalaccelerator:UpdateEndpointGroup ${needs.find((n) => n.action === "globalaccelerator:DescribeEndpointGroup")!.resource}`,
        "s3:GetObject arn:aws:s3:::acme-terraform-state/smart-routing/autopilot/test.json",
        "s3:ListBucket arn:aws:s3:::acme-terraform-state",
        "s3:PutObject arn:aws:s3:::acme-terraform-state/smart-routing/autopilot/test.json",
        `ssm:GetParameter arn:aws:ssm:us-west-2:${ACCOUNT}:parameter/smart-routing/test/autopilot`,
      ].sort(),
    );
  });

  it("allows every call of an enforcing autopilot", () => {
    expect(denied(autopilotPolicy(enforce, { account: ACCOUNT }), needs)).toEqual([]);
  });

  it("allows nothing no call needs: every action, resource and condition value is used", () => {
    expect(unused(autopilotPolicy(enforce, { account: ACCOUNT }), needs)).toEqual([]);
  });

  it("in monitor mode allows the same calls except the dial write, which it denies", () => {
    const monitor = autopilotPolicy(autopilotStack("monitor"), { account: ACCOUNT });
    expect(denied(monitor, needs)).toEqual([`globalaccelerator UpdateEndpointGroup needs globalaccelerator:UpdateEndpointGroup on ${needs.find((n) => n.action === "globalaccelerator:UpdateEndpointGroup")!.resource}: implicitly denied`]);
    expect(unused(monitor, needs.filter((n) => n.action !== "globalaccelerator:UpdateEndpointGroup"))).toEqual([]);
  });

  it("denies another stack's state object and parameter, and the Terraform state beside it", () => {
    const policy = autopilotPolicy(enforce, { account: ACCOUNT });
    const context = { "aws:RequestedRegion": "us-west-2" };
    for (const [action, resource] of [
      ["s3:GetObject", "arn:aws:s3:::acme-terraform-state/smart-routing/autopilot/other.json"],
      ["s3:PutObject", "arn:aws:s3:::acme-terraform-state/smart-routing/test.tfstate"],
      ["ssm:GetParameter", `arn:aws:ssm:us-west-2:${ACCOUNT}:parameter/smart-routing/other/autopilot`],
      ["globalaccelerator:UpdateEndpointGroup", `arn:aws:globalaccelerator::210987654321:accelerator/a/listener/l/endpoint-group/g`],
      ["globalaccelerator:UpdateListener", `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/a/listener/l`],
    ]) {
      expect([action, evaluate(policy, { action, resource, context }).decision]).toEqual([action, "implicitly denied"]);
    }
    expect(evaluate(policy, { action: "s3:ListBucket", resource: "arn:aws:s3:::acme-terraform-state", context: { ...context, "s3:prefix": "smart-routing/" } }).decision).toBe("implicitly denied");
  });
});

describe("the autopilot role with a KMS-encrypted backend", () => {
  it("encrypts the state object with the backend's key and may use that key for it; every grant is used", async () => {
    const created = await request(moto.endpoint, "POST", "/", JSON.stringify({ Description: "state" }), {
      "x-amz-target": "TrentService.CreateKey",
      "content-type": "application/x-amz-json-1.1",
      authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-west-2/kms/aws4_request, SignedHeaders=host, Signature=0",
    });
    const keyId = (JSON.parse(created.body) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
    const stack = { ...autopilotStack("enforce", { bucket: "acme-kms-state", kmsKeyId: keyId, encrypt: true }), name: "kms" };
    const needs = await autopilotRun(stack);
    const policy = autopilotPolicy(stack, { account: ACCOUNT });
    expect(needs.filter((n) => n.action.startsWith("kms:")).map((n) => `${n.action} ${n.resource}`)).toEqual(
      expect.arrayContaining([`kms:GenerateDataKey arn:aws:kms:us-west-2:${ACCOUNT}:key/${keyId}`, `kms:Decrypt arn:aws:kms:us-west-2:${ACCOUNT}:key/${keyId}`]),
    );
    expect(denied(policy, needs)).toEqual([]);
    expect(unused(policy, needs)).toEqual([]);
  });
});
