// @ts-check
// The autopilot's arm of `npm run bench -- --autopilot`: real parts (the local Global Accelerator API on an
// injected clock, moto, a real Prometheus with backfilled samples read at each tick's time=), the
// command's own adapters and control law, run in this process so the clock is the bench's:
//  - reaction: from the first sample over the high watermark to the UpdateEndpointGroup call, in
//    intervals, for ticks at five phases of the interval (the 1-minute smoothing is part of it);
//  - steady state: writes over 20 ticks of a flat load once the dials have settled (target 0);
//  - scale: one round of ticks for 100 steered groups over 4 accelerators (25 groups each: a quota
//    of 42 endpoint groups per accelerator) against the cost of its Prometheus queries alone.
"use strict";
const { mkdtempSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { stringify } = require("yaml");
const { GlobalAcceleratorClient, CreateAcceleratorCommand, CreateListenerCommand, CreateEndpointGroupCommand } = require("@aws-sdk/client-global-accelerator");
const { SSMClient, PutParameterCommand } = require("@aws-sdk/client-ssm");
const { startS3Server, createStateBucket } = require("../scripts/lib/moto-server");
const { startPrometheus } = require("../scripts/lib/prometheus-server");
const { loadAutopilotApi } = require("../scripts/lib/run-bundle");

const T0 = 1_790_000_000;
const INTERVAL = 15;
const HIGH = 8;
const KEYS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "eu-central-1"];
/** The step: calm until STEP, then saturated (20 waiting per replica) for good. */
const STEP = T0 + 120;

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * A config of `stacks` stacks, each one accelerator with `listeners` listeners of the given regions, every
 * group steered on its queue and selected by its own `group` label.
 * @param {string} prefix @param {number} stacks @param {number} listeners @param {readonly string[]} regions
 */
function config(prefix, stacks, listeners, regions) {
  return {
    version: 1,
    stacks: Array.from({ length: stacks }, (_, s) => ({
      name: `${prefix}-${s}`,
      backend: { bucket: `bench-${prefix}-${s}`, region: "us-west-2" },
      accelerator: { name: `${prefix}-${s}`, flowLogs: false },
      demand: { "north-america": 600, europe: 400, asia: 300 },
      autopilot: { prometheus: { url: "http://127.0.0.1:9" }, interval: `${INTERVAL}s`, staleAfter: "1m" },
      listeners: Array.from({ length: listeners }, (_, l) => ({
        name: `l${l}`,
        protocol: "TCP",
        portRanges: [{ fromPort: 443 + l }],
        endpointGroups: regions.map((region, r) => ({
          region,
          modelServer: "vllm",
          capacity: 600,
          metricsLabels: { group: `${prefix}-l${l}-${region}` },
          autopilot: { signal: "queue", lowWatermark: 2, highWatermark: HIGH, settleFor: "30s", holdFor: "1m" },
          endpoints: [{ type: "eip", id: `eipalloc-${String(s).padStart(2, "0")}${String(l).padStart(2, "0")}${String(r).padStart(4, "0")}` }],
        })),
      })),
    })),
  };
}

/**
 * Makes every stack's accelerator, listeners and groups in the API, its state bucket, and its parameter.
 * @param {any} api @param {{ endpoint: string }} ga @param {string} s3 @param {import("../src/model/model").StackModel[]} stacks
 */
