// One tick of the autopilot for one stack: read everything (the published parameter, the state object,
// every steered dial and its health, the accelerators' status, the signals), decide, and write the
// changes. Level-triggered: everything but the lease and the writes/pauses records is rebuilt from what
// is read each tick, so a restart or a takeover by another instance changes no decision. Every adapter
// and the clock are injected; the tick never throws for one group's failure (it logs it and goes on).
import type { StackModel } from "../model/model";
import {
  acceleratorArnOf,
  type AutopilotState,
  type Decision,
  type DecideInput,
  type DialApi,
  type GroupDescription,
  type ObservedGroup,
  type PublishedReader,
  type SignalReader,
  type SignalSample,
  type StateStore,
  type SteeredGroupInput,
} from "./types";

/** What a tick does: the control law, or only lower dials above their ceilings, or put every dial back to its ceiling. */
export type TickAction = "decide" | "clamp" | "reset";

/** The control law's three entry points (src/autopilot/decide.ts), injected so the tick is tested on its own. */
export interface ControlLaw {
  decide(input: DecideInput): readonly Decision[];
  clamp(input: DecideInput): readonly Decision[];
  reset(input: DecideInput): readonly Decision[];
}

/** The lease on the state object: who may write dials. */
export interface LeaseKeeper {
  /**
   * Takes the lease for `holder` when it is free or expired, renews it when `holder` has it; otherwise
   * leaves it. Returns the state as it now stands, its tag and who holds the lease (undefined: nobody).
   */
  claim(stack: string, holder: string, now: number): Promise<{ readonly state: AutopilotState; readonly etag?: string; readonly holder?: string }>;
  /** Gives the lease up when `holder` has it (the loop's end), so a standby takes over at once. */
  release?(stack: string, holder: string): Promise<void>;
}

export interface TickAdapters {
  readonly published: PublishedReader;
  readonly state: StateStore;
  readonly lease: LeaseKeeper;
  readonly dials: DialApi;
  /** Not read by clamp and reset. */
  readonly signals?: SignalReader;
  readonly law: ControlLaw;
}

export interface TickOptions {
  readonly action: TickAction;
  /** Decide and log, write nothing (not even the lease). */
  readonly dryRun: boolean;
  /** This instance's name in the lease. */
  readonly holder: string;
  /** Epoch seconds (may be fractional). */
  readonly now: () => number;
  /** Receives every log record (one JSON line each). */
  readonly log: (record: LogRecord) => void;
}

/** One line of the autopilot's log. */
export type LogRecord = { readonly time: string; readonly event: string; readonly stack: string } & Record<string, unknown>;

/** Why this instance writes or not. */
export type Role = "writer" | "monitor" | "dry-run";

export interface WriteOutcome {
  readonly key: string;
  readonly from: number;
  readonly to: number;
  /** Undefined when the write went through. */
  readonly error?: string;
}

export interface TickResult {
  readonly stack: string;
  /** Epoch seconds when the tick began (its `now`). */
  readonly at: number;
  readonly role: Role;
  /** Who holds the lease after this tick (undefined: nobody, e.g. in monitor mode). */
  readonly leaseHolder?: string;
  readonly decisions: readonly Decision[];
  readonly writes: readonly WriteOutcome[];
  /** Set when the signals could not be read. */
  readonly signalError?: string;
  /** The steered groups as read this tick, by key (for the metrics). */
  readonly groups: readonly SteeredGroupInput[];
}

const keyOf = (listener: string, region: string): string => `${listener}/${region}`;
const message = (err: unknown): string => (err instanceof Error ? `${err.name !== "Error" ? `${err.name}: ` : ""}${err.message}` : String(err));

/** Whether the stack's config steers any group: a stack without steered groups needs no tick at all. */
export function hasSteeredGroups(stack: StackModel): boolean {
  return stack.listeners.some((l) => l.endpointGroups.some((g) => g.autopilot !== undefined));
}

/**
 * One tick for one stack. Throws only when nothing can be decided (the published parameter, the state
 * object or a steered dial cannot be read); a failed write is logged and the tick goes on.
 */
