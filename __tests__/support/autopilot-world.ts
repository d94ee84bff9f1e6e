// In-memory adapters and a stand-in control law for the tick's and the loop's own tests (sequencing,
// roles, logs, metrics): the real adapters are tested against their servers, the real law on its own.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { toModel, type StackModel } from "../../src/model/model";
import type { ControlLaw, LeaseKeeper, LogRecord, TickAdapters } from "../../src/autopilot/tick";
import type { AutopilotState, Decision, DecideInput, DialApi, GroupHealth, PublishedGroup, PublishedStack, SignalReader, StateStore } from "../../src/autopilot/types";
import { ROOT } from "./run";

export const stack: StackModel = toModel(parse(readFileSync(join(ROOT, "examples", "autopilot.yaml"), "utf8"))).stacks[0];
export const ACCEL = "arn:aws:globalaccelerator::123456789012:accelerator/aaaa";
export const OTHER_ACCEL = "arn:aws:globalaccelerator::123456789012:accelerator/bbbb";

export function published(accelerators: Record<string, string> = {}, ceilings: Record<string, number> = {}): PublishedStack {
  const groups: PublishedGroup[] = stack.listeners[0].endpointGroups.map((g, i) => ({
    key: `chat/${g.region}`,
    listener: "chat",
    region: g.region,
    arn: `${accelerators[g.region] ?? ACCEL}/listener/l1/endpoint-group/g${i}`,
    ceiling: ceilings[g.region] ?? 100,
    capacity: g.capacity ?? 0,
    metricsLabels: {},
    settings: g.autopilot!,
  }));
  return { version: 1, stack: stack.name, configHash: "h", groups };
}

/** Everything the adapters were asked, in order. */
export type Event = string;

export function world(options: { unsteered?: Record<string, { dial: number; health: GroupHealth }>; dials?: Record<string, number>; leaseHolder?: string; signalsFail?: boolean; failSetDial?: string; accelerators?: Record<string, string>; ceilings?: Record<string, number>; status?: () => "DEPLOYED" | "IN_PROGRESS" } = {}) {
  const events: Event[] = [];
  let state: AutopilotState = { version: 1, writes: {}, pauses: {}, ...(options.leaseHolder !== undefined && { lease: { holder: options.leaseHolder, expiresAt: 2e9 } }) };
  let version = 0;
  const dials = new Map<string, number>();
  const all = published(options.accelerators, options.ceilings);
  // Regions named in `unsteered` are published as the groups Terraform alone steers.
  const unsteered = options.unsteered ?? {};
  const pub: PublishedStack = {
    ...all,
    groups: all.groups.filter((g) => unsteered[g.region] === undefined),
    ...(Object.keys(unsteered).length > 0 && {
      others: all.groups.filter((g) => unsteered[g.region] !== undefined).map(({ key, listener, region, arn, ceiling }) => ({ key, listener, region, arn, ceiling })),
    }),
  };
  const health = new Map<string, GroupHealth>();
  for (const g of all.groups) {
    dials.set(g.arn, unsteered[g.region]?.dial ?? options.dials?.[g.region] ?? 100);
    health.set(g.arn, unsteered[g.region]?.health ?? "healthy");
  }
  const store: StateStore = {
    read: async () => ({ state, etag: String(version) }),
    write: async (_stack, next, etag) => {
      if (etag !== String(version)) return { written: false };
      events.push(`state:${JSON.stringify(Object.fromEntries(Object.entries(next.writes).map(([k, w]) => [k, w.to])))}`);
      state = next;
      version++;
      return { written: true, etag: String(version) };
    },
  };
  const lease: LeaseKeeper = {
    claim: async (_stack, holder, now) => {
      events.push("lease");
      const free = state.lease === undefined || state.lease.expiresAt <= now || state.lease.holder === holder;
      if (free) await store.write(stack.name, { ...state, lease: { holder, expiresAt: now + 30 } }, String(version));
      return { state, etag: String(version), holder: state.lease?.holder };
    },
  };
  const api: DialApi = {
    acceleratorStatus: async (arn) => {
      events.push(`status:${arn.slice(-4)}`);
      return options.status?.() ?? "DEPLOYED";
    },
    describeGroup: async (arn) => {
      events.push(`describe:${arn.slice(-2)}`);
      return { dial: dials.get(arn) ?? 100, health: health.get(arn) ?? "healthy" };
    },
    setDial: async (arn, dial) => {
      events.push(`setDial:${arn.slice(-2)}=${dial}`);
      if (options.failSetDial !== undefined && arn.endsWith(options.failSetDial)) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      dials.set(arn, dial);
    },
  };
  const reads: number[] = [];
  const signals: SignalReader = {
    read: async (_model, groups, at) => {
      reads.push(at);
      if (options.signalsFail) throw new Error("connect ECONNREFUSED 127.0.0.1:9090");
      return new Map(groups.map((g) => [g.key, { value: g.region === "us-east-1" ? 20 : 1, sampleTime: at - 1 }]));
    },
  };
  const inputs: DecideInput[] = [];
  // Stand-in law: shed 20 above the high watermark; clamp and reset go to the ceiling.
  const decision = (g: DecideInput["steered"][number], to: number, action: Decision["action"], reason: string): Decision => ({
    stack: stack.name,
    listener: g.listener,
    region: g.region,
    signal: g.signal?.value ?? null,
    sampleAgeSeconds: g.signal === undefined ? null : 1,
    from: g.dial,
    to,
    ceiling: g.ceiling,
    action,
    reason,
  });
  const law: ControlLaw = {
    decide: (input) => {
      inputs.push(input);
      return input.steered.map((g) =>
        g.signal !== undefined && g.signal.value > g.settings.highWatermark ? decision(g, g.dial - 20, "shed", "queue above the high watermark") : decision(g, g.dial, "hold", "between the watermarks"),
      );
    },
    clamp: (input) => input.steered.map((g) => (g.dial > g.ceiling - 50 ? decision(g, g.ceiling - 50, "shed", "above its ceiling") : decision(g, g.dial, "hold", "at or below its ceiling"))),
    reset: (input) => input.steered.map((g) => decision(g, g.ceiling, g.dial === g.ceiling ? "hold" : "restore", "reset to the ceiling")),
  };
  const adapters: TickAdapters = { published: { read: async () => pub }, state: store, lease, dials: api, signals, law };
  const log: LogRecord[] = [];
  return { adapters, events, log, inputs, reads, dials, getState: () => state };
}

