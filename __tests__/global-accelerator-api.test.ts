// The local Global Accelerator API through its real wire protocol (POST / with X-Amz-Target, JSON,
// SigV4 credential scope), on a server started here: every rule accepted just inside its limit and
// refused just outside with AWS's exception name, IN_PROGRESS -> DEPLOYED, idempotency tokens, the call
// record, faults, persistence across a restart and the CLI. No Terraform here (see
// global-accelerator-api.terraform.test.ts for the real provider).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, QUOTAS, startGlobalAcceleratorApi, type GlobalAcceleratorApi } from "../src/local-aws/global-accelerator";

// ---------------------------------------------------------------------------------------------------
// Fixture: a client that signs the way the SDK does (only the credential scope matters: signatures
// are not verified) and helpers that create the usual parents.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

const authorization = (region = "us-west-2", service = "globalaccelerator", key = "test") =>
  `AWS4-HMAC-SHA256 Credential=${key}/20260101/${region}/${service}/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${"0".repeat(64)}`;

async function send(api: GlobalAcceleratorApi, target: string | undefined, body: unknown, auth: string | null = authorization()): Promise<Answer> {
  const res = await fetch(`${api.endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      ...(target !== undefined && { "X-Amz-Target": target }),
      ...(auth !== null && { Authorization: auth }),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

const call = (api: GlobalAcceleratorApi, operation: string, body: Json, auth?: string | null) =>
  send(api, `GlobalAccelerator_V20180706.${operation}`, body, auth);

/** Calls an operation that must succeed; returns its output. */
async function ok(api: GlobalAcceleratorApi, operation: string, body: Json): Promise<Json> {
  const answer = await call(api, operation, body);
  if (answer.status !== 200) throw new Error(`${operation} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/**
 * Calls an operation that must fail; returns "<exception name>: <message>" (and checks the header names the
 * same exception). About twenty refusals share InvalidArgumentException, so a test checks the message too.
 */
async function refused(api: GlobalAcceleratorApi, operation: string, body: Json): Promise<string> {
  const answer = await call(api, operation, body);
  if (answer.status === 200) throw new Error(`${operation} was accepted: ${JSON.stringify(answer.body)}`);
  expect(answer.headers.get("x-amzn-errortype")).toBe(answer.body.__type);
  return `${answer.body.__type}: ${answer.body.Message}`;
}

let tokens = 0;
const token = () => `token-${++tokens}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls DescribeAccelerator until it reads DEPLOYED (every read before must be IN_PROGRESS); returns how
 * long after `since` that was. Lower bounds only, so a loaded machine cannot make it flaky.
 */
async function deployedAfter(server: GlobalAcceleratorApi, arn: string, since: number): Promise<number> {
  for (;;) {
    const status = (await ok(server, "DescribeAccelerator", { AcceleratorArn: arn })).Accelerator.Status;
    if (status === "DEPLOYED") return Date.now() - since;
    expect(status).toBe("IN_PROGRESS");
    await sleep(20);
  }
}

const ALB_WEST = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
const ALB_EAST = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
const NLB_WEST = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/net/tcp/f234470eafcee810";
const EIP = (n: number) => `eipalloc-0a1b2c3d4e5f6${String(n).padStart(4, "0")}`;
const EC2 = "i-0123456789abcdef0";

async function accelerator(api: GlobalAcceleratorApi, extra: Json = {}): Promise<Json> {
  return (await ok(api, "CreateAccelerator", { Name: "test", IdempotencyToken: token(), ...extra })).Accelerator;
}
async function listener(api: GlobalAcceleratorApi, acceleratorArn: string, extra: Json = {}): Promise<Json> {
  const body = { AcceleratorArn: acceleratorArn, Protocol: "TCP", PortRanges: [{ FromPort: 443, ToPort: 443 }], IdempotencyToken: token(), ...extra };
  return (await ok(api, "CreateListener", body)).Listener;
}
const groupInput = (listenerArn: string, extra: Json = {}): Json => ({
  ListenerArn: listenerArn,
  EndpointGroupRegion: "us-west-2",
  IdempotencyToken: token(),
  ...extra,
});
async function group(api: GlobalAcceleratorApi, listenerArn: string, extra: Json = {}): Promise<Json> {
  return (await ok(api, "CreateEndpointGroup", groupInput(listenerArn, extra))).EndpointGroup;
}
/** An accelerator with one TCP listener on 443 (and 80), ready for endpoint groups. */
async function tcpListener(api: GlobalAcceleratorApi, extra: Json = {}): Promise<{ acc: Json; lis: Json }> {
  const acc = await accelerator(api, extra);
  const lis = await listener(api, acc.AcceleratorArn, { PortRanges: [{ FromPort: 443, ToPort: 443 }, { FromPort: 80, ToPort: 80 }] });
  return { acc, lis };
}

let api: GlobalAcceleratorApi;
beforeAll(async () => {
  api = await startGlobalAcceleratorApi({ deployDelayMs: 0 });
});
afterAll(async () => api?.stop());
beforeEach(() => api.reset());

// ---------------------------------------------------------------------------------------------------

describe("wire protocol", () => {
  test("an operation answers JSON 1.1 with a request id", async () => {
    const answer = await call(api, "ListAccelerators", {});
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(answer.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.body).toEqual({ Accelerators: [] });
  });

  test("an error is HTTP 400 with __type, Message and X-Amzn-ErrorType", async () => {
    const answer = await call(api, "DescribeAccelerator", { AcceleratorArn: "arn:aws:globalaccelerator::123456789012:accelerator/00000000-0000-0000-0000-000000000000" });
    expect(answer.status).toBe(400);
    expect(answer.headers.get("x-amzn-errortype")).toBe("AcceleratorNotFoundException");
    expect(answer.body).toEqual({ __type: "AcceleratorNotFoundException", Message: expect.stringContaining("00000000-0000") });
  });

  test("an unknown operation is UnknownOperationException; a missing target too", async () => {
    const refusal = (a: Answer) => `${a.body.__type}: ${a.body.message}`;
    expect(refusal(await call(api, "CreateCustomRoutingAccelerator", {}))).toBe("UnknownOperationException: Unknown operation CreateCustomRoutingAccelerator");
    expect(refusal(await call(api, "NoSuchThing", {}))).toBe("UnknownOperationException: Unknown operation NoSuchThing");
    expect(refusal(await send(api, undefined, {}))).toMatch(/^UnknownOperationException: Unknown operation /);
    expect(refusal(await send(api, "DynamoDB_20120810.ListTables", {}))).toBe("UnknownOperationException: Unknown operation DynamoDB_20120810.ListTables");
  });

  test("a body that is not JSON is SerializationException", async () => {
    const answer = await send(api, "GlobalAccelerator_V20180706.ListAccelerators", "{not json");
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ __type: "SerializationException", Message: "The request body is not a JSON object." });
  });

  test("a credential scoped to us-west-2/globalaccelerator is accepted, whatever the key", async () => {
    expect((await call(api, "ListAccelerators", {}, authorization("us-west-2", "globalaccelerator", "AKIAANYTHING"))).status).toBe(200);
  });

  test("a credential scoped to another region is refused the way AWS does", async () => {
    const answer = await call(api, "ListAccelerators", {}, authorization("us-east-1"));
    expect(answer.status).toBe(400);
    expect(answer.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException");
    expect(answer.body).toEqual({ __type: "InvalidSignatureException", message: "Credential should be scoped to a valid region, not 'us-east-1'. " });
  });

  test("a credential scoped to another service is refused", async () => {
    const answer = await call(api, "ListAccelerators", {}, authorization("us-west-2", "elasticloadbalancing"));
    expect(answer.body).toEqual({ __type: "InvalidSignatureException", message: "Credential should be scoped to correct service: 'globalaccelerator'. " });
  });

  test("an unsigned call is MissingAuthenticationTokenException; an unreadable one IncompleteSignatureException", async () => {
    const unsigned = await call(api, "ListAccelerators", {}, null);
    expect(unsigned.status).toBe(400);
    expect(unsigned.body).toEqual({ __type: "MissingAuthenticationTokenException", message: "Request is missing Authentication Token" });
    expect((await call(api, "ListAccelerators", {}, "AWS4-HMAC-SHA256 Signature=0")).body).toEqual({
      __type: "IncompleteSignatureException",
      message: "Authorization header requires 'Credential' parameter (Credential=<key>/<date>/<region>/<service>/aws4_request).",
    });
  });

  test("refused calls change nothing", async () => {
    await call(api, "CreateAccelerator", { Name: "x", IdempotencyToken: token() }, authorization("eu-west-1"));
    await call(api, "CreateAccelerator", { Name: "x", IdempotencyToken: token() }, null);
    expect(api.state().accelerators).toEqual([]);
  });
});

describe("call record", () => {
  test("records time, operation, request, signing scope, status, response and error type", async () => {
    const before = Date.now();
    await call(api, "CreateAccelerator", { Name: "rec", IdempotencyToken: "t-rec" }, authorization("us-west-2", "globalaccelerator", "AKIDEXAMPLE"));
    await call(api, "ListAccelerators", {}, authorization("ap-south-1"));
    const [created, refusedCall] = api.calls();
    expect(created).toEqual({
      time: expect.any(String),
      operation: "CreateAccelerator",
      request: { Name: "rec", IdempotencyToken: "t-rec" },
      region: "us-west-2",
      service: "globalaccelerator",
      accessKey: "AKIDEXAMPLE",
      status: 200,
      response: { Accelerator: expect.objectContaining({ Name: "rec", Status: "DEPLOYED" }) },
    });
    expect(Date.parse(created.time)).toBeGreaterThanOrEqual(before - 1);
    expect(refusedCall).toMatchObject({
      operation: "ListAccelerators",
      region: "ap-south-1",
      status: 400,
      errorType: "InvalidSignatureException",
      response: { __type: "InvalidSignatureException", message: expect.any(String) },
    });
  });

  test("GET /__control/calls serves the same record", async () => {
    await call(api, "ListAccelerators", {});
    const served = await (await fetch(`${api.endpoint}/__control/calls`)).json();
    expect(served).toEqual(api.calls());
    expect(served).toHaveLength(1);
  });

  test("with callLog, every call is one JSON line", async () => {
    const log = join(mkdtempSync(join(tmpdir(), "ga-api-")), "logs", "calls.jsonl");
    const logged = await startGlobalAcceleratorApi({ deployDelayMs: 0, callLog: log });
    try {
      await call(logged, "ListAccelerators", {});
      await call(logged, "DescribeAccelerator", { AcceleratorArn: "nope" });
      const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
      expect(lines).toEqual(logged.calls());
      expect(lines.map((l) => [l.operation, l.status])).toEqual([["ListAccelerators", 200], ["DescribeAccelerator", 400]]);
    } finally {
      await logged.stop();
    }
  });
});

describe("accelerators", () => {
  test("create answers IN_PROGRESS with defaults, two IPv4 addresses, the DNS name and an ARN", async () => {
    const acc = await accelerator(api, { Name: "web-1" });
    expect(acc).toEqual({
      AcceleratorArn: expect.stringMatching(/^arn:aws:globalaccelerator::123456789012:accelerator\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      Name: "web-1",
      IpAddressType: "IPV4",
      Enabled: true,
      IpSets: [{ IpFamily: "IPv4", IpAddresses: [expect.any(String), expect.any(String)], IpAddressFamily: "IPv4" }],
      DnsName: expect.stringMatching(/^a[0-9a-f]{16}\.awsglobalaccelerator\.com$/),
      Status: "DEPLOYED", // deployDelayMs 0
      CreatedTime: expect.any(Number),
      LastModifiedTime: expect.any(Number),
    });
    expect(acc.CreatedTime).toBeGreaterThan(1.7e9);
    expect(acc.CreatedTime).toBeLessThan(1e11); // epoch seconds, not milliseconds
  });

  test("IP addresses are unique across accelerators and never reused after a delete", async () => {
    const a = await accelerator(api, { Enabled: false });
    const b = await accelerator(api);
    await ok(api, "DeleteAccelerator", { AcceleratorArn: a.AcceleratorArn });
    const c = await accelerator(api);
    const all = [a, b, c].flatMap((x) => x.IpSets[0].IpAddresses);
    expect(new Set(all).size).toBe(6);
  });

  test("DUAL_STACK adds an IPv6 set and a dual-stack DNS name", async () => {
    const acc = await accelerator(api, { IpAddressType: "DUAL_STACK" });
    expect(acc.IpSets.map((s: Json) => [s.IpFamily, s.IpAddressFamily, s.IpAddresses.length])).toEqual([["IPv4", "IPv4", 2], ["IPv6", "IPv6", 2]]);
    expect(acc.IpSets[1].IpAddresses[0]).toContain(":");
    expect(acc.DualStackDnsName).toBe(acc.DnsName.replace(".awsglobalaccelerator.com", ".dualstack.awsglobalaccelerator.com"));
  });

  test("BYOIP addresses go into the IP set; one address gets a second from Amazon", async () => {
    const one = await accelerator(api, { IpAddresses: ["198.51.100.7"] });
    expect(one.IpSets[0].IpAddresses).toEqual(["198.51.100.7", expect.any(String)]);
    expect(one.IpSets[0].IpAddresses[1]).not.toBe("198.51.100.7");
    const two = await accelerator(api, { IpAddresses: ["198.51.100.8", "203.0.113.9"] });
    expect(two.IpSets[0].IpAddresses).toEqual(["198.51.100.8", "203.0.113.9"]);
  });

  test("BYOIP: an address in use, a /32 suffix or three addresses are refused", async () => {
    await accelerator(api, { IpAddresses: ["198.51.100.7"] });
    expect(await refused(api, "CreateAccelerator", { Name: "b", IdempotencyToken: token(), IpAddresses: ["198.51.100.7"] })).toBe("InvalidArgumentException: IP address 198.51.100.7 is already used by another accelerator.");
    expect(await refused(api, "CreateAccelerator", { Name: "b", IdempotencyToken: token(), IpAddresses: ["198.51.100.10/32"] })).toBe("InvalidArgumentException: IpAddresses[0] '198.51.100.10/32' is not an IPv4 address (give it without a /32 suffix).");
    expect(await refused(api, "CreateAccelerator", { Name: "b", IdempotencyToken: token(), IpAddresses: ["198.51.100.11", "198.51.100.12", "198.51.100.13"] })).toBe("InvalidArgumentException: IpAddresses can contain at most 2 addresses.");
  });

  test("BYOIP: two addresses are one from each of two ranges: neighbouring /24s accepted; one /24, or one address twice, refused", async () => {
    const two = await accelerator(api, { IpAddresses: ["198.51.100.255", "198.51.101.0"] });
    expect(two.IpSets[0].IpAddresses).toEqual(["198.51.100.255", "198.51.101.0"]);
    expect(await refused(api, "CreateAccelerator", { Name: "b", IdempotencyToken: token(), IpAddresses: ["203.0.113.1", "203.0.113.200"] })).toBe(
      "InvalidArgumentException: IpAddresses 203.0.113.1 and 203.0.113.200 are in one /24 (203.0.113.0/24); give one address from each of two BYOIP address ranges.",
    );
    expect(await refused(api, "CreateAccelerator", { Name: "b", IdempotencyToken: token(), IpAddresses: ["203.0.113.1", "203.0.113.1"] })).toBe(
      "InvalidArgumentException: IpAddresses contains the same address twice.",
    );
  });

  test("name: 64 characters accepted, 65 refused; no leading or trailing hyphen or period", async () => {
    await accelerator(api, { Name: "a".repeat(64) });
    await accelerator(api, { Name: "my.accelerator-1" });
    for (const name of ["a".repeat(65), "-web", "web-", ".web", "web.", "bad_name!"]) {
      expect(await refused(api, "CreateAccelerator", { Name: name, IdempotencyToken: token() })).toBe(
        `InvalidArgumentException: Name '${name}' is not valid: at most 64 characters, only alphanumeric characters, periods and hyphens, not beginning or ending with a hyphen or period.`,
      );
    }
  });

  test("Name and IdempotencyToken are required; IpAddressType must be IPV4 or DUAL_STACK", async () => {
    expect(await refused(api, "CreateAccelerator", { IdempotencyToken: token() })).toBe("InvalidArgumentException: Name is required.");
    expect(await refused(api, "CreateAccelerator", { Name: "x" })).toBe("InvalidArgumentException: IdempotencyToken is required.");
    expect(await refused(api, "CreateAccelerator", { Name: "x", IdempotencyToken: token(), IpAddressType: "IPV6" })).toBe("InvalidArgumentException: IpAddressType 'IPV6' is not valid; expected one of IPV4, DUAL_STACK.");
  });

  test("the same idempotency token returns the same accelerator instead of a second one", async () => {
    const first = await ok(api, "CreateAccelerator", { Name: "idem", IdempotencyToken: "same-token" });
    const again = await ok(api, "CreateAccelerator", { Name: "idem", IdempotencyToken: "same-token" });
    expect(again.Accelerator.AcceleratorArn).toBe(first.Accelerator.AcceleratorArn);
    expect(again.Accelerator.IpSets).toEqual(first.Accelerator.IpSets);
    expect((await ok(api, "ListAccelerators", {})).Accelerators).toHaveLength(1);
    const other = await ok(api, "CreateAccelerator", { Name: "idem", IdempotencyToken: "other-token" });
    expect(other.Accelerator.AcceleratorArn).not.toBe(first.Accelerator.AcceleratorArn);
  });

  test(`quota: ${QUOTAS.acceleratorsPerAccount} accelerators per account, the next is LimitExceededException`, async () => {
    for (let i = 0; i < QUOTAS.acceleratorsPerAccount; i++) await accelerator(api);
    expect(await refused(api, "CreateAccelerator", { Name: "one-too-many", IdempotencyToken: token() })).toBe(`LimitExceededException: An account can have at most ${QUOTAS.acceleratorsPerAccount} accelerators.`);
  });

  test("update changes name, enabled and address type; keeps what it is not sent", async () => {
    const acc = await accelerator(api, { Name: "before" });
    const updated = (await ok(api, "UpdateAccelerator", { AcceleratorArn: acc.AcceleratorArn, Name: "after", IpAddressType: "DUAL_STACK" })).Accelerator;
    expect(updated).toMatchObject({ Name: "after", Enabled: true, IpAddressType: "DUAL_STACK", DnsName: acc.DnsName });
    expect(updated.IpSets[0]).toEqual(acc.IpSets[0]);
    const disabled = (await ok(api, "UpdateAccelerator", { AcceleratorArn: acc.AcceleratorArn, Enabled: false })).Accelerator;
    expect(disabled).toMatchObject({ Name: "after", Enabled: false });
  });

  test("the IP addresses cannot be updated", async () => {
    const acc = await accelerator(api);
    const same = acc.IpSets[0].IpAddresses;
    await ok(api, "UpdateAccelerator", { AcceleratorArn: acc.AcceleratorArn, IpAddresses: same });
    expect(await refused(api, "UpdateAccelerator", { AcceleratorArn: acc.AcceleratorArn, IpAddresses: ["198.51.100.20"] })).toBe(
      "InvalidArgumentException: The IP addresses of an accelerator cannot be changed; create a new accelerator to use other addresses.",
    );
  });

  test("delete: an enabled accelerator is AcceleratorNotDisabledException; a disabled one goes", async () => {
    const acc = await accelerator(api);
    expect(await refused(api, "DeleteAccelerator", { AcceleratorArn: acc.AcceleratorArn })).toBe(
      `AcceleratorNotDisabledException: Accelerator ${acc.AcceleratorArn} is enabled; disable it (UpdateAccelerator Enabled=false) before deleting it.`,
    );
    await ok(api, "UpdateAccelerator", { AcceleratorArn: acc.AcceleratorArn, Enabled: false });
    expect(await ok(api, "DeleteAccelerator", { AcceleratorArn: acc.AcceleratorArn })).toEqual({});
    expect(await refused(api, "DescribeAccelerator", { AcceleratorArn: acc.AcceleratorArn })).toBe(`AcceleratorNotFoundException: Accelerator not found: ${acc.AcceleratorArn}`);
  });

  test("delete: a disabled accelerator with a listener is AssociatedListenerFoundException", async () => {
    const { acc, lis } = await tcpListener(api, { Enabled: false });
    expect(await refused(api, "DeleteAccelerator", { AcceleratorArn: acc.AcceleratorArn })).toBe(
      `AssociatedListenerFoundException: Accelerator ${acc.AcceleratorArn} has 1 listener(s); delete them first.`,
    );
    await ok(api, "DeleteListener", { ListenerArn: lis.ListenerArn });
    await ok(api, "DeleteAccelerator", { AcceleratorArn: acc.AcceleratorArn });
  });

  test("unknown accelerator ARNs are AcceleratorNotFoundException for every accelerator operation", async () => {
    const arn = "arn:aws:globalaccelerator::123456789012:accelerator/11111111-2222-3333-4444-555555555555";
    for (const op of ["DescribeAccelerator", "UpdateAccelerator", "DeleteAccelerator", "DescribeAcceleratorAttributes", "UpdateAcceleratorAttributes", "ListListeners"]) {
      expect([op, await refused(api, op, { AcceleratorArn: arn })]).toEqual([op, `AcceleratorNotFoundException: Accelerator not found: ${arn}`]);
    }
    expect(await refused(api, "CreateListener", { AcceleratorArn: arn, Protocol: "TCP", PortRanges: [{ FromPort: 1, ToPort: 1 }], IdempotencyToken: token() })).toBe(
      `AcceleratorNotFoundException: Accelerator not found: ${arn}`,
    );
  });

  test("ListAccelerators pages with MaxResults and NextToken", async () => {
    for (let i = 0; i < 3; i++) await accelerator(api);
    const first = await ok(api, "ListAccelerators", { MaxResults: 2 });
    expect(first.Accelerators).toHaveLength(2);
    const second = await ok(api, "ListAccelerators", { MaxResults: 2, NextToken: first.NextToken });
    expect(second.Accelerators).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    expect(await refused(api, "ListAccelerators", { NextToken: "garbage" })).toBe("InvalidNextTokenException: There isn't another item to return.");
    expect(await refused(api, "ListAccelerators", { MaxResults: 101 })).toBe("InvalidArgumentException: MaxResults must be between 1 and 100.");
  });

  test("ListListeners and ListEndpointGroups page the same way; MaxResults 1 and 100 accepted, 0 refused", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    const listeners = [];
    for (const port of [80, 443, 8443]) listeners.push(await listener(api, arn, { PortRanges: [{ FromPort: port, ToPort: port }] }));
    for (const region of ["us-west-2", "eu-west-1", "ap-northeast-1"]) await group(api, listeners[0].ListenerArn, { EndpointGroupRegion: region });
    for (const [operation, input, key] of [
      ["ListListeners", { AcceleratorArn: arn }, "Listeners"],
      ["ListEndpointGroups", { ListenerArn: listeners[0].ListenerArn }, "EndpointGroups"],
    ] as const) {
      const first = await ok(api, operation, { ...input, MaxResults: 1 });
      const rest = await ok(api, operation, { ...input, MaxResults: 100, NextToken: first.NextToken });
      expect([first[key].length, rest[key].length, rest.NextToken]).toEqual([1, 2, undefined]);
      expect(await refused(api, operation, { ...input, MaxResults: 0 })).toBe("InvalidArgumentException: MaxResults must be between 1 and 100.");
      expect(await refused(api, operation, { ...input, NextToken: "garbage" })).toBe("InvalidNextTokenException: There isn't another item to return.");
    }
  });
});

describe("accelerator attributes and tags", () => {
  const FLOW_LOGS_NEED_BUCKET_AND_PREFIX = "InvalidArgumentException: FlowLogsS3Bucket and FlowLogsS3Prefix are required when FlowLogsEnabled is true.";

  test("attributes start with flow logs off; enabling needs a bucket and a prefix", async () => {
    const acc = await accelerator(api);
    const arn = acc.AcceleratorArn;
    expect(await ok(api, "DescribeAcceleratorAttributes", { AcceleratorArn: arn })).toEqual({ AcceleratorAttributes: { FlowLogsEnabled: false } });
    expect(await refused(api, "UpdateAcceleratorAttributes", { AcceleratorArn: arn, FlowLogsEnabled: true })).toBe(FLOW_LOGS_NEED_BUCKET_AND_PREFIX);
    expect(await refused(api, "UpdateAcceleratorAttributes", { AcceleratorArn: arn, FlowLogsEnabled: true, FlowLogsS3Bucket: "logs" })).toBe(FLOW_LOGS_NEED_BUCKET_AND_PREFIX);
    const attributes = { FlowLogsEnabled: true, FlowLogsS3Bucket: "logs", FlowLogsS3Prefix: "ga/" };
    expect(await ok(api, "UpdateAcceleratorAttributes", { AcceleratorArn: arn, ...attributes })).toEqual({ AcceleratorAttributes: attributes });
    expect(await ok(api, "DescribeAcceleratorAttributes", { AcceleratorArn: arn })).toEqual({ AcceleratorAttributes: attributes });
  });

  test("disabling flow logs keeps the bucket and prefix (the provider disables before it changes them)", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    await ok(api, "UpdateAcceleratorAttributes", { AcceleratorArn: arn, FlowLogsEnabled: true, FlowLogsS3Bucket: "logs", FlowLogsS3Prefix: "ga/" });
    await ok(api, "UpdateAcceleratorAttributes", { AcceleratorArn: arn, FlowLogsEnabled: false });
    expect((await ok(api, "DescribeAcceleratorAttributes", { AcceleratorArn: arn })).AcceleratorAttributes).toEqual({
      FlowLogsEnabled: false,
      FlowLogsS3Bucket: "logs",
      FlowLogsS3Prefix: "ga/",
    });
  });

  test("tags: create, add, overwrite, remove, list", async () => {
    const arn = (await accelerator(api, { Tags: [{ Key: "Env", Value: "test" }] })).AcceleratorArn;
    await ok(api, "TagResource", { ResourceArn: arn, Tags: [{ Key: "Env", Value: "prod" }, { Key: "Team", Value: "net" }] });
    expect((await ok(api, "ListTagsForResource", { ResourceArn: arn })).Tags).toEqual([{ Key: "Env", Value: "prod" }, { Key: "Team", Value: "net" }]);
    await ok(api, "UntagResource", { ResourceArn: arn, TagKeys: ["Env"] });
    expect((await ok(api, "ListTagsForResource", { ResourceArn: arn })).Tags).toEqual([{ Key: "Team", Value: "net" }]);
  });

  test("tags: a key of 128 characters is accepted, 129 refused; a value of 256 accepted, 257 refused", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    await ok(api, "TagResource", { ResourceArn: arn, Tags: [{ Key: "k".repeat(128), Value: "v".repeat(256) }] });
    expect(await refused(api, "TagResource", { ResourceArn: arn, Tags: [{ Key: "k".repeat(129), Value: "v" }] })).toBe("InvalidArgumentException: Key must be at most 128 characters long.");
    expect(await refused(api, "TagResource", { ResourceArn: arn, Tags: [{ Key: "k", Value: "v".repeat(257) }] })).toBe("InvalidArgumentException: Value must be at most 256 characters long.");
  });

  test("tags: only accelerators; an unknown accelerator is NotFound, except for UntagResource", async () => {
    const { lis } = await tcpListener(api);
    expect(await refused(api, "TagResource", { ResourceArn: lis.ListenerArn, Tags: [{ Key: "a", Value: "b" }] })).toBe(
      `InvalidArgumentException: Only accelerators can have tags; ${lis.ListenerArn} is a listener or endpoint group.`,
    );
    const gone = "arn:aws:globalaccelerator::123456789012:accelerator/11111111-2222-3333-4444-555555555555";
    expect(await refused(api, "ListTagsForResource", { ResourceArn: gone })).toBe(`AcceleratorNotFoundException: Accelerator not found: ${gone}`);
    expect(await refused(api, "TagResource", { ResourceArn: gone, Tags: [{ Key: "a", Value: "b" }] })).toBe(`AcceleratorNotFoundException: Accelerator not found: ${gone}`);
    // API reference: "The operation succeeds even if you attempt to remove tags from an accelerator that was already removed."
    expect(await ok(api, "UntagResource", { ResourceArn: gone, TagKeys: ["a"] })).toEqual({});
  });
});

describe("deployment status", () => {
  test("a change stays IN_PROGRESS for deployDelayMs, then reads DEPLOYED; every change starts it again", async () => {
    const slow = await startGlobalAcceleratorApi({ deployDelayMs: 300 });
    try {
      const since = Date.now();
      const created = await accelerator(slow);
      expect(created.Status).toBe("IN_PROGRESS");
      const arn = created.AcceleratorArn;
      expect(await deployedAfter(slow, arn, since)).toBeGreaterThanOrEqual(300);
      // Tags do not deploy anything.
      await ok(slow, "TagResource", { ResourceArn: arn, Tags: [{ Key: "a", Value: "b" }] });
      expect((await ok(slow, "DescribeAccelerator", { AcceleratorArn: arn })).Accelerator.Status).toBe("DEPLOYED");
      // A listener (any change below the accelerator) puts it back IN_PROGRESS.
      const again = Date.now();
      await listener(slow, arn);
      expect(await deployedAfter(slow, arn, again)).toBeGreaterThanOrEqual(300);
    } finally {
      await slow.stop();
    }
  });

  test("delete waits for a disable to deploy: still IN_PROGRESS is AcceleratorNotDisabledException", async () => {
    // A clock the test moves: "still deploying" must not depend on how fast a loaded machine answers.
    let now = Date.now();
    const slow = await startGlobalAcceleratorApi({ deployDelayMs: 1000, now: () => now });
    try {
      const arn = (await accelerator(slow)).AcceleratorArn;
      now += 1000;
      await ok(slow, "UpdateAccelerator", { AcceleratorArn: arn, Enabled: false });
      now += 999;
      expect(await refused(slow, "DeleteAccelerator", { AcceleratorArn: arn })).toBe(
        `AcceleratorNotDisabledException: Accelerator ${arn} is still being disabled (IN_PROGRESS); wait for DEPLOYED before deleting it.`,
      );
      now += 1;
      expect((await ok(slow, "DescribeAccelerator", { AcceleratorArn: arn })).Accelerator.Status).toBe("DEPLOYED");
      await ok(slow, "DeleteAccelerator", { AcceleratorArn: arn });
    } finally {
      await slow.stop();
    }
  });

  test("endpoints read INITIAL while a change deploys and HEALTHY after", async () => {
    const slow = await startGlobalAcceleratorApi({ deployDelayMs: 200 });
    try {
      const { acc, lis } = await tcpListener(slow);
      const created = await group(slow, lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: EIP(1) }] });
      expect(created.EndpointDescriptions[0].HealthState).toBe("INITIAL");
      await deployedAfter(slow, acc.AcceleratorArn, Date.now());
      const read = (await ok(slow, "DescribeEndpointGroup", { EndpointGroupArn: created.EndpointGroupArn })).EndpointGroup;
      expect(read.EndpointDescriptions[0].HealthState).toBe("HEALTHY");
    } finally {
      await slow.stop();
    }
  });
});

describe("listeners", () => {
  test("create echoes the listener with ClientAffinity NONE by default and the port ranges in order", async () => {
    const acc = await accelerator(api);
    const ranges = [{ FromPort: 8080, ToPort: 8090 }, { FromPort: 443, ToPort: 443 }, { FromPort: 80, ToPort: 80 }];
    const lis = await listener(api, acc.AcceleratorArn, { PortRanges: ranges });
    expect(lis).toEqual({
      ListenerArn: expect.stringMatching(new RegExp(`^${acc.AcceleratorArn}/listener/[0-9a-f]{8}$`)),
      PortRanges: ranges,
      Protocol: "TCP",
      ClientAffinity: "NONE",
    });
    expect((await ok(api, "DescribeListener", { ListenerArn: lis.ListenerArn })).Listener).toEqual(lis);
    expect((await ok(api, "ListListeners", { AcceleratorArn: acc.AcceleratorArn })).Listeners).toEqual([lis]);
  });

  test("a TCP and a UDP listener may share ports; two TCP listeners may not overlap", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    await listener(api, arn, { Protocol: "TCP", PortRanges: [{ FromPort: 400, ToPort: 450 }] });
    await listener(api, arn, { Protocol: "UDP", PortRanges: [{ FromPort: 443, ToPort: 443 }] });
    const overlapping = { AcceleratorArn: arn, Protocol: "TCP", PortRanges: [{ FromPort: 450, ToPort: 460 }], IdempotencyToken: token() };
    expect(await refused(api, "CreateListener", overlapping)).toMatch(/^InvalidPortRangeException: Port range 450-460 \(TCP\) overlaps 400-450 of listener arn:\S+\/listener\/\w+; ports must be unique per protocol on an accelerator\.$/);
    expect(await refused(api, "CreateListener", { ...overlapping, Protocol: "UDP", PortRanges: [{ FromPort: 443, ToPort: 444 }] })).toMatch(/^InvalidPortRangeException: Port range 443-444 \(UDP\) overlaps 443 of listener /);
    await listener(api, arn, { Protocol: "TCP", PortRanges: [{ FromPort: 451, ToPort: 460 }] });
  });

  test("ranges within one request may touch but not overlap: InvalidPortRangeException", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    await listener(api, arn, { PortRanges: [{ FromPort: 100, ToPort: 199 }, { FromPort: 200, ToPort: 299 }] });
    const overlapping = { AcceleratorArn: arn, Protocol: "UDP", PortRanges: [{ FromPort: 1000, ToPort: 1100 }, { FromPort: 1100, ToPort: 1200 }], IdempotencyToken: token() };
    expect(await refused(api, "CreateListener", overlapping)).toBe("InvalidPortRangeException: Port ranges 1000-1100 and 1100-1200 overlap.");
  });

  test("ports: 1 and 65535 accepted; 0, 65536 and FromPort > ToPort are InvalidPortRangeException", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    await listener(api, arn, { PortRanges: [{ FromPort: 1, ToPort: 1 }, { FromPort: 65535, ToPort: 65535 }] });
    for (const [range, message] of [
      [{ FromPort: 0, ToPort: 10 }, "PortRanges[0] 0-10: ports must be between 1 and 65535."],
      [{ FromPort: 100, ToPort: 65536 }, "PortRanges[0] 100-65536: ports must be between 1 and 65535."],
      [{ FromPort: 200, ToPort: 199 }, "PortRanges[0]: FromPort 200 is greater than ToPort 199."],
    ] as const) {
      expect(await refused(api, "CreateListener", { AcceleratorArn: arn, Protocol: "UDP", PortRanges: [range], IdempotencyToken: token() })).toBe(`InvalidPortRangeException: ${message}`);
    }
  });

  test(`port ranges: ${QUOTAS.portRangesPerListener} accepted, ${QUOTAS.portRangesPerListener + 1} or none refused`, async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    const ranges = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({ FromPort: base + i, ToPort: base + i }));
    await listener(api, arn, { PortRanges: ranges(10, 1000) });
    expect(await refused(api, "CreateListener", { AcceleratorArn: arn, Protocol: "TCP", PortRanges: ranges(11, 2000), IdempotencyToken: token() })).toBe(
      "InvalidArgumentException: PortRanges must have between 1 and 10 port ranges; got 11.",
    );
    expect(await refused(api, "CreateListener", { AcceleratorArn: arn, Protocol: "TCP", PortRanges: [], IdempotencyToken: token() })).toBe("InvalidArgumentException: PortRanges must have between 1 and 10 port ranges; got 0.");
  });

  test("protocol and client affinity must be from their enums", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    const base = { AcceleratorArn: arn, PortRanges: [{ FromPort: 1, ToPort: 1 }], IdempotencyToken: token() };
    expect(await refused(api, "CreateListener", { ...base, Protocol: "HTTP" })).toBe("InvalidArgumentException: Protocol 'HTTP' is not valid; expected one of TCP, UDP.");
    expect(await refused(api, "CreateListener", { ...base, Protocol: "TCP", ClientAffinity: "STICKY" })).toBe("InvalidArgumentException: ClientAffinity 'STICKY' is not valid; expected one of NONE, SOURCE_IP.");
    expect((await listener(api, arn, { ClientAffinity: "SOURCE_IP" })).ClientAffinity).toBe("SOURCE_IP");
  });

  test(`quota: ${QUOTAS.listenersPerAccelerator} listeners per accelerator, the next is LimitExceededException`, async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    for (let i = 1; i <= QUOTAS.listenersPerAccelerator; i++) await listener(api, arn, { PortRanges: [{ FromPort: i, ToPort: i }] });
    expect(await refused(api, "CreateListener", { AcceleratorArn: arn, Protocol: "TCP", PortRanges: [{ FromPort: 99, ToPort: 99 }], IdempotencyToken: token() })).toBe(
      `LimitExceededException: An accelerator can have at most ${QUOTAS.listenersPerAccelerator} listeners.`,
    );
  });

  test("the same idempotency token returns the same listener", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    const body = { AcceleratorArn: arn, Protocol: "TCP", PortRanges: [{ FromPort: 443, ToPort: 443 }], IdempotencyToken: "listener-token" };
    const first = await ok(api, "CreateListener", body);
    // A second listener on the same ports would be InvalidPortRangeException: the token makes it a replay.
    const again = await ok(api, "CreateListener", body);
    expect(again).toEqual(first);
    expect((await ok(api, "ListListeners", { AcceleratorArn: arn })).Listeners).toHaveLength(1);
  });

  test("update replaces ports, protocol and affinity, still unique per protocol", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    const a = await listener(api, arn, { PortRanges: [{ FromPort: 80, ToPort: 80 }] });
    await listener(api, arn, { PortRanges: [{ FromPort: 443, ToPort: 443 }] });
    expect(await refused(api, "UpdateListener", { ListenerArn: a.ListenerArn, PortRanges: [{ FromPort: 443, ToPort: 443 }] })).toMatch(
      /^InvalidPortRangeException: Port range 443 \(TCP\) overlaps 443 of listener arn:\S+; ports must be unique per protocol on an accelerator\.$/,
    );
    const updated = (await ok(api, "UpdateListener", { ListenerArn: a.ListenerArn, Protocol: "UDP", PortRanges: [{ FromPort: 443, ToPort: 443 }], ClientAffinity: "SOURCE_IP" })).Listener;
    expect(updated).toEqual({ ListenerArn: a.ListenerArn, Protocol: "UDP", PortRanges: [{ FromPort: 443, ToPort: 443 }], ClientAffinity: "SOURCE_IP" });
  });

  test("delete: a listener with an endpoint group is AssociatedEndpointGroupFoundException", async () => {
    const { lis } = await tcpListener(api);
    const g = await group(api, lis.ListenerArn);
    expect(await refused(api, "DeleteListener", { ListenerArn: lis.ListenerArn })).toBe(
      `AssociatedEndpointGroupFoundException: Listener ${lis.ListenerArn} has 1 endpoint group(s); delete them first.`,
    );
    await ok(api, "DeleteEndpointGroup", { EndpointGroupArn: g.EndpointGroupArn });
    await ok(api, "DeleteListener", { ListenerArn: lis.ListenerArn });
    expect(await refused(api, "DescribeListener", { ListenerArn: lis.ListenerArn })).toBe(`ListenerNotFoundException: Listener not found: ${lis.ListenerArn}`);
  });

  test("unknown listener ARNs are ListenerNotFoundException", async () => {
    const { acc } = await tcpListener(api);
    const arn = `${acc.AcceleratorArn}/listener/deadbeef`;
    for (const op of ["DescribeListener", "UpdateListener", "DeleteListener", "ListEndpointGroups"]) {
      expect([op, await refused(api, op, { ListenerArn: arn })]).toEqual([op, `ListenerNotFoundException: Listener not found: ${arn}`]);
    }
    expect(await refused(api, "CreateEndpointGroup", groupInput(arn))).toBe(`ListenerNotFoundException: Listener not found: ${arn}`);
  });
});

describe("endpoint groups", () => {
  test("create fills AWS's defaults: interval 30, TCP, threshold 3, dial 100, health-check port = the first listener port", async () => {
    const { lis } = await tcpListener(api);
    const g = await group(api, lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: EIP(1) }] });
    expect(g).toEqual({
      EndpointGroupArn: expect.stringMatching(new RegExp(`^${lis.ListenerArn}/endpoint-group/[0-9a-f]{12}$`)),
      EndpointGroupRegion: "us-west-2",
      EndpointDescriptions: [{ EndpointId: EIP(1), Weight: 128, HealthState: "HEALTHY", ClientIPPreservationEnabled: false }],
      TrafficDialPercentage: 100,
      HealthCheckPort: 443,
      HealthCheckProtocol: "TCP",
      HealthCheckIntervalSeconds: 30,
      ThresholdCount: 3,
      PortOverrides: [],
    });
    expect(g).not.toHaveProperty("HealthCheckPath"); // only for HTTP and HTTPS checks
    expect((await ok(api, "DescribeEndpointGroup", { EndpointGroupArn: g.EndpointGroupArn })).EndpointGroup).toEqual(g);
    expect((await ok(api, "ListEndpointGroups", { ListenerArn: lis.ListenerArn })).EndpointGroups).toEqual([g]);
  });

  test("HTTP and HTTPS checks carry a path, / by default; a TCP check drops it", async () => {
    const { acc, lis } = await tcpListener(api);
    const http = await group(api, lis.ListenerArn, { HealthCheckProtocol: "HTTP" });
    expect(http.HealthCheckPath).toBe("/");
    const lis2 = await listener(api, acc.AcceleratorArn, { Protocol: "UDP" });
    const https = await group(api, lis2.ListenerArn, { HealthCheckProtocol: "HTTPS", HealthCheckPath: "/healthz?full=1" });
    expect(https.HealthCheckPath).toBe("/healthz?full=1");
    const tcp = (await ok(api, "UpdateEndpointGroup", { EndpointGroupArn: https.EndpointGroupArn, HealthCheckProtocol: "TCP" })).EndpointGroup;
    expect(tcp).not.toHaveProperty("HealthCheckPath");
  });

  test("every field sent is echoed back", async () => {
    const { lis } = await tcpListener(api);
    const settings = {
      TrafficDialPercentage: 12.5,
      HealthCheckPort: 8080,
      HealthCheckProtocol: "HTTPS",
      HealthCheckPath: "/ping",
      HealthCheckIntervalSeconds: 10,
      ThresholdCount: 5,
      PortOverrides: [{ ListenerPort: 443, EndpointPort: 8443 }],
    };
    const g = await group(api, lis.ListenerArn, {
      EndpointConfigurations: [{ EndpointId: ALB_WEST, Weight: 100, ClientIPPreservationEnabled: true }, { EndpointId: EC2, Weight: 0 }],
      ...settings,
    });
    expect(g).toMatchObject({
      EndpointDescriptions: [
        { EndpointId: ALB_WEST, Weight: 100, ClientIPPreservationEnabled: true },
        // Not sent: an EC2 instance always preserves the client IP.
        { EndpointId: EC2, Weight: 0, ClientIPPreservationEnabled: true },
      ],
      ...settings,
    });
  });

  test("client IP preservation defaults to true for an ALB, false for an NLB and an Elastic IP", async () => {
    const { lis } = await tcpListener(api);
    const g = await group(api, lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: ALB_WEST }, { EndpointId: NLB_WEST }, { EndpointId: EIP(1) }] });
    expect(g.EndpointDescriptions.map((e: Json) => e.ClientIPPreservationEnabled)).toEqual([true, false, false]);
  });

  test("an EC2 instance always preserves the client IP: false (what the provider sends when unset) reads back true", async () => {
    const { lis } = await tcpListener(api);
    const g = await group(api, lis.ListenerArn, {
      EndpointConfigurations: [{ EndpointId: EC2, ClientIPPreservationEnabled: false }, { EndpointId: NLB_WEST, ClientIPPreservationEnabled: false }],
    });
    expect(g.EndpointDescriptions.map((e: Json) => [e.EndpointId, e.ClientIPPreservationEnabled])).toEqual([[EC2, true], [NLB_WEST, false]]);
  });

  test("one endpoint group per Region per listener: EndpointGroupAlreadyExistsException", async () => {
    const { acc, lis } = await tcpListener(api);
    await group(api, lis.ListenerArn, { EndpointGroupRegion: "us-west-2" });
    expect(await refused(api, "CreateEndpointGroup", groupInput(lis.ListenerArn, { EndpointGroupRegion: "us-west-2" }))).toMatch(
      new RegExp(`^EndpointGroupAlreadyExistsException: Listener ${lis.ListenerArn} already has an endpoint group in us-west-2: ${lis.ListenerArn}/endpoint-group/[0-9a-f]{12}$`),
    );
    await group(api, lis.ListenerArn, { EndpointGroupRegion: "eu-west-1" });
    // The same Region on another listener is fine.
    const udp = await listener(api, acc.AcceleratorArn, { Protocol: "UDP" });
    await group(api, udp.ListenerArn, { EndpointGroupRegion: "us-west-2" });
  });

  test("the Region must be one Global Accelerator supports", async () => {
    const { lis } = await tcpListener(api);
    expect(await refused(api, "CreateEndpointGroup", groupInput(lis.ListenerArn, { EndpointGroupRegion: "us-moon-1" }))).toBe(
      "InvalidArgumentException: EndpointGroupRegion 'us-moon-1' is not a Region Global Accelerator supports.",
    );
    expect(await refused(api, "CreateEndpointGroup", { ListenerArn: lis.ListenerArn, IdempotencyToken: token() })).toBe("InvalidArgumentException: EndpointGroupRegion is required.");
  });

  // Each case: a value just inside the rule (accepted) and just outside (InvalidArgumentException, with its message).
  const ranges: [string, Json, Json, string][] = [
    ["interval 10 or 30 (not 20)", { HealthCheckIntervalSeconds: 10 }, { HealthCheckIntervalSeconds: 20 }, `HealthCheckIntervalSeconds 20 is not valid; expected values are 10 or 30.`],
    ["interval 30 (not 31)", { HealthCheckIntervalSeconds: 30 }, { HealthCheckIntervalSeconds: 31 }, `HealthCheckIntervalSeconds 31 is not valid; expected values are 10 or 30.`],
    ["threshold 1 (not 0)", { ThresholdCount: 1 }, { ThresholdCount: 0 }, `ThresholdCount 0 must be between 1 and 10.`],
    ["threshold 10 (not 11)", { ThresholdCount: 10 }, { ThresholdCount: 11 }, `ThresholdCount 11 must be between 1 and 10.`],
    ["dial 0 (not -0.1)", { TrafficDialPercentage: 0 }, { TrafficDialPercentage: -0.1 }, `TrafficDialPercentage -0.1 must be between 0 and 100.`],
    ["dial 100 (not 100.5)", { TrafficDialPercentage: 100 }, { TrafficDialPercentage: 100.5 }, `TrafficDialPercentage 100.5 must be between 0 and 100.`],
    ["health-check port 65535 (not 65536)", { HealthCheckPort: 65535 }, { HealthCheckPort: 65536 }, `HealthCheckPort 65536 must be between 1 and 65535.`],
    ["health-check port 1 (not 0)", { HealthCheckPort: 1 }, { HealthCheckPort: 0 }, `HealthCheckPort 0 must be between 1 and 65535.`],
    ["health-check protocol HTTPS (not ICMP)", { HealthCheckProtocol: "HTTPS" }, { HealthCheckProtocol: "ICMP" }, `HealthCheckProtocol 'ICMP' is not valid; expected one of TCP, HTTP, HTTPS.`],
    ["path /a-b_c.d~e?f=g&h#i (not no-leading-slash)", { HealthCheckProtocol: "HTTP", HealthCheckPath: "/a-b_c.d~e?f=g&h#i" }, { HealthCheckProtocol: "HTTP", HealthCheckPath: "no-leading-slash" }, `HealthCheckPath 'no-leading-slash' must start with / and contain only letters, digits and -@:%_\\+.~#?&/=.`],
    ["path /ok (not /with space)", { HealthCheckProtocol: "HTTP", HealthCheckPath: "/ok" }, { HealthCheckProtocol: "HTTP", HealthCheckPath: "/with space" }, `HealthCheckPath '/with space' must start with / and contain only letters, digits and -@:%_\\+.~#?&/=.`],
    ["path of 255 characters (not 256)", { HealthCheckProtocol: "HTTP", HealthCheckPath: `/${"p".repeat(254)}` }, { HealthCheckProtocol: "HTTP", HealthCheckPath: `/${"p".repeat(255)}` }, `HealthCheckPath must be at most 255 characters long.`],
    ["weight 255 (not 256)", { EndpointConfigurations: [{ EndpointId: EIP(1), Weight: 255 }] }, { EndpointConfigurations: [{ EndpointId: EIP(1), Weight: 256 }] }, `Weight 256 of endpoint ${EIP(1)} must be between 0 and 255.`],
    ["weight 0 (not -1)", { EndpointConfigurations: [{ EndpointId: EIP(1), Weight: 0 }] }, { EndpointConfigurations: [{ EndpointId: EIP(1), Weight: -1 }] }, `Weight -1 of endpoint ${EIP(1)} must be between 0 and 255.`],
    [
      `${QUOTAS.endpointsPerGroup} endpoints (not ${QUOTAS.endpointsPerGroup + 1})`,
      { EndpointConfigurations: Array.from({ length: 10 }, (_, i) => ({ EndpointId: EIP(i) })) },
      { EndpointConfigurations: Array.from({ length: 11 }, (_, i) => ({ EndpointId: EIP(i) })) },
      `An endpoint group can have at most ${QUOTAS.endpointsPerGroup} endpoints; got 11.`,
    ],
    [
      `${QUOTAS.portOverridesPerGroup} port overrides (not ${QUOTAS.portOverridesPerGroup + 1})`,
      { PortOverrides: Array.from({ length: 10 }, (_, i) => ({ ListenerPort: 1000 + i, EndpointPort: 2000 + i })) },
      { PortOverrides: Array.from({ length: 11 }, (_, i) => ({ ListenerPort: 1000 + i, EndpointPort: 2000 + i })) },
      `An endpoint group can have at most ${QUOTAS.portOverridesPerGroup} port overrides; got 11.`,
    ],
    ["override port 65535 (not 65536)", { PortOverrides: [{ ListenerPort: 443, EndpointPort: 65535 }] }, { PortOverrides: [{ ListenerPort: 443, EndpointPort: 65536 }] }, `PortOverrides[0].EndpointPort 65536 must be between 1 and 65535.`],
    ["an EIP allocation ID (not the seed's eip-12345678)", { EndpointConfigurations: [{ EndpointId: "eipalloc-12345678" }] }, { EndpointConfigurations: [{ EndpointId: "eip-12345678" }] }, `EndpointId 'eip-12345678' is not a valid endpoint: expected an Application or Network Load Balancer ARN, an Elastic IP allocation ID (eipalloc-...) or an EC2 instance ID (i-...).`],
    ["a 17-character instance ID (not 16)", { EndpointConfigurations: [{ EndpointId: "i-0123456789abcdef0" }] }, { EndpointConfigurations: [{ EndpointId: "i-0123456789abcdef" }] }, `EndpointId 'i-0123456789abcdef' is not a valid endpoint: expected an Application or Network Load Balancer ARN, an Elastic IP allocation ID (eipalloc-...) or an EC2 instance ID (i-...).`],
    ["an ALB ARN (not a target group ARN)", { EndpointConfigurations: [{ EndpointId: ALB_WEST }] }, { EndpointConfigurations: [{ EndpointId: "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web/50dc6c495c0c9188" }] }, `EndpointId 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web/50dc6c495c0c9188' is not a valid endpoint: expected an Application or Network Load Balancer ARN, an Elastic IP allocation ID (eipalloc-...) or an EC2 instance ID (i-...).`],
    ["an ALB in the group's Region (not another Region's)", { EndpointConfigurations: [{ EndpointId: ALB_WEST }] }, { EndpointConfigurations: [{ EndpointId: ALB_EAST }] }, `'${ALB_EAST}' is not a valid load balancer ARN (it is in us-east-1; the endpoint group is in eu-west-1).`],
    ["client IP preservation on an ALB (not on an Elastic IP)", { EndpointConfigurations: [{ EndpointId: ALB_WEST, ClientIPPreservationEnabled: true }] }, { EndpointConfigurations: [{ EndpointId: EIP(1), ClientIPPreservationEnabled: true }] }, `Client IP address preservation is not supported for Elastic IP address endpoints (${EIP(1)}).`],
    ["distinct endpoints (not the same one twice)", { EndpointConfigurations: [{ EndpointId: EIP(1) }, { EndpointId: EIP(2) }] }, { EndpointConfigurations: [{ EndpointId: EIP(1) }, { EndpointId: EIP(1), Weight: 5 }] }, `Endpoint ${EIP(1)} appears more than once in the endpoint group.`],
    ["an endpoint port outside the listener ranges (not inside 443)", { PortOverrides: [{ ListenerPort: 80, EndpointPort: 8080 }] }, { PortOverrides: [{ ListenerPort: 80, EndpointPort: 443 }] }, `Endpoint port 443 is inside the listener port range 443 of this accelerator.`],
    ["one override per listener port (not two for 443)", { PortOverrides: [{ ListenerPort: 443, EndpointPort: 8443 }] }, { PortOverrides: [{ ListenerPort: 443, EndpointPort: 8443 }, { ListenerPort: 443, EndpointPort: 9443 }] }, `Listener port 443 has more than one port override.`],
  ];
  test.each(ranges)("%s", async (_name, inside, outside, message) => {
    const { lis } = await tcpListener(api);
    await group(api, lis.ListenerArn, { EndpointGroupRegion: "us-west-2", ...inside });
    expect(await refused(api, "CreateEndpointGroup", groupInput(lis.ListenerArn, { EndpointGroupRegion: "eu-west-1", ...outside }))).toBe(`InvalidArgumentException: ${message}`);
  });

  test("an endpoint port may not be the override of two different listener ports on one accelerator", async () => {
    const { acc, lis } = await tcpListener(api);
    await group(api, lis.ListenerArn, { PortOverrides: [{ ListenerPort: 443, EndpointPort: 8443 }] });
    const udp = await listener(api, acc.AcceleratorArn, { Protocol: "UDP", PortRanges: [{ FromPort: 53, ToPort: 53 }] });
    expect(await refused(api, "CreateEndpointGroup", groupInput(udp.ListenerArn, { PortOverrides: [{ ListenerPort: 53, EndpointPort: 8443 }] }))).toBe(
      "InvalidArgumentException: Endpoint port 8443 is already the override of listener port 443 on this accelerator.",
    );
    await group(api, udp.ListenerArn, { PortOverrides: [{ ListenerPort: 53, EndpointPort: 5353 }] });
  });

  test("a dual-stack accelerator refuses Elastic IP endpoints, takes ALB/NLB/EC2 ones", async () => {
    const { lis } = await tcpListener(api, { IpAddressType: "DUAL_STACK" });
    expect(await refused(api, "CreateEndpointGroup", groupInput(lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: EIP(1) }] }))).toBe(
      `InvalidArgumentException: A dual-stack accelerator cannot have Elastic IP address endpoints (${EIP(1)}).`,
    );
    await group(api, lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: ALB_WEST }, { EndpointId: NLB_WEST }, { EndpointId: EC2 }] });
  });

  test("switching an accelerator with Elastic IP endpoints to dual-stack is refused", async () => {
    const { acc, lis } = await tcpListener(api);
    await group(api, lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: EIP(1) }] });
    expect(await refused(api, "UpdateAccelerator", { AcceleratorArn: acc.AcceleratorArn, IpAddressType: "DUAL_STACK" })).toBe(
      `InvalidArgumentException: A dual-stack accelerator cannot have Elastic IP address endpoints (${EIP(1)}).`,
    );
  });

  test(`quota: ${QUOTAS.endpointGroupsPerAccelerator} endpoint groups per accelerator across listeners, the next is LimitExceededException`, async () => {
    const acc = await accelerator(api);
    const regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-south-1", "ap-northeast-1"];
    const listeners = [];
    for (let port = 1; port <= 5; port++) listeners.push((await listener(api, acc.AcceleratorArn, { PortRanges: [{ FromPort: port, ToPort: port }] })).ListenerArn);
    const slots = listeners.flatMap((l) => regions.map((r) => [l, r]));
    for (const [l, r] of slots.slice(0, QUOTAS.endpointGroupsPerAccelerator)) await group(api, l, { EndpointGroupRegion: r });
    const [l, r] = slots[QUOTAS.endpointGroupsPerAccelerator];
    expect(await refused(api, "CreateEndpointGroup", groupInput(l, { EndpointGroupRegion: r }))).toBe(
      `LimitExceededException: An accelerator can have at most ${QUOTAS.endpointGroupsPerAccelerator} endpoint groups across its listeners.`,
    );
  });

  test("the same idempotency token returns the same endpoint group", async () => {
    const { lis } = await tcpListener(api);
    const body = groupInput(lis.ListenerArn, { IdempotencyToken: "group-token" });
    const first = await ok(api, "CreateEndpointGroup", body);
    // Without the token this would be EndpointGroupAlreadyExistsException.
    expect(await ok(api, "CreateEndpointGroup", body)).toEqual(first);
  });

  test("update replaces the lists it is sent ([] clears them) and keeps the fields it is not", async () => {
    const { lis } = await tcpListener(api);
    const g = await group(api, lis.ListenerArn, {
      EndpointConfigurations: [{ EndpointId: EIP(1), Weight: 10 }],
      PortOverrides: [{ ListenerPort: 443, EndpointPort: 8443 }],
      ThresholdCount: 7,
    });
    const dialed = (await ok(api, "UpdateEndpointGroup", { EndpointGroupArn: g.EndpointGroupArn, TrafficDialPercentage: 0 })).EndpointGroup;
    expect(dialed).toMatchObject({ TrafficDialPercentage: 0, ThresholdCount: 7, EndpointDescriptions: [{ EndpointId: EIP(1), Weight: 10 }], PortOverrides: [{ ListenerPort: 443, EndpointPort: 8443 }] });
    const cleared = (await ok(api, "UpdateEndpointGroup", { EndpointGroupArn: g.EndpointGroupArn, EndpointConfigurations: [], PortOverrides: [] })).EndpointGroup;
    expect(cleared).toMatchObject({ EndpointDescriptions: [], PortOverrides: [], ThresholdCount: 7 });
    expect(await refused(api, "UpdateEndpointGroup", { EndpointGroupArn: g.EndpointGroupArn, HealthCheckIntervalSeconds: 15 })).toBe(
      "InvalidArgumentException: HealthCheckIntervalSeconds 15 is not valid; expected values are 10 or 30.",
    );
  });

  test("unknown endpoint group ARNs are EndpointGroupNotFoundException", async () => {
    const { lis } = await tcpListener(api);
    const arn = `${lis.ListenerArn}/endpoint-group/0123456789ab`;
    for (const op of ["DescribeEndpointGroup", "UpdateEndpointGroup", "DeleteEndpointGroup"]) {
      expect([op, await refused(api, op, { EndpointGroupArn: arn })]).toEqual([op, `EndpointGroupNotFoundException: Endpoint group not found: ${arn}`]);
    }
  });

  test("ListCrossAccountResources answers an empty list for a 12-digit account, refuses anything else", async () => {
    expect(await ok(api, "ListCrossAccountResources", { ResourceOwnerAwsAccountId: "123456789012" })).toEqual({ CrossAccountResources: [] });
    expect(await refused(api, "ListCrossAccountResources", { ResourceOwnerAwsAccountId: "1234" })).toBe("InvalidArgumentException: ResourceOwnerAwsAccountId '1234' is not a 12-digit account ID.");
    expect(await refused(api, "ListCrossAccountResources", {})).toBe("InvalidArgumentException: ResourceOwnerAwsAccountId is required.");
  });

  test("a member of the wrong JSON type is SerializationException", async () => {
    const { lis } = await tcpListener(api);
    expect(await refused(api, "CreateEndpointGroup", groupInput(lis.ListenerArn, { ThresholdCount: "3" }))).toBe('SerializationException: ThresholdCount: expected a number, got "3".');
    expect(await refused(api, "CreateEndpointGroup", groupInput(lis.ListenerArn, { EndpointConfigurations: { EndpointId: EIP(1) } }))).toBe(
      `SerializationException: EndpointConfigurations: expected a list, got {"EndpointId":"${EIP(1)}"}.`,
    );
  });
});

