// The routing config as users write it (see examples/full.yaml). The zod
// schema in schema.ts checks that its parsed output has exactly this shape.
import type { GaRegion, Geography } from "./limits";
import type { ModelServer } from "./model-servers";

export interface PortRangeConfig {
  readonly fromPort: number;
  /** @default fromPort */
  readonly toPort?: number;
}

export interface HealthCheckConfig {
  /** @default "TCP" */
  readonly protocol?: "TCP" | "HTTP" | "HTTPS";
  /** @default - the listener's first port */
  readonly port?: number;
  /** HTTP and HTTPS only. @default "/" */
  readonly path?: string;
  /** @default 30 */
  readonly intervalSeconds?: 10 | 30;
  /** @default 3 */
  readonly thresholdCount?: number;
}

export interface PortOverrideConfig {
  readonly listenerPort: number;
  readonly endpointPort: number;
}

interface EndpointCommon {
  /** 0-255. @default 128 */
  readonly weight?: number;
  /** @default - true for alb and instance, false for nlb and eip */
  readonly clientIpPreservation?: boolean;
}

export interface ElasticIpEndpointConfig extends EndpointCommon {
  readonly type: "eip";
  readonly id: string;
}

export interface InstanceEndpointConfig extends EndpointCommon {
  readonly type: "instance";
  readonly id: string;
}

export interface LoadBalancerEndpointConfig extends EndpointCommon {
  readonly type: "alb" | "nlb";
  /** The load balancer's ARN; or give `lookup`. */
  readonly id?: string;
  /** Find the load balancer by name in the group's region at plan time. */
  readonly lookup?: { readonly name: string };
}

export type EndpointConfig = ElasticIpEndpointConfig | InstanceEndpointConfig | LoadBalancerEndpointConfig;

export interface EndpointGroupConfig {
  /** A region Global Accelerator supports. */
  readonly region: GaRegion;
  /** @default 100 */
  readonly trafficDialPercentage?: number;
  /**
   * The model server the group's instances or Elastic IPs run: sets the health check's protocol, path and
   * port (src/config/model-servers.ts) wherever healthCheck does not set them itself.
   * @default - none: the health check's own defaults
   */
  readonly modelServer?: ModelServer;
  /** @default - TCP on the listener's first port, every 30 s, threshold 3 (or the modelServer's check) */
  readonly healthCheck?: HealthCheckConfig;
  /**
   * What the group can serve, in the unit of the stack's demand (requests/s, GPUs, tokens/s):
   * `npm run explain` and the plan gate compare the load each scenario sends it with this.
   * @default - unknown: no overload check
   */
  readonly capacity?: number;
  /** @default - none */
  readonly portOverrides?: readonly PortOverrideConfig[];
  readonly endpoints: readonly EndpointConfig[];
  /**
   * Extra label matchers that select this group's model servers in Prometheus, besides `region="<region>"`
   * (a model or listener label, where several models share a region).
   * @default - none: region only
   */
  readonly metricsLabels?: Readonly<Record<string, string>>;
  /** Lets the autopilot move this group's dial on live model-server load. @default - not steered */
  readonly autopilot?: GroupAutopilotConfig;
}

/** A duration: a whole number with a unit, `30s`, `2m`, `1h`. */
export type Duration = string;

/**
 * The load signal of a steered group: `queue` (requests waiting per replica) or `kvCache` (KV-cache use,
 * 0-1) from the group's modelServer preset, or a PromQL query of your own that returns one value per
 * group (by `region`, plus the group's metricsLabels).
 */
export type AutopilotSignalConfig = "queue" | "kvCache" | { readonly query: string };

export interface GroupAutopilotConfig {
  readonly signal: AutopilotSignalConfig;
  /** Below this the dial steps back up toward its ceiling. */
  readonly lowWatermark: number;
  /** Above this the dial steps down. */
  readonly highWatermark: number;
  /** The lowest dial the autopilot sets. @default 10 */
  readonly minDialPercent?: number;
  /** The largest change of one step, in dial points. @default 20 */
  readonly maxStepPercent?: number;
  /** How long missing or stale data holds the dial before it walks back to its ceiling. @default "2m" */
  readonly holdFor?: Duration;
  /** How long after a change the group is left alone, while the dial reaches every edge. @default "1m" */
  readonly settleFor?: Duration;
}

export interface AutopilotConfig {
  /** The Prometheus query API the signals are read from (Prometheus, Thanos, Mimir, Amazon Managed Prometheus). */
  readonly prometheus: {
    readonly url: string;
    /** Sign every query with SigV4 for Amazon Managed Service for Prometheus. @default - unsigned */
    readonly sigv4?: { readonly region: string };
  };
  /** @default "15s" */
  readonly interval?: Duration;
  /** `enforce` writes dials; `monitor` decides and publishes, never writes. @default "enforce" */
  readonly mode?: "enforce" | "monitor";
  /** A sample older than this is stale. @default "1m" */
  readonly staleAfter?: Duration;
}

