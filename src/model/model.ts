// The normalized routing model: a validated config with every default of src/config/defaults.ts
// applied here, once, so the constructs and tools never guess. Everything is readonly and frozen.
import { DEFAULTS, defaultClientIpPreservation, defaultFlowLogPrefix, stateKey } from "../config/defaults";
import { presetFor, type ModelServer } from "../config/model-servers";
import { durationSeconds } from "../config/duration";
import type { AutopilotConfig, GroupAutopilotConfig, DemandConfig, DestroyAllowance, DnsConfig, EndpointConfig, EndpointGroupConfig, ListenerConfig, RoutingConfig, StackConfig } from "../config/types";

export type EndpointType = "eip" | "instance" | "alb" | "nlb";

interface EndpointCommon {
  /** 0-255. */
  readonly weight: number;
  readonly clientIpPreservation: boolean;
}

/** An endpoint named by its ID: an allocation ID, an instance ID or a load balancer's ARN. */
export interface EndpointById extends EndpointCommon {
  readonly type: EndpointType;
  readonly id: string;
  readonly lookup?: never;
}

/** A load balancer found by name in the group's region at plan time. */
export interface EndpointByLookup extends EndpointCommon {
  readonly type: "alb" | "nlb";
  readonly lookup: { readonly name: string };
  readonly id?: never;
}

export type EndpointModel = EndpointById | EndpointByLookup;

export interface HealthCheckModel {
  readonly protocol: "TCP" | "HTTP" | "HTTPS";
  readonly port: number;
  /** Only for HTTP and HTTPS. */
  readonly path?: string;
  readonly intervalSeconds: 10 | 30;
  readonly thresholdCount: number;
}

export interface EndpointGroupModel {
  readonly listener: string;
  readonly region: string;
  readonly trafficDialPercentage: number;
  /** The server the group runs; its preset is already in healthCheck where it applies. @default - none */
  readonly modelServer?: ModelServer;
  /** In the unit of the stack's demand. @default - unknown */
  readonly capacity?: number;
  readonly healthCheck: HealthCheckModel;
  readonly portOverrides: readonly { readonly listenerPort: number; readonly endpointPort: number }[];
  readonly endpoints: readonly EndpointModel[];
  /** Label matchers that select the group's model servers in Prometheus besides region; empty when none. */
  readonly metricsLabels: Readonly<Record<string, string>>;
  /** Present when the autopilot steers the group's dial. */
  readonly autopilot?: GroupAutopilotModel;
}

/** A steered group's settings, defaults applied, durations in seconds. */
export interface GroupAutopilotModel {
  readonly signal: "queue" | "kvCache" | { readonly query: string };
  readonly lowWatermark: number;
  readonly highWatermark: number;
  readonly minDialPercent: number;
  readonly maxStepPercent: number;
  readonly holdForSeconds: number;
  readonly settleForSeconds: number;
}

/** The autopilot's stack settings, defaults applied, durations in seconds. */
export interface StackAutopilotModel {
  readonly prometheus: { readonly url: string; readonly sigv4?: { readonly region: string } };
  readonly intervalSeconds: number;
  readonly mode: "enforce" | "monitor";
  readonly staleAfterSeconds: number;
}

export interface ListenerModel {
  readonly name: string;
  /** The previous name; the stack emits `moved` blocks from its addresses. @default - not renamed */
  readonly renamedFrom?: string;
  readonly protocol: "TCP" | "UDP";
  readonly portRanges: readonly { readonly fromPort: number; readonly toPort: number }[];
  readonly clientAffinity: "NONE" | "SOURCE_IP";
  readonly endpointGroups: readonly EndpointGroupModel[];
}

export interface BackendModel {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly encrypt: boolean;
  readonly kmsKeyId?: string;
  /** S3-native locking (use_lockfile). */
  readonly lockfile: boolean;
  readonly dynamodbTable?: string;
}

export interface AcceleratorModel {
  readonly name: string;
  readonly ipAddressType: "IPV4" | "DUAL_STACK";
  readonly enabled: boolean;
  /** BYOIP addresses; empty for Amazon's pool. */
  readonly ipAddresses: readonly string[];
  /** lifecycle.prevent_destroy. */
  readonly protectFromDestroy: boolean;
  /** Absent: off. The prefix is the config's, or the stack's name when it gives none or "". */
  readonly flowLogs?: { readonly bucket: string; readonly prefix: string };
  /** Shield Advanced protection of the accelerator. */
  readonly shield: boolean;
}

export interface DnsRecordModel {
  /** Lower case, as Route 53 stores it. */
  readonly name: string;
  readonly type: "A" | "AAAA";
}

