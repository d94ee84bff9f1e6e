// The autopilot's DialApi on the real AWS SDK (@aws-sdk/client-global-accelerator) against the local
// Global Accelerator API: the accelerator's status, a group's dial and reduced health, a write of the dial
// alone, the endpoint taken from the usual environment, and the SDK's own retry of throttling and 500s
// (faults injected into the API). The clock of the API is injected: IN_PROGRESS ends when the test says.
import { CreateAcceleratorCommand, CreateEndpointGroupCommand, CreateListenerCommand } from "@aws-sdk/client-global-accelerator";
import { AwsCallError, GlobalAcceleratorDialApi, reduceHealth } from "../src/autopilot/aws";
import { acceleratorArnOf } from "../src/autopilot/types";
import { startGlobalAcceleratorApi, type GlobalAcceleratorApi } from "../src/local-aws/global-accelerator";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const EIP = (n: number) => `eipalloc-0a1b2c3d4e5f6${String(n).padStart(4, "0")}`;
const DEPLOY_MS = 1000;

let now = 1_800_000_000_000;
let api: GlobalAcceleratorApi;
let dials: GlobalAcceleratorDialApi;
/** Two groups on one accelerator: `west` with two endpoints, `east` with none. */
let west: string;
let east: string;

beforeAll(async () => {
  api = await startGlobalAcceleratorApi({ deployDelayMs: DEPLOY_MS, now: () => now });
  dials = new GlobalAcceleratorDialApi({ endpoint: api.endpoint, credentials });
  const { client } = dials;
  const acc = await client.send(new CreateAcceleratorCommand({ Name: "autopilot", IdempotencyToken: "a" }));
  const lis = await client.send(
    new CreateListenerCommand({ AcceleratorArn: acc.Accelerator!.AcceleratorArn, Protocol: "TCP", PortRanges: [{ FromPort: 443, ToPort: 443 }], IdempotencyToken: "l" }),
  );
  const group = async (region: string, ids: string[]) =>
    (
      await client.send(
        new CreateEndpointGroupCommand({
          ListenerArn: lis.Listener!.ListenerArn,
          EndpointGroupRegion: region,
          IdempotencyToken: region,
          HealthCheckProtocol: "HTTP",
          HealthCheckPath: "/health",
          ThresholdCount: 5,
          EndpointConfigurations: ids.map((EndpointId) => ({ EndpointId, Weight: 7 })),
        }),
      )
    ).EndpointGroup!.EndpointGroupArn!;
  west = await group("us-west-2", [EIP(1), EIP(2)]);
  east = await group("us-east-1", []);
});
afterAll(async () => {
  dials?.destroy();
  await api?.stop();
});
beforeEach(() => {
  now += DEPLOY_MS; // whatever the last test changed is deployed
  for (const e of [EIP(1), EIP(2)]) api.setHealth({ endpointGroupArn: west, endpointId: e, state: "HEALTHY" });
});

const callsSince = (n: number) => api.calls().slice(n);

describe("acceleratorStatus", () => {
  it("reads IN_PROGRESS after a change and DEPLOYED once it deployed, from DescribeAccelerator", async () => {
    const accelerator = acceleratorArnOf(west);
    expect(await dials.acceleratorStatus(accelerator)).toBe("DEPLOYED");
    await dials.setDial(west, 90);
    expect(await dials.acceleratorStatus(accelerator)).toBe("IN_PROGRESS");
    now += DEPLOY_MS;
    expect(await dials.acceleratorStatus(accelerator)).toBe("DEPLOYED");
    expect(api.calls().filter((c) => c.operation === "DescribeAccelerator").at(-1)?.request).toEqual({ AcceleratorArn: accelerator });
  });

  it("an unknown accelerator is an AwsCallError naming the call and AWS's error, not retried", async () => {
    const before = api.calls().length;
    const missing = "arn:aws:globalaccelerator::123456789012:accelerator/00000000-0000-0000-0000-000000000000";
    await expect(dials.acceleratorStatus(missing)).rejects.toThrow(
      `DescribeAccelerator ${missing} failed: AcceleratorNotFoundException (HTTP 400): Accelerator not found: ${missing}`,
    );
    expect(callsSince(before)).toHaveLength(1);
  });
});

