// The Global Accelerator service itself, without HTTP: accelerators, listeners and endpoint groups in
// memory, every operation the hashicorp/aws provider calls, and the rules the real API enforces, each
// refused with the exception name AWS uses. Synchronous and pure apart from the clock and the random
// ids, both injectable, so the wire layer (server.ts) and the tests drive it the same way.
//
// Sources: the AWS API model (botocore globalaccelerator/2018-08-08/service-2.json: shapes, enums,
// min/max, the errors each operation declares), the API reference and developer guide (the rules in
// prose), and the provider's internal/service/globalaccelerator/*.go (what it sends and reads back).
// Where the real API's behaviour is not documented, the comment at the rule says what was assumed.
import { randomBytes, randomUUID } from "node:crypto";

/** AWS's default quotas (developer guide "Quotas", general reference "Global Accelerator endpoints and quotas"). */
export const QUOTAS = {
  /** Standard accelerators per account (adjustable). */
  acceleratorsPerAccount: 20,
  /** Listeners per accelerator (adjustable). */
  listenersPerAccelerator: 10,
  /** Endpoint groups per accelerator, across all its listeners (not adjustable). */
  endpointGroupsPerAccelerator: 42,
  /** Port ranges per listener (not adjustable; also the model's PortRanges max). */
  portRangesPerListener: 10,
  /** Endpoints per endpoint group (the model's EndpointConfigurations max). */
  endpointsPerGroup: 10,
  /** Port overrides per endpoint group (the model's PortOverrides max). */
  portOverridesPerGroup: 10,
} as const;

/** Regions an endpoint group can be in (the developer guide's "Regions supported" list). */
export const ENDPOINT_GROUP_REGIONS: readonly string[] = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-northeast-1",
  "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1",
  "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1",
  "me-central-1", "sa-east-1",
];

/** Every operation the service answers (the provider's calls for the three standard resources and tags). */
export const OPERATIONS = [
  "CreateAccelerator",
  "DescribeAccelerator",
  "UpdateAccelerator",
  "DeleteAccelerator",
  "ListAccelerators",
  "DescribeAcceleratorAttributes",
  "UpdateAcceleratorAttributes",
  "CreateListener",
  "DescribeListener",
  "UpdateListener",
  "DeleteListener",
  "ListListeners",
  "CreateEndpointGroup",
  "DescribeEndpointGroup",
  "UpdateEndpointGroup",
  "DeleteEndpointGroup",
  "ListEndpointGroups",
  "TagResource",
  "UntagResource",
  "ListTagsForResource",
  "ListCrossAccountResources",
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Operations that change state (the wire layer persists after each one that succeeds). */
export const MUTATIONS: ReadonlySet<Operation> = new Set<Operation>([
  "CreateAccelerator",
  "UpdateAccelerator",
  "DeleteAccelerator",
  "UpdateAcceleratorAttributes",
  "CreateListener",
  "UpdateListener",
  "DeleteListener",
  "CreateEndpointGroup",
  "UpdateEndpointGroup",
  "DeleteEndpointGroup",
  "TagResource",
  "UntagResource",
]);

export function isOperation(name: string): name is Operation {
  return (OPERATIONS as readonly string[]).includes(name);
}

// ---------------------------------------------------------------------------------------------------
// Errors: one class per AWS exception name. `type` is what goes into `__type` and X-Amzn-ErrorType.

export class GlobalAcceleratorError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = type;
  }
}
export class AcceleratorNotFoundException extends GlobalAcceleratorError {
  constructor(message: string) { super("AcceleratorNotFoundException", message); }
}
export class AcceleratorNotDisabledException extends GlobalAcceleratorError {
  constructor(message: string) { super("AcceleratorNotDisabledException", message); }
}
export class AssociatedListenerFoundException extends GlobalAcceleratorError {
  constructor(message: string) { super("AssociatedListenerFoundException", message); }
}
export class AssociatedEndpointGroupFoundException extends GlobalAcceleratorError {
  constructor(message: string) { super("AssociatedEndpointGroupFoundException", message); }
}
export class ListenerNotFoundException extends GlobalAcceleratorError {
  constructor(message: string) { super("ListenerNotFoundException", message); }
}
export class EndpointGroupNotFoundException extends GlobalAcceleratorError {
  constructor(message: string) { super("EndpointGroupNotFoundException", message); }
}
export class EndpointGroupAlreadyExistsException extends GlobalAcceleratorError {
  constructor(message: string) { super("EndpointGroupAlreadyExistsException", message); }
}
export class InvalidArgumentException extends GlobalAcceleratorError {
  constructor(message: string) { super("InvalidArgumentException", message); }
}
export class InvalidPortRangeException extends GlobalAcceleratorError {
  constructor(message: string) { super("InvalidPortRangeException", message); }
}
export class InvalidNextTokenException extends GlobalAcceleratorError {
  constructor(message: string) { super("InvalidNextTokenException", message); }
}
export class LimitExceededException extends GlobalAcceleratorError {
  constructor(message: string) { super("LimitExceededException", message); }
}
/** A body that is not JSON, or a member of the wrong JSON type (the AWS JSON protocol's own error). */
export class SerializationException extends GlobalAcceleratorError {
  constructor(message: string) { super("SerializationException", message); }
}
export class UnknownOperationException extends GlobalAcceleratorError {
  constructor(message = "") { super("UnknownOperationException", message); }
}
export class ThrottlingException extends GlobalAcceleratorError {
  constructor(message = "Rate exceeded") { super("ThrottlingException", message); }
}
/**
 * AWS's common error for a failure inside the service: HTTP 500, which the SDKs retry. Not Global
 * Accelerator's own InternalServiceErrorException: the API model declares that one without the `fault`
 * trait and the API reference gives it HTTP 400, so the SDKs do not retry it, and the fault this server
 * injects is meant to be the 500 a real front end can answer.
 */
export class InternalFailure extends GlobalAcceleratorError {
  constructor(message = "The request processing has failed because of an unknown error, exception or failure.") { super("InternalFailure", message, 500); }
}

// ---------------------------------------------------------------------------------------------------
// Stored state (what persistence writes). Times are epoch milliseconds.

export interface PortRange {
  FromPort: number;
  ToPort: number;
}
export interface PortOverride {
  ListenerPort: number;
  EndpointPort: number;
}
export interface Tag {
  Key: string;
  Value: string;
}
export interface StoredEndpoint {
  EndpointId: string;
  Weight: number;
  ClientIPPreservationEnabled: boolean;
  AttachmentArn?: string;
  /** What health checks found, as set by setHealth (the world, not a caller of the API). @default - healthy */
  health?: EndpointHealth;
}
/** An endpoint's health once its accelerator is deployed; HealthReason only with UNHEALTHY. */
export interface EndpointHealth {
  state: "HEALTHY" | "UNHEALTHY";
  reason?: string;
}

