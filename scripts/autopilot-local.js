#!/usr/bin/env node
// @ts-check
// `npm run autopilot:local -- [--scenario <file>]`: the autopilot rehearsed with real parts, no AWS account.
// Deploys the config (SMART_ROUTING_CONFIG, default examples/autopilot.yaml) to the local Global
// Accelerator API and moto as deploy:local does (the same script, pointed at servers this one started),
// starts fake model servers per steered region that expose their preset's real metric names, a real
// Prometheus scraping them every second, and `npm run autopilot -- --json` as its own process. The
// scenario (a JSON or YAML list of steps { at: seconds, region, waiting, running, replicas, kvCache? };
// default: one region saturates, then clears) drives the servers' load over time. When the scenario is
// over and every dial is back at its ceiling (or after a time limit), the autopilot gets SIGTERM, and
// `terraform plan -detailed-exitcode` must find no changes. Prints a timeline, writes report.json ({ ticks:
// [{ at, decisions }], plan: "no changes" | the diff, ... }) and report.html (a chart of signal and dial per
// group) into .autopilot-local/ (SMART_ROUTING_AUTOPILOT_LOCAL_DIR elsewhere), and prints the JSON report's
// path on its last line. Exit 0: a rehearsal whose plan was empty; 1: a step failed or the plan was not
// empty; 2: bad input or a missing part (Terraform, moto, Prometheus: with how to get it).
"use strict";
const { spawn } = require("node:child_process");
const { mkdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } = require("node:fs");
const { join, resolve, relative } = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");
const { motoAvailability, startS3Server } = require("./lib/moto-server");
const { prometheusAvailability, startPrometheus, waitForQuery } = require("./lib/prometheus-server");
const { startModelServers } = require("./lib/fake-model-servers");
const { defaultScenario, parseScenario, loadAt, timeline, reportHtml } = require("./lib/autopilot-rehearsal");
const { loadAutopilotApi } = require("./lib/run-bundle");
const { terraformAvailability, terraformAsync, terraformEnv } = require("./lib/terraform");

