// The autopilot's shapes: what a stack publishes for it, what it keeps beside the state, what `decide`
// reads and returns, and the adapters around it. `decide` is pure; everything with I/O is an adapter, so
// the control law is tested on its own and every adapter against the real server it talks to.
import type { GroupAutopilotModel, StackModel } from "../model/model";

/** Endpoint group health as DescribeEndpointGroup reports it, reduced: INITIAL (and no answer) is unknown. */
export type GroupHealth = "healthy" | "unhealthy" | "unknown";

/** The value of the stack's published SSM parameter (AUTOPILOT.parameterName), as JSON. */
export interface PublishedStack {
  readonly version: 1;
  readonly stack: string;
  /** A hash of the stack's model: an autopilot whose config differs from what was applied can tell. */
  readonly configHash: string;
  readonly groups: readonly PublishedGroup[];
  /**
   * The stack's other endpoint groups, which Terraform alone steers: the autopilot reads their dial and
   * health too, since a listener's last healthy group at its ceiling may be one of them, and the routing
   * model needs their dials. Absent in a parameter that lists none.
   */
  readonly others?: readonly PublishedOther[];
}

/** An endpoint group the autopilot does not steer, as the stack publishes it. */
export interface PublishedOther {
  readonly key: string;
  readonly listener: string;
  readonly region: string;
  readonly arn: string;
  /** The dial Terraform sets. */
  readonly ceiling: number;
}

export interface PublishedGroup {
  /** `<listener>/<region>`, the traffic_dials key. */
  readonly key: string;
  readonly listener: string;
  readonly region: string;
  readonly arn: string;
  /** The dial Terraform would set (the operators' traffic_dials value, else the config's): never exceeded. */
  readonly ceiling: number;
  readonly capacity: number;
  readonly metricsLabels: Readonly<Record<string, string>>;
  readonly settings: GroupAutopilotModel;
}

/** A dial the autopilot wrote: `from` is kept so a write whose answer was lost is still known as its own. */
export interface DialWrite {
  readonly from: number;
  readonly to: number;
  /** Epoch seconds. */
  readonly at: number;
}

export interface Pause {
  readonly reason: string;
  readonly by: string;
  /** Epoch seconds. */
  readonly at: number;
}

/** The S3 object beside the state (AUTOPILOT.stateKey): one writer, its writes, the operators' pauses. */
export interface AutopilotState {
  readonly version: 1;
  /** Who may write dials, until when (epoch seconds). */
  readonly lease?: { readonly holder: string; readonly expiresAt: number };
  /** By group key. */
  readonly writes: Readonly<Record<string, DialWrite>>;
  /** By group key. */
  readonly pauses: Readonly<Record<string, Pause>>;
}

/** The latest sample of a group's signal: its value and when it was taken (from `timestamp()`, epoch seconds). */
export interface SignalSample {
  readonly value: number;
  readonly sampleTime: number;
}

/** Every endpoint group of a stack as the API shows it now. */
export interface ObservedGroup {
  readonly key: string;
  readonly listener: string;
  readonly region: string;
  readonly dial: number;
  readonly health: GroupHealth;
}

/** A steered group: what the API shows, and everything else decide needs for it. */
export interface SteeredGroupInput extends ObservedGroup {
  readonly arn: string;
  readonly ceiling: number;
  readonly capacity: number;
  readonly settings: GroupAutopilotModel;
  /** Undefined: no sample (the series is missing, or Prometheus could not be read). */
  readonly signal?: SignalSample;
  readonly lastWrite?: DialWrite;
  readonly pause?: Pause;
  /** The status of the group's accelerator. */
  readonly acceleratorStatus: "DEPLOYED" | "IN_PROGRESS";
}

export interface DecideInput {
  /** Epoch seconds. */
  readonly now: number;
  readonly staleAfterSeconds: number;
  /** The routing model: where clients are and which group serves them (the same one explain uses). */
  readonly model: StackModel;
  /** Every group of the stack, steered or not. */
  readonly groups: readonly ObservedGroup[];
  readonly steered: readonly SteeredGroupInput[];
  /** Set when the signals could not be read at all (Prometheus down, a bad query): the reason. */
  readonly signalError?: string;
}

export type Action = "shed" | "restore" | "hold";

/** One steered group's decision for one tick, as `--json` prints it. */
export interface Decision {
  readonly stack: string;
  readonly listener: string;
  readonly region: string;
  /** The signal's value, or null without a sample. */
  readonly signal: number | null;
  /** Seconds since the sample was taken, or null without one. */
  readonly sampleAgeSeconds: number | null;
  readonly from: number;
  readonly to: number;
  readonly ceiling: number;
  readonly action: Action;
  readonly reason: string;
}

// Adapters: the I/O around decide. Each is implemented against its real server (Prometheus, the Global
// Accelerator API, S3, SSM) and tested against it.

/** Reads every steered group's signal with one query per signal kind, evaluated at `at` (epoch seconds). */
export interface SignalReader {
  read(model: StackModel, groups: readonly PublishedGroup[], at: number): Promise<ReadonlyMap<string, SignalSample>>;
}

export interface GroupDescription {
  readonly dial: number;
  readonly health: GroupHealth;
}

export interface DialApi {
  acceleratorStatus(acceleratorArn: string): Promise<"DEPLOYED" | "IN_PROGRESS">;
  describeGroup(endpointGroupArn: string): Promise<GroupDescription>;
  /** Writes only TrafficDialPercentage. */
  setDial(endpointGroupArn: string, dial: number): Promise<void>;
}

export interface PublishedReader {
  read(stack: string): Promise<PublishedStack>;
}

/** The state object, read and written with compare-and-swap (S3 If-None-Match / If-Match). */
export interface StateStore {
  /** The state and its version tag; an absent object reads as an empty state without a tag. */
  read(stack: string): Promise<{ readonly state: AutopilotState; readonly etag?: string }>;
  /** Writes only if the object is still at `etag` (absent when undefined); false when it was not. */
  write(stack: string, state: AutopilotState, etag: string | undefined): Promise<{ readonly written: boolean; readonly etag?: string }>;
}

/** The accelerator's ARN, the first part of an endpoint group's ARN. */
export function acceleratorArnOf(endpointGroupArn: string): string {
  const at = endpointGroupArn.indexOf("/listener/");
  if (at < 0) throw new Error(`not an endpoint group ARN: ${endpointGroupArn}`);
  return endpointGroupArn.slice(0, at);
}
