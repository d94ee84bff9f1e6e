// The loop and the command around the tick, on an injected clock and sleep with in-memory adapters: the
// cadence, a stop that waits for the tick under way, failed ticks that never end the loop, the --json
// line, exit codes of one-off runs, and what /metrics and /healthz say. The same command against real
// parts (the local Global Accelerator API, moto, Prometheus) is in autopilot-runner.test.ts.
import { clampDecisions, decide, resetDecisions } from "../src/autopilot/decide";
import { runCommand, decisionsLine, type AutopilotFlags, type CommandContext } from "../src/autopilot/command";
import { run } from "../src/autopilot/runner";
import type { LogRecord, TickAdapters } from "../src/autopilot/tick";
import type { StackModel } from "../src/model/model";
import { stack, world } from "./support/autopilot-world";

const T0 = 1_800_000_000;

/** A clock that only the test's sleep moves. */
function fakeClock(start = T0) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    advance: (s: number) => (now += s),
    slept,
    sleep: async (seconds: number) => {
      slept.push(seconds);
      now += seconds;
    },
  };
}

const flags = (extra: Partial<AutopilotFlags> = {}): AutopilotFlags => ({ once: false, dryRun: false, json: false, action: "decide", holder: "me", ...extra });

function context(adapters: TickAdapters, clock: ReturnType<typeof fakeClock>, stop: AbortController, out: string[], err: string[]): CommandContext {
  return { adaptersFor: () => adapters, now: clock.now, sleep: clock.sleep, stdout: (t) => out.push(t), stderr: (t) => err.push(t), stop: stop.signal };
}

describe("the loop", () => {
  it("ticks each stack once per interval on the clock, and a stop ends it after the round under way", async () => {
    const w = world();
    const clock = fakeClock();
    const stop = new AbortController();
    const at: number[] = [];
    const outcome = await run({
      stacks: [stack],
      adaptersFor: () => w.adapters,
      tick: { action: "decide", dryRun: false, holder: "me" },
      now: clock.now,
      sleep: clock.sleep,
      once: false,
      log: () => {},
      onRound: (results) => {
        at.push(results[0].at);
        if (at.length === 4) stop.abort();
      },
      stop: stop.signal,
    });
    expect(at).toEqual([T0, T0 + 2, T0 + 4, T0 + 6]);
    expect(clock.slept).toEqual([2, 2, 2]);
    expect(outcome).toEqual({ rounds: 4, failedTicks: 0, failedWrites: 0 });
  });

  it("a stop requested while a tick writes lets that tick finish its writes, then returns", async () => {
    const w = world();
    const clock = fakeClock();
    const stop = new AbortController();
    const setDial = w.adapters.dials.setDial;
    const adapters: TickAdapters = {
      ...w.adapters,
      dials: {
        ...w.adapters.dials,
        setDial: async (arn, dial) => {
          stop.abort(); // SIGTERM arrives mid-tick, between the state record and the write
          await setDial(arn, dial);
        },
      },
    };
    const outcome = await run({ stacks: [stack], adaptersFor: () => adapters, tick: { action: "decide", dryRun: false, holder: "me" }, now: clock.now, sleep: clock.sleep, once: false, log: () => {}, stop: stop.signal });
    expect(outcome.rounds).toBe(1);
    expect(w.events.filter((e) => e.startsWith("setDial"))).toEqual(["setDial:g0=80"]);
    expect([...w.dials.values()]).toEqual([80, 100, 100]);
    expect(clock.slept).toEqual([]);
  });

  it("ticks the stacks side by side: a slow stack does not hold the others back", async () => {
    const order: string[] = [];
    let releaseSlow: () => void = () => {};
    const slowRead = new Promise<void>((r) => (releaseSlow = r));
    const adaptersFor = (s: StackModel): TickAdapters => {
      const w = world();
      return {
        ...w.adapters,
        published: {
          read: async (name) => {
            order.push(`${s.name} starts`);
            if (s.name === "slow") await slowRead;
            else releaseSlow();
            order.push(`${s.name} read`);
            return { ...(await w.adapters.published.read(name)), stack: s.name };
          },
        },
      };
    };
    const slow = { ...stack, name: "slow" };
    const quick = { ...stack, name: "quick" };
    const results: string[] = [];
    await run({ stacks: [slow, quick], adaptersFor, tick: { action: "decide", dryRun: false, holder: "me" }, now: fakeClock().now, sleep: async () => {}, once: true, log: () => {}, onRound: (r) => results.push(...r.map((x) => x.stack)), stop: new AbortController().signal });
    expect(order).toEqual(["slow starts", "quick starts", "quick read", "slow read"]);
    expect(results).toEqual(["slow", "quick"]);
  });

  it("logs a tick that cannot decide and goes on ticking", async () => {
    const w = world();
    const clock = fakeClock();
    const stop = new AbortController();
    let calls = 0;
    const adapters: TickAdapters = {
      ...w.adapters,
      published: {
        read: async (name) => {
          if (++calls === 1) throw new Error("ParameterNotFound: /smart-routing/autopilot-demo/autopilot");
          return w.adapters.published.read(name);
        },
      },
    };
    const log: LogRecord[] = [];
    let rounds = 0;
    const outcome = await run({ stacks: [stack], adaptersFor: () => adapters, tick: { action: "decide", dryRun: false, holder: "me" }, now: clock.now, sleep: clock.sleep, once: false, log: (r) => log.push(r), onRound: () => ++rounds === 2 && stop.abort(), stop: stop.signal });
    expect(outcome).toEqual({ rounds: 2, failedTicks: 1, failedWrites: 0 });
    expect(log[0]).toEqual({ time: "2027-01-15T08:00:00.000Z", event: "tick-failed", stack: "autopilot-demo", error: "ParameterNotFound: /smart-routing/autopilot-demo/autopilot" });
    expect(w.events).toContain("setDial:g0=80");
  });
});