/** Which endpoints setHealth changes: every endpoint of a group, one endpoint in every group that has it, or one in one group. */
export interface HealthChange {
  readonly endpointGroupArn?: string;
  readonly endpointId?: string;
  readonly state: "HEALTHY" | "UNHEALTHY";
  /** The reason code DescribeEndpointGroup returns as HealthReason (UNHEALTHY only). */
  readonly reason?: string;
}

/** A health change refused: what was wrong with it (`notFound`: it names no endpoint group or endpoint there is). */
export class HealthChangeError extends Error {
  constructor(
    message: string,
    readonly notFound = false,
  ) {
    super(message);
  }
}
export interface StoredEndpointGroup {
  arn: string;
  region: string;
  endpoints: StoredEndpoint[];
  trafficDialPercentage: number;
  healthCheckPort: number;
  healthCheckProtocol: string;
  /** Only for HTTP and HTTPS checks. */
  healthCheckPath?: string;
  healthCheckIntervalSeconds: number;
  thresholdCount: number;
  portOverrides: PortOverride[];
}
export interface StoredListener {
  arn: string;
  protocol: string;
  clientAffinity: string;
  portRanges: PortRange[];
  endpointGroups: StoredEndpointGroup[];
}
export interface FlowLogAttributes {
  FlowLogsEnabled: boolean;
  FlowLogsS3Bucket?: string;
  FlowLogsS3Prefix?: string;
}
export interface StoredAccelerator {
  arn: string;
  name: string;
  enabled: boolean;
  ipAddressType: string;
  ipv4: string[];
  ipv6: string[];
  /** The hex part of the DNS names (a<hex>.awsglobalaccelerator.com). */
  dnsId: string;
  createdMs: number;
  lastModifiedMs: number;
  /** The accelerator reads IN_PROGRESS until this time, DEPLOYED from then on. */
  deployedAtMs: number;
  attributes: FlowLogAttributes;
  tags: Tag[];
  listeners: StoredListener[];
}
export interface ServiceState {
  version: 1;
  accelerators: StoredAccelerator[];
  /** `<operation>:<token>` -> the ARN that create made. */
  idempotencyTokens: Record<string, string>;
  /** How many address pairs were handed out: addresses of deleted accelerators are never reused. */
  addressCounter: number;
}

export function emptyState(): ServiceState {
  return { version: 1, accelerators: [], idempotencyTokens: {}, addressCounter: 0 };
}

export interface ServiceOptions {
  /** @default "123456789012" */
  readonly account?: string;
  /** How long a change stays IN_PROGRESS. @default 0 */
  readonly deployDelayMs?: number;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** `n` random bytes as lowercase hex. @default node:crypto randomBytes */
  readonly randomHex?: (bytes: number) => string;
  /** A state to start from (a persisted one). @default - empty */
  readonly state?: ServiceState;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------
// Input readers: the JSON protocol's type checks (SerializationException) and the model's required
// members (InvalidArgumentException: Global Accelerator declares no ValidationException).

function member(input: Input, name: string, required: boolean): unknown {
  const v = input[name];
  if ((v === undefined || v === null) && required) throw new InvalidArgumentException(`${name} is required.`);
  return v === null ? undefined : v;
}
function str(input: Input, name: string, opts: { required?: boolean; max?: number; min?: number } = {}): string | undefined {
  const v = member(input, name, opts.required ?? false);
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new SerializationException(`${name}: expected a string, got ${JSON.stringify(v)}.`);
  if (opts.max !== undefined && v.length > opts.max) throw new InvalidArgumentException(`${name} must be at most ${opts.max} characters long.`);
  if (opts.min !== undefined && v.length < opts.min) throw new InvalidArgumentException(`${name} must be at least ${opts.min} characters long.`);
  return v;
}
function bool(input: Input, name: string): boolean | undefined {
  const v = member(input, name, false);
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new SerializationException(`${name}: expected a boolean, got ${JSON.stringify(v)}.`);
  return v;
}
function num(input: Input, name: string, opts: { required?: boolean; integer?: boolean } = {}): number | undefined {
  const v = member(input, name, opts.required ?? false);
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new SerializationException(`${name}: expected a number, got ${JSON.stringify(v)}.`);
  if ((opts.integer ?? true) && !Number.isInteger(v)) throw new SerializationException(`${name}: expected an integer, got ${v}.`);
  return v;
}
function list(input: Input, name: string, required = false): unknown[] | undefined {
  const v = member(input, name, required);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new SerializationException(`${name}: expected a list, got ${JSON.stringify(v)}.`);
  return v;
}
function struct(v: unknown, name: string): Input {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new SerializationException(`${name}: expected a structure, got ${JSON.stringify(v)}.`);
  return v as Input;
}
function oneOf(value: string | undefined, name: string, allowed: readonly string[]): string | undefined {
  if (value !== undefined && !allowed.includes(value)) {
    throw new InvalidArgumentException(`${name} '${value}' is not valid; expected one of ${allowed.join(", ")}.`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------
// Value rules.

// API reference (CreateAccelerator Name): "a maximum of 64 characters, must contain only alphanumeric
// characters, periods (.), or hyphens (-), and must not begin or end with a hyphen or period".
const ACCELERATOR_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,62}[A-Za-z0-9])?$/;
// The model's HealthCheckPath pattern, ^/[-a-zA-Z0-9@:%_\\+.~#?&/=]*$ (a backslash is allowed too).
const HEALTH_CHECK_PATH = /^\/[-a-zA-Z0-9@:%_\\+.~#?&/=]*$/;
// Endpoint ids (API reference EndpointConfiguration.EndpointId): an ALB/NLB ARN, an Elastic IP
// allocation id or an EC2 instance id. EC2 ids are 8 or 17 hex characters (EC2 "Resource IDs").
const LOAD_BALANCER_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\/(app|net)\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
const EIP_ALLOCATION = /^eipalloc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const EC2_INSTANCE = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

type EndpointKind = "alb" | "nlb" | "eip" | "ec2";

function endpointKind(id: string): { kind: EndpointKind; region?: string } {
  const lb = LOAD_BALANCER_ARN.exec(id);
  if (lb) return { kind: lb[3] === "app" ? "alb" : "nlb", region: lb[1] };
  if (EIP_ALLOCATION.test(id)) return { kind: "eip" };
  if (EC2_INSTANCE.test(id)) return { kind: "ec2" };
  throw new InvalidArgumentException(
    `EndpointId '${id}' is not a valid endpoint: expected an Application or Network Load Balancer ARN, ` +
      "an Elastic IP allocation ID (eipalloc-...) or an EC2 instance ID (i-...).",
  );
}

function overlaps(a: PortRange, b: PortRange): boolean {
  return a.FromPort <= b.ToPort && b.FromPort <= a.ToPort;
}
function showRange(r: PortRange): string {
  return r.FromPort === r.ToPort ? `${r.FromPort}` : `${r.FromPort}-${r.ToPort}`;
}

/** Pages a list the way the List* operations do: MaxResults 1-100 (default 10), an opaque NextToken. */
function page<T>(items: T[], input: Input): { items: T[]; NextToken?: string } {
  const max = num(input, "MaxResults") ?? 10;
  if (max < 1 || max > 100) throw new InvalidArgumentException("MaxResults must be between 1 and 100.");
  const token = str(input, "NextToken", { max: 255 });
  let start = 0;
  if (token !== undefined) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(token, "base64").toString("utf8"));
    if (!decoded || Number(decoded[1]) > items.length) throw new InvalidNextTokenException("There isn't another item to return.");
    start = Number(decoded[1]);
  }
  const end = start + max;
  return { items: items.slice(start, end), ...(end < items.length && { NextToken: Buffer.from(`o${end}`).toString("base64") }) };
}

// ---------------------------------------------------------------------------------------------------

/** The in-memory Global Accelerator service of one account. */
export class GlobalAcceleratorService {
  readonly account: string;
  private deployDelayMs: number;
  private readonly now: () => number;
  private readonly randomHex: (bytes: number) => string;
  private data: ServiceState;

