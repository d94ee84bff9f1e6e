// The real terraform and the real hashicorp/aws 5.100.0 provider against the local Global Accelerator
// API: one apply / plan / in-place update / destroy cycle of a small hand-written Terraform JSON config
// (an accelerator with flow logs and tags, a TCP and a UDP listener on the same port, endpoint groups
// with an ALB, Elastic IPs, an HTTP health check and a port override, one of them through a provider
// alias in another Region). Checked: no diff right after apply, the update keeps the accelerator and its
// addresses, destroy goes in the order the API requires, and the recorded calls match what the provider
// is known to send. Terraform runs asynchronously because the API lives in this jest process.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGlobalAcceleratorApi, type GlobalAcceleratorApi, type RecordedCall } from "../src/local-aws/global-accelerator";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { terraformAvailability, terraformEnv, terraformAsync } = require("../scripts/lib/terraform");

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACCOUNT = "123456789012";
const ALB = `arn:aws:elasticloadbalancing:us-west-2:${ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188`;
const EIP_EAST = "eipalloc-0a1b2c3d4e5f60718";
const EIP_WEST = "eipalloc-0f1e2d3c4b5a69788";

/** The config; `updated` changes the dial, a weight, a tag and the flow-log prefix (all in place). */
function config(endpoint: string, updated: boolean): Json {
  const provider = (region: string, alias?: string) => ({
    ...(alias && { alias }),
    region,
    access_key: "test",
    secret_key: "test",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    endpoints: [{ globalaccelerator: endpoint }],
  });
  return {
    terraform: {
      required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } },
      backend: { local: { path: "terraform.tfstate" } },
    },
    // The alias is in us-east-1: the provider still signs its Global Accelerator calls for us-west-2.
    provider: { aws: [provider("us-west-2"), provider("us-east-1", "east")] },
    resource: {
      aws_globalaccelerator_accelerator: {
        main: {
          name: "ga-emulator-test",
          ip_address_type: "IPV4",
          enabled: true,
          attributes: { flow_logs_enabled: true, flow_logs_s3_bucket: "flow-logs-bucket", flow_logs_s3_prefix: updated ? "flow-logs-v2/" : "flow-logs/" },
          tags: { Project: "smart-routing", Env: updated ? "staging" : "test" },
        },
      },
      aws_globalaccelerator_listener: {
        tcp: {
          accelerator_arn: "${aws_globalaccelerator_accelerator.main.id}",
          protocol: "TCP",
          client_affinity: "SOURCE_IP",
          port_range: [{ from_port: 443, to_port: 443 }, { from_port: 80, to_port: 80 }],
        },
        // The same port as the TCP listener: allowed, ports are unique per protocol.
        udp: { accelerator_arn: "${aws_globalaccelerator_accelerator.main.id}", protocol: "UDP", port_range: [{ from_port: 443, to_port: 443 }] },
      },
      aws_globalaccelerator_endpoint_group: {
        tcp_west: {
          listener_arn: "${aws_globalaccelerator_listener.tcp.id}",
          endpoint_group_region: "us-west-2",
          health_check_protocol: "HTTP",
          health_check_path: "/healthz",
          health_check_interval_seconds: 10,
          threshold_count: 5,
          traffic_dial_percentage: updated ? 50 : 100,
          endpoint_configuration: [{ endpoint_id: ALB, weight: 100, client_ip_preservation_enabled: true }],
          port_override: [{ listener_port: 443, endpoint_port: 8443 }],
        },
        // No endpoint_group_region: the provider sends its own Region, the alias's us-east-1.
        tcp_east: {
          provider: "aws.east",
          listener_arn: "${aws_globalaccelerator_listener.tcp.id}",
          endpoint_configuration: [{ endpoint_id: EIP_EAST, weight: 128 }],
        },
        udp_west: {
          listener_arn: "${aws_globalaccelerator_listener.udp.id}",
          endpoint_group_region: "us-west-2",
          endpoint_configuration: [{ endpoint_id: EIP_WEST, weight: updated ? 150 : 200 }],
        },
      },
    },
  };
}