describe("faults", () => {
  test("throttle N: the next N calls of the operation get ThrottlingException (HTTP 400), then it succeeds", async () => {
    api.injectFault({ kind: "throttle", operation: "CreateAccelerator", count: 2 });
    const body = { Name: "t", IdempotencyToken: "throttled" };
    const first = await call(api, "CreateAccelerator", body);
    expect([first.status, first.body.__type, first.headers.get("x-amzn-errortype")]).toEqual([400, "ThrottlingException", "ThrottlingException"]);
    expect((await call(api, "CreateAccelerator", body)).body.__type).toBe("ThrottlingException");
    // Other operations are not affected.
    expect((await call(api, "ListAccelerators", {})).status).toBe(200);
    expect((await call(api, "CreateAccelerator", body)).status).toBe(200);
    expect(api.calls().filter((c) => c.operation === "CreateAccelerator").map((c) => [c.status, c.errorType, c.fault])).toEqual([
      [400, "ThrottlingException", "throttle"],
      [400, "ThrottlingException", "throttle"],
      [200, undefined, undefined],
    ]);
    expect(api.state().accelerators).toHaveLength(1);
  });

  test("internal-error N: HTTP 500 InternalFailure N times, through the control endpoint", async () => {
    const set = await fetch(`${api.endpoint}/__control/faults`, { method: "POST", body: JSON.stringify({ operation: "ListAccelerators", kind: "internal-error", count: 1 }) });
    expect(set.status).toBe(200);
    const failed = await call(api, "ListAccelerators", {});
    expect([failed.status, failed.body.__type]).toEqual([500, "InternalFailure"]);
    expect((await call(api, "ListAccelerators", {})).status).toBe(200);
    expect(api.faults()).toEqual([]);
  });

  test("a fault without an operation hits the next call of any operation", async () => {
    api.injectFault({ kind: "throttle" });
    expect((await call(api, "ListCrossAccountResources", { ResourceOwnerAwsAccountId: "123456789012" })).body.__type).toBe("ThrottlingException");
    expect((await call(api, "ListCrossAccountResources", { ResourceOwnerAwsAccountId: "123456789012" })).status).toBe(200);
  });

  test("slow-deploy makes changes stay IN_PROGRESS that long from now on", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    expect((await ok(api, "DescribeAccelerator", { AcceleratorArn: arn })).Accelerator.Status).toBe("DEPLOYED");
    await fetch(`${api.endpoint}/__control/faults`, { method: "POST", body: JSON.stringify({ kind: "slow-deploy", ms: 300 }) });
    const since = Date.now();
    await listener(api, arn);
    expect(await deployedAfter(api, arn, since)).toBeGreaterThanOrEqual(300);
  });

  test("slow-deploy with an operation slows only that operation's next change", async () => {
    const arn = (await accelerator(api)).AcceleratorArn;
    await deployedAfter(api, arn, Date.now());
    api.injectFault({ kind: "slow-deploy", operation: "CreateListener", ms: 300 });
    const status = async () => (await ok(api, "DescribeAccelerator", { AcceleratorArn: arn })).Accelerator.Status;
    // GIVEN another change first: it is not slowed (this API's delay is 0: DEPLOYED at the next read)
    await ok(api, "UpdateAccelerator", { AcceleratorArn: arn, Name: "renamed" });
    expect(await status()).toBe("DEPLOYED");
    // WHEN the listener is created THEN its change stays IN_PROGRESS at least that long
    const since = Date.now();
    const created = await listener(api, arn);
    expect(await deployedAfter(api, arn, since)).toBeGreaterThanOrEqual(300);
    // and the one after it is quick again
    await ok(api, "UpdateListener", { ListenerArn: created.ListenerArn, ClientAffinity: "SOURCE_IP", Protocol: "TCP", PortRanges: created.PortRanges });
    expect(await status()).toBe("DEPLOYED");
  });

  test("a bad fault is refused with the reason", async () => {
    const bad = await fetch(`${api.endpoint}/__control/faults`, { method: "POST", body: JSON.stringify({ kind: "throttle", operation: "Nope" }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error).toMatch(/unknown operation/);
    expect(() => api.injectFault({ kind: "throttle", count: 0 })).toThrow(/count/);
    expect(() => api.injectFault({ kind: "slow-deploy", ms: 10, operation: "DescribeAccelerator" })).toThrow(/an operation that changes something/);
  });
});

describe("endpoint health (the world's, set through the control, never by an API call)", () => {
  const health = async (arn: string) => (await ok(api, "DescribeEndpointGroup", { EndpointGroupArn: arn })).EndpointGroup.EndpointDescriptions as Json[];
  const postHealth = async (body: unknown) => {
    const res = await fetch(`${api.endpoint}/__control/health`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Json };
  };
  /** Two groups on two listeners; the first has two endpoints, the second shares one of them. */
  async function twoGroups() {
    const { acc, lis } = await tcpListener(api);
    const other = await listener(api, acc.AcceleratorArn, { Protocol: "UDP" });
    const a = await group(api, lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: EIP(1) }, { EndpointId: EIP(2) }] });
    const b = await group(api, other.ListenerArn, { EndpointConfigurations: [{ EndpointId: EIP(2) }] });
    return { acc, lis, other, a: a.EndpointGroupArn as string, b: b.EndpointGroupArn as string };
  }

  test("a whole group set UNHEALTHY with a reason reads UNHEALTHY with HealthReason; HEALTHY again drops the reason", async () => {
    const { a, b } = await twoGroups();
    expect(api.setHealth({ endpointGroupArn: a, state: "UNHEALTHY", reason: "Timeout" })).toEqual([
      { endpointGroupArn: a, endpointId: EIP(1), state: "UNHEALTHY", reason: "Timeout" },
      { endpointGroupArn: a, endpointId: EIP(2), state: "UNHEALTHY", reason: "Timeout" },
    ]);
    expect((await health(a)).map((e) => [e.HealthState, e.HealthReason])).toEqual([["UNHEALTHY", "Timeout"], ["UNHEALTHY", "Timeout"]]);
    // The other group, which shares an endpoint ID, is another endpoint: untouched.
    expect((await health(b)).map((e) => [e.HealthState, e.HealthReason])).toEqual([["HEALTHY", undefined]]);
    api.setHealth({ endpointGroupArn: a, state: "HEALTHY" });
    for (const e of await health(a)) {
      expect(e.HealthState).toBe("HEALTHY");
      expect(e).not.toHaveProperty("HealthReason");
    }
  });

  test("without a reason UNHEALTHY carries no HealthReason", async () => {
    const { a } = await twoGroups();
    api.setHealth({ endpointGroupArn: a, state: "UNHEALTHY" });
    expect((await health(a))[0]).toEqual(expect.objectContaining({ HealthState: "UNHEALTHY" }));
    expect((await health(a))[0]).not.toHaveProperty("HealthReason");
  });

  test("by endpointId: every group with that endpoint; with both, only that group's", async () => {
    const { a, b } = await twoGroups();
    expect(api.setHealth({ endpointId: EIP(2), state: "UNHEALTHY" }).map((c) => c.endpointGroupArn)).toEqual([a, b]);
    expect((await health(a)).map((e) => e.HealthState)).toEqual(["HEALTHY", "UNHEALTHY"]);
    expect((await health(b)).map((e) => e.HealthState)).toEqual(["UNHEALTHY"]);
    api.setHealth({ endpointGroupArn: b, endpointId: EIP(2), state: "HEALTHY" });
    expect((await health(a)).map((e) => e.HealthState)).toEqual(["HEALTHY", "UNHEALTHY"]);
    expect((await health(b)).map((e) => e.HealthState)).toEqual(["HEALTHY"]);
  });

  test("ListEndpointGroups and the state view report the same health", async () => {
    const { lis, a } = await twoGroups();
    api.setHealth({ endpointGroupArn: a, endpointId: EIP(1), state: "UNHEALTHY", reason: "Failed" });
    const listed = (await ok(api, "ListEndpointGroups", { ListenerArn: lis.ListenerArn })).EndpointGroups as Json[];
    expect(listed[0].EndpointDescriptions.map((e: Json) => [e.HealthState, e.HealthReason])).toEqual([["UNHEALTHY", "Failed"], ["HEALTHY", undefined]]);
    expect((api.state().accelerators[0] as Json).Listeners[0].EndpointGroups[0].EndpointDescriptions[0]).toMatchObject({ HealthState: "UNHEALTHY", HealthReason: "Failed" });
  });

  test("POST /__control/health does the same: unhealthy reported, healthy again reported", async () => {
    const { a } = await twoGroups();
    const down = await postHealth({ endpointGroupArn: a, endpointId: EIP(1), state: "UNHEALTHY", reason: "Timeout" });
    expect(down).toEqual({ status: 200, body: { changed: [{ endpointGroupArn: a, endpointId: EIP(1), state: "UNHEALTHY", reason: "Timeout" }] } });
    expect((await health(a))[0]).toMatchObject({ HealthState: "UNHEALTHY", HealthReason: "Timeout" });
    expect((await postHealth({ endpointGroupArn: a, state: "HEALTHY" })).status).toBe(200);
    expect((await health(a)).map((e) => e.HealthState)).toEqual(["HEALTHY", "HEALTHY"]);
  });

  test("an unknown group or endpoint is a 404 naming it; bad input a 400 with the reason; neither changes anything", async () => {
    const { a } = await twoGroups();
    const missing = `${a.slice(0, -12)}000000000000`;
    expect(await postHealth({ endpointGroupArn: missing, state: "UNHEALTHY" })).toEqual({ status: 404, body: { error: `no endpoint group ${missing}` } });
    expect(await postHealth({ endpointId: EIP(9), state: "UNHEALTHY" })).toEqual({ status: 404, body: { error: `no endpoint group has an endpoint ${EIP(9)}` } });
    expect(await postHealth({ endpointGroupArn: a, endpointId: EIP(9), state: "UNHEALTHY" })).toEqual({ status: 404, body: { error: `endpoint group ${a} has no endpoint ${EIP(9)}` } });
    expect(await postHealth({ endpointGroupArn: a, state: "DEGRADED" })).toEqual({ status: 400, body: { error: 'state must be "HEALTHY" or "UNHEALTHY", received "DEGRADED"' } });
    expect(await postHealth({ endpointGroupArn: a, state: "INITIAL" })).toMatchObject({ status: 400 });
    expect(await postHealth({ state: "UNHEALTHY" })).toEqual({ status: 400, body: { error: "give endpointGroupArn, endpointId or both" } });
    expect(await postHealth({ endpointGroupArn: a, state: "HEALTHY", reason: "Timeout" })).toEqual({
      status: 400,
      body: { error: "a reason goes with UNHEALTHY only: a healthy endpoint has no HealthReason" },
    });
    expect((await postHealth({ endpointGroupArn: a, state: "UNHEALTHY", reason: "x".repeat(256) })).status).toBe(400);
    expect((await postHealth({ endpointGroupArn: a, state: "UNHEALTHY", reason: "x".repeat(255) })).status).toBe(200);
    api.setHealth({ endpointGroupArn: a, state: "HEALTHY" });
    expect((await postHealth("not json")).status).toBe(400);
    expect((await postHealth([1])).status).toBe(400);
    expect(() => api.setHealth({ endpointGroupArn: missing, state: "UNHEALTHY" })).toThrow(`no endpoint group ${missing}`);
    expect((await health(a)).map((e) => e.HealthState)).toEqual(["HEALTHY", "HEALTHY"]);
  });

  test("it is not an API call: no call recorded, no deploy, no change to what the provider reads", async () => {
    const { acc, a } = await twoGroups();
    const before = (await ok(api, "DescribeEndpointGroup", { EndpointGroupArn: a })).EndpointGroup;
    const accBefore = (await ok(api, "DescribeAccelerator", { AcceleratorArn: acc.AcceleratorArn })).Accelerator;
    const calls = api.calls().length;
    api.setHealth({ endpointGroupArn: a, state: "UNHEALTHY", reason: "Timeout" });
    expect(api.calls()).toHaveLength(calls);
    const after = (await ok(api, "DescribeEndpointGroup", { EndpointGroupArn: a })).EndpointGroup;
    const withoutHealth = (g: Json) => ({ ...g, EndpointDescriptions: g.EndpointDescriptions.map(({ HealthState, HealthReason, ...rest }: Json) => rest) }); // eslint-disable-line @typescript-eslint/no-unused-vars
    expect(withoutHealth(after)).toEqual(withoutHealth(before));
    expect((await ok(api, "DescribeAccelerator", { AcceleratorArn: acc.AcceleratorArn })).Accelerator).toEqual(accBefore);
  });

  test("an update that keeps an endpoint keeps its health; one added starts healthy; reset forgets it", async () => {
    const { a } = await twoGroups();
    api.setHealth({ endpointGroupArn: a, state: "UNHEALTHY", reason: "Failed" });
    await ok(api, "UpdateEndpointGroup", { EndpointGroupArn: a, TrafficDialPercentage: 40 });
    expect((await health(a)).map((e) => e.HealthState)).toEqual(["UNHEALTHY", "UNHEALTHY"]);
    await ok(api, "UpdateEndpointGroup", { EndpointGroupArn: a, EndpointConfigurations: [{ EndpointId: EIP(2) }, { EndpointId: EIP(3) }] });
    expect((await health(a)).map((e) => [e.EndpointId, e.HealthState, e.HealthReason])).toEqual([[EIP(2), "UNHEALTHY", "Failed"], [EIP(3), "HEALTHY", undefined]]);
    api.reset();
    const again = await twoGroups();
    expect((await health(again.a)).map((e) => e.HealthState)).toEqual(["HEALTHY", "HEALTHY"]);
  });

  test("while the accelerator deploys every endpoint reads INITIAL, also an unhealthy one; after, the health set", async () => {
    let now = 1_000_000;
    const slow = await startGlobalAcceleratorApi({ deployDelayMs: 500, now: () => now });
    try {
      const { lis } = await tcpListener(slow);
      const g = await group(slow, lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: EIP(1) }] });
      slow.setHealth({ endpointGroupArn: g.EndpointGroupArn, state: "UNHEALTHY", reason: "Timeout" });
      const read = async () => (await ok(slow, "DescribeEndpointGroup", { EndpointGroupArn: g.EndpointGroupArn })).EndpointGroup.EndpointDescriptions[0] as Json;
      expect(await read()).toEqual(expect.objectContaining({ HealthState: "INITIAL" }));
      expect(await read()).not.toHaveProperty("HealthReason");
      now += 500;
      expect(await read()).toMatchObject({ HealthState: "UNHEALTHY", HealthReason: "Timeout" });
      await ok(slow, "UpdateEndpointGroup", { EndpointGroupArn: g.EndpointGroupArn, TrafficDialPercentage: 50 });
      expect((await read()).HealthState).toBe("INITIAL");
      now += 500;
      expect((await read()).HealthState).toBe("UNHEALTHY");
    } finally {
      await slow.stop();
    }
  });

  test("health survives a restart with the same state file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ga-api-")), "ga.json");
    const first = await startGlobalAcceleratorApi({ deployDelayMs: 0, stateFile: file });
    let arn: string;
    try {
      const { lis } = await tcpListener(first);
      arn = (await group(first, lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: EIP(1) }] })).EndpointGroupArn;
      first.setHealth({ endpointGroupArn: arn, state: "UNHEALTHY", reason: "Failed" });
    } finally {
      await first.stop();
    }
    const second = await startGlobalAcceleratorApi({ deployDelayMs: 0, stateFile: file });
    try {
      expect((await ok(second, "DescribeEndpointGroup", { EndpointGroupArn: arn })).EndpointGroup.EndpointDescriptions[0]).toMatchObject({ HealthState: "UNHEALTHY", HealthReason: "Failed" });
    } finally {
      await second.stop();
    }
  });
});