  constructor(options: ServiceOptions = {}) {
    this.account = options.account ?? "123456789012";
    this.deployDelayMs = options.deployDelayMs ?? 0;
    this.now = options.now ?? Date.now;
    this.randomHex = options.randomHex ?? ((n) => randomBytes(n).toString("hex"));
    this.data = options.state ? structuredClone(options.state) : emptyState();
  }

  /** How long the next changes stay IN_PROGRESS. */
  setDeployDelay(ms: number): void {
    this.deployDelayMs = ms;
  }
  getDeployDelay(): number {
    return this.deployDelayMs;
  }

  /** A copy of everything stored, for persistence. */
  snapshot(): ServiceState {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = emptyState();
  }

  /** Runs one operation; returns its output or throws a GlobalAcceleratorError. */
  handle(operation: Operation, input: Input): Output {
    switch (operation) {
      case "CreateAccelerator": return this.createAccelerator(input);
      case "DescribeAccelerator": return { Accelerator: this.describeAccelerator(this.accelerator(input)) };
      case "UpdateAccelerator": return this.updateAccelerator(input);
      case "DeleteAccelerator": return this.deleteAccelerator(input);
      case "ListAccelerators": return this.listAccelerators(input);
      case "DescribeAcceleratorAttributes": return { AcceleratorAttributes: { ...this.accelerator(input).attributes } };
      case "UpdateAcceleratorAttributes": return this.updateAcceleratorAttributes(input);
      case "CreateListener": return this.createListener(input);
      case "DescribeListener": return { Listener: describeListener(this.listener(input).listener) };
      case "UpdateListener": return this.updateListener(input);
      case "DeleteListener": return this.deleteListener(input);
      case "ListListeners": return this.listListeners(input);
      case "CreateEndpointGroup": return this.createEndpointGroup(input);
      case "DescribeEndpointGroup": {
        const { accelerator, group } = this.endpointGroup(input);
        return { EndpointGroup: this.describeEndpointGroup(group, accelerator) };
      }
      case "UpdateEndpointGroup": return this.updateEndpointGroup(input);
      case "DeleteEndpointGroup": return this.deleteEndpointGroup(input);
      case "ListEndpointGroups": return this.listEndpointGroups(input);
      case "TagResource": return this.tagResource(input);
      case "UntagResource": return this.untagResource(input);
      case "ListTagsForResource": return this.listTagsForResource(input);
      case "ListCrossAccountResources": return this.listCrossAccountResources(input);
    }
  }

  /** Every accelerator as DescribeAccelerator shows it, with its attributes, tags, listeners and groups. */
  view(): { accelerators: Output[] } {
    return {
      accelerators: this.data.accelerators.map((a) => ({
        ...this.describeAccelerator(a),
        Attributes: { ...a.attributes },
        Tags: a.tags.map((t) => ({ ...t })),
        Listeners: a.listeners.map((l) => ({
          ...describeListener(l),
          EndpointGroups: l.endpointGroups.map((g) => this.describeEndpointGroup(g, a)),
        })),
      })),
    };
  }

  /**
   * Sets what health checks find, as the world does (a server that stops answering, or answers again):
   * no API call does this, so it records no call, changes no accelerator status and starts no deploy.
   * Returns the endpoints changed. A selector naming nothing, or a bad state or reason, throws a
   * HealthChangeError and changes nothing.
   */
  setHealth(change: HealthChange): { endpointGroupArn: string; endpointId: string; state: string; reason?: string }[] {
    const { endpointGroupArn, endpointId, state, reason } = change;
    if (state !== "HEALTHY" && state !== "UNHEALTHY") throw new HealthChangeError(`state must be "HEALTHY" or "UNHEALTHY", received ${JSON.stringify(state)}`);
    if (endpointGroupArn === undefined && endpointId === undefined) throw new HealthChangeError("give endpointGroupArn, endpointId or both");
    for (const [name, value] of [["endpointGroupArn", endpointGroupArn], ["endpointId", endpointId]] as const) {
      if (value !== undefined && typeof value !== "string") throw new HealthChangeError(`${name} must be a string, received ${JSON.stringify(value)}`);
    }
    if (reason !== undefined) {
      // The API reference: "If the endpoint state is healthy, a reason code is not provided." The model's
      // HealthReason is a GenericString (at most 255 characters).
      if (state === "HEALTHY") throw new HealthChangeError("a reason goes with UNHEALTHY only: a healthy endpoint has no HealthReason");
      if (typeof reason !== "string" || reason.length === 0 || reason.length > 255) {
        throw new HealthChangeError(`reason must be a string of 1 to 255 characters, received ${JSON.stringify(reason)}`);
      }
    }
    const groups = this.data.accelerators.flatMap((a) => a.listeners.flatMap((l) => l.endpointGroups));
    const inGroups = endpointGroupArn === undefined ? groups : groups.filter((g) => g.arn === endpointGroupArn);
    if (inGroups.length === 0) throw new HealthChangeError(`no endpoint group ${endpointGroupArn}`, true);
    const targets = inGroups.flatMap((g) => g.endpoints.filter((e) => endpointId === undefined || e.EndpointId === endpointId).map((e) => ({ g, e })));
    if (targets.length === 0) {
      throw new HealthChangeError(endpointGroupArn === undefined ? `no endpoint group has an endpoint ${endpointId}` : `endpoint group ${endpointGroupArn} has no endpoint${endpointId === undefined ? "s" : ` ${endpointId}`}`, true);
    }
    return targets.map(({ g, e }) => {
      e.health = state === "HEALTHY" ? { state } : { state, ...(reason !== undefined && { reason }) };
      return { endpointGroupArn: g.arn, endpointId: e.EndpointId, state, ...(e.health.reason !== undefined && { reason: e.health.reason }) };
    });
  }

  // ----- lookups ------------------------------------------------------------------------------------