export interface DnsModel {
  /** The hosted zone by name (lower case), found at plan time; or zoneId. */
  readonly zone?: string;
  readonly zoneId?: string;
  readonly evaluateTargetHealth: boolean;
  /** The accelerator's attribute the aliases point at: the dual-stack name answers both A and AAAA. */
  readonly target: "dnsName" | "dualStackDnsName";
  /** An A record per name, and an AAAA record per name for DUAL_STACK, in config order. */
  readonly records: readonly DnsRecordModel[];
  /** What clients type, by listener: `https://<name>` on TCP 443, else `<tcp|udp>://<name>:<first port>`. */
  readonly urls: Readonly<Record<string, readonly string[]>>;
}

export interface LoadBalancerLookup {
  readonly region: string;
  readonly name: string;
  readonly type: "alb" | "nlb";
}

export interface StackModel {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly allowedAccountIds?: readonly string[];
  /** What the plan gate lets a plan delete or replace. */
  readonly allowDestroy: readonly DestroyAllowance[];
  readonly backend: BackendModel;
  readonly accelerator: AcceleratorModel;
  readonly listeners: readonly ListenerModel[];
  /** Every region an endpoint group of this stack is in, sorted; each gets an aliased provider. */
  readonly endpointRegions: readonly string[];
  /** Every distinct load balancer looked up by name, in config order. */
  readonly lookups: readonly LoadBalancerLookup[];
  /** Absent: no custom domain. */
  readonly dns?: DnsModel;
  /** The load per client geography (and per metro, under `metros`), in the unit of the groups' capacity; empty when not given. */
  readonly demand: DemandConfig;
  /** Absent: the autopilot is off for this stack. */
  readonly autopilot?: StackAutopilotModel;
}

export interface RoutingModel {
  readonly stacks: readonly StackModel[];
}

export function toModel(config: RoutingConfig): RoutingModel {
  return deepFreeze({ stacks: config.stacks.map(toStackModel) });
}

function toStackModel(stack: StackConfig): StackModel {
  const listeners = stack.listeners.map(toListenerModel);
  const groups = listeners.flatMap((l) => l.endpointGroups);
  const lookups = new Map<string, LoadBalancerLookup>();
  for (const group of groups) {
    for (const ep of group.endpoints) {
      if (ep.lookup !== undefined && (ep.type === "alb" || ep.type === "nlb")) {
        lookups.set(`${group.region}/${ep.lookup.name}`, { region: group.region, name: ep.lookup.name, type: ep.type });
      }
    }
  }
  const a = stack.accelerator;
  return {
    name: stack.name,
    tags: stack.tags ?? {},
    ...(stack.allowedAccountIds !== undefined && { allowedAccountIds: stack.allowedAccountIds }),
    allowDestroy: stack.allowDestroy ?? DEFAULTS.allowDestroy,
    backend: {
      bucket: stack.backend.bucket,
      key: stateKey(stack),
      region: stack.backend.region,
      encrypt: stack.backend.encrypt ?? DEFAULTS.backend.encrypt,
      ...(stack.backend.kmsKeyId !== undefined && { kmsKeyId: stack.backend.kmsKeyId }),
      lockfile: stack.backend.lockfile ?? DEFAULTS.backend.lockfile,
      ...(stack.backend.dynamodbTable !== undefined && { dynamodbTable: stack.backend.dynamodbTable }),
    },
    accelerator: {
      name: a.name,
      ipAddressType: a.ipAddressType ?? DEFAULTS.accelerator.ipAddressType,
      enabled: a.enabled ?? DEFAULTS.accelerator.enabled,
      ipAddresses: a.ipAddresses ?? [],
      protectFromDestroy: a.protectFromDestroy ?? DEFAULTS.accelerator.protectFromDestroy,
      ...(a.flowLogs !== undefined && a.flowLogs !== false && { flowLogs: { bucket: a.flowLogs.bucket, prefix: a.flowLogs.prefix || defaultFlowLogPrefix(stack.name) } }),
      shield: a.shield ?? DEFAULTS.accelerator.shield,
    },
    listeners,
    endpointRegions: [...new Set(groups.map((g) => g.region))].sort(),
    lookups: [...lookups.values()],
    ...(stack.dns !== undefined && { dns: toDnsModel(stack.dns, stack.accelerator.ipAddressType ?? DEFAULTS.accelerator.ipAddressType, listeners) }),
    demand: stack.demand ?? {},
    ...(stack.autopilot !== undefined && { autopilot: toStackAutopilotModel(stack.autopilot) }),
  };
}

function toStackAutopilotModel(a: AutopilotConfig): StackAutopilotModel {
  const d = DEFAULTS.autopilot;
  return {
    prometheus: { url: a.prometheus.url, ...(a.prometheus.sigv4 !== undefined && { sigv4: { region: a.prometheus.sigv4.region } }) },
    intervalSeconds: a.interval !== undefined ? durationSeconds(a.interval) : d.intervalSeconds,
    mode: a.mode ?? d.mode,
    staleAfterSeconds: a.staleAfter !== undefined ? durationSeconds(a.staleAfter) : d.staleAfterSeconds,
  };
}