const ROOT = join(__dirname, "..");
const USAGE = "usage: npm run autopilot:local -- [--scenario <file>]";
const DEFAULT_CONFIG = join(ROOT, "examples", "autopilot.yaml");
/** How long a dial change stays IN_PROGRESS in the local API during the rehearsal: long enough to be seen. */
const DEPLOY_DELAY_MS = 1500;
/** After the scenario's last step, how long the dials have to come back before the rehearsal ends anyway. */
const RECOVERY_LIMIT_SECONDS = 240;
const FAKE_KEYS = { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

const fail = failer("autopilot:local");
/** @param {string} text */
const say = (text) => process.stdout.write(`${text}\n`);

/** @param {string} output @param {number} [lines] */
const tail = (output, lines = 40) => output.trimEnd().split("\n").slice(-lines).join("\n");

/**
 * Runs a node script to its end with its output in a file; resolves its status and output.
 * @param {string[]} args @param {NodeJS.ProcessEnv} env @param {string} logFile
 * @returns {Promise<{ status: number | null, output: string }>}
 */
function runLogged(args, env, logFile) {
  return new Promise((done, reject) => {
    const log = openSync(logFile, "w");
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", log, log] });
    closeSync(log);
    child.on("error", reject);
    child.on("exit", (status) => done({ status, output: readFileSync(logFile, "utf8") }));
  });
}

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 */
async function main(argv, env) {
  const { args, error } = parseCommandLine(argv, { scenario: { type: "string" } }, USAGE);
  if (args === undefined) return fail(error);
  if (args.positionals.length > 0) return fail(`Unexpected argument '${args.positionals[0]}': the rehearsal runs every stack of the config that steers a group\n${USAGE}`);
  for (const availability of [terraformAvailability(env), motoAvailability(), prometheusAvailability(env)]) {
    if (!availability.ok) return fail(String(availability.reason));
  }
  const mirror = terraformAvailability(env).mirror;
  const config = resolve(env.SMART_ROUTING_CONFIG || DEFAULT_CONFIG);
  const configEnv = { ...env, SMART_ROUTING_CONFIG: config };

  const api = loadAutopilotApi();
  const selected = api.loadStacksReporting(configEnv, []);
  if (selected.configError) return 1;
  if (selected.error !== undefined) return fail(selected.error);
  const stacks = selected.stacks.filter((s) => s.autopilot !== undefined && s.listeners.some((l) => l.endpointGroups.some((g) => g.autopilot !== undefined)));
  if (stacks.length === 0) return fail(`${relative(ROOT, config)} steers no endpoint group: give a stack an autopilot block and a group autopilot settings (see examples/autopilot.yaml)`);
  const groups = stacks.flatMap((s) => s.listeners.flatMap((l) => l.endpointGroups.filter((g) => g.autopilot !== undefined).map((g) => ({ stack: s.name, listener: l.name, group: g }))));
  // The fake servers speak one preset's metric names: every steered group must read its preset's queue or KV cache.
  const presets = new Set(groups.map((g) => g.group.modelServer));
  const custom = groups.filter((g) => typeof g.group.autopilot?.signal === "object");
  if (custom.length > 0 || presets.size !== 1 || [...presets][0] === undefined) {
    return fail(`the rehearsal fakes one model-server preset's own metrics: every steered group needs the same modelServer and a queue or kvCache signal (${custom.map((g) => `${g.listener}/${g.group.region} has a query`).join(", ") || `presets: ${[...presets].map(String).join(", ")}`})`);
  }
  const preset = /** @type {string} */ ([...presets][0]);
  const metrics = api.presetMetrics(preset);
  if (metrics === undefined) return fail(`the ${preset} preset names no load metrics; the rehearsal needs one that does (vllm, sglang, triton, tgi)`);
  const regions = [...new Set(groups.map((g) => g.group.region))];

  let steps;
  if (args.values.scenario !== undefined) {
    let text;
    try {
      text = readFileSync(args.values.scenario, "utf8");
    } catch (err) {
      return fail(`cannot read the scenario ${args.values.scenario}: ${/** @type {NodeJS.ErrnoException} */ (err).code ?? String(err)}`);
    }
    const parsed = parseScenario(text, regions);
    if (parsed.errors !== undefined) return fail(`the scenario ${args.values.scenario} is not usable:\n  ${parsed.errors.join("\n  ")}`);
    steps = parsed.steps;
  } else {
    steps = defaultScenario(regions);
  }
  const lastStep = Math.max(...steps.map((s) => s.at));
  const replicas = Math.max(1, ...steps.map((s) => s.replicas));

  const workdir = resolve(env.SMART_ROUTING_AUTOPILOT_LOCAL_DIR || join(ROOT, ".autopilot-local"));
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });

  /** @type {(() => Promise<unknown>)[]} */
  const cleanups = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
  };
  /** @type {import("node:child_process").ChildProcess | undefined} */
  let autopilot;
  const interrupt = async (/** @type {string} */ name) => {
    autopilot?.kill("SIGTERM");
    await stopAll();
    process.stderr.write(`autopilot:local: stopped on ${name}; every server is stopped\n`);
    process.exit(130);
  };
  process.once("SIGINT", () => interrupt("SIGINT"));
  process.once("SIGTERM", () => interrupt("SIGTERM"));

  try {
    // 1. AWS, locally: moto (S3 state, the SSM parameter, the autopilot's state object) and the Global Accelerator API.
    const moto = await startS3Server({ ...env, SMART_ROUTING_S3_ENDPOINT: undefined });
    cleanups.push(() => moto.stop());
    const ga = await api.startGlobalAcceleratorApi({ deployDelayMs: 100 });
    cleanups.push(() => ga.stop());
    say(`local AWS API (moto) at ${moto.endpoint}; local Global Accelerator API at ${ga.endpoint}`);

    // 2. Deploy, as npm run deploy:local does (the same script, on these servers).
    const deployDir = join(workdir, "deploy");
    const deployEnv = { ...configEnv, SMART_ROUTING_S3_ENDPOINT: moto.endpoint, SMART_ROUTING_GA_ENDPOINT: ga.endpoint, SMART_ROUTING_DEPLOY_DIR: deployDir };
    say(`deploying ${stacks.map((s) => s.name).join(", ")} of ${relative(ROOT, config) || config} (npm run deploy:local)...`);
    const deployed = await runLogged([join(__dirname, "deploy-local.js"), ...stacks.map((s) => s.name)], deployEnv, join(workdir, "deploy.log"));
    if (deployed.status !== 0) {
      say(`deploy:local failed (exit ${deployed.status}):\n${tail(deployed.output)}`);
      return 1;
    }
    for (const line of deployed.output.split("\n").filter((l) => /cdktf deploy:|second plan:/.test(l))) say(`  ${line}`);
    // From now on a dial change keeps the accelerator IN_PROGRESS long enough for the autopilot to see it.
    ga.injectFault({ kind: "slow-deploy", ms: DEPLOY_DELAY_MS });

    // 3. Fake model servers driven by the scenario, and a real Prometheus scraping them.
    const servers = await startModelServers({ metrics, regions, replicas });
    cleanups.push(() => servers.close());
    const applyLoad = (/** @type {number} */ at) => {
      for (const region of regions) {
        const step = loadAt(steps, region, at);
        if (step !== undefined) servers.setLoad(region, { waiting: step.waiting, running: step.running, replicas: step.replicas, ...(step.kvCache !== undefined && { kvCache: step.kvCache }) });
      }
    };
    applyLoad(0);
    const prometheus = await startPrometheus({ targets: servers.targets, scrapeIntervalSeconds: 1 });
    cleanups.push(() => prometheus.stop());
    say(`Prometheus ${prometheus.url} scraping ${servers.targets.length} fake ${preset} server(s) in ${regions.join(", ")}; waiting for the first samples...`);
    const waitingSeries = String(metrics.waiting ?? metrics.kvCache);
    await waitForQuery(prometheus.url, `count by (region) (${waitingSeries})`, (result) => result.length === regions.length, { timeoutMs: 60_000 });

    // 4. The autopilot, as its own process, with the scenario's clock starting when it does.
    const autopilotEnv = api.localEndpointEnvironment(
      { ...configEnv, ...FAKE_KEYS, AWS_REGION: "us-west-2", AWS_PROFILE: undefined, AWS_SESSION_TOKEN: undefined, SMART_ROUTING_PROMETHEUS_URL: prometheus.url },
      moto.endpoint,
      { globalaccelerator: ga.endpoint },
    );
    const t0 = Date.now() / 1000;
    const stderrFile = join(workdir, "autopilot.log");
    const stderrFd = openSync(stderrFile, "w");
    autopilot = spawn(process.execPath, [join(__dirname, "autopilot.js"), ...stacks.map((s) => s.name), "--json", "--metrics-port", "0", "--holder", "rehearsal"], { cwd: ROOT, env: autopilotEnv, stdio: ["ignore", "pipe", stderrFd] });
    closeSync(stderrFd);
    const timers = steps.filter((s) => s.at > 0).map((s) => setTimeout(() => applyLoad(s.at), s.at * 1000));
    cleanups.push(async () => timers.forEach(clearTimeout));
    say(`autopilot started (pid ${autopilot.pid}); scenario: ${steps.length} step(s) over ${lastStep} s\n`);

    /** @type {{ at: number, decisions: any[] }[]} */
    const ticks = [];
    const exited = new Promise((done) => autopilot?.on("exit", (code, signal) => done({ code, signal })));
    const finished = new Promise((done) => {
      let buffer = "";
      let calmTicks = 0;
      autopilot?.stdout?.on("data", (chunk) => {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim() === "") continue;
          const parsed = JSON.parse(line);
          const at = Math.round((Date.parse(parsed.time) / 1000 - t0) * 10) / 10;
          ticks.push({ at, decisions: parsed.decisions });
          for (const d of parsed.decisions) if (d.to !== d.from) say(`${`+${at.toFixed(1)}s`.padStart(8)}  ${d.action.padEnd(8)}${d.listener}/${d.region}: dial ${d.from} -> ${d.to} (signal ${d.signal === null ? "none" : Number(d.signal).toFixed(2)}): ${d.reason}`);
          // Done when the scenario is over and every dial has been back at its ceiling for three ticks.
          const atCeiling = parsed.decisions.every((/** @type {any} */ d) => d.to === d.ceiling && d.from === d.ceiling);
          calmTicks = at > lastStep && atCeiling ? calmTicks + 1 : 0;
          if (calmTicks >= 3 || at > lastStep + RECOVERY_LIMIT_SECONDS) done(undefined);
        }
      });
      autopilot?.on("exit", () => done(undefined));
    });
    await finished;
    autopilot.kill("SIGTERM");
    const exit = /** @type {{ code: number | null, signal: string | null }} */ (await exited);
    const autopilotLog = readFileSync(stderrFile, "utf8");
    if (exit.code !== 0) {
      say(`the autopilot exited with ${exit.code ?? exit.signal} (expected 0 after SIGTERM):\n${tail(autopilotLog)}`);
      return 1;
    }

    // 5. The plan after the autopilot's moves: ignore_changes and the published ceilings must leave nothing to do.
    const planOutputs = [];
    for (const stack of stacks) {
      const dir = join(deployDir, "cdktf.out", "stacks", stack.name);
      const tfEnv = api.localEndpointEnvironment({ ...terraformEnv(mirror, env), AWS_PROFILE: undefined, AWS_SESSION_TOKEN: undefined }, moto.endpoint, { globalaccelerator: ga.endpoint });
      const plan = await terraformAsync(["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock-timeout=60s"], { cwd: dir, env: tfEnv });
      if (plan.status === 0) continue;
      planOutputs.push(plan.status === 2 ? `${stack.name}:\n${plan.stdout}` : `${stack.name}: terraform plan failed (exit ${plan.status}):\n${plan.stdout}${plan.stderr}`);
    }
    const plan = planOutputs.length === 0 ? "no changes" : planOutputs.join("\n");

    // 6. The report.
    const watermarks = Object.fromEntries(groups.map((g) => [`${g.stack} ${g.listener}/${g.group.region}`, { low: g.group.autopilot?.lowWatermark ?? 0, high: g.group.autopilot?.highWatermark ?? 0 }]));
    const calls = ga.calls().filter((/** @type {any} */ c) => c.operation === "UpdateEndpointGroup" && Date.parse(c.time) / 1000 >= t0);
    const report = {
      config: relative(ROOT, config) || config,
      scenario: steps,
      ticks,
      updateEndpointGroupCalls: calls.map((/** @type {any} */ c) => ({ at: Math.round((Date.parse(c.time) / 1000 - t0) * 10) / 10, arn: c.request?.EndpointGroupArn, dial: c.request?.TrafficDialPercentage, status: c.status })),
      plan,
    };
    const jsonFile = join(workdir, "report.json");
    const htmlFile = join(workdir, "report.html");
    writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(htmlFile, reportHtml({ title: `autopilot rehearsal: ${stacks.map((s) => s.name).join(", ")}`, ticks, steps, watermarks, plan }));

    say(`\ntimeline (seconds from the autopilot's start):\n${timeline(ticks, steps)}\n`);
    const changes = ticks.reduce((n, t) => n + t.decisions.filter((d) => d.to !== d.from).length, 0);
    say(`${ticks.length} ticks, ${changes} dial change(s), ${calls.length} UpdateEndpointGroup call(s); the autopilot stopped on SIGTERM with exit 0`);
    say(plan === "no changes" ? "terraform plan -detailed-exitcode after the rehearsal: no changes" : `terraform plan after the rehearsal is NOT empty:\n${tail(plan, 80)}`);
    say(`chart: ${htmlFile}`);
    say(jsonFile);
    return plan === "no changes" ? 0 : 1;
  } finally {
    if (autopilot !== undefined && autopilot.exitCode === null && autopilot.signalCode === null) autopilot.kill("SIGTERM");
    await stopAll();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`autopilot:local: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