  private accelerator(input: Input, name = "AcceleratorArn"): StoredAccelerator {
    const arn = str(input, name, { required: true, max: 255 }) as string;
    const found = this.data.accelerators.find((a) => a.arn === arn);
    if (!found) throw new AcceleratorNotFoundException(`Accelerator not found: ${arn}`);
    return found;
  }

  private listener(input: Input): { accelerator: StoredAccelerator; listener: StoredListener } {
    const arn = str(input, "ListenerArn", { required: true, max: 255 }) as string;
    for (const accelerator of this.data.accelerators) {
      const listener = accelerator.listeners.find((l) => l.arn === arn);
      if (listener) return { accelerator, listener };
    }
    throw new ListenerNotFoundException(`Listener not found: ${arn}`);
  }

  private endpointGroup(input: Input): { accelerator: StoredAccelerator; listener: StoredListener; group: StoredEndpointGroup } {
    const arn = str(input, "EndpointGroupArn", { required: true, max: 255 }) as string;
    for (const accelerator of this.data.accelerators) {
      for (const listener of accelerator.listeners) {
        const group = listener.endpointGroups.find((g) => g.arn === arn);
        if (group) return { accelerator, listener, group };
      }
    }
    throw new EndpointGroupNotFoundException(`Endpoint group not found: ${arn}`);
  }

  /** An earlier create with the same token, if what it made still exists. */
  private replay(operation: string, token: string): string | undefined {
    return this.data.idempotencyTokens[`${operation}:${token}`];
  }

  // ----- deployment -----------------------------------------------------------------------------------

  /** Every change puts the accelerator IN_PROGRESS; it reads DEPLOYED once the delay has passed. */
  private deploy(accelerator: StoredAccelerator): void {
    accelerator.deployedAtMs = this.now() + this.deployDelayMs;
  }

  private status(accelerator: StoredAccelerator): "IN_PROGRESS" | "DEPLOYED" {
    return this.now() < accelerator.deployedAtMs ? "IN_PROGRESS" : "DEPLOYED";
  }

  // ----- accelerators -------------------------------------------------------------------------------------

  private describeAccelerator(a: StoredAccelerator): Output {
    const ipSets: Output[] = [{ IpFamily: "IPv4", IpAddresses: [...a.ipv4], IpAddressFamily: "IPv4" }];
    if (a.ipAddressType === "DUAL_STACK") ipSets.push({ IpFamily: "IPv6", IpAddresses: [...a.ipv6], IpAddressFamily: "IPv6" });
    return {
      AcceleratorArn: a.arn,
      Name: a.name,
      IpAddressType: a.ipAddressType,
      Enabled: a.enabled,
      IpSets: ipSets,
      DnsName: `a${a.dnsId}.awsglobalaccelerator.com`,
      Status: this.status(a),
      CreatedTime: a.createdMs / 1000,
      LastModifiedTime: a.lastModifiedMs / 1000,
      ...(a.ipAddressType === "DUAL_STACK" && { DualStackDnsName: `a${a.dnsId}.dualstack.awsglobalaccelerator.com` }),
    };
  }

  private addressesInUse(): Set<string> {
    return new Set(this.data.accelerators.flatMap((a) => a.ipv4));
  }

  /**
   * The next pair of Amazon addresses: one from each of two anycast ranges (real accelerators get their
   * two addresses from different network zones), never handed out twice.
   */
  private nextAddresses(inUse: Set<string>): { v4: string[]; v6: string[] } {
    for (;;) {
      const n = ++this.data.addressCounter;
      const hi = (n >> 8) & 0x7f;
      const lo = n & 0xff;
      const v4 = [`75.2.${hi}.${lo}`, `99.83.${128 + hi}.${lo}`];
      // Skip a pair that collides with an address brought by BYOIP.
      if (v4.some((ip) => inUse.has(ip))) continue;
      return { v4, v6: [`2600:9000:a400:${n.toString(16)}::1`, `2600:9000:a500:${n.toString(16)}::1`] };
    }
  }

  private readTags(input: Input, required: boolean): Tag[] | undefined {
    const raw = list(input, "Tags", required);
    if (raw === undefined) return undefined;
    const tags = raw.map((t, i) => {
      const tag = struct(t, `Tags[${i}]`);
      const Key = str(tag, "Key", { required: true, min: 1, max: 128 }) as string;
      const Value = str(tag, "Value", { required: true, max: 256 }) as string;
      return { Key, Value };
    });
    const keys = new Set<string>();
    for (const { Key } of tags) {
      if (keys.has(Key)) throw new InvalidArgumentException(`Tag key '${Key}' appears more than once.`);
      keys.add(Key);
    }
    return tags;
  }

  private readName(input: Input, required: boolean): string | undefined {
    const name = str(input, "Name", { required, max: 255 });
    if (name !== undefined && !ACCELERATOR_NAME.test(name)) {
      throw new InvalidArgumentException(
        `Name '${name}' is not valid: at most 64 characters, only alphanumeric characters, periods and hyphens, not beginning or ending with a hyphen or period.`,
      );
    }
    return name;
  }

  private readIpAddresses(input: Input): string[] | undefined {
    const raw = list(input, "IpAddresses");
    if (raw === undefined) return undefined;
    if (raw.length > 2) throw new InvalidArgumentException("IpAddresses can contain at most 2 addresses.");
    const addresses = raw.map((v, i) => {
      if (typeof v !== "string") throw new SerializationException(`IpAddresses[${i}]: expected a string.`);
      // API reference: "Specify each IP address without the /32 suffix" (BYOIP addresses are IPv4).
      if (v.length > 45 || !IPV4.test(v)) throw new InvalidArgumentException(`IpAddresses[${i}] '${v}' is not an IPv4 address (give it without a /32 suffix).`);
      return v;
    });
    // API reference (CreateAccelerator IpAddresses): with two addresses, "you can assign one IPv4 address from each
    // range to your accelerator ... because Global Accelerator assigns each address range to a different network
    // zone"; the most specific range ProvisionByoipCidr takes is a /24. So the two are never one address and never
    // share a /24. AWS's error for either is not documented (InvalidArgumentException assumed). Validation rests on
    // the same sentence (byoipAddressesFromTwoRanges): their agreement is this reading's, not AWS's.
    if (new Set(addresses).size !== addresses.length) throw new InvalidArgumentException("IpAddresses contains the same address twice.");
    const [first, second] = addresses.map((a) => a.split(".").slice(0, 3).join("."));
    if (second !== undefined && first === second) {
      throw new InvalidArgumentException(`IpAddresses ${addresses.join(" and ")} are in one /24 (${first}.0/24); give one address from each of two BYOIP address ranges.`);
    }
    return addresses;
  }