describe("npm run autopilot's command", () => {
  it("--json prints each round's decisions as one JSON object on one line, logs on stderr", async () => {
    const w = world();
    const clock = fakeClock();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCommand([stack], flags({ once: true, json: true }), context(w.adapters, clock, new AbortController(), out, err));
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0].endsWith("\n")).toBe(true);
    expect(out[0].trimEnd().includes("\n")).toBe(false);
    const line = JSON.parse(out[0]);
    expect(Object.keys(line)).toEqual(["time", "decisions"]);
    expect(line.decisions).toEqual([
      { stack: "autopilot-demo", listener: "chat", region: "us-east-1", signal: 20, sampleAgeSeconds: 1, from: 100, to: 80, ceiling: 100, action: "shed", reason: "queue above the high watermark" },
      { stack: "autopilot-demo", listener: "chat", region: "us-west-2", signal: 1, sampleAgeSeconds: 1, from: 100, to: 100, ceiling: 100, action: "hold", reason: "between the watermarks" },
      { stack: "autopilot-demo", listener: "chat", region: "eu-west-1", signal: 1, sampleAgeSeconds: 1, from: 100, to: 100, ceiling: 100, action: "hold", reason: "between the watermarks" },
    ]);
    expect(err.map((t) => JSON.parse(t).event)).toEqual(["change"]);
  });

  it("without --json logs each change as one JSON line on stdout", async () => {
    const w = world();
    const out: string[] = [];
    await runCommand([stack], flags({ once: true }), context(w.adapters, fakeClock(), new AbortController(), out, []));
    expect(out.map((t) => JSON.parse(t))).toEqual([expect.objectContaining({ event: "change", group: "chat/us-east-1", from: 100, to: 80, ceiling: 100, signal: 20, sampleAgeSeconds: 1, reason: "queue above the high watermark" })]);
  });

  it("--clamp for a stack that steers nothing succeeds doing nothing, and says so", async () => {
    const w = world();
    const plain: StackModel = { ...stack, name: "plain", autopilot: undefined, listeners: stack.listeners.map((l) => ({ ...l, endpointGroups: l.endpointGroups.map((g) => ({ ...g, autopilot: undefined })) })) };
    const err: string[] = [];
    const code = await runCommand([plain], flags({ action: "clamp" }), context(w.adapters, fakeClock(), new AbortController(), [], err));
    expect(code).toBe(0);
    expect(err).toEqual(["autopilot: plain steers no endpoint group (no autopilot settings on the stack or its groups): nothing to do\n"]);
    expect(w.events).toEqual([]);
  });

  it("a one-off run exits 1 when a write failed (the apply workflow must see a clamp that did not happen)", async () => {
    const w = world({ failSetDial: "g2" });
    expect(await runCommand([stack], flags({ action: "clamp" }), context(w.adapters, fakeClock(), new AbortController(), [], []))).toBe(1);
    const ok = world();
    expect(await runCommand([stack], flags({ action: "clamp" }), context(ok.adapters, fakeClock(), new AbortController(), [], []))).toBe(0);
  });

  it("--clamp waits for an accelerator being deployed (the law writes nothing to it) and then lowers the dial", async () => {
    const statuses = ["IN_PROGRESS", "IN_PROGRESS", "DEPLOYED"] as const;
    let looks = 0;
    const w = world({ ceilings: { "eu-west-1": 0 }, status: () => statuses[Math.min(looks++, 2)] });
    const clock = fakeClock();
    const err: string[] = [];
    const adapters = { ...w.adapters, law: { decide, clamp: clampDecisions, reset: resetDecisions } };
    const code = await runCommand([stack], flags({ action: "clamp" }), context(adapters, clock, new AbortController(), [], err));
    expect(code).toBe(0);
    expect(clock.slept).toEqual([5, 5]);
    expect(err).toEqual([
      "autopilot: autopilot-demo: the accelerator is IN_PROGRESS; the clamp waits for DEPLOYED\n",
      "autopilot: autopilot-demo: the accelerator is IN_PROGRESS; the clamp waits for DEPLOYED\n",
    ]);
    expect(w.events.filter((e) => e.startsWith("setDial"))).toEqual(["setDial:g2=0"]);
  });

  it("a one-off run exits 1 when its tick could not decide", async () => {
    const w = world();
    const broken: TickAdapters = { ...w.adapters, lease: { claim: async () => Promise.reject(new Error("AccessDenied")) } };
    expect(await runCommand([stack], flags({ once: true }), context(broken, fakeClock(), new AbortController(), [], []))).toBe(1);
  });

  it("serves /metrics with every group's dial, ceiling, signal and sample age, the decisions, the tick's duration, the last success and the lease holder; /healthz goes 503 after three missed intervals", async () => {
    const w = world();
    const clock = fakeClock();
    const stop = new AbortController();
    let url = "";
    const texts: string[] = [];
    const health: number[] = [];
    let round = 0;
    const ctx: CommandContext = {
      ...context(w.adapters, clock, stop, [], []),
      onListening: (u) => (url = u),
      sleep: async (seconds) => {
        // Between ticks: read what an operator's Prometheus would scrape.
        texts.push(await (await fetch(`${url}/metrics`)).text());
        health.push((await fetch(`${url}/healthz`)).status);
        clock.advance(7); // three intervals of 2 s missed
        health.push((await fetch(`${url}/healthz`)).status);
        clock.advance(seconds - 7);
        if (++round === 1) stop.abort();
      },
    };
    expect(await runCommand([stack], flags({ metricsPort: 0, metricsHost: "127.0.0.1" }), ctx)).toBe(0);
    expect(health).toEqual([200, 503]);
    const text = texts[0];
    expect(text).toContain('smart_routing_autopilot_dial_percent{stack="autopilot-demo",listener="chat",region="us-east-1"} 80');
    expect(text).toContain('smart_routing_autopilot_dial_percent{stack="autopilot-demo",listener="chat",region="us-west-2"} 100');
    expect(text).toContain('smart_routing_autopilot_ceiling_percent{stack="autopilot-demo",listener="chat",region="eu-west-1"} 100');
    expect(text).toContain('smart_routing_autopilot_signal{stack="autopilot-demo",listener="chat",region="us-east-1"} 20');
    expect(text).toContain('smart_routing_autopilot_sample_age_seconds{stack="autopilot-demo",listener="chat",region="us-east-1"} 1');
    expect(text).toContain('smart_routing_autopilot_decisions_total{stack="autopilot-demo",action="shed"} 1');
    expect(text).toContain('smart_routing_autopilot_decisions_total{stack="autopilot-demo",action="hold"} 2');
    expect(text).toContain('smart_routing_autopilot_writes_total{stack="autopilot-demo",result="ok"} 1');
    expect(text).toContain('smart_routing_autopilot_tick_duration_seconds_count{stack="autopilot-demo"} 1');
    expect(text).toContain(`smart_routing_autopilot_last_tick_success_timestamp_seconds{stack="autopilot-demo"} ${T0}`);
    expect(text).toContain('smart_routing_autopilot_lease_holder{stack="autopilot-demo",holder="me"} 1');
    expect(text).toContain('smart_routing_autopilot_lease_held{stack="autopilot-demo"} 1');
    expect(text).toContain('smart_routing_autopilot_groups_without_signal{stack="autopilot-demo"} 0');
    expect(text).toContain('smart_routing_autopilot_no_headroom{stack="autopilot-demo"} 0');
    // The server is closed when the command returns.
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });

  it("/healthz answers its stacks' last successful tick as JSON", async () => {
    const w = world();
    const clock = fakeClock();
    const stop = new AbortController();
    let url = "";
    let body: unknown;
    const ctx: CommandContext = {
      ...context(w.adapters, clock, stop, [], []),
      onListening: (u) => (url = u),
      sleep: async () => {
        body = await (await fetch(`${url}/healthz`)).json();
        stop.abort();
      },
    };
    await runCommand([stack], flags({ metricsPort: 0, metricsHost: "127.0.0.1" }), ctx);
    expect(body).toEqual({ status: "ok", stacks: { "autopilot-demo": { lastSuccess: T0, intervalSeconds: 2 } } });
  });

  it("decisionsLine keeps only the fields --json promises", () => {
    const line = JSON.parse(decisionsLine([{ stack: "s", at: T0, role: "writer", decisions: [{ stack: "s", listener: "l", region: "r", signal: null, sampleAgeSeconds: null, from: 50, to: 60, ceiling: 100, action: "restore", reason: "x" }], writes: [], groups: [] }], T0));
    expect(line).toEqual({ time: "2027-01-15T08:00:00.000Z", decisions: [{ stack: "s", listener: "l", region: "r", signal: null, sampleAgeSeconds: null, from: 50, to: 60, ceiling: 100, action: "restore", reason: "x" }] });
  });
});
