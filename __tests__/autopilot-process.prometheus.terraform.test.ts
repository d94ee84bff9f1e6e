// npm run autopilot as OS processes against real parts. Two instances (two processes per tick, racing for
// the lease on an injected clock: every run is `--once --at <the clock>`) make no more writes than one
// and never turn a dial back; and the one real-time smoke test: the long-running loop serves /metrics and
// /healthz, and SIGTERM in the middle of a tick lets the tick finish (its write included), then exit 0.
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { S3StateStore } from "../src/autopilot/aws";
import { clientOptions } from "../src/autopilot/wiring";
import { Clock, deployStack, dialWrites, liveConfig, publish, reversals, startLive, vllmSeries, type Live } from "./support/autopilot-live";
import { ROOT } from "./support/run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startPrometheus } = require("../scripts/lib/prometheus-server");
/* eslint-enable @typescript-eslint/no-require-imports */

const T0 = 1_790_000_000;
const INTERVAL = 15;

interface Exit {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function autopilot(args: string[], env: NodeJS.ProcessEnv): { done: Promise<Exit>; child: ReturnType<typeof spawn>; onStdout(cb: (line: string) => void): void; stderr(): string } {
  const child = spawn(process.execPath, ["scripts/autopilot.js", ...args], { cwd: ROOT, env });
  let stdout = "";
  let stderr = "";
  let buffer = "";
  const listeners: ((line: string) => void)[] = [];
  child.stdout.on("data", (d) => {
    stdout += d;
    buffer += d;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      listeners.forEach((l) => l(line));
    }
  });
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<Exit>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
  return { done, child, onStdout: (cb) => listeners.push(cb), stderr: () => stderr };
}

describe("two autopilots as two processes under a flat load", () => {
  let live: Live;
  let prometheus: { url: string; stop(): Promise<void> };
  afterAll(async () => {
    await live?.stop();
    await prometheus?.stop();
  });

  it("make no more writes than one, never turn a dial back, and the one without the lease says it is a monitor", async () => {
    const flat = (region: string) => vllmSeries({ region, scenario: "flat" }, () => (region === "us-east-1" ? 20 : 1), T0 - 300, T0 + 900);
    const series = ["us-east-1", "us-west-2", "eu-west-1"].map(flat);
    prometheus = await startPrometheus({
      backfill: ["# TYPE vllm:num_requests_waiting gauge\n", ...series.map((s) => s.waiting), "# TYPE vllm:num_requests_running gauge\n", ...series.map((s) => s.running), "# EOF\n"].join(""),
    });
    const clock = new Clock(T0 - 60);
    live = await startLive(clock, 20);
    const solo = liveConfig("solo", { labels: { scenario: "flat" } });
    const pair = liveConfig("pair", { labels: { scenario: "flat" } });
    const soloArns = await deployStack(live, solo.model);
    const pairArns = await deployStack(live, pair.model);
    const env = (file: string) => live.env({ SMART_ROUTING_CONFIG: file, SMART_ROUTING_PROMETHEUS_URL: prometheus.url });

    const monitors: string[] = [];
    let firstLine: unknown;
    for (let t = T0; t <= T0 + 20 * INTERVAL; t += INTERVAL) {
      clock.set(t);
      const at = ["--once", "--json", "--at", String(t)];
      const runs = [autopilot([...at, "--holder", "A"], env(solo.file)), autopilot([...at, "--holder", "A"], env(pair.file)), autopilot([...at, "--holder", "B"], env(pair.file))];
      const exits = await Promise.all(runs.map((r) => r.done));
      for (const e of exits) expect(e.status).toBe(0);
      firstLine ??= JSON.parse(exits[0].stdout);
      for (const e of exits.slice(1)) for (const line of e.stderr.split("\n").filter((l) => l.startsWith("{"))) if (JSON.parse(line).event === "monitor") monitors.push(JSON.parse(line).reason);
    }
    // --json: one object a line, {time, decisions: [...]} with every steered group.
    expect(firstLine).toEqual({
      time: new Date(T0 * 1000).toISOString(),
      decisions: [
        expect.objectContaining({ stack: "solo", listener: "chat", region: "us-east-1", signal: 20, from: 100, ceiling: 100, action: "shed" }),
        expect.objectContaining({ stack: "solo", listener: "chat", region: "us-west-2", from: 100, to: 100, action: "hold" }),
        expect.objectContaining({ stack: "solo", listener: "chat", region: "eu-west-1", from: 100, to: 100, action: "hold" }),
      ],
    });
    const writes = dialWrites(live.ga.calls());
    const of = (arns: Map<string, string>, key: string) => writes.filter((w) => w.arn === arns.get(key)).map((w) => w.dial);
    const soloEast = of(soloArns, "chat/us-east-1");
    const pairEast = of(pairArns, "chat/us-east-1");
    expect(soloEast.length).toBeGreaterThan(1);
    expect(pairEast.length).toBeLessThanOrEqual(soloEast.length);
    expect(pairEast).toEqual(soloEast);
    expect(reversals([100, ...soloEast])).toBe(0);
    expect(reversals([100, ...pairEast])).toBe(0);
    // Every tick one of the pair held the lease and the other said it was a monitor.
    expect(monitors).toHaveLength(21);
    expect(monitors.every((m) => /^the lease is held by [AB]$/.test(m))).toBe(true);
  });
});

