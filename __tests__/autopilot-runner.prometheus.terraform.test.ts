// npm run autopilot's command against real parts, on an injected clock: the local Global Accelerator API
// (its clock is the test's; a change stays IN_PROGRESS for 20 s of it), moto (the published parameter,
// the state object and its lease) and a real Prometheus whose samples were backfilled and are read at
// the tick's time. Each tick is one `--once` run at the clock's time, with the adapters the command uses.
import { runCommand, type AutopilotFlags, type CommandContext, type PauseRequest } from "../src/autopilot/command";
import { commandContext } from "../src/autopilot/wiring";
import type { Decision } from "../src/autopilot/types";
import type { StackModel } from "../src/model/model";
import { Clock, deployStack, dialWrites, dialsOf, liveConfig, publish, reversals, setDialByHand, startLive, vllmSeries, writesWhileInProgress, type Live } from "./support/autopilot-live";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startPrometheus } = require("../scripts/lib/prometheus-server");
/* eslint-enable @typescript-eslint/no-require-imports */

const T0 = 1_790_000_000;
const INTERVAL = 15;
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];

/** Each scenario's queue per replica over time, by region (undefined: no sample); others calm at 1. */
const SCENARIOS: Record<string, Record<string, (t: number) => number | undefined>> = {
  // Saturated from T0 + 60 to T0 + 600, then cleared.
  shed: { "us-east-1": (t) => (t < T0 + 60 ? 1 : t < T0 + 600 ? 20 : 0.5) },
  // Saturated, then its servers stop reporting at T0 + 200.
  stale: { "us-east-1": (t) => (t < T0 + 200 ? 20 : undefined) },
  // Saturated throughout.
  flat: { "us-east-1": () => 20 },
  flat2: { "us-east-1": () => 20 },
  // Everything calm.
  calm: {},
};

let prometheus: { url: string; stop(): Promise<void> };
beforeAll(async () => {
  const waiting: string[] = [];
  const running: string[] = [];
  for (const [scenario, loads] of Object.entries(SCENARIOS)) {
    for (const region of REGIONS) {
      const s = vllmSeries({ region, scenario }, loads[region] ?? (() => 1), T0 - 300, T0 + 1800);
      waiting.push(s.waiting);
      running.push(s.running);
    }
  }
  prometheus = await startPrometheus({ backfill: ["# TYPE vllm:num_requests_waiting gauge\n", ...waiting, "# TYPE vllm:num_requests_running gauge\n", ...running, "# EOF\n"].join("") });
});
afterAll(async () => {
  await prometheus?.stop();
});

const flags = (extra: Partial<AutopilotFlags> = {}): AutopilotFlags => ({ once: true, dryRun: false, json: true, action: "decide", holder: "A", ...extra });

interface Run {
  readonly live: Live;
  readonly model: StackModel;
  readonly arns: Map<string, string>;
  /** Every tick's decisions, with the tick's time. */
  readonly ticks: { at: number; decisions: Decision[] }[];
  readonly logs: Record<string, unknown>[];
  /** Runs one tick (or a clamp, reset, pause) at the clock's time; resolves the exit code. */
  tick(extra?: Partial<AutopilotFlags>, pause?: PauseRequest, env?: NodeJS.ProcessEnv): Promise<number>;
  /** Ticks every interval from the clock's time up to `until`. */
  ticksUntil(until: number): Promise<void>;
  dial(region: string): number;
  /** The dials a group was written to, in order. */
  writes(region: string): number[];
}