function toGroupAutopilotModel(a: GroupAutopilotConfig): GroupAutopilotModel {
  const d = DEFAULTS.groupAutopilot;
  return {
    signal: a.signal,
    lowWatermark: a.lowWatermark,
    highWatermark: a.highWatermark,
    minDialPercent: a.minDialPercent ?? d.minDialPercent,
    maxStepPercent: a.maxStepPercent ?? d.maxStepPercent,
    holdForSeconds: a.holdFor !== undefined ? durationSeconds(a.holdFor) : d.holdForSeconds,
    settleForSeconds: a.settleFor !== undefined ? durationSeconds(a.settleFor) : d.settleForSeconds,
  };
}

function toDnsModel(dns: DnsConfig, ipAddressType: "IPV4" | "DUAL_STACK", listeners: readonly ListenerModel[]): DnsModel {
  const names = dns.names.map((n) => n.toLowerCase());
  const dualStack = ipAddressType === "DUAL_STACK";
  return {
    ...(dns.zone !== undefined && { zone: dns.zone.toLowerCase() }),
    ...(dns.zoneId !== undefined && { zoneId: dns.zoneId }),
    evaluateTargetHealth: dns.evaluateTargetHealth ?? DEFAULTS.dns.evaluateTargetHealth,
    target: dualStack ? "dualStackDnsName" : "dnsName",
    records: names.flatMap((name) => [{ name, type: "A" as const }, ...(dualStack ? [{ name, type: "AAAA" as const }] : [])]),
    urls: Object.fromEntries(listeners.map((l) => [l.name, names.map((name) => listenerUrl(l, name))])),
  };
}

function listenerUrl(listener: ListenerModel, name: string): string {
  const https = listener.protocol === "TCP" && listener.portRanges.some((r) => r.fromPort <= 443 && 443 <= r.toPort);
  return https ? `https://${name}` : `${listener.protocol.toLowerCase()}://${name}:${listener.portRanges[0].fromPort}`;
}

function toListenerModel(listener: ListenerConfig): ListenerModel {
  const portRanges = listener.portRanges.map((r) => ({ fromPort: r.fromPort, toPort: r.toPort ?? r.fromPort }));
  return {
    name: listener.name,
    ...(listener.renamedFrom !== undefined && { renamedFrom: listener.renamedFrom }),
    protocol: listener.protocol,
    portRanges,
    clientAffinity: listener.clientAffinity ?? DEFAULTS.clientAffinity,
    endpointGroups: listener.endpointGroups.map((g) => toEndpointGroupModel(g, listener.name, portRanges[0].fromPort)),
  };
}

function toEndpointGroupModel(group: EndpointGroupConfig, listener: string, firstPort: number): EndpointGroupModel {
  const hc = group.healthCheck ?? {};
  // The model server's check fills what healthCheck leaves out; on load balancers only it changes nothing.
  const preset = presetFor(group);
  const protocol = hc.protocol ?? preset?.protocol ?? DEFAULTS.healthCheck.protocol;
  return {
    listener,
    region: group.region,
    trafficDialPercentage: group.trafficDialPercentage ?? DEFAULTS.trafficDialPercentage,
    ...(group.modelServer !== undefined && { modelServer: group.modelServer }),
    ...(group.capacity !== undefined && { capacity: group.capacity }),
    healthCheck: {
      protocol,
      // As the API does: a check without a port probes the listener's first port.
      port: hc.port ?? preset?.port ?? firstPort,
      ...(protocol !== "TCP" && { path: hc.path ?? preset?.path ?? DEFAULTS.healthCheck.path }),
      intervalSeconds: hc.intervalSeconds ?? DEFAULTS.healthCheck.intervalSeconds,
      thresholdCount: hc.thresholdCount ?? DEFAULTS.healthCheck.thresholdCount,
    },
    portOverrides: group.portOverrides ?? [],
    endpoints: group.endpoints.map(toEndpointModel),
    metricsLabels: group.metricsLabels ?? {},
    ...(group.autopilot !== undefined && { autopilot: toGroupAutopilotModel(group.autopilot) }),
  };
}

function toEndpointModel(ep: EndpointConfig): EndpointModel {
  const common = {
    weight: ep.weight ?? DEFAULTS.weight,
    clientIpPreservation: ep.clientIpPreservation ?? defaultClientIpPreservation(ep.type),
  };
  // Validation guarantees a load balancer has exactly one of id and lookup.
  if ((ep.type === "alb" || ep.type === "nlb") && ep.lookup !== undefined) return { type: ep.type, lookup: ep.lookup, ...common };
  if (ep.id === undefined) throw new Error(`an endpoint of type ${ep.type} has neither id nor lookup; validate the config first`);
  return { type: ep.type, id: ep.id, ...common };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
