// The normalized routing model: a validated config with every default of src/config/defaults.ts
// applied here, once, so the constructs and tools never guess. Everything is readonly and frozen.
import { DEFAULTS, defaultClientIpPreservation, stateKey } from "../config/defaults";
import type { DestroyAllowance, EndpointConfig, EndpointGroupConfig, ListenerConfig, RoutingConfig, StackConfig } from "../config/types";

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
  readonly healthCheck: HealthCheckModel;
  readonly portOverrides: readonly { readonly listenerPort: number; readonly endpointPort: number }[];
  readonly endpoints: readonly EndpointModel[];
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
  /** Absent: off. */
  readonly flowLogs?: { readonly bucket: string; readonly prefix?: string };
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
      ...(a.flowLogs !== undefined && a.flowLogs !== false && { flowLogs: a.flowLogs }),
    },
    listeners,
    endpointRegions: [...new Set(groups.map((g) => g.region))].sort(),
    lookups: [...lookups.values()],
  };
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
  const protocol = hc.protocol ?? DEFAULTS.healthCheck.protocol;
  return {
    listener,
    region: group.region,
    trafficDialPercentage: group.trafficDialPercentage ?? DEFAULTS.trafficDialPercentage,
    healthCheck: {
      protocol,
      // As the API does: a check without a port probes the listener's first port.
      port: hc.port ?? firstPort,
      ...(protocol !== "TCP" && { path: hc.path ?? DEFAULTS.healthCheck.path }),
      intervalSeconds: hc.intervalSeconds ?? DEFAULTS.healthCheck.intervalSeconds,
      thresholdCount: hc.thresholdCount ?? DEFAULTS.healthCheck.thresholdCount,
    },
    portOverrides: group.portOverrides ?? [],
    endpoints: group.endpoints.map(toEndpointModel),
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