async function deploy(api, ga, s3, stacks) {
  const client = new GlobalAcceleratorClient({ region: "us-west-2", endpoint: ga.endpoint, credentials: KEYS });
  const ssm = new SSMClient({ region: "us-west-2", endpoint: s3, credentials: KEYS });
  for (const stack of stacks) {
    const acc = (await client.send(new CreateAcceleratorCommand({ Name: stack.accelerator.name, IdempotencyToken: stack.name }))).Accelerator?.AcceleratorArn;
    const groups = [];
    for (const l of stack.listeners) {
      const listener = (await client.send(new CreateListenerCommand({ AcceleratorArn: acc, Protocol: "TCP", PortRanges: l.portRanges.map((p) => ({ FromPort: p.fromPort, ToPort: p.toPort })), IdempotencyToken: `${stack.name}-${l.name}` }))).Listener?.ListenerArn;
      for (const g of l.endpointGroups) {
        const made = await client.send(new CreateEndpointGroupCommand({ ListenerArn: listener, EndpointGroupRegion: g.region, EndpointConfigurations: g.endpoints.map((e) => ({ EndpointId: /** @type {any} */ (e).id })), IdempotencyToken: `${stack.name}-${l.name}-${g.region}` }));
        groups.push({ key: `${l.name}/${g.region}`, listener: l.name, region: g.region, arn: made.EndpointGroup?.EndpointGroupArn, ceiling: g.trafficDialPercentage, capacity: g.capacity, metricsLabels: g.metricsLabels, settings: g.autopilot });
      }
    }
    await createStateBucket(s3, stack.backend.bucket, stack.backend.region);
    await ssm.send(new PutParameterCommand({ Name: api.AUTOPILOT.parameterName(stack.name), Value: JSON.stringify({ version: 1, stack: stack.name, configHash: "bench", groups }), Type: "String", Overwrite: true }));
  }
  client.destroy();
  ssm.destroy();
}

/** OpenMetrics of vLLM's waiting gauge per group label, every 5 s over [from, to]. @param {Record<string, (t: number) => number>} loads @param {number} from @param {number} to */
function backfill(loads, from, to) {
  let text = "# TYPE vllm:num_requests_waiting gauge\n";
  for (const [label, load] of Object.entries(loads)) {
    const [, region] = /-(\w+-\w+-\d)$/.exec(label) ?? [];
    for (let t = from; t <= to; t += 5) text += `vllm:num_requests_waiting{region="${region}",group="${label}",instance="a"} ${load(t)} ${t}\n`;
  }
  return `${text}# EOF\n`;
}