  private createAccelerator(input: Input): Output {
    const token = str(input, "IdempotencyToken", { required: true, max: 255 }) as string;
    const name = this.readName(input, true) as string;
    const ipAddressType = oneOf(str(input, "IpAddressType"), "IpAddressType", ["IPV4", "DUAL_STACK"]) ?? "IPV4";
    const enabled = bool(input, "Enabled") ?? true;
    const tags = this.readTags(input, false) ?? [];
    const byoip = this.readIpAddresses(input) ?? [];

    // Idempotency: the same token returns what the first call made, without making a second one.
    const earlier = this.replay("CreateAccelerator", token);
    const existing = earlier && this.data.accelerators.find((a) => a.arn === earlier);
    if (existing) return { Accelerator: this.describeAccelerator(existing) };

    if (this.data.accelerators.length >= QUOTAS.acceleratorsPerAccount) {
      throw new LimitExceededException(`An account can have at most ${QUOTAS.acceleratorsPerAccount} accelerators.`);
    }
    const inUse = this.addressesInUse();
    for (const ip of byoip) {
      if (inUse.has(ip)) throw new InvalidArgumentException(`IP address ${ip} is already used by another accelerator.`);
    }
    // With one address of your own, Global Accelerator adds a second from Amazon's range (API reference).
    const amazon = this.nextAddresses(new Set([...inUse, ...byoip]));
    const ipv4 = byoip.length === 2 ? byoip : byoip.length === 1 ? [byoip[0], amazon.v4[1]] : amazon.v4;
    const now = this.now();
    const accelerator: StoredAccelerator = {
      arn: `arn:aws:globalaccelerator::${this.account}:accelerator/${randomUUID()}`,
      name,
      enabled,
      ipAddressType,
      ipv4,
      ipv6: amazon.v6,
      dnsId: this.randomHex(8),
      createdMs: now,
      lastModifiedMs: now,
      deployedAtMs: now,
      attributes: { FlowLogsEnabled: false },
      tags,
      listeners: [],
    };
    this.deploy(accelerator);
    this.data.accelerators.push(accelerator);
    this.data.idempotencyTokens[`CreateAccelerator:${token}`] = accelerator.arn;
    return { Accelerator: this.describeAccelerator(accelerator) };
  }

  private updateAccelerator(input: Input): Output {
    const accelerator = this.accelerator(input);
    const name = this.readName(input, false);
    const ipAddressType = oneOf(str(input, "IpAddressType"), "IpAddressType", ["IPV4", "DUAL_STACK"]);
    const enabled = bool(input, "Enabled");
    const addresses = this.readIpAddresses(input);
    // API reference (CreateAccelerator IpAddresses): the addresses cannot be updated after creation.
    if (addresses !== undefined && addresses.join(",") !== accelerator.ipv4.slice(0, addresses.length).join(",")) {
      throw new InvalidArgumentException("The IP addresses of an accelerator cannot be changed; create a new accelerator to use other addresses.");
    }
    if (ipAddressType === "DUAL_STACK" && accelerator.ipAddressType !== "DUAL_STACK") {
      const eip = accelerator.listeners.flatMap((l) => l.endpointGroups.flatMap((g) => g.endpoints)).find((e) => EIP_ALLOCATION.test(e.EndpointId));
      if (eip) throw new InvalidArgumentException(`A dual-stack accelerator cannot have Elastic IP address endpoints (${eip.EndpointId}).`);
    }
    if (name !== undefined) accelerator.name = name;
    if (ipAddressType !== undefined) accelerator.ipAddressType = ipAddressType;
    if (enabled !== undefined) accelerator.enabled = enabled;
    accelerator.lastModifiedMs = this.now();
    this.deploy(accelerator);
    return { Accelerator: this.describeAccelerator(accelerator) };
  }

  private deleteAccelerator(input: Input): Output {
    const accelerator = this.accelerator(input);
    // API reference (DeleteAccelerator): "you must disable it and remove all dependent resources".
    // A disable that is still IN_PROGRESS has not taken effect yet, which is why the provider waits
    // for DEPLOYED between UpdateAccelerator {Enabled: false} and DeleteAccelerator.
    if (accelerator.enabled || this.status(accelerator) !== "DEPLOYED") {
      throw new AcceleratorNotDisabledException(
        accelerator.enabled
          ? `Accelerator ${accelerator.arn} is enabled; disable it (UpdateAccelerator Enabled=false) before deleting it.`
          : `Accelerator ${accelerator.arn} is still being disabled (IN_PROGRESS); wait for DEPLOYED before deleting it.`,
      );
    }
    if (accelerator.listeners.length > 0) {
      throw new AssociatedListenerFoundException(`Accelerator ${accelerator.arn} has ${accelerator.listeners.length} listener(s); delete them first.`);
    }
    this.data.accelerators = this.data.accelerators.filter((a) => a !== accelerator);
    this.forgetTokens((arn) => arn === accelerator.arn);
    return {};
  }

  private forgetTokens(gone: (arn: string) => boolean): void {
    for (const [key, arn] of Object.entries(this.data.idempotencyTokens)) {
      if (gone(arn)) delete this.data.idempotencyTokens[key];
    }
  }

  private listAccelerators(input: Input): Output {
    const { items, NextToken } = page(this.data.accelerators, input);
    return { Accelerators: items.map((a) => this.describeAccelerator(a)), ...(NextToken && { NextToken }) };
  }

  private updateAcceleratorAttributes(input: Input): Output {
    const accelerator = this.accelerator(input);
    const enabled = bool(input, "FlowLogsEnabled");
    const bucket = str(input, "FlowLogsS3Bucket", { max: 255 });
    const prefix = str(input, "FlowLogsS3Prefix", { max: 255 });
    const next: FlowLogAttributes = {
      FlowLogsEnabled: enabled ?? accelerator.attributes.FlowLogsEnabled,
      ...((bucket ?? accelerator.attributes.FlowLogsS3Bucket) !== undefined && { FlowLogsS3Bucket: bucket ?? accelerator.attributes.FlowLogsS3Bucket }),
      ...((prefix ?? accelerator.attributes.FlowLogsS3Prefix) !== undefined && { FlowLogsS3Prefix: prefix ?? accelerator.attributes.FlowLogsS3Prefix }),
    };
    // API reference (AcceleratorAttributes): "If the value is true, FlowLogsS3Bucket and FlowLogsS3Prefix must be specified."
    // Some SDK docs add that without a prefix the logs go to the bucket's root, and provider issue #17519 reports AWS
    // accepting none. The project's model writes a default prefix from the same sentence: that agreement is not AWS's.
    if (next.FlowLogsEnabled && (!next.FlowLogsS3Bucket || !next.FlowLogsS3Prefix)) {
      throw new InvalidArgumentException("FlowLogsS3Bucket and FlowLogsS3Prefix are required when FlowLogsEnabled is true.");
    }
    accelerator.attributes = next;
    accelerator.lastModifiedMs = this.now();
    this.deploy(accelerator);
    return { AcceleratorAttributes: { ...next } };
  }

  // ----- listeners ---------------------------------------------------------------------------------------------