export async function tick(stack: StackModel, adapters: TickAdapters, options: TickOptions): Promise<TickResult> {
  const now = options.now();
  const time = new Date(now * 1000).toISOString();
  const log = (event: string, fields: Record<string, unknown> = {}): void => options.log({ time, event, stack: stack.name, ...fields });
  const enforce = stack.autopilot?.mode !== "monitor";
  // clamp and reset carry out Terraform's and the operator's dials: they write whatever the mode, as an apply does.
  const writes = options.action !== "decide" || enforce;

  const published = await adapters.published.read(stack.name);
  const steeredGroups = published.groups;
  const empty = { stack: stack.name, at: now, decisions: [], writes: [], groups: [] };
  if (steeredGroups.length === 0) return { ...empty, role: options.dryRun ? "dry-run" : "monitor" };

  // The lease: only its holder writes. Others (and monitor mode, and a dry run) decide and say so.
  let role: Role;
  let state: AutopilotState;
  let etag: string | undefined;
  let leaseHolder: string | undefined;
  // clamp and reset need no lease: they only carry out the ceilings (Terraform's dials), which the
  // lease holder reads from the parameter too, so the two never disagree for more than one tick.
  const needsLease = options.action === "decide";
  if (options.dryRun || !writes || !needsLease) {
    ({ state, etag } = await adapters.state.read(stack.name));
    leaseHolder = state.lease !== undefined && state.lease.expiresAt > now ? state.lease.holder : undefined;
    role = options.dryRun ? "dry-run" : writes ? "writer" : "monitor";
  } else {
    const claimed = await adapters.lease.claim(stack.name, options.holder, now);
    ({ state, etag } = claimed);
    leaseHolder = claimed.holder;
    role = claimed.holder === options.holder ? "writer" : "monitor";
  }
  if (role === "monitor") log("monitor", { reason: !writes ? "mode: monitor (decides, never writes)" : `the lease is held by ${leaseHolder ?? "nobody"}`, leaseHolder: leaseHolder ?? null });

  // The accelerators' status and every steered dial, read now (never remembered from an earlier tick).
  const accelerators = [...new Set(steeredGroups.map((g) => acceleratorArnOf(g.arn)))];
  const statuses = new Map(await Promise.all(accelerators.map(async (arn) => [arn, await adapters.dials.acceleratorStatus(arn)] as const)));
  const described = await Promise.all(steeredGroups.map((g) => adapters.dials.describeGroup(g.arn)));
  // The groups Terraform alone steers, read as well: the last healthy group of a listener may be one.
  const others = published.others ?? [];
  const othersDescribed = await Promise.all(others.map((g) => adapters.dials.describeGroup(g.arn)));
  const seenOthers = new Map(others.map((g, i) => [g.key, { dial: othersDescribed[i].dial, health: othersDescribed[i].health }]));

  let signals: ReadonlyMap<string, SignalSample> = new Map();
  let signalError: string | undefined;
  if (options.action === "decide") {
    try {
      if (adapters.signals === undefined) throw new Error("no signal reader");
      signals = await adapters.signals.read(stack, steeredGroups, now);
    } catch (err) {
      signalError = message(err);
      log("signal-error", { error: signalError });
    }
  }

  const steered: SteeredGroupInput[] = steeredGroups.map((g, i) => ({
    key: g.key,
    listener: g.listener,
    region: g.region,
    dial: described[i].dial,
    health: described[i].health,
    arn: g.arn,
    ceiling: g.ceiling,
    capacity: g.capacity,
    settings: g.settings,
    ...(signals.has(g.key) && { signal: signals.get(g.key) }),
    ...(state.writes[g.key] !== undefined && { lastWrite: state.writes[g.key] }),
    ...(state.pauses[g.key] !== undefined && { pause: state.pauses[g.key] }),
    acceleratorStatus: statuses.get(acceleratorArnOf(g.arn)) ?? "IN_PROGRESS",
  }));
  const input: DecideInput = {
    now,
    staleAfterSeconds: stack.autopilot?.staleAfterSeconds ?? 60,
    model: stack,
    groups: observedGroups(stack, steered, seenOthers),
    steered,
    ...(signalError !== undefined && { signalError }),
  };
  const law = options.action === "clamp" ? adapters.law.clamp : options.action === "reset" ? adapters.law.reset : adapters.law.decide;
  // decide itself makes at most one change per accelerator per tick (a write puts it IN_PROGRESS), so that
  // every prediction it makes matches what is written.
  const decisions = law(input);

  const byKey = new Map(steered.map((g) => [g.key, g]));
  const changes = decisions.filter((d) => d.to !== d.from);
  for (const d of changes) {
    log("change", {
      group: keyOf(d.listener, d.region),
      action: d.action,
      signal: d.signal,
      sampleAgeSeconds: d.sampleAgeSeconds,
      from: d.from,
      to: d.to,
      ceiling: d.ceiling,
      reason: d.reason,
      written: role === "writer",
    });
  }
  if (role !== "writer" || changes.length === 0) return { stack: stack.name, at: now, role, ...(leaseHolder !== undefined && { leaseHolder }), decisions, writes: [], ...(signalError !== undefined && { signalError }), groups: steered };

  // Record the intended writes first (compare-and-swap on the state object), so that a write whose answer
  // is lost is still known next tick as the autopilot's own, not taken for a console change.
  const recorded = await recordWrites(stack.name, adapters.state, state, etag, changes, needsLease ? options.holder : undefined, now);
  const outcomes: WriteOutcome[] = [];
  if (!recorded) {
    log("lease-lost", { reason: "the state object changed under this tick and the lease is no longer this instance's: nothing written" });
    return { stack: stack.name, at: now, role: "monitor", decisions, writes: [], ...(signalError !== undefined && { signalError }), groups: steered };
  }
  for (const d of changes) {
    const key = keyOf(d.listener, d.region);
    const group = byKey.get(key);
    if (group === undefined) continue;
    try {
      await adapters.dials.setDial(group.arn, d.to);
      outcomes.push({ key, from: d.from, to: d.to });
    } catch (err) {
      outcomes.push({ key, from: d.from, to: d.to, error: message(err) });
      log("write-failed", { group: key, from: d.from, to: d.to, error: message(err) });
    }
  }
  return { stack: stack.name, at: now, role, ...(leaseHolder !== undefined && { leaseHolder }), decisions, writes: outcomes, ...(signalError !== undefined && { signalError }), groups: steered };
}