async function benchAutopilot() {
  const api = loadAutopilotApi();
  let now = T0;
  const moto = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  const ga = await api.startGlobalAcceleratorApi({ deployDelayMs: 10_000, now: () => now * 1000 });
  const work = mkdtempSync(join(tmpdir(), "smart-routing-bench-autopilot-"));

  // Reaction (5 stacks: one per phase) and steady state use one region saturated from STEP; the scale arm 100 groups calm.
  const reactCfg = config("react", 5, 1, REGIONS.slice(0, 3));
  const scaleCfg = config("scale", 4, 5, REGIONS);
  /** @type {Record<string, (t: number) => number>} */
  const loads = {};
  for (const c of [reactCfg, scaleCfg]) for (const s of c.stacks) for (const l of s.listeners) for (const g of l.endpointGroups) loads[g.metricsLabels.group] = () => 1;
  // Every reaction stack reads the same series (one label): us-east-1 saturates at STEP.
  loads["react-l0-us-east-1"] = (t) => (t < STEP ? 1 : 20);
  const prometheus = await startPrometheus({ backfill: backfill(loads, T0 - 300, T0 + 3600) });
  const file = join(work, "config.yaml");
  writeFileSync(file, stringify({ version: 1, stacks: [...reactCfg.stacks, ...scaleCfg.stacks] }));
  const env = api.localEndpointEnvironment(
    {
      ...process.env,
      SMART_ROUTING_CONFIG: file,
      SMART_ROUTING_PROMETHEUS_URL: prometheus.url,
      AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
      AWS_REGION: "us-west-2",
      AWS_PROFILE: undefined,
      AWS_SESSION_TOKEN: undefined,
    },
    moto.endpoint,
    { globalaccelerator: ga.endpoint },
  );
  try {
    const selected = api.loadStacksReporting(env, []);
    if (selected.stacks === undefined) throw new Error("the bench's config did not load");
    const byName = new Map(selected.stacks.map((s) => [s.name, s]));
    await deploy(api, ga, moto.endpoint, selected.stacks);
    const context = api.commandContext(env, { stop: new AbortController().signal, stdout: () => {}, stderr: () => {}, now: () => now });
    /** @param {import("../src/model/model").StackModel[]} stacks */
    const round = (stacks) => api.runCommand(stacks, { once: true, dryRun: false, json: false, action: "decide", holder: "bench" }, context);
    const updates = () => ga.calls().filter((/** @type {any} */ c) => c.operation === "UpdateEndpointGroup" && c.status === 200).length;

    // Reaction: each phase's stack ticks every interval from T0 + phase; the first write after STEP.
    const reactions = [];
    const steady = [];
    for (let p = 0; p < 5; p++) {
      const stack = /** @type {import("../src/model/model").StackModel} */ (byName.get(`react-${p}`));
      const phase = (p * INTERVAL) / 5;
      let reacted;
      let lastWriteTick = -1;
      let tick = 0;
      for (now = T0 + phase; now < STEP + 40 * INTERVAL; now += INTERVAL, tick++) {
        const before = updates();
        await round([stack]);
        if (updates() > before) {
          reacted ??= (now - STEP) / INTERVAL;
          lastWriteTick = tick;
        }
        // Settled: four ticks without a write after reacting; then 20 steady ticks.
        if (reacted !== undefined && tick - lastWriteTick >= 4) break;
      }
      const start = updates();
      for (let i = 0; i < 20; i++, now += INTERVAL) await round([stack]);
      reactions.push(reacted ?? Infinity);
      steady.push(updates() - start);
    }

    // Scale: one round over 4 stacks (100 groups) against their Prometheus reads alone, 7 times each.
    const scaleStacks = scaleCfg.stacks.map((s) => /** @type {import("../src/model/model").StackModel} */ (byName.get(s.name)));
    const groups = scaleStacks.reduce((n, s) => n + s.listeners.reduce((m, l) => m + l.endpointGroups.length, 0), 0);
    const published = await Promise.all(scaleStacks.map((s) => context.adaptersFor(s).published.read(s.name)));
    const roundSeconds = [];
    const querySeconds = [];
    now = T0 + 1800;
    await round(scaleStacks); // warm-up: connections, the code cache
    for (let i = 0; i < 7; i++) {
      now += INTERVAL;
      let t = process.hrtime.bigint();
      await round(scaleStacks);
      roundSeconds.push(Number(process.hrtime.bigint() - t) / 1e9);
      t = process.hrtime.bigint();
      // As the round runs its stacks: side by side.
      await Promise.all(scaleStacks.map((stack, s) => context.adaptersFor(stack).signals?.read(stack, published[s].groups, now)));
      querySeconds.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
    const accelerators = new Set(published.flatMap((p) => p.groups.map((g) => g.arn.slice(0, g.arn.indexOf("/listener/"))))).size;
    return {
      reaction: { intervals: reactions, medianIntervals: median(reactions), maxIntervals: Math.max(...reactions), intervalSeconds: INTERVAL },
      steadyState: { ticks: 20, writes: steady, maxWrites: Math.max(...steady) },
      scale: { groups, accelerators, stacks: scaleStacks.length, roundMedianSeconds: median(roundSeconds), queriesMedianSeconds: median(querySeconds), ratio: median(roundSeconds) / median(querySeconds) },
    };
  } finally {
    await prometheus.stop();
    await ga.stop();
    await moto.stop();
  }
}

/** @param {Awaited<ReturnType<typeof benchAutopilot>>} r */
function renderAutopilot(r) {
  const ms = (/** @type {number} */ s) => `${(s * 1000).toFixed(1)} ms`;
  return [
    `autopilot reaction (first sample over the high watermark -> UpdateEndpointGroup), ${r.reaction.intervalSeconds} s interval, 5 phases: median ${r.reaction.medianIntervals.toFixed(2)} intervals, max ${r.reaction.maxIntervals.toFixed(2)} (${r.reaction.intervals.map((x) => x.toFixed(2)).join(", ")})`,
    `autopilot steady state: writes over ${r.steadyState.ticks} ticks of a flat load after settling: ${r.steadyState.writes.join(", ")} (target 0)`,
    `autopilot one round, ${r.scale.groups} steered groups on ${r.scale.accelerators} accelerators (${r.scale.stacks} stacks): ${ms(r.scale.roundMedianSeconds)}; its Prometheus queries alone: ${ms(r.scale.queriesMedianSeconds)}; ratio ${r.scale.ratio.toFixed(2)}`,
    "",
  ].join("\n");
}

module.exports = { benchAutopilot, renderAutopilot };