async function scenario(name: string, options: { deployDelaySeconds?: number; ceilings?: Record<string, number>; settings?: Record<string, unknown> } = {}): Promise<Run> {
  // Deployed a minute before the scenario starts: the accelerator is DEPLOYED at T0.
  const clock = new Clock(T0 - 60);
  const live = await startLive(clock, options.deployDelaySeconds ?? 20);
  const { file, model } = liveConfig(name, { labels: { scenario: name }, ...(options.settings !== undefined && { settings: options.settings }) });
  const arns = await deployStack(live, model, options.ceilings);
  clock.set(T0);
  const ticks: Run["ticks"] = [];
  const logs: Record<string, unknown>[] = [];
  const contexts = new Map<string, CommandContext>();
  const contextFor = (env: NodeJS.ProcessEnv): CommandContext => {
    const key = JSON.stringify(env);
    let made = contexts.get(key);
    if (made === undefined) {
      made = commandContext(live.env({ SMART_ROUTING_CONFIG: file, SMART_ROUTING_PROMETHEUS_URL: prometheus.url, ...env }), {
        stop: new AbortController().signal,
        stdout: (t) => t.startsWith("{") && ticks.push({ at: clock.now(), decisions: JSON.parse(t).decisions }),
        stderr: (t) => t.startsWith("{") && logs.push(JSON.parse(t)),
        now: clock.now,
        // A clamp waiting for DEPLOYED waits on the test's clock.
        sleep: async (seconds: number) => clock.set(clock.now() + seconds),
      });
      contexts.set(key, made);
    }
    return made;
  };
  const run: Run = {
    live,
    model,
    arns,
    ticks,
    logs,
    tick: (extra = {}, pause, env = {}) => runCommand([model], flags(extra), contextFor(env), pause),
    ticksUntil: async (until) => {
      for (; clock.now() <= until; clock.set(clock.now() + INTERVAL)) await run.tick();
    },
    dial: (region) => dialsOf(live).get(arns.get(`chat/${region}`) ?? "") ?? NaN,
    writes: (region) => dialWrites(live.ga.calls())
      .filter((w) => w.arn === arns.get(`chat/${region}`))
      .map((w) => w.dial),
  };
  return run;
}

const of = (ticks: Run["ticks"], region: string) => ticks.map((t) => ({ at: t.at, ...t.decisions.find((d) => d.region === region)! }));