describe("control endpoints", () => {
  test("GET /__control/state shows accelerators with attributes, tags, listeners and groups; reset empties it", async () => {
    const { acc, lis } = await tcpListener(api, { Tags: [{ Key: "k", Value: "v" }] });
    const g = await group(api, lis.ListenerArn);
    const state = (await (await fetch(`${api.endpoint}/__control/state`)).json()) as Json;
    expect(state).toEqual(api.state());
    expect(state.accelerators[0]).toMatchObject({
      AcceleratorArn: acc.AcceleratorArn,
      Attributes: { FlowLogsEnabled: false },
      Tags: [{ Key: "k", Value: "v" }],
      Listeners: [{ ListenerArn: lis.ListenerArn, EndpointGroups: [{ EndpointGroupArn: g.EndpointGroupArn }] }],
    });
    expect((await fetch(`${api.endpoint}/__control/reset`, { method: "POST" })).status).toBe(200);
    expect(api.state()).toEqual({ accelerators: [] });
    expect(api.calls()).toEqual([]);
  });

  test("an unknown control path is 404 and lists the endpoints", async () => {
    const res = await fetch(`${api.endpoint}/__control/nothing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as Json).endpoints).toContain("GET /__control/calls");
  });
});

describe("persistence", () => {
  test("a restarted server with the same state file sees the same accelerators, listeners, groups, tags, IPs and tokens", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ga-api-")), "state", "ga.json");
    const first = await startGlobalAcceleratorApi({ deployDelayMs: 0, stateFile: file });
    let acc: Json;
    let g: Json;
    try {
      acc = (await ok(first, "CreateAccelerator", { Name: "kept", IdempotencyToken: "kept-token", Tags: [{ Key: "Env", Value: "test" }] })).Accelerator;
      await ok(first, "UpdateAcceleratorAttributes", { AcceleratorArn: acc.AcceleratorArn, FlowLogsEnabled: true, FlowLogsS3Bucket: "b", FlowLogsS3Prefix: "p/" });
      const lis = await listener(first, acc.AcceleratorArn);
      g = await group(first, lis.ListenerArn, { EndpointConfigurations: [{ EndpointId: EIP(3), Weight: 7 }] });
    } finally {
      await first.stop();
    }
    // Written by rename: no temporary file is left next to it.
    expect(readdirSync(join(file, ".."))).toEqual(["ga.json"]);

    const second = await startGlobalAcceleratorApi({ deployDelayMs: 0, stateFile: file });
    try {
      const again = (await ok(second, "DescribeAccelerator", { AcceleratorArn: acc.AcceleratorArn })).Accelerator;
      expect(again).toEqual({ ...acc, Status: "DEPLOYED", LastModifiedTime: expect.any(Number) });
      expect((await ok(second, "ListTagsForResource", { ResourceArn: acc.AcceleratorArn })).Tags).toEqual([{ Key: "Env", Value: "test" }]);
      expect((await ok(second, "DescribeAcceleratorAttributes", { AcceleratorArn: acc.AcceleratorArn })).AcceleratorAttributes.FlowLogsS3Prefix).toBe("p/");
      expect((await ok(second, "DescribeEndpointGroup", { EndpointGroupArn: g.EndpointGroupArn })).EndpointGroup.EndpointDescriptions[0]).toMatchObject({ EndpointId: EIP(3), Weight: 7 });
      const replay = (await ok(second, "CreateAccelerator", { Name: "kept", IdempotencyToken: "kept-token" })).Accelerator;
      expect(replay.AcceleratorArn).toBe(acc.AcceleratorArn);
      // Addresses handed out before the restart are not handed out again.
      const fresh = await accelerator(second);
      expect(fresh.IpSets[0].IpAddresses).not.toEqual(acc.IpSets[0].IpAddresses);
      expect(fresh.IpSets[0].IpAddresses.some((ip: string) => acc.IpSets[0].IpAddresses.includes(ip))).toBe(false);
    } finally {
      await second.stop();
    }
  });

  test("a file that is not a state file stops the start", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ga-api-")), "ga.json");
    writeFileSync(file, JSON.stringify({ something: "else" }));
    await expect(startGlobalAcceleratorApi({ stateFile: file })).rejects.toThrow(/not a Global Accelerator API state file/);
  });
});

describe("command line", () => {
  test("flags are read; a bad one is named", () => {
    expect(parseArgs(["--port", "4566", "--deploy-delay-ms=250", "--state-file", "s.json", "--call-log", "c.jsonl"])).toEqual({
      port: 4566,
      deployDelayMs: 250,
      stateFile: "s.json",
      callLog: "c.jsonl",
    });
    expect(() => parseArgs(["--port", "abc"])).toThrow(/--port needs a whole number/);
    expect(() => parseArgs(["--deploy-delay-ms"])).toThrow(/--deploy-delay-ms needs a value/);
    expect(() => parseArgs(["--bogus", "1"])).toThrow(/unknown flag --bogus/);
  });

  test("the bundled CLI prints the ready line, serves, and stops with status 0 on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ga-cli-"));
    const bundle = join(dir, "cli.js");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("esbuild").buildSync({ entryPoints: [join(__dirname, "../src/local-aws/global-accelerator/cli.ts")], bundle: true, platform: "node", outfile: bundle, logLevel: "error" });
    const state = join(dir, "state.json");
    const child = spawn(process.execPath, [bundle, "--port", "0", "--deploy-delay-ms", "0", "--state-file", state], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
          if (out.includes("\n")) resolve(out);
        });
        child.on("exit", () => reject(new Error(`exited before the ready line: ${out}`)));
      });
      const match = /^global accelerator API at (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(line);
      expect(match).not.toBeNull();
      const remote = { endpoint: match![1] } as GlobalAcceleratorApi;
      await ok(remote, "CreateAccelerator", { Name: "cli", IdempotencyToken: "cli" });
      expect(existsSync(state)).toBe(true);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