describe("the long-running autopilot (real time: the smoke test)", () => {
  let live: Live;
  let proxy: ReturnType<typeof createServer>;
  afterAll(async () => {
    await live?.stop();
    await new Promise((r) => proxy?.close(r));
  });

  it("serves /metrics and /healthz, and on SIGTERM mid-tick finishes the tick (its write too), releases the lease and exits 0", async () => {
    live = await startLive(Clock.real(), 0);
    const { file, model } = liveConfig("smoke", { interval: "1s", settings: { settleFor: "2s", holdFor: "5s" } });
    const arns = await deployStack(live, model);
    // A query API with no samples that holds one request on demand: the tick is then in the middle.
    let hold: ((release: () => void) => void) | undefined;
    proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      const answer = () => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"success","data":{"resultType":"vector","result":[]}}');
      req.resume();
      req.on("end", () => {
        const held = hold;
        hold = undefined;
        if (held !== undefined) held(answer);
        else answer();
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    const env = live.env({ SMART_ROUTING_CONFIG: file, SMART_ROUTING_PROMETHEUS_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    const run = autopilot(["--json", "--metrics-port", "0", "--holder", "smoke"], env);
    const ticks: { decisions: { region: string; from: number; to: number; action: string; reason: string }[] }[] = [];
    const firstTick = new Promise<void>((resolve) => run.onStdout((line) => ticks.push(JSON.parse(line)) === 1 && resolve()));
    await firstTick;
    const url = /\/metrics and \/healthz at (http:\/\/\S+)/.exec(run.stderr())?.[1];
    expect(url).toBeDefined();
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", stacks: { smoke: { lastSuccess: expect.any(Number), intervalSeconds: 1 } } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('smart_routing_autopilot_dial_percent{stack="smoke",listener="chat",region="us-east-1"} 100');
    expect(metrics).toContain('smart_routing_autopilot_lease_holder{stack="smoke",holder="smoke"} 1');
    expect(metrics).toContain('smart_routing_autopilot_groups_without_signal{stack="smoke"} 3');
    expect(metrics).toMatch(/smart_routing_autopilot_last_tick_success_timestamp_seconds\{stack="smoke"\} \d+/);
    expect(metrics).toMatch(/smart_routing_autopilot_decisions_total\{stack="smoke",action="hold"\} \d+/);

    // An operator lowers us-east-1's ceiling; the next tick's query is held, SIGTERM arrives meanwhile.
    await publish(live, model, arns, { "chat/us-east-1": 50 });
    const stopping = new Promise<void>((resolve) => {
      hold = (release) => {
        run.child.kill("SIGTERM");
        const wait = () => (run.stderr().includes("SIGTERM: stopping after the tick under way") ? resolve(release()) : setTimeout(wait, 20));
        wait();
      };
    });
    await stopping;
    const exit = await run.done;
    expect(exit.status).toBe(0);
    const last = ticks[ticks.length - 1].decisions.find((d) => d.region === "us-east-1");
    expect(last).toEqual(expect.objectContaining({ from: 100, to: 50, action: "shed", reason: "above its ceiling 50: lowered to it at once" }));
    const writes = dialWrites(live.ga.calls()).filter((w) => w.arn === arns.get("chat/us-east-1"));
    expect(writes).toEqual([{ arn: arns.get("chat/us-east-1"), dial: 50 }]);
    // The lease was given up on the way out: a standby takes over at once.
    const store = new S3StateStore(() => ({ bucket: model.backend.bucket, region: model.backend.region }), clientOptions(env, "S3"));
    const { state } = await store.read("smoke");
    expect(state.lease).toBeUndefined();
    expect(state.writes["chat/us-east-1"]).toEqual(expect.objectContaining({ from: 100, to: 50 }));
    store.destroy();
  });
});
