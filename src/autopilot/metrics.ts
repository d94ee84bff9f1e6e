// The autopilot's own /metrics (prom-client) and /healthz: what it decided and whether it is alive. A dead
// or stuck autopilot leaves every dial where it was, which looks exactly like a calm day: the last
// successful tick's time is the metric an alert watches.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { TickResult } from "./tick";

const GROUP_LABELS = ["stack", "listener", "region"] as const;

export class AutopilotMetrics {
  readonly registry = new Registry();
  private readonly dial = new Gauge({ name: "smart_routing_autopilot_dial_percent", help: "A steered group's traffic dial as last read.", labelNames: GROUP_LABELS, registers: [this.registry] });
  private readonly ceiling = new Gauge({ name: "smart_routing_autopilot_ceiling_percent", help: "A steered group's ceiling: the dial Terraform would set.", labelNames: GROUP_LABELS, registers: [this.registry] });
  private readonly signal = new Gauge({ name: "smart_routing_autopilot_signal", help: "A steered group's load signal (absent without a sample).", labelNames: GROUP_LABELS, registers: [this.registry] });
  private readonly sampleAge = new Gauge({ name: "smart_routing_autopilot_sample_age_seconds", help: "Seconds since the signal's sample was taken (absent without a sample).", labelNames: GROUP_LABELS, registers: [this.registry] });
  private readonly withoutSignal = new Gauge({ name: "smart_routing_autopilot_groups_without_signal", help: "Steered groups without a usable sample this tick (held, then walked back to their ceiling).", labelNames: ["stack"], registers: [this.registry] });
  private readonly noHeadroom = new Gauge({ name: "smart_routing_autopilot_no_headroom", help: "1 when a saturated group was held because no region has room: add capacity.", labelNames: ["stack"], registers: [this.registry] });
  private readonly decisions = new Counter({ name: "smart_routing_autopilot_decisions_total", help: "Decisions per steered group and tick, by action.", labelNames: ["stack", "action"], registers: [this.registry] });
  private readonly writes = new Counter({ name: "smart_routing_autopilot_writes_total", help: "Dial writes, by result.", labelNames: ["stack", "result"], registers: [this.registry] });
  private readonly tickErrors = new Counter({ name: "smart_routing_autopilot_tick_errors_total", help: "Ticks that could not decide (the parameter, the state or a dial could not be read).", labelNames: ["stack"], registers: [this.registry] });
  private readonly tickDuration = new Histogram({
    name: "smart_routing_autopilot_tick_duration_seconds",
    help: "How long one stack's tick took.",
    labelNames: ["stack"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({ name: "smart_routing_autopilot_last_tick_success_timestamp_seconds", help: "When the last successful tick began (epoch seconds).", labelNames: ["stack"], registers: [this.registry] });
  private readonly leaseHolder = new Gauge({ name: "smart_routing_autopilot_lease_holder", help: "1 for the instance that holds the stack's lease (the writer), as this instance last read it.", labelNames: ["stack", "holder"], registers: [this.registry] });
  private readonly leaseHeld = new Gauge({ name: "smart_routing_autopilot_lease_held", help: "1 when this instance holds the stack's lease and writes; 0 when it is a monitor.", labelNames: ["stack"], registers: [this.registry] });
  private readonly successAt = new Map<string, number>();
  private readonly holders = new Map<string, string | undefined>();

  constructor(
    private readonly startedAt: number,
    private readonly intervals: ReadonlyMap<string, number>,
  ) {}

  /** Records a tick that decided. */
  recordTick(result: TickResult, seconds: number): void {
    const stack = result.stack;
    this.tickDuration.observe({ stack }, seconds);
    this.lastSuccess.set({ stack }, result.at);
    this.successAt.set(stack, result.at);
    for (const g of result.groups) {
      const labels = { stack, listener: g.listener, region: g.region };
      this.dial.set(labels, g.dial);
      this.ceiling.set(labels, g.ceiling);
    }
    for (const d of result.decisions) {
      const labels = { stack, listener: d.listener, region: d.region };
      this.decisions.inc({ stack, action: d.action });
      if (d.signal === null || d.sampleAgeSeconds === null) {
        this.signal.remove(labels);
        this.sampleAge.remove(labels);
      } else {
        this.signal.set(labels, d.signal);
        this.sampleAge.set(labels, d.sampleAgeSeconds);
      }
    }
    this.withoutSignal.set({ stack }, result.decisions.filter((d) => d.signal === null).length);
    this.noHeadroom.set({ stack }, result.decisions.some((d) => /no headroom/i.test(d.reason)) ? 1 : 0);
    for (const w of result.writes) this.writes.inc({ stack, result: w.error === undefined ? "ok" : "failed" });
    for (const w of result.writes) if (w.error === undefined) this.dial.set({ stack, listener: w.key.split("/")[0], region: w.key.split("/")[1] }, w.to);
    const previous = this.holders.get(stack);
    if (previous !== undefined) this.leaseHolder.remove({ stack, holder: previous });
    if (result.leaseHolder !== undefined) this.leaseHolder.set({ stack, holder: result.leaseHolder }, 1);
    this.holders.set(stack, result.leaseHolder);
    this.leaseHeld.set({ stack }, result.role === "writer" ? 1 : 0);
  }

  recordTickError(stack: string, seconds: number): void {
    this.tickDuration.observe({ stack }, seconds);
    this.tickErrors.inc({ stack });
  }

  /**
   * Healthy while every stack's last successful tick is at most three intervals old (or the process is
   * younger than that): what /healthz answers.
   */
  health(now: number): { readonly healthy: boolean; readonly stacks: Record<string, { lastSuccess: number | null; intervalSeconds: number }> } {
    const stacks: Record<string, { lastSuccess: number | null; intervalSeconds: number }> = {};
    let healthy = true;
    for (const [stack, interval] of this.intervals) {
      const last = this.successAt.get(stack);
      stacks[stack] = { lastSuccess: last ?? null, intervalSeconds: interval };
      if ((last ?? this.startedAt) < now - 3 * interval) healthy = false;
    }
    return { healthy, stacks };
  }
}

/** Serves /metrics and /healthz on 127.0.0.1 or `host`; port 0 takes a free one. */
export async function serveMetrics(metrics: AutopilotMetrics, now: () => number, port: number, host = "0.0.0.0"): Promise<{ readonly server: Server; readonly url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(err));
        },
      );
      return;
    }
    if (path === "/healthz") {
      const health = metrics.health(now());
      res.writeHead(health.healthy ? 200 : 503, { "content-type": "application/json" });
      res.end(`${JSON.stringify({ status: health.healthy ? "ok" : "stale", stacks: health.stacks })}\n`);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found: /metrics and /healthz are served\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    server,
    url: `http://${shown}:${address.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