describe("describeGroup", () => {
  it("reads the dial and the health: every endpoint HEALTHY is healthy", async () => {
    await dials.setDial(west, 62.5);
    now += DEPLOY_MS;
    expect(await dials.describeGroup(west)).toEqual({ dial: 62.5, health: "healthy" });
  });

  it("one endpoint UNHEALTHY and one HEALTHY is still healthy (Global Accelerator still sends traffic there)", async () => {
    api.setHealth({ endpointGroupArn: west, endpointId: EIP(1), state: "UNHEALTHY", reason: "Timeout" });
    expect((await dials.describeGroup(west)).health).toBe("healthy");
  });

  it("every endpoint UNHEALTHY is unhealthy; healthy again reads healthy", async () => {
    api.setHealth({ endpointGroupArn: west, state: "UNHEALTHY", reason: "Failed" });
    expect((await dials.describeGroup(west)).health).toBe("unhealthy");
    api.setHealth({ endpointGroupArn: west, state: "HEALTHY" });
    expect((await dials.describeGroup(west)).health).toBe("healthy");
  });

  it("INITIAL (the accelerator deploying, as after every dial write) is unknown, even for an unhealthy group", async () => {
    api.setHealth({ endpointGroupArn: west, state: "UNHEALTHY" });
    await dials.setDial(west, 80);
    expect(await dials.describeGroup(west)).toEqual({ dial: 80, health: "unknown" });
    now += DEPLOY_MS;
    expect((await dials.describeGroup(west)).health).toBe("unhealthy");
  });

  it("a group without endpoints is unknown", async () => {
    expect((await dials.describeGroup(east)).health).toBe("unknown");
  });

  it("reduceHealth: any HEALTHY wins; all UNHEALTHY is unhealthy; INITIAL, a mix of UNHEALTHY and INITIAL, nothing, or a missing state is unknown", () => {
    expect(reduceHealth(["INITIAL", "HEALTHY", "UNHEALTHY"])).toBe("healthy");
    expect(reduceHealth(["UNHEALTHY"])).toBe("unhealthy");
    expect(reduceHealth(["UNHEALTHY", "UNHEALTHY"])).toBe("unhealthy");
    expect(reduceHealth(["UNHEALTHY", "INITIAL"])).toBe("unknown");
    expect(reduceHealth(["UNHEALTHY", undefined])).toBe("unknown");
    expect(reduceHealth(["INITIAL"])).toBe("unknown");
    expect(reduceHealth([])).toBe("unknown");
  });
});

describe("setDial", () => {
  it("sends EndpointGroupArn and TrafficDialPercentage only, and every other setting of the group stays", async () => {
    const before = api.calls().length;
    const group = () => api.state().accelerators.flatMap((a) => (a as { Listeners: { EndpointGroups: Record<string, unknown>[] }[] }).Listeners.flatMap((l) => l.EndpointGroups)).find((g) => g.EndpointGroupArn === west)!;
    const { TrafficDialPercentage: _, EndpointDescriptions: __, ...settings } = group();
    await dials.setDial(west, 37.5);
    const sent = callsSince(before);
    expect(sent.map((c) => [c.operation, c.request, c.region, c.service])).toEqual([
      ["UpdateEndpointGroup", { EndpointGroupArn: west, TrafficDialPercentage: 37.5 }, "us-west-2", "globalaccelerator"],
    ]);
    now += DEPLOY_MS;
    const after = group();
    expect(after).toMatchObject({ ...settings, TrafficDialPercentage: 37.5 });
    expect((after.EndpointDescriptions as { EndpointId: string; Weight: number }[]).map((e) => [e.EndpointId, e.Weight])).toEqual([[EIP(1), 7], [EIP(2), 7]]);
  });

  it("a dial the API refuses is an AwsCallError with the API's message", async () => {
    await expect(dials.setDial(west, 101)).rejects.toThrow(`UpdateEndpointGroup ${west} failed: InvalidArgumentException (HTTP 400): TrafficDialPercentage 101 must be between 0 and 100.`);
  });
});