  private readPortRanges(input: Input, required: boolean): PortRange[] | undefined {
    const raw = list(input, "PortRanges", required);
    if (raw === undefined) return undefined;
    if (raw.length < 1 || raw.length > QUOTAS.portRangesPerListener) {
      throw new InvalidArgumentException(`PortRanges must have between 1 and ${QUOTAS.portRangesPerListener} port ranges; got ${raw.length}.`);
    }
    const ranges = raw.map((r, i) => {
      const range = struct(r, `PortRanges[${i}]`);
      const FromPort = num(range, "FromPort", { required: true }) as number;
      const ToPort = num(range, "ToPort", { required: true }) as number;
      // InvalidPortRangeException (API reference): "The port numbers that you specified are not valid
      // numbers or are not unique for this accelerator."
      if (FromPort < 1 || FromPort > 65535 || ToPort < 1 || ToPort > 65535) {
        throw new InvalidPortRangeException(`PortRanges[${i}] ${FromPort}-${ToPort}: ports must be between 1 and 65535.`);
      }
      if (FromPort > ToPort) throw new InvalidPortRangeException(`PortRanges[${i}]: FromPort ${FromPort} is greater than ToPort ${ToPort}.`);
      return { FromPort, ToPort };
    });
    ranges.forEach((a, i) =>
      ranges.slice(i + 1).forEach((b) => {
        if (overlaps(a, b)) throw new InvalidPortRangeException(`Port ranges ${showRange(a)} and ${showRange(b)} overlap.`);
      }),
    );
    return ranges;
  }

  /**
   * Ports are unique per protocol on one accelerator: a TCP and a UDP listener may share them (how an
   * NLB's TCP_UDP listener is fronted), two TCP listeners may not.
   */
  private checkPortsUnique(accelerator: StoredAccelerator, protocol: string, ranges: PortRange[], except?: StoredListener): void {
    for (const other of accelerator.listeners) {
      if (other === except || other.protocol !== protocol) continue;
      for (const mine of ranges) {
        const clash = other.portRanges.find((r) => overlaps(r, mine));
        if (clash) {
          throw new InvalidPortRangeException(
            `Port range ${showRange(mine)} (${protocol}) overlaps ${showRange(clash)} of listener ${other.arn}; ports must be unique per protocol on an accelerator.`,
          );
        }
      }
    }
  }

  private createListener(input: Input): Output {
    const accelerator = this.accelerator(input);
    const token = str(input, "IdempotencyToken", { required: true, max: 255 }) as string;
    const earlier = this.replay("CreateListener", token);
    const existing = earlier && accelerator.listeners.find((l) => l.arn === earlier);
    if (existing) return { Listener: describeListener(existing) };

    const protocol = oneOf(str(input, "Protocol", { required: true }), "Protocol", ["TCP", "UDP"]) as string;
    const clientAffinity = oneOf(str(input, "ClientAffinity"), "ClientAffinity", ["NONE", "SOURCE_IP"]) ?? "NONE";
    const portRanges = this.readPortRanges(input, true) as PortRange[];
    if (accelerator.listeners.length >= QUOTAS.listenersPerAccelerator) {
      throw new LimitExceededException(`An accelerator can have at most ${QUOTAS.listenersPerAccelerator} listeners.`);
    }
    this.checkPortsUnique(accelerator, protocol, portRanges);
    const listener: StoredListener = { arn: `${accelerator.arn}/listener/${this.randomHex(4)}`, protocol, clientAffinity, portRanges, endpointGroups: [] };
    accelerator.listeners.push(listener);
    this.data.idempotencyTokens[`CreateListener:${token}`] = listener.arn;
    this.deploy(accelerator);
    return { Listener: describeListener(listener) };
  }

  private updateListener(input: Input): Output {
    const { accelerator, listener } = this.listener(input);
    const protocol = oneOf(str(input, "Protocol"), "Protocol", ["TCP", "UDP"]) ?? listener.protocol;
    const clientAffinity = oneOf(str(input, "ClientAffinity"), "ClientAffinity", ["NONE", "SOURCE_IP"]) ?? listener.clientAffinity;
    const portRanges = this.readPortRanges(input, false) ?? listener.portRanges;
    this.checkPortsUnique(accelerator, protocol, portRanges, listener);
    Object.assign(listener, { protocol, clientAffinity, portRanges });
    this.deploy(accelerator);
    return { Listener: describeListener(listener) };
  }

  private deleteListener(input: Input): Output {
    const { accelerator, listener } = this.listener(input);
    if (listener.endpointGroups.length > 0) {
      throw new AssociatedEndpointGroupFoundException(`Listener ${listener.arn} has ${listener.endpointGroups.length} endpoint group(s); delete them first.`);
    }
    accelerator.listeners = accelerator.listeners.filter((l) => l !== listener);
    this.forgetTokens((arn) => arn === listener.arn);
    this.deploy(accelerator);
    return {};
  }

  private listListeners(input: Input): Output {
    const accelerator = this.accelerator(input);
    const { items, NextToken } = page(accelerator.listeners, input);
    return { Listeners: items.map(describeListener), ...(NextToken && { NextToken }) };
  }

  // ----- endpoint groups -------------------------------------------------------------------------------------

  private describeEndpointGroup(g: StoredEndpointGroup, accelerator: StoredAccelerator): Output {
    // No traffic reaches an emulator: endpoints read INITIAL while a change deploys, then what setHealth
    // last said (HEALTHY unless it said otherwise).
    const deployed = this.status(accelerator) === "DEPLOYED";
    return {
      EndpointGroupArn: g.arn,
      EndpointGroupRegion: g.region,
      EndpointDescriptions: g.endpoints.map((e) => ({
        EndpointId: e.EndpointId,
        Weight: e.Weight,
        HealthState: deployed ? (e.health?.state ?? "HEALTHY") : "INITIAL",
        ...(deployed && e.health?.reason !== undefined && { HealthReason: e.health.reason }),
        ClientIPPreservationEnabled: e.ClientIPPreservationEnabled,
      })),
      TrafficDialPercentage: g.trafficDialPercentage,
      HealthCheckPort: g.healthCheckPort,
      HealthCheckProtocol: g.healthCheckProtocol,
      ...(g.healthCheckPath !== undefined && { HealthCheckPath: g.healthCheckPath }),
      HealthCheckIntervalSeconds: g.healthCheckIntervalSeconds,
      ThresholdCount: g.thresholdCount,
      PortOverrides: g.portOverrides.map((p) => ({ ...p })),
    };
  }

