// `npm run autopilot`'s work once its flags are parsed (scripts/autopilot.js parses them): pick the stacks
// that steer groups, build each one's adapters, and run the loop (or one tick, or a clamp, a reset, a
// pause or a resume), printing decisions and logs and serving /metrics and /healthz.
import type { StackModel } from "../model/model";
import { AutopilotMetrics, serveMetrics } from "./metrics";
import { intervalOf, run } from "./runner";
import { hasSteeredGroups, type LogRecord, type TickAction, type TickAdapters, type TickResult } from "./tick";
import type { StateStore } from "./types";

/** How long a clamp or reset waits between looks at an accelerator being deployed, and how many looks: 10 minutes. */
const CLAMP_WAIT_SECONDS = 5;
const CLAMP_WAIT_ROUNDS = 120;

export interface AutopilotFlags {
  readonly once: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly action: TickAction;
  /** The instance's name in the lease. */
  readonly holder: string;
  /** Serve /metrics and /healthz here (0: a free port); undefined: not served. */
  readonly metricsPort?: number;
  /** Where /metrics listens. @default "0.0.0.0" */
  readonly metricsHost?: string;
}

/** Pause or resume one group: an operator's hold, kept in the state object, that no deploy is needed for. */
export interface PauseRequest {
  readonly kind: "pause" | "resume";
  /** `<listener>/<region>`. */
  readonly group: string;
  readonly reason?: string;
}

/** What the command is given from outside: the I/O, so the command runs the same in a test. */
export interface CommandContext {
  readonly adaptersFor: (stack: StackModel) => TickAdapters;
  /** Epoch seconds. */
  readonly now: () => number;
  readonly sleep: (seconds: number, signal: AbortSignal) => Promise<void>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Aborted on SIGTERM or SIGINT: the loop ends after the tick under way. */
  readonly stop: AbortSignal;
  /** Sets or clears a pause in the state object (src/autopilot/lease.ts). */
  readonly pauses?: {
    pause(store: StateStore, stack: string, group: string, reason: string, by: string, now: number): Promise<void>;
    resume(store: StateStore, stack: string, group: string, now: number): Promise<boolean>;
  };
  /** Told the /metrics URL once it listens. */
  readonly onListening?: (url: string) => void;
}

/** The stacks a command works on: the selected ones that steer a group (the others are named on stderr). */
export function steeredStacks(stacks: readonly StackModel[], say: (text: string) => void): StackModel[] {
  const steered = stacks.filter((s) => s.autopilot !== undefined && hasSteeredGroups(s));
  for (const s of stacks) if (!steered.includes(s)) say(`autopilot: ${s.name} steers no endpoint group (no autopilot settings on the stack or its groups): nothing to do\n`);
  return steered;
}

/** The decisions of one round as `--json` prints them: one JSON object on one line. */
export function decisionsLine(results: readonly TickResult[], now: number): string {
  return `${JSON.stringify({
    time: new Date(now * 1000).toISOString(),
    decisions: results.flatMap((r) => r.decisions.map((d) => ({ stack: d.stack, listener: d.listener, region: d.region, signal: d.signal, sampleAgeSeconds: d.sampleAgeSeconds, from: d.from, to: d.to, ceiling: d.ceiling, action: d.action, reason: d.reason }))),
  })}\n`;
}

/**
 * Runs the command; resolves its exit code: 0, or 1 when a tick could not decide or a write failed in a
 * one-off run (--once, --clamp, --reset: the apply workflow must see a clamp that did not happen). The
 * long-running loop ends with 0 when stopped: its failures are logged and counted in /metrics.
 */