describe("the SDK's retry", () => {
  it("two throttles then success is one successful logical call (three attempts on the wire, one change)", async () => {
    const before = api.calls().length;
    api.injectFault({ kind: "throttle", operation: "UpdateEndpointGroup", count: 2 });
    await dials.setDial(west, 55);
    const sent = callsSince(before);
    expect(sent.map((c) => [c.operation, c.status, c.fault])).toEqual([
      ["UpdateEndpointGroup", 400, "throttle"],
      ["UpdateEndpointGroup", 400, "throttle"],
      ["UpdateEndpointGroup", 200, undefined],
    ]);
    // The retries are the same request.
    expect(new Set(sent.map((c) => JSON.stringify(c.request))).size).toBe(1);
    now += DEPLOY_MS;
    expect((await dials.describeGroup(west)).dial).toBe(55);
  });

  it("throttling that persists past the attempts is an error saying so; the dial is unchanged", async () => {
    await dials.setDial(west, 70);
    now += DEPLOY_MS;
    const before = api.calls().length;
    api.injectFault({ kind: "throttle", operation: "UpdateEndpointGroup", count: 3 });
    const failure = dials.setDial(west, 20);
    await expect(failure).rejects.toBeInstanceOf(AwsCallError);
    await expect(failure).rejects.toThrow(`UpdateEndpointGroup ${west} failed after 3 attempts: ThrottlingException (HTTP 400): Rate exceeded`);
    expect(callsSince(before).map((c) => c.status)).toEqual([400, 400, 400]);
    expect(api.faults()).toEqual([]);
    expect((await dials.describeGroup(west)).dial).toBe(70);
  });

  it("a 500 InternalFailure is retried: the read succeeds", async () => {
    const before = api.calls().length;
    api.injectFault({ kind: "internal-error", operation: "DescribeEndpointGroup", count: 1 });
    expect((await dials.describeGroup(west)).health).toBe("healthy");
    expect(callsSince(before).map((c) => [c.operation, c.status])).toEqual([
      ["DescribeEndpointGroup", 500],
      ["DescribeEndpointGroup", 200],
    ]);
  });

  it("maxAttempts is the client's: 1 surfaces the first throttle", async () => {
    const once = new GlobalAcceleratorDialApi({ endpoint: api.endpoint, credentials, maxAttempts: 1 });
    try {
      api.injectFault({ kind: "throttle", operation: "DescribeAccelerator", count: 1 });
      await expect(once.acceleratorStatus(acceleratorArnOf(west))).rejects.toThrow(/DescribeAccelerator .* failed: ThrottlingException \(HTTP 400\): Rate exceeded$/);
    } finally {
      once.destroy();
    }
  });
});

describe("the endpoint and signing", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ["AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it.each(["AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR", "AWS_ENDPOINT_URL"])("comes from %s, with credentials from the default chain, signed for us-west-2 whatever AWS_REGION says", async (variable) => {
    process.env[variable] = api.endpoint;
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "from-env", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "eu-west-1" });
    const fromEnv = new GlobalAcceleratorDialApi();
    try {
      const before = api.calls().length;
      expect((await fromEnv.describeGroup(west)).health).toBe("healthy");
      expect(callsSince(before).map((c) => [c.operation, c.region, c.service, c.accessKey])).toEqual([["DescribeEndpointGroup", "us-west-2", "globalaccelerator", "from-env"]]);
    } finally {
      fromEnv.destroy();
    }
  });
});
