// One writer per stack: a lease in the autopilot's state object, taken and renewed with S3's
// compare-and-swap (the StateStore's If-None-Match / If-Match), so that of several autopilots only the
// holder writes dials and the others run as monitors until the lease expires. Every other change to the
// object (the holder's record of the dials it wrote, an operator's pause) goes through the same
// compare-and-swap with a bounded retry: a writer that lost a race reads again and reapplies its change,
// so no change overwrites another. A pause does not need the lease: an operator pauses while the autopilot runs.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { AutopilotState, DialWrite, StateStore } from "./types";

/**
 * The lease lasts this many intervals. The holder renews it every tick, so it keeps the lease through two
 * slow or failed ticks in a row (a throttled S3 call, a Prometheus timeout) without a standby taking over
 * and both deciding from different reads; a holder that died is replaced within three intervals plus one
 * of the standby's ticks, while its last dial change is still settling (settleFor defaults to 60 s, four
 * 15 s intervals), so the takeover costs no reaction that the settle window would not have held anyway.
 * Expiry is judged by each contender's own clock: hosts whose clocks differ by d let a standby take over d
 * early, so keep them in step (NTP) well within one interval.
 */
export const LEASE_INTERVALS = 3;

/** The lease's time to live for an interval (seconds). */
export function leaseTtlSeconds(intervalSeconds: number): number {
  return LEASE_INTERVALS * intervalSeconds;
}

/** How many times a change is tried when other writers keep changing the object in between. */
export const CAS_ATTEMPTS = 8;

/** A holder name that tells operators which process holds the lease: host, process id and a random part (a restart is another holder). */
export function holderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export interface LeaseStatus {
  /** True when `holder` (the caller) holds the lease until expiresAt. */
  readonly held: boolean;
  /** Who holds it (the caller or another); undefined when nobody does. */
  readonly holder: string | undefined;
  /** Epoch seconds; undefined when nobody holds it. */
  readonly expiresAt: number | undefined;
  /** The state as written (or, when not held, as read), and its ETag for a next compare-and-swap. */
  readonly state: AutopilotState;
  readonly etag: string | undefined;
}

/** Another writer kept changing the state object: the change was tried CAS_ATTEMPTS times. */
export class StateConflictError extends Error {
  constructor(stack: string, what: string) {
    super(`stack ${stack}: ${what} lost the race for the autopilot state object ${CAS_ATTEMPTS} times in a row; another writer keeps changing it`);
    this.name = "StateConflictError";
  }
}

/** The change was refused before it was written (the lease is another's, a pause is not there): why. */
export class StateChangeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateChangeRefused";
  }
}

/**
 * Reads the state, applies `change` and writes the result only if the object is still as read; on a lost
 * race reads again and reapplies, at most CAS_ATTEMPTS times. `change` returns the new state, or the
 * state it was given to write nothing; it may throw StateChangeRefused, which is passed on.
 */
export async function updateState(
  store: StateStore,
  stack: string,
  what: string,
  change: (state: AutopilotState) => AutopilotState,
): Promise<{ readonly state: AutopilotState; readonly etag: string | undefined; readonly written: boolean }> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const read = await store.read(stack);
    const next = change(read.state);
    if (next === read.state) return { state: read.state, etag: read.etag, written: false };
    const wrote = await store.write(stack, next, read.etag);
    if (wrote.written) return { state: next, etag: wrote.etag, written: true };
  }
  throw new StateConflictError(stack, what);
}

const expired = (lease: AutopilotState["lease"], now: number) => lease === undefined || lease.expiresAt <= now;

/**
 * Takes the lease when nobody holds it or it expired, renews it when `holder` holds it, and otherwise
 * reports who does. `now` is epoch seconds (injected: tests move it). A renewal that loses its race to a
 * takeover reads the new holder and reports the lease not held; one that loses it to a pause or a dial
 * record tries again with what it read.
 */
export async function acquireOrRenew(store: StateStore, stack: string, holder: string, now: number, ttlSeconds: number): Promise<LeaseStatus> {
  if (!(ttlSeconds > 0)) throw new Error(`the lease's time to live must be above 0 seconds, received ${ttlSeconds}`);
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const { state, etag } = await store.read(stack);
    const lease = state.lease;
    if (lease !== undefined && lease.holder !== holder && !expired(lease, now)) {
      return { held: false, holder: lease.holder, expiresAt: lease.expiresAt, state, etag };
    }
    const next: AutopilotState = { ...state, lease: { holder, expiresAt: now + ttlSeconds } };
    const wrote = await store.write(stack, next, etag);
    if (wrote.written) return { held: true, holder, expiresAt: now + ttlSeconds, state: next, etag: wrote.etag };
  }
  throw new StateConflictError(stack, `${holder} taking or renewing the lease`);
}

/** Whether a lease status still lets its holder write dials at `now` (held, and not expired since). */
export function mayWrite(status: Pick<LeaseStatus, "held" | "expiresAt">, now: number): boolean {
  return status.held && status.expiresAt !== undefined && now < status.expiresAt;
}

/** Gives the lease up (at the end of a run), so a standby takes over at once; false when `holder` did not hold it. */
export async function release(store: StateStore, stack: string, holder: string): Promise<boolean> {
  const result = await updateState(store, stack, `${holder} releasing the lease`, (state) => {
    if (state.lease?.holder !== holder) return state;
    const { lease: _, ...rest } = state;
    return rest;
  });
  return result.written;
}

/**
 * Records dials the holder wrote (by group key), only while `holder` holds an unexpired lease: a holder
 * that lost the lease must not record (a takeover's decisions read these records).
 */
export async function recordWrites(store: StateStore, stack: string, holder: string, writes: Readonly<Record<string, DialWrite>>, now: number) {
  return updateState(store, stack, `${holder} recording dial writes`, (state) => {
    if (state.lease?.holder !== holder || expired(state.lease, now)) {
      throw new StateChangeRefused(`stack ${stack}: ${holder} does not hold the autopilot lease (${state.lease === undefined ? "nobody does" : `${state.lease.holder} until ${state.lease.expiresAt}`}); the dial writes were not recorded`);
    }
    return { ...state, writes: { ...state.writes, ...writes } };
  });
}

/** Pauses a steered group (its `<listener>/<region>` key): the autopilot holds its dial until resumed. Needs no lease. */
export async function pause(store: StateStore, stack: string, key: string, by: string, reason: string, now: number) {
  return updateState(store, stack, `pausing ${key}`, (state) => ({ ...state, pauses: { ...state.pauses, [key]: { reason, by, at: now } } }));
}

/** Lifts a pause; `written` is false when the group was not paused. Needs no lease. */
export async function resume(store: StateStore, stack: string, key: string) {
  return updateState(store, stack, `resuming ${key}`, (state) => {
    if (!(key in state.pauses)) return state;
    const { [key]: _, ...pauses } = state.pauses;
    return { ...state, pauses };
  });
}