const availability = terraformAvailability();
const env: NodeJS.ProcessEnv = terraformEnv(availability.mirror);
let api: GlobalAcceleratorApi;
let dir: string;
const timings: Record<string, number> = {};

async function terraform(step: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const started = Date.now();
  const result = await terraformAsync([...args, "-input=false", "-no-color"], { cwd: dir, env });
  timings[step] = Date.now() - started;
  return result;
}
async function mustSucceed(step: string, args: string[]): Promise<string> {
  const result = await terraform(step, args);
  if (result.status !== 0) throw new Error(`terraform ${args[0]} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The calls made while `run` ran. */
async function callsDuring(run: () => Promise<unknown>): Promise<RecordedCall[]> {
  const before = api.calls().length;
  await run();
  return api.calls().slice(before);
}
const ops = (calls: RecordedCall[]) => calls.map((c) => c.operation);
const indexOf = (calls: RecordedCall[], match: (c: RecordedCall) => boolean) => calls.findIndex(match);
const lastIndexOf = (calls: RecordedCall[], match: (c: RecordedCall) => boolean) => calls.map(match).lastIndexOf(true);
const req = (c: RecordedCall) => c.request as Json;
const res = (c: RecordedCall) => c.response as Json;
const MUTATING = /^(Create|Update|Delete|Tag|Untag)/;

/**
 * Between two calls, the accelerator was read IN_PROGRESS and later DEPLOYED: the provider waited for the
 * deploy. (Not "the last read was DEPLOYED": resources created in parallel poll the same accelerator.)
 */
function waitedForDeploy(calls: RecordedCall[], from: number, to: number): boolean {
  const polls = calls.slice(from + 1, to).filter((c) => c.operation === "DescribeAccelerator").map((c) => res(c).Accelerator?.Status);
  const pending = polls.indexOf("IN_PROGRESS");
  return pending >= 0 && polls.indexOf("DEPLOYED", pending) > pending;
}

function tfstate(): Json[] {
  return JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")).resources;
}
const attributesOf = (type: string, name: string) => tfstate().find((r) => r.type === type && r.name === name)?.instances[0].attributes;

let created: Json;

/**
 * The API's clock, moved by the provider's polls instead of by time: it stands still until a read has
 * returned IN_PROGRESS, then jumps past the deploy. So each change is read IN_PROGRESS at least once (the
 * provider has to wait) and DEPLOYED soon after, however slow a loaded machine answers. (A wall clock with
 * 500 ms IN_PROGRESS needed the provider's first poll within 500 ms of each change.)
 */
const DEPLOY_MS = 500;
let clockOffset = 0;
const CLOCK_START = Date.now();
function pollDrivenClock(): number {
  const last = api?.calls().at(-1);
  if (last?.operation === "DescribeAccelerator" && (last.response as Json | undefined)?.Accelerator?.Status === "IN_PROGRESS") clockOffset += DEPLOY_MS;
  return CLOCK_START + clockOffset;
}

beforeAll(async () => {
  api = await startGlobalAcceleratorApi({ deployDelayMs: DEPLOY_MS, account: ACCOUNT, now: pollDrivenClock });
  dir = mkdtempSync(join(tmpdir(), "ga-api-terraform-"));
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config(api.endpoint, false), null, 1));
  await mustSucceed("init", ["init"]);
});
afterAll(async () => {
  await api?.stop();
  process.stdout.write(`global-accelerator-api.terraform timings (ms): ${JSON.stringify(timings)}\n`);
});

test("apply creates everything, waiting for DEPLOYED after each change, all signed for us-west-2", async () => {
  // One throttled CreateListener: the SDK retries it with the same idempotency token.
  api.injectFault({ kind: "throttle", operation: "CreateListener", count: 1 });
  const calls = await callsDuring(() => mustSucceed("apply", ["apply", "-auto-approve"]));

  const [acc] = api.state().accelerators as Json[];
  expect(api.state().accelerators).toHaveLength(1);
  expect(acc).toMatchObject({
    Name: "ga-emulator-test",
    Enabled: true,
    Status: "DEPLOYED",
    Attributes: { FlowLogsEnabled: true, FlowLogsS3Bucket: "flow-logs-bucket", FlowLogsS3Prefix: "flow-logs/" },
    Tags: expect.arrayContaining([{ Key: "Project", Value: "smart-routing" }, { Key: "Env", Value: "test" }]),
  });
  const listeners = Object.fromEntries(acc.Listeners.map((l: Json) => [l.Protocol, l]));
  expect(listeners.TCP).toMatchObject({ ClientAffinity: "SOURCE_IP", PortRanges: expect.arrayContaining([{ FromPort: 443, ToPort: 443 }, { FromPort: 80, ToPort: 80 }]) });
  expect(listeners.UDP).toMatchObject({ ClientAffinity: "NONE", PortRanges: [{ FromPort: 443, ToPort: 443 }] });
  const regions = listeners.TCP.EndpointGroups.map((g: Json) => g.EndpointGroupRegion).sort();
  expect(regions).toEqual(["us-east-1", "us-west-2"]);
  const west = listeners.TCP.EndpointGroups.find((g: Json) => g.EndpointGroupRegion === "us-west-2");
  expect(west).toMatchObject({
    HealthCheckProtocol: "HTTP",
    HealthCheckPath: "/healthz",
    HealthCheckIntervalSeconds: 10,
    ThresholdCount: 5,
    PortOverrides: [{ ListenerPort: 443, EndpointPort: 8443 }],
    EndpointDescriptions: [{ EndpointId: ALB, Weight: 100, ClientIPPreservationEnabled: true, HealthState: "HEALTHY" }],
  });
  created = acc;

  // Every call is signed for the API's Region and service, the aliased (us-east-1) provider's too.
  expect(new Set(calls.map((c) => `${c.region}/${c.service}/${c.accessKey}`))).toEqual(new Set(["us-west-2/globalaccelerator/test"]));
  const eastGroup = calls.find((c) => c.operation === "CreateEndpointGroup" && req(c).EndpointGroupRegion === "us-east-1");
  expect(eastGroup).toBeDefined();

  // The order: accelerator, wait, attributes, wait, read; listeners; groups; each change waited for.
  const create = indexOf(calls, (c) => c.operation === "CreateAccelerator");
  const attributes = indexOf(calls, (c) => c.operation === "UpdateAcceleratorAttributes");
  expect(req(calls[create])).toMatchObject({ Name: "ga-emulator-test", Enabled: true, IpAddressType: "IPV4", IdempotencyToken: expect.any(String) });
  expect(req(calls[attributes])).toMatchObject({ FlowLogsEnabled: true, FlowLogsS3Bucket: "flow-logs-bucket", FlowLogsS3Prefix: "flow-logs/" });
  expect(waitedForDeploy(calls, create, attributes)).toBe(true);
  const firstListener = indexOf(calls, (c) => c.operation === "CreateListener");
  expect(firstListener).toBeGreaterThan(attributes);
  expect(waitedForDeploy(calls, attributes, firstListener)).toBe(true);
  // Each group is created after its listener (Terraform runs independent resources in parallel).
  for (const c of calls.filter((x) => x.operation === "CreateEndpointGroup")) {
    const made = indexOf(calls, (x) => x.operation === "CreateListener" && x.status === 200 && res(x).Listener.ListenerArn === req(c).ListenerArn);
    expect(made).toBeGreaterThan(attributes);
    expect(calls.indexOf(c)).toBeGreaterThan(made);
    expect(waitedForDeploy(calls, made, calls.indexOf(c))).toBe(true);
  }
  for (const read of ["DescribeAcceleratorAttributes", "ListTagsForResource", "DescribeListener", "DescribeEndpointGroup"]) {
    expect(ops(calls)).toContain(read);
  }
  // The ALB endpoint's account is looked up for cross-account attachments, even though it is ours.
  const crossAccount = calls.filter((c) => c.operation === "ListCrossAccountResources");
  expect(crossAccount.map(req)).toEqual([{ ResourceOwnerAwsAccountId: ACCOUNT }]);

  // The throttled call was retried by the SDK with the same token; no listener was made twice.
  const createListener = calls.filter((c) => c.operation === "CreateListener");
  expect(createListener.map((c) => c.status).sort()).toEqual([200, 200, 400]);
  const throttled = createListener.find((c) => c.errorType === "ThrottlingException") as RecordedCall;
  expect(createListener.filter((c) => c.status === 200).map((c) => req(c).IdempotencyToken)).toContain(req(throttled).IdempotencyToken);
  expect(acc.Listeners).toHaveLength(2);
  // Nothing else failed.
  expect(calls.filter((c) => c.status !== 200 && c !== throttled)).toEqual([]);

  // What Terraform stored comes from the API's answers.
  const stored = attributesOf("aws_globalaccelerator_accelerator", "main");
  expect(stored).toMatchObject({
    arn: acc.AcceleratorArn,
    dns_name: acc.DnsName,
    hosted_zone_id: "Z2BJ6XQ5FK7U4H",
    ip_sets: [{ ip_family: "IPv4", ip_addresses: acc.IpSets[0].IpAddresses }],
  });
  expect(attributesOf("aws_globalaccelerator_endpoint_group", "tcp_east")).toMatchObject({ endpoint_group_region: "us-east-1", health_check_port: 443 });
});

test("plan right after apply finds no changes, and refresh only reads", async () => {
  let result: Awaited<ReturnType<typeof terraform>> | undefined;
  const calls = await callsDuring(async () => (result = await terraform("plan", ["plan", "-detailed-exitcode"])));
  expect([result?.status, result?.stdout]).toEqual([0, expect.stringContaining("No changes.")]);
  expect(calls.filter((c) => MUTATING.test(c.operation ?? ""))).toEqual([]);
  // The refresh reads: the accelerator with attributes and tags, both listeners, all three groups, and
  // the cross-account lookup after the ALB's group.
  expect(ops(calls).filter((o) => o === "DescribeEndpointGroup")).toHaveLength(3);
  expect(ops(calls).filter((o) => o === "DescribeListener")).toHaveLength(2);
  expect(ops(calls)).toEqual(expect.arrayContaining(["DescribeAccelerator", "DescribeAcceleratorAttributes", "ListTagsForResource"]));
  const albGroup = indexOf(calls, (c) => c.operation === "DescribeEndpointGroup" && res(c).EndpointGroup.EndpointDescriptions.some((e: Json) => e.EndpointId === ALB));
  expect(indexOf(calls, (c) => c.operation === "ListCrossAccountResources")).toBeGreaterThan(albGroup);
});

test("endpoints the world reports UNHEALTHY (the health control) change no plan: the provider reads no health", async () => {
  const groups = (api.state().accelerators as Json[]).flatMap((a) => a.Listeners.flatMap((l: Json) => l.EndpointGroups.map((g: Json) => g.EndpointGroupArn as string)));
  expect(groups).toHaveLength(3);
  for (const arn of groups) api.setHealth({ endpointGroupArn: arn, state: "UNHEALTHY", reason: "Timeout" });
  try {
    let result: Awaited<ReturnType<typeof terraform>> | undefined;
    const calls = await callsDuring(async () => (result = await terraform("plan", ["plan", "-detailed-exitcode"])));
    expect([result?.status, result?.stdout]).toEqual([0, expect.stringContaining("No changes.")]);
    // The provider did read the unhealthy endpoints.
    const read = calls.filter((c) => c.operation === "DescribeEndpointGroup").flatMap((c) => res(c).EndpointGroup.EndpointDescriptions as Json[]);
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((e) => e.HealthState === "UNHEALTHY" && e.HealthReason === "Timeout")).toBe(true);
  } finally {
    for (const arn of groups) api.setHealth({ endpointGroupArn: arn, state: "HEALTHY" });
  }
});

test("an in-place update (dial, weight, tag, flow-log prefix) keeps the accelerator ARN and its IP addresses", async () => {
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config(api.endpoint, true), null, 1));
  const calls = await callsDuring(() => mustSucceed("update", ["apply", "-auto-approve"]));
  expect(calls.filter((c) => /^(Create|Delete)/.test(c.operation ?? ""))).toEqual([]);

  const [acc] = api.state().accelerators as Json[];
  expect(acc.AcceleratorArn).toBe(created.AcceleratorArn);
  expect(acc.IpSets).toEqual(created.IpSets);
  expect(acc.DnsName).toBe(created.DnsName);
  expect(acc.Tags).toEqual(expect.arrayContaining([{ Key: "Env", Value: "staging" }]));
  expect(acc.Attributes).toEqual({ FlowLogsEnabled: true, FlowLogsS3Bucket: "flow-logs-bucket", FlowLogsS3Prefix: "flow-logs-v2/" });
  const groups = acc.Listeners.flatMap((l: Json) => l.EndpointGroups);
  expect(groups.find((g: Json) => g.HealthCheckProtocol === "HTTP").TrafficDialPercentage).toBe(50);
  expect(groups.flatMap((g: Json) => g.EndpointDescriptions).find((e: Json) => e.EndpointId === EIP_WEST).Weight).toBe(150);

  // The tag is one TagResource; the prefix change while flow logs are on goes through a disable first.
  expect(calls.filter((c) => c.operation === "TagResource").map(req)).toEqual([{ ResourceArn: acc.AcceleratorArn, Tags: [{ Key: "Env", Value: "staging" }] }]);
  const attributeCalls = calls.filter((c) => c.operation === "UpdateAcceleratorAttributes").map(req);
  expect(attributeCalls.map((r) => [r.FlowLogsEnabled, r.FlowLogsS3Prefix])).toEqual([
    [false, "flow-logs/"],
    [true, "flow-logs-v2/"],
  ]);
  // UpdateEndpointGroup carries the full spec, [] for an empty list.
  const groupUpdates = calls.filter((c) => c.operation === "UpdateEndpointGroup").map(req);
  expect(groupUpdates).toHaveLength(2);
  expect(groupUpdates.find((r) => r.EndpointConfigurations[0].EndpointId === EIP_WEST)).toMatchObject({ PortOverrides: [], HealthCheckPort: 443, TrafficDialPercentage: 100 });
});

test("destroy removes groups, then listeners, then disables and deletes the accelerator", async () => {
  const calls = await callsDuring(() => mustSucceed("destroy", ["destroy", "-auto-approve"]));
  expect(api.state().accelerators).toEqual([]);
  expect(calls.filter((c) => c.status !== 200)).toEqual([]);
  expect(tfstate()).toEqual([]);

  const changes = calls.filter((c) => MUTATING.test(c.operation ?? "")).map((c) => c.operation);
  expect(changes.sort()).toEqual(["DeleteAccelerator", "DeleteEndpointGroup", "DeleteEndpointGroup", "DeleteEndpointGroup", "DeleteListener", "DeleteListener", "UpdateAccelerator"]);
  // Each group goes before its listener.
  for (const c of calls.filter((x) => x.operation === "DeleteEndpointGroup")) {
    const listenerArn = req(c).EndpointGroupArn.replace(/\/endpoint-group\/[^/]+$/, "");
    expect(calls.indexOf(c)).toBeLessThan(indexOf(calls, (x) => x.operation === "DeleteListener" && req(x).ListenerArn === listenerArn));
  }
  // Disable, wait for it to deploy, then delete.
  const disable = indexOf(calls, (c) => c.operation === "UpdateAccelerator");
  const remove = indexOf(calls, (c) => c.operation === "DeleteAccelerator");
  expect(req(calls[disable])).toEqual({ AcceleratorArn: created.AcceleratorArn, Enabled: false });
  expect(disable).toBeGreaterThan(lastIndexOf(calls, (c) => c.operation === "DeleteListener"));
  expect(remove).toBeGreaterThan(disable);
  expect(waitedForDeploy(calls, disable, remove)).toBe(true);
});