  private readEndpoints(input: Input, accelerator: StoredAccelerator, region: string): StoredEndpoint[] | undefined {
    const raw = list(input, "EndpointConfigurations");
    if (raw === undefined) return undefined;
    if (raw.length > QUOTAS.endpointsPerGroup) {
      throw new InvalidArgumentException(`An endpoint group can have at most ${QUOTAS.endpointsPerGroup} endpoints; got ${raw.length}.`);
    }
    const seen = new Set<string>();
    return raw.map((e, i) => {
      const config = struct(e, `EndpointConfigurations[${i}]`);
      const id = str(config, "EndpointId", { required: true, max: 255 }) as string;
      const { kind, region: lbRegion } = endpointKind(id);
      if (seen.has(id)) throw new InvalidArgumentException(`Endpoint ${id} appears more than once in the endpoint group.`);
      seen.add(id);
      // An endpoint group holds endpoints of its own Region only. Provider issue #28536 shows AWS's
      // answer: InvalidArgumentException "'<arn>' is not a valid load balancer ARN" (GA looks the load
      // balancer up in the group's Region and does not find it).
      if (lbRegion !== undefined && lbRegion !== region) {
        throw new InvalidArgumentException(`'${id}' is not a valid load balancer ARN (it is in ${lbRegion}; the endpoint group is in ${region}).`);
      }
      const weight = num(config, "Weight") ?? 128;
      if (weight < 0 || weight > 255) throw new InvalidArgumentException(`Weight ${weight} of endpoint ${id} must be between 0 and 255.`);
      const preserve = bool(config, "ClientIPPreservationEnabled");
      // Developer guide (preserve client IP): supported for ALB, NLB with security groups and EC2, not for Elastic IPs.
      if (kind === "eip" && preserve === true) {
        throw new InvalidArgumentException(`Client IP address preservation is not supported for Elastic IP address endpoints (${id}).`);
      }
      // Developer guide (endpoints): a dual-stack accelerator takes only dual-stack endpoints (ALB, NLB, EC2).
      if (kind === "eip" && accelerator.ipAddressType === "DUAL_STACK") {
        throw new InvalidArgumentException(`A dual-stack accelerator cannot have Elastic IP address endpoints (${id}).`);
      }
      const attachment = str(config, "AttachmentArn", { max: 255 });
      return {
        EndpointId: id,
        Weight: weight,
        // API reference: "The default value is true for Application Load Balancers endpoints." Developer
        // guide (preserve client IP): EC2 instances always have it, "You can't disable the option" (the
        // provider sends false when the setting is unset; the answer is true all the same).
        ClientIPPreservationEnabled: kind === "ec2" ? true : (preserve ?? kind === "alb"),
        ...(attachment !== undefined && { AttachmentArn: attachment }),
      };
    });
  }

  private readPortOverrides(input: Input, accelerator: StoredAccelerator, except?: StoredEndpointGroup): PortOverride[] | undefined {
    const raw = list(input, "PortOverrides");
    if (raw === undefined) return undefined;
    if (raw.length > QUOTAS.portOverridesPerGroup) {
      throw new InvalidArgumentException(`An endpoint group can have at most ${QUOTAS.portOverridesPerGroup} port overrides; got ${raw.length}.`);
    }
    const overrides = raw.map((p, i) => {
      const o = struct(p, `PortOverrides[${i}]`);
      const ListenerPort = num(o, "ListenerPort", { required: true }) as number;
      const EndpointPort = num(o, "EndpointPort", { required: true }) as number;
      for (const [name, port] of [["ListenerPort", ListenerPort], ["EndpointPort", EndpointPort]] as const) {
        if (port < 1 || port > 65535) throw new InvalidArgumentException(`PortOverrides[${i}].${name} ${port} must be between 1 and 65535.`);
      }
      return { ListenerPort, EndpointPort };
    });
    const listenerPorts = new Set<number>();
    for (const o of overrides) {
      if (listenerPorts.has(o.ListenerPort)) throw new InvalidArgumentException(`Listener port ${o.ListenerPort} has more than one port override.`);
      listenerPorts.add(o.ListenerPort);
    }
    // Developer guide (port overrides): "Endpoint ports can't overlap listener port ranges" of the
    // accelerator, and "No duplicate endpoint ports" from different listener ports.
    const ranges = accelerator.listeners.flatMap((l) => l.portRanges);
    const mapped = new Map<number, number>();
    for (const g of accelerator.listeners.flatMap((l) => l.endpointGroups)) {
      if (g !== except) g.portOverrides.forEach((o) => mapped.set(o.EndpointPort, o.ListenerPort));
    }
    for (const o of overrides) {
      const inRange = ranges.find((r) => o.EndpointPort >= r.FromPort && o.EndpointPort <= r.ToPort);
      if (inRange) {
        throw new InvalidArgumentException(`Endpoint port ${o.EndpointPort} is inside the listener port range ${showRange(inRange)} of this accelerator.`);
      }
      const from = mapped.get(o.EndpointPort);
      if (from !== undefined && from !== o.ListenerPort) {
        throw new InvalidArgumentException(`Endpoint port ${o.EndpointPort} is already the override of listener port ${from} on this accelerator.`);
      }
      mapped.set(o.EndpointPort, o.ListenerPort);
    }
    return overrides;
  }

  /** The health-check settings of a create (defaults) or an update (current values). */
  private readHealthCheck(input: Input, current: Pick<StoredEndpointGroup, "healthCheckPort" | "healthCheckProtocol" | "healthCheckPath" | "healthCheckIntervalSeconds" | "thresholdCount" | "trafficDialPercentage">) {
    const dial = num(input, "TrafficDialPercentage", { integer: false }) ?? current.trafficDialPercentage;
    if (dial < 0 || dial > 100) throw new InvalidArgumentException(`TrafficDialPercentage ${dial} must be between 0 and 100.`);
    const port = num(input, "HealthCheckPort") ?? current.healthCheckPort;
    if (port < 1 || port > 65535) throw new InvalidArgumentException(`HealthCheckPort ${port} must be between 1 and 65535.`);
    const protocol = oneOf(str(input, "HealthCheckProtocol"), "HealthCheckProtocol", ["TCP", "HTTP", "HTTPS"]) ?? current.healthCheckProtocol;
    const sentPath = str(input, "HealthCheckPath", { max: 255 });
    if (sentPath !== undefined && !HEALTH_CHECK_PATH.test(sentPath)) {
      throw new InvalidArgumentException(`HealthCheckPath '${sentPath}' must start with / and contain only letters, digits and -@:%_\\+.~#?&/=.`);
    }
    // The path is used, and returned, only for HTTP and HTTPS checks; it defaults to "/".
    const path = protocol === "TCP" ? undefined : (sentPath ?? current.healthCheckPath ?? "/");
    const interval = num(input, "HealthCheckIntervalSeconds") ?? current.healthCheckIntervalSeconds;
    // API reference: "The time—10 seconds or 30 seconds—between health checks" (the model says 10-30).
    if (interval !== 10 && interval !== 30) throw new InvalidArgumentException(`HealthCheckIntervalSeconds ${interval} is not valid; expected values are 10 or 30.`);
    const threshold = num(input, "ThresholdCount") ?? current.thresholdCount;
    if (threshold < 1 || threshold > 10) throw new InvalidArgumentException(`ThresholdCount ${threshold} must be between 1 and 10.`);
    return {
      trafficDialPercentage: dial,
      healthCheckPort: port,
      healthCheckProtocol: protocol,
      healthCheckPath: path,
      healthCheckIntervalSeconds: interval,
      thresholdCount: threshold,
    };
  }

