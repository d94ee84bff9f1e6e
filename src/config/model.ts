// The normalized routing model: a validated config with every default applied
// here, once, so the constructs never guess. Everything is readonly and frozen.
import type { DestroyAllowance, EndpointConfig, EndpointGroupConfig, ListenerConfig, RoutingConfig, StackConfig } from "./types";
import { stateKey } from "../validation/rules";

export type EndpointType = "eip" | "instance" | "alb" | "nlb";

export interface EndpointModel {
  readonly type: EndpointType;
  /** The endpoint ID (allocation ID, instance ID or load balancer ARN); absent for a lookup. */
  readonly id?: string;
  /** A load balancer found by name in the group's region at plan time. */
  readonly lookup?: { readonly name: string };
  /** 0-255. @default 128 */
  readonly weight: number;
  /** @default true for alb and instance, false for nlb and eip */
  readonly clientIpPreservation: boolean;
}

export interface HealthCheckModel {
  /** @default "TCP" */
  readonly protocol: "TCP" | "HTTP" | "HTTPS";
  /** @default the listener's first port */
  readonly port: number;
  /** Only for HTTP and HTTPS. @default "/" */
  readonly path?: string;
  /** @default 30 */
  readonly intervalSeconds: 10 | 30;
  /** @default 3 */
  readonly thresholdCount: number;
}

export interface EndpointGroupModel {
  readonly listener: string;
  readonly region: string;
  /** @default 100 */
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
  /** @default "NONE" */
  readonly clientAffinity: "NONE" | "SOURCE_IP";
  readonly endpointGroups: readonly EndpointGroupModel[];
}

export interface BackendModel {
  readonly bucket: string;
  /** @default "smart-routing/<stack name>.tfstate" */
  readonly key: string;
  readonly region: string;
  /** @default true */
  readonly encrypt: boolean;
  readonly kmsKeyId?: string;
  /** S3-native locking (use_lockfile). @default true */
  readonly lockfile: boolean;
  readonly dynamodbTable?: string;
}

export interface AcceleratorModel {
  readonly name: string;
  /** @default "IPV4" */
  readonly ipAddressType: "IPV4" | "DUAL_STACK";
  /** @default true */
  readonly enabled: boolean;
  /** BYOIP addresses; empty for Amazon's pool. */
  readonly ipAddresses: readonly string[];
  /** lifecycle.prevent_destroy. @default true */
  readonly protectFromDestroy: boolean;
  /** @default - off */
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
  /** What the plan gate lets a plan delete or replace. @default [] */
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
    allowDestroy: stack.allowDestroy ?? [],
    backend: {
      bucket: stack.backend.bucket,
      key: stateKey(stack),
      region: stack.backend.region,
      encrypt: stack.backend.encrypt ?? true,
      ...(stack.backend.kmsKeyId !== undefined && { kmsKeyId: stack.backend.kmsKeyId }),
      lockfile: stack.backend.lockfile ?? true,
      ...(stack.backend.dynamodbTable !== undefined && { dynamodbTable: stack.backend.dynamodbTable }),
    },
    accelerator: {
      name: a.name,
      ipAddressType: a.ipAddressType ?? "IPV4",
      enabled: a.enabled ?? true,
      ipAddresses: a.ipAddresses ?? [],
      protectFromDestroy: a.protectFromDestroy ?? true,
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
    clientAffinity: listener.clientAffinity ?? "NONE",
    endpointGroups: listener.endpointGroups.map((g) => toEndpointGroupModel(g, listener.name, portRanges[0].fromPort)),
  };
}

function toEndpointGroupModel(group: EndpointGroupConfig, listener: string, firstPort: number): EndpointGroupModel {
  const hc = group.healthCheck ?? {};
  const protocol = hc.protocol ?? "TCP";
  return {
    listener,
    region: group.region,
    trafficDialPercentage: group.trafficDialPercentage ?? 100,
    healthCheck: {
      protocol,
      port: hc.port ?? firstPort,
      ...(protocol !== "TCP" && { path: hc.path ?? "/" }),
      intervalSeconds: hc.intervalSeconds ?? 30,
      thresholdCount: hc.thresholdCount ?? 3,
    },
    portOverrides: group.portOverrides ?? [],
    endpoints: group.endpoints.map(toEndpointModel),
  };
}

// Client IP preservation defaults follow AWS: on for ALBs and EC2 instances
// (always on for instances), off for NLBs and impossible for Elastic IPs.
function toEndpointModel(ep: EndpointConfig): EndpointModel {
  const lookup = "lookup" in ep ? ep.lookup : undefined;
  return {
    type: ep.type,
    ...(ep.id !== undefined && { id: ep.id }),
    ...(lookup !== undefined && { lookup }),
    weight: ep.weight ?? 128,
    clientIpPreservation: ep.clientIpPreservation ?? (ep.type === "alb" || ep.type === "instance"),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