export interface ListenerConfig {
  readonly name: string;
  /**
   * The listener's previous name, after a rename: the stack emits `moved` blocks
   * so Terraform moves the listener and its endpoint groups instead of replacing them.
   * @default - not renamed
   */
  readonly renamedFrom?: string;
  readonly protocol: "TCP" | "UDP";
  readonly portRanges: readonly PortRangeConfig[];
  /** @default "NONE" */
  readonly clientAffinity?: "NONE" | "SOURCE_IP";
  readonly endpointGroups: readonly EndpointGroupConfig[];
}

export interface FlowLogsConfig {
  /** The S3 bucket; it must exist and let Global Accelerator write to it. */
  readonly bucket: string;
  /** The folder in the bucket; "" counts as omitted. @default - the stack's name */
  readonly prefix?: string;
}

export interface AcceleratorConfig {
  readonly name: string;
  /** @default "IPV4" */
  readonly ipAddressType?: "IPV4" | "DUAL_STACK";
  /** @default true */
  readonly enabled?: boolean;
  /** BYOIP addresses. @default - addresses from Amazon's pool */
  readonly ipAddresses?: readonly string[];
  /** @default true */
  readonly protectFromDestroy?: boolean;
  /** @default - off, with a warning; `false` is off without one */
  readonly flowLogs?: false | FlowLogsConfig;
  /** AWS Shield Advanced protection (needs the account's Shield Advanced subscription). @default false */
  readonly shield?: boolean;
}

export interface DnsConfig {
  /** The public hosted zone's name, found at plan time; or give `zoneId`. */
  readonly zone?: string;
  /** The hosted zone's ID; or give `zone`. */
  readonly zoneId?: string;
  /** The names that point at the accelerator: an alias A record each (and AAAA when DUAL_STACK). */
  readonly names: readonly string[];
  /** @default true */
  readonly evaluateTargetHealth?: boolean;
}

export interface BackendConfig {
  readonly bucket: string;
  /** @default "smart-routing/<stack name>.tfstate" */
  readonly key?: string;
  readonly region: string;
  /** @default true */
  readonly encrypt?: boolean;
  /** @default - the bucket's default encryption */
  readonly kmsKeyId?: string;
  /** S3-native state locking (use_lockfile). @default true */
  readonly lockfile?: boolean;
  /** Legacy DynamoDB locking. @default - none */
  readonly dynamodbTable?: string;
}

/** Kinds of resource the plan gate can let a plan delete or replace (never the accelerator). */
export type DestroyAllowance = "listeners" | "endpointGroups";

export interface StackConfig {
  readonly name: string;
  /**
   * Resources the plan gate (`npm run plan-gate`) lets a plan delete or replace.
   * The accelerator is never allowed: deleting it loses its static IPs for ever.
   * @default - none: any delete or replace of a listener or endpoint group fails the gate
   */
  readonly allowDestroy?: readonly DestroyAllowance[];
  /** Provider default_tags in every region. @default - none */
  readonly tags?: Readonly<Record<string, string>>;
  /** @default - any account */
  readonly allowedAccountIds?: readonly string[];
  readonly backend: BackendConfig;
  readonly accelerator: AcceleratorConfig;
  readonly listeners: readonly ListenerConfig[];
  /** A custom domain for the accelerator (Route 53 alias records). @default - none */
  readonly dns?: DnsConfig;
  /**
   * The load the clients of each geography put on each listener, in the unit of the groups' capacity.
   * @default - none: explain shows where clients go, not the load
   */
  readonly demand?: DemandConfig;
  /** Moves the steered groups' dials on live model-server load (`npm run autopilot`). @default - off */
  readonly autopilot?: AutopilotConfig;
}

/**
 * Load per client geography, spread over the geography's metro areas (src/config/metros.ts) by their
 * internet users, and per metro where it is known better.
 */
export type DemandConfig = Readonly<Partial<Record<Geography, number>>> & {
  /**
   * The load of single metro areas, by their name in src/config/metros.ts. A metro given here takes
   * exactly this load; its geography's figure is then spread over the geography's other metros.
   * @default - none: every metro takes its share of its geography's figure
   */
  readonly metros?: Readonly<Record<string, number>>;
};

export interface RoutingConfig {
  /** Path or URL of the JSON Schema, for editors. */
  readonly $schema?: string;
  readonly version: 1;
  readonly stacks: readonly StackConfig[];
}