  private createEndpointGroup(input: Input): Output {
    const { accelerator, listener } = this.listener(input);
    const token = str(input, "IdempotencyToken", { required: true, max: 255 }) as string;
    const earlier = this.replay("CreateEndpointGroup", token);
    const existing = earlier && listener.endpointGroups.find((g) => g.arn === earlier);
    if (existing) return { EndpointGroup: this.describeEndpointGroup(existing, accelerator) };

    const region = str(input, "EndpointGroupRegion", { required: true, max: 255 }) as string;
    if (!ENDPOINT_GROUP_REGIONS.includes(region)) throw new InvalidArgumentException(`EndpointGroupRegion '${region}' is not a Region Global Accelerator supports.`);
    const endpoints = this.readEndpoints(input, accelerator, region) ?? [];
    const health = this.readHealthCheck(input, {
      trafficDialPercentage: 100,
      // API reference: "The default port is the listener port ... If the listener port is a list of
      // ports, Global Accelerator uses the first port in the list."
      healthCheckPort: listener.portRanges[0].FromPort,
      healthCheckProtocol: "TCP",
      healthCheckPath: undefined,
      healthCheckIntervalSeconds: 30,
      thresholdCount: 3,
    });
    const portOverrides = this.readPortOverrides(input, accelerator) ?? [];
    // API reference (EndpointGroup): "A listener can have only one endpoint group in a specific Region."
    const same = listener.endpointGroups.find((g) => g.region === region);
    if (same) throw new EndpointGroupAlreadyExistsException(`Listener ${listener.arn} already has an endpoint group in ${region}: ${same.arn}`);
    const groups = accelerator.listeners.reduce((n, l) => n + l.endpointGroups.length, 0);
    if (groups >= QUOTAS.endpointGroupsPerAccelerator) {
      throw new LimitExceededException(`An accelerator can have at most ${QUOTAS.endpointGroupsPerAccelerator} endpoint groups across its listeners.`);
    }
    const group: StoredEndpointGroup = { arn: `${listener.arn}/endpoint-group/${this.randomHex(6)}`, region, endpoints, ...health, portOverrides };
    listener.endpointGroups.push(group);
    this.data.idempotencyTokens[`CreateEndpointGroup:${token}`] = group.arn;
    this.deploy(accelerator);
    return { EndpointGroup: this.describeEndpointGroup(group, accelerator) };
  }

  private updateEndpointGroup(input: Input): Output {
    const { accelerator, group } = this.endpointGroup(input);
    const endpoints = this.readEndpoints(input, accelerator, group.region) ?? group.endpoints;
    const health = this.readHealthCheck(input, group);
    const portOverrides = this.readPortOverrides(input, accelerator, group) ?? group.portOverrides;
    // An endpoint the update keeps is the same endpoint: its health checks go on (a new one starts healthy).
    for (const e of endpoints) {
      const kept = group.endpoints.find((old) => old.EndpointId === e.EndpointId)?.health;
      if (kept !== undefined && e.health === undefined) e.health = kept;
    }
    Object.assign(group, { endpoints, ...health, portOverrides });
    if (health.healthCheckPath === undefined) delete group.healthCheckPath;
    this.deploy(accelerator);
    return { EndpointGroup: this.describeEndpointGroup(group, accelerator) };
  }

  private deleteEndpointGroup(input: Input): Output {
    const { accelerator, listener, group } = this.endpointGroup(input);
    listener.endpointGroups = listener.endpointGroups.filter((g) => g !== group);
    this.forgetTokens((arn) => arn === group.arn);
    this.deploy(accelerator);
    return {};
  }

  private listEndpointGroups(input: Input): Output {
    const { accelerator, listener } = this.listener(input);
    const { items, NextToken } = page(listener.endpointGroups, input);
    return { EndpointGroups: items.map((g) => this.describeEndpointGroup(g, accelerator)), ...(NextToken && { NextToken }) };
  }

  // ----- tags and cross-account resources ------------------------------------------------------------------------

  // "In Global Accelerator, only accelerators can include tags" (developer guide, tag-based policies);
  // listener and endpoint group ARNs are refused as arguments.
  private taggable(input: Input): StoredAccelerator | undefined {
    const arn = str(input, "ResourceArn", { required: true, min: 1, max: 1011 }) as string;
    if (/\/listener\//.test(arn)) throw new InvalidArgumentException(`Only accelerators can have tags; ${arn} is a listener or endpoint group.`);
    return this.data.accelerators.find((a) => a.arn === arn);
  }

  private tagResource(input: Input): Output {
    const accelerator = this.taggable(input);
    const tags = this.readTags(input, true) as Tag[];
    if (!accelerator) throw new AcceleratorNotFoundException(`Accelerator not found: ${input.ResourceArn}`);
    for (const tag of tags) {
      const existing = accelerator.tags.find((t) => t.Key === tag.Key);
      if (existing) existing.Value = tag.Value;
      else accelerator.tags.push(tag);
    }
    return {};
  }

  private untagResource(input: Input): Output {
    const accelerator = this.taggable(input);
    const raw = list(input, "TagKeys", true) as unknown[];
    if (raw.length > 200) throw new InvalidArgumentException("TagKeys can have at most 200 keys.");
    const keys = raw.map((k, i) => {
      if (typeof k !== "string") throw new SerializationException(`TagKeys[${i}]: expected a string.`);
      return k;
    });
    // API reference (UntagResource): "The operation succeeds even if you attempt to remove tags from an
    // accelerator that was already removed."
    if (accelerator) accelerator.tags = accelerator.tags.filter((t) => !keys.includes(t.Key));
    return {};
  }

  private listTagsForResource(input: Input): Output {
    const accelerator = this.taggable(input);
    if (!accelerator) throw new AcceleratorNotFoundException(`Accelerator not found: ${input.ResourceArn}`);
    return { Tags: accelerator.tags.map((t) => ({ ...t })) };
  }

  /**
   * Cross-account attachments are not modelled, so no resource is ever shared with this account: the
   * answer is an empty list, as AWS gives an account without attachments. The provider asks on every
   * read of a group with an ARN endpoint, even when the ARN's account is its own.
   */
  private listCrossAccountResources(input: Input): Output {
    const owner = str(input, "ResourceOwnerAwsAccountId", { required: true }) as string;
    if (!/^\d{12}$/.test(owner)) throw new InvalidArgumentException(`ResourceOwnerAwsAccountId '${owner}' is not a 12-digit account ID.`);
    if (input.AcceleratorArn !== undefined) this.accelerator(input);
    const { items, NextToken } = page<Output>([], input);
    return { CrossAccountResources: items, ...(NextToken && { NextToken }) };
  }
}

function describeListener(l: StoredListener): Output {
  return {
    ListenerArn: l.arn,
    PortRanges: l.portRanges.map((r) => ({ ...r })),
    Protocol: l.protocol,
    ClientAffinity: l.clientAffinity,
  };
}