/**
 * Every endpoint group of the stack as read now: the steered ones and the others the parameter publishes;
 * a group it does not publish (a parameter from before the group was added) at the config's dial, health
 * unknown.
 */
function observedGroups(stack: StackModel, steered: readonly SteeredGroupInput[], others: ReadonlyMap<string, GroupDescription>): ObservedGroup[] {
  const byKey = new Map<string, GroupDescription>([...others, ...steered.map((g) => [g.key, g] as const)]);
  return stack.listeners.flatMap((l) =>
    l.endpointGroups.map((g) => {
      const key = keyOf(l.name, g.region);
      const seen = byKey.get(key);
      return seen !== undefined
        ? { key, listener: l.name, region: g.region, dial: seen.dial, health: seen.health }
        : { key, listener: l.name, region: g.region, dial: g.trafficDialPercentage, health: "unknown" as const };
    }),
  );
}

/**
 * Writes the intended changes into the state object with compare-and-swap. When another writer changed
 * the object meanwhile, reads it again and retries only while the lease is still `holder`'s (no holder:
 * clamp and reset, which write without the lease).
 */
async function recordWrites(
  stack: string,
  store: StateStore,
  state: AutopilotState,
  etag: string | undefined,
  changes: readonly Decision[],
  holder: string | undefined,
  now: number,
): Promise<boolean> {
  let current = state;
  let tag = etag;
  for (let attempt = 0; attempt < 3; attempt++) {
    const lease = current.lease;
    if (holder !== undefined && (lease === undefined || lease.holder !== holder || lease.expiresAt <= now)) return false;
    const writes = { ...current.writes };
    for (const d of changes) writes[keyOf(d.listener, d.region)] = { from: d.from, to: d.to, at: now };
    const result = await store.write(stack, { ...current, writes }, tag);
    if (result.written) return true;
    ({ state: current, etag: tag } = await store.read(stack));
  }
  return false;
}