export async function runCommand(stacks: readonly StackModel[], flags: AutopilotFlags, context: CommandContext, pause?: PauseRequest): Promise<number> {
  if (pause !== undefined) return runPause(stacks, flags, context, pause);
  const selected = steeredStacks(stacks, context.stderr);
  if (selected.length === 0) return 0;
  const oneOff = flags.once || flags.action !== "decide";
  const log = (record: LogRecord): void => (flags.json ? context.stderr : context.stdout)(`${JSON.stringify(record)}\n`);

  const metrics = new AutopilotMetrics(context.now(), new Map(selected.map((s) => [s.name, intervalOf(s)])));
  const served = flags.metricsPort === undefined ? undefined : await serveMetrics(metrics, context.now, flags.metricsPort, flags.metricsHost);
  if (served !== undefined) {
    context.stderr(`autopilot: /metrics and /healthz at ${served.url}\n`);
    context.onListening?.(served.url);
  }
  try {
    let pending: StackModel[] = selected;
    for (let attempt = 1; ; attempt++) {
      let last: readonly TickResult[] = [];
      const outcome = await run({
        stacks: pending,
        adaptersFor: context.adaptersFor,
        tick: { action: flags.action, dryRun: flags.dryRun, holder: flags.holder },
        now: context.now,
        sleep: context.sleep,
        once: oneOff,
        log,
        onRound: (results) => {
          last = results;
          if (flags.json) context.stdout(decisionsLine(results, context.now()));
        },
        metrics,
        stop: context.stop,
      });
      if (!oneOff) {
        await releaseLeases(selected, flags, context);
        return 0;
      }
      if (outcome.failedTicks > 0 || outcome.failedWrites > 0) return 1;
      // A clamp or reset is not written to an accelerator being deployed: it waits for DEPLOYED (the apply
      // workflow's clamp must not end with a dial above its ceiling), up to CLAMP_WAIT_ROUNDS.
      const waiting = flags.action === "decide" || flags.dryRun ? [] : last.filter((r) => r.groups.some((g) => g.acceleratorStatus === "IN_PROGRESS" && (flags.action === "clamp" ? g.dial > g.ceiling : g.dial !== g.ceiling)));
      if (waiting.length === 0) return 0;
      if (attempt >= CLAMP_WAIT_ROUNDS || context.stop.aborted) {
        context.stderr(`autopilot: ${waiting.map((r) => r.stack).join(", ")}: the accelerator is still IN_PROGRESS; the ${flags.action} was not written (run it again)\n`);
        return 1;
      }
      context.stderr(`autopilot: ${waiting.map((r) => r.stack).join(", ")}: the accelerator is IN_PROGRESS; the ${flags.action} waits for DEPLOYED\n`);
      await context.sleep(CLAMP_WAIT_SECONDS, context.stop);
      pending = selected.filter((s) => waiting.some((r) => r.stack === s.name));
    }
  } finally {
    await served?.stop();
  }
}

/** At the end of the loop: the leases this instance holds go, so a standby takes over at its next tick. */
async function releaseLeases(stacks: readonly StackModel[], flags: AutopilotFlags, context: CommandContext): Promise<void> {
  if (flags.dryRun) return;
  for (const stack of stacks) {
    try {
      await context.adaptersFor(stack).lease.release?.(stack.name, flags.holder);
    } catch (err) {
      context.stderr(`autopilot: ${stack.name}: the lease was not released (${err instanceof Error ? err.message : String(err)}); it expires by itself\n`);
    }
  }
}

async function runPause(stacks: readonly StackModel[], flags: AutopilotFlags, context: CommandContext, request: PauseRequest): Promise<number> {
  const [listener, region] = request.group.split("/");
  const owners = stacks.filter((s) => s.listeners.some((l) => l.name === listener && l.endpointGroups.some((g) => g.region === region && g.autopilot !== undefined)));
  if (owners.length === 0) {
    const steered = stacks.flatMap((s) => s.listeners.flatMap((l) => l.endpointGroups.filter((g) => g.autopilot !== undefined).map((g) => `${l.name}/${g.region}`)));
    context.stderr(`autopilot: no steered group ${JSON.stringify(request.group)} in ${stacks.map((s) => s.name).join(", ")}; steered groups: ${steered.length > 0 ? steered.join(", ") : "none"}\n`);
    return 2;
  }
  if (owners.length > 1) {
    context.stderr(`autopilot: ${request.group} is steered in several stacks (${owners.map((s) => s.name).join(", ")}); name one\n`);
    return 2;
  }
  if (context.pauses === undefined) throw new Error("pause and resume are not available");
  const stack = owners[0];
  const store = context.adaptersFor(stack).state;
  const now = context.now();
  if (request.kind === "pause") {
    await context.pauses.pause(store, stack.name, request.group, request.reason ?? "", flags.holder, now);
    context.stdout(`autopilot: ${stack.name} ${request.group} paused (${request.reason}); the autopilot leaves its dial alone until --resume ${request.group}\n`);
  } else {
    const was = await context.pauses.resume(store, stack.name, request.group, now);
    context.stdout(was ? `autopilot: ${stack.name} ${request.group} resumed; the autopilot steers its dial again from the next tick\n` : `autopilot: ${stack.name} ${request.group} was not paused\n`);
  }
  return 0;
}