describe("the autopilot against the local API, moto and Prometheus", () => {
  let run: Run;
  afterEach(async () => {
    await run?.live.stop();
  });

  it("sheds a saturated region through the API, never writes to an accelerator IN_PROGRESS or inside the settle window, and restores it once the load clears", async () => {
    run = await scenario("shed");
    await run.ticksUntil(T0 + 1500);
    const east = of(run.ticks, "us-east-1");
    const firstShed = east.find((d) => d.action === "shed");
    expect(firstShed).toBeDefined();
    expect(firstShed!.at).toBeGreaterThan(T0 + 60);
    expect(firstShed!.to).toBeLessThan(firstShed!.from);
    expect(firstShed!.reason).toMatch(/^signal [\d.]+ above its high watermark 8: shed toward /);
    const written = run.writes("us-east-1");
    expect(Math.min(...written)).toBeLessThan(100);
    expect(written[written.length - 1]).toBe(100);
    expect(run.dial("us-east-1")).toBe(100);
    // Down while saturated, then up: one turn, no oscillation.
    expect(reversals([100, ...written])).toBe(1);
    // The other regions took clients and were never shed.
    expect(run.writes("us-west-2")).toEqual([]);
    expect(run.writes("eu-west-1")).toEqual([]);
    // IN_PROGRESS (20 s, longer than the interval) was waited out: some tick held for it, and no write
    // followed another on the accelerator before DescribeAccelerator read DEPLOYED.
    expect(east.some((d) => d.reason.includes("IN_PROGRESS"))).toBe(true);
    expect(writesWhileInProgress(run.live.ga.calls())).toEqual([]);
    // The settle window (30 s): changes of the group at least that far apart.
    const changedAt = east.filter((d) => d.to !== d.from).map((d) => d.at);
    for (let i = 1; i < changedAt.length; i++) expect(changedAt[i] - changedAt[i - 1]).toBeGreaterThanOrEqual(30);
    // Every change was logged as one JSON line with the signal, its age, from, to, ceiling and reason.
    const logged = run.logs.filter((l) => l.event === "change" && l.group === "chat/us-east-1");
    expect(logged).toHaveLength(changedAt.length);
    expect(logged[0]).toEqual(expect.objectContaining({ stack: "shed", from: 100, ceiling: 100, written: true, signal: expect.any(Number), sampleAgeSeconds: expect.any(Number), reason: expect.any(String) }));
  });

  it("holds a group whose servers stopped reporting for holdFor, then walks it back to its ceiling", async () => {
    // holdFor 2m, counted from the last sample (T0 + 195): stale after 1m, held until T0 + 315.
    run = await scenario("stale", { settings: { holdFor: "2m" } });
    await run.ticksUntil(T0 + 195);
    const shedTo = run.dial("us-east-1");
    expect(shedTo).toBeLessThan(100);
    await run.ticksUntil(T0 + 900);
    const after = of(run.ticks, "us-east-1").filter((d) => d.at > T0 + 195);
    // Never shed further once the data stopped, never raised while held...
    const held = after.filter((d) => /^the sample is [\d.]+s old \(stale after 60s\): held [\d.]+s more, then walked back to its ceiling$/.test(d.reason));
    expect(held.map((d) => d.at - T0)).toEqual([270, 285, 300]);
    expect(held.every((d) => d.to === d.from)).toBe(true);
    expect(after.every((d) => d.to >= d.from)).toBe(true);
    // ...then walked back up to the ceiling, a step per settle window.
    const walked = after.filter((d) => d.to > d.from);
    expect(walked[0].at).toBe(T0 + 315);
    expect(walked.every((d) => /: walking back toward its ceiling 100 \(without data the dial returns to Terraform's\)$/.test(d.reason))).toBe(true);
    expect(run.dial("us-east-1")).toBe(100);
  });

  it("holds when Prometheus is down, then walks a shed dial back to its ceiling (control returns to Terraform's dials)", async () => {
    run = await scenario("flat");
    await run.ticksUntil(T0 + 30);
    expect(run.dial("us-east-1")).toBeLessThan(100);
    const down = { SMART_ROUTING_PROMETHEUS_URL: "http://127.0.0.1:9" };
    const start = run.ticks.length;
    for (let t = T0 + 45; t <= T0 + 600; t += INTERVAL) {
      run.live.clock.set(t);
      await run.tick({}, undefined, down);
    }
    const east = of(run.ticks.slice(start), "us-east-1");
    // Every tick without a signal; the ones not held by the deploy or the settle window say why.
    expect(east.every((d) => /^(no signal \(|settling: |the accelerator is IN_PROGRESS)/.test(d.reason))).toBe(true);
    expect(east.some((d) => d.reason.startsWith("no signal (") && d.to === d.from)).toBe(true);
    expect(east.every((d) => d.signal === null)).toBe(true);
    expect(east.some((d) => d.to === d.from && /held/.test(d.reason))).toBe(true);
    expect(run.dial("us-east-1")).toBe(100);
    expect(run.logs.some((l) => l.event === "signal-error")).toBe(true);
  });

  it("retries throttling and 500s (one logical call); a write that still fails is logged, the run exits 1, and the next tick writes", async () => {
    run = await scenario("flat");
    run.live.ga.injectFault({ kind: "throttle", operation: "UpdateEndpointGroup", count: 2 });
    run.live.ga.injectFault({ kind: "internal-error", operation: "DescribeEndpointGroup", count: 1 });
    expect(await run.tick()).toBe(0);
    expect(run.writes("us-east-1")).toHaveLength(1);
    const updates = run.live.ga.calls().filter((c) => c.operation === "UpdateEndpointGroup");
    expect(updates.map((c) => c.status)).toEqual([400, 400, 200]);
    expect(updates.slice(0, 2).map((c) => c.errorType)).toEqual(["ThrottlingException", "ThrottlingException"]);
    expect(run.live.ga.calls().some((c) => c.operation === "DescribeEndpointGroup" && c.status === 500)).toBe(true);

    // Past the settle window and the deploy: the next change meets three throttles in a row.
    run.live.clock.set(T0 + 60);
    run.live.ga.injectFault({ kind: "throttle", operation: "UpdateEndpointGroup", count: 3 });
    const before = run.dial("us-east-1");
    expect(await run.tick()).toBe(1);
    expect(run.dial("us-east-1")).toBe(before);
    expect(run.logs.find((l) => l.event === "write-failed")).toEqual(expect.objectContaining({ group: "chat/us-east-1", error: expect.stringContaining("ThrottlingException") }));
    // The intended write was recorded before the call: the unchanged dial is still the autopilot's own
    // (not a console change), and it is written once the settle window has passed.
    await run.ticksUntil(T0 + 120);
    expect(run.dial("us-east-1")).toBeLessThan(before);
    expect(of(run.ticks, "us-east-1").some((d) => d.reason.startsWith("changed outside"))).toBe(false);
  });

  it("clamps an operator's drain (ceiling 0) at once and never raises it", async () => {
    run = await scenario("calm");
    await publish(run.live, run.model, run.arns, { "chat/us-east-1": 0 });
    await run.tick();
    expect(run.dial("us-east-1")).toBe(0);
    expect(of(run.ticks, "us-east-1")[0].reason).toBe("above its ceiling 0 (drained by the operator): lowered to it at once");
    run.live.clock.set(T0 + INTERVAL);
    await run.ticksUntil(T0 + 600);
    expect(run.writes("us-east-1")).toEqual([0]);
    expect(run.dial("us-east-1")).toBe(0);
  });

  it("--clamp after an apply lowered a ceiling: lowers the dial without Prometheus, and --reset puts every dial back to its ceiling", async () => {
    run = await scenario("calm");
    await publish(run.live, run.model, run.arns, { "chat/eu-west-1": 40 });
    const down = { SMART_ROUTING_PROMETHEUS_URL: "http://127.0.0.1:9" };
    expect(await run.tick({ action: "clamp" }, undefined, down)).toBe(0);
    expect(run.dial("eu-west-1")).toBe(40);
    expect(run.writes("us-east-1")).toEqual([]);
    // The operator lifts the drain; a reset (after the deploy) puts the dial back at the ceiling.
    await publish(run.live, run.model, run.arns, {});
    run.live.clock.set(T0 + 60);
    expect(await run.tick({ action: "reset" }, undefined, down)).toBe(0);
    expect(run.dial("eu-west-1")).toBe(100);
    expect(run.ticks.map((t) => t.decisions.find((d) => d.region === "eu-west-1")?.action)).toEqual(["shed", "restore"]);
  });

  it("leaves a paused group alone until it is resumed", async () => {
    run = await scenario("flat2");
    expect(await run.tick({}, { kind: "pause", group: "chat/us-east-1", reason: "GPU driver rollout" })).toBe(0);
    await run.ticksUntil(T0 + 60);
    expect(run.writes("us-east-1")).toEqual([]);
    expect(of(run.ticks, "us-east-1").every((d) => /^paused by A at .*: GPU driver rollout$/.test(d.reason))).toBe(true);
    expect(await run.tick({}, { kind: "resume", group: "chat/us-east-1" })).toBe(0);
    await run.tick();
    expect(run.writes("us-east-1")).toHaveLength(1);
  });

  it("leaves a dial changed in the console alone, and --reset hands the group back", async () => {
    run = await scenario("flat");
    await run.tick();
    expect(run.writes("us-east-1")).toHaveLength(1);
    run.live.clock.set(T0 + 60);
    await setDialByHand(run.live, run.arns.get("chat/us-east-1") ?? "", 30);
    run.live.clock.set(T0 + 90);
    await run.ticksUntil(T0 + 300);
    expect(run.dial("us-east-1")).toBe(30);
    const since = of(run.ticks, "us-east-1").filter((d) => d.at >= T0 + 90);
    expect(since.every((d) => d.reason.startsWith("changed outside the autopilot (console or CLI): left alone until resumed"))).toBe(true);
    expect(await run.tick({ action: "reset" })).toBe(0);
    expect(run.dial("us-east-1")).toBe(100);
    // Handed back: the saturated group is steered again once the reset has settled.
    await run.ticksUntil(T0 + 420);
    expect(run.dial("us-east-1")).toBeLessThan(100);
  });
});
