// The autopilot's loop: one tick per stack per interval (the stack's config), on an injected clock and
// sleep. A stop request (SIGTERM, SIGINT) ends the loop after the tick under way, never inside one: a
// tick interrupted between recording a write and making it would leave the record ahead of the dial.
// A tick that throws is logged and counted; the loop goes on.
import type { StackModel } from "../model/model";
import type { AutopilotMetrics } from "./metrics";
import { tick, type LogRecord, type TickAdapters, type TickOptions, type TickResult } from "./tick";

export interface RunOptions {
  readonly stacks: readonly StackModel[];
  readonly adaptersFor: (stack: StackModel) => TickAdapters;
  readonly tick: Pick<TickOptions, "action" | "dryRun" | "holder">;
  /** Epoch seconds. */
  readonly now: () => number;
  /** Waits `seconds`, or less when `signal` aborts. */
  readonly sleep: (seconds: number, signal: AbortSignal) => Promise<void>;
  /** One round of ticks, then return. */
  readonly once: boolean;
  readonly log: (record: LogRecord) => void;
  /** Called after each round with every stack's result (a failed tick has none). */
  readonly onRound?: (results: readonly TickResult[]) => void;
  readonly metrics?: AutopilotMetrics;
  /** Aborted: stop after the tick under way. */
  readonly stop: AbortSignal;
}

export interface RunOutcome {
  readonly rounds: number;
  /** Ticks that threw (nothing decided). */
  readonly failedTicks: number;
  /** Dial writes the API refused. */
  readonly failedWrites: number;
}

/** A stack's interval in seconds (its config's; a stack without autopilot settings never gets here). */
export function intervalOf(stack: StackModel): number {
  return stack.autopilot?.intervalSeconds ?? 15;
}

/**
 * Runs ticks until `stop` aborts (or once). Each stack keeps its own cadence: its next tick is due one
 * interval after the last one began, so a slow tick does not drift the schedule (an overrun runs the
 * next tick at once).
 */
export async function run(options: RunOptions): Promise<RunOutcome> {
  const due = new Map(options.stacks.map((s) => [s.name, options.now()]));
  let rounds = 0;
  let failedTicks = 0;
  let failedWrites = 0;
  for (;;) {
    const now = options.now();
    const ready = options.once ? [...options.stacks] : options.stacks.filter((s) => (due.get(s.name) ?? now) <= now);
    // The stacks' ticks run side by side: each waits on its own API calls, and one slow stack must not
    // delay the others' reaction. Results keep the stacks' order.
    const outcomes = await Promise.all(
      ready.map(async (stack) => {
        const began = options.now();
        try {
          const result = await tick(stack, options.adaptersFor(stack), { ...options.tick, now: options.now, log: options.log });
          options.metrics?.recordTick(result, options.now() - began);
          return result;
        } catch (err) {
          options.metrics?.recordTickError(stack.name, options.now() - began);
          options.log({ time: new Date(began * 1000).toISOString(), event: "tick-failed", stack: stack.name, error: err instanceof Error ? err.message : String(err) });
          return undefined;
        } finally {
          due.set(stack.name, Math.max((due.get(stack.name) ?? began) + intervalOf(stack), options.now()));
        }
      }),
    );
    const results = outcomes.filter((r): r is TickResult => r !== undefined);
    failedTicks += outcomes.length - results.length;
    failedWrites += results.reduce((n, r) => n + r.writes.filter((w) => w.error !== undefined).length, 0);
    if (ready.length > 0) {
      rounds++;
      options.onRound?.(results);
    }
    if (options.once || options.stop.aborted) return { rounds, failedTicks, failedWrites };
    const next = Math.min(...options.stacks.map((s) => due.get(s.name) ?? options.now()));
    const wait = next - options.now();
    if (wait > 0) await options.sleep(wait, options.stop);
    if (options.stop.aborted) return { rounds, failedTicks, failedWrites };
  }
}

/** A sleep on the real clock that an abort cuts short. */
export function realSleep(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, seconds * 1000);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
