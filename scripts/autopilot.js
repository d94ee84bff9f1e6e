#!/usr/bin/env node
// @ts-check
// `npm run autopilot -- [stack ...] [--once] [--dry-run] [--json] [--clamp | --reset]
//   [--pause <listener/region> --reason <text> | --resume <listener/region>] [--metrics-port N] [--holder NAME]
//   [--at <epoch seconds>]`:
// moves the steered groups' traffic dials on live model-server load (docs/autopilot.md). Without --once
// it runs until SIGTERM or SIGINT, one tick per stack per interval (the stack's config), and ends after
// the tick under way (exit 0). --once: one tick; --clamp: lower every steered dial above its ceiling
// (no Prometheus needed; the apply workflow runs it after every apply); --reset: every steered dial back
// to its ceiling; --dry-run: decide and log, write nothing; --json: each tick's decisions as one JSON
// object a line (logs go to stderr then). --pause/--resume: an operator's hold on one group, kept in the
// state object. --at (with --once, --clamp or --reset): the tick's time instead of the clock, for replaying
// recorded data (the queries' time=, the lease, the settle and hold windows all use it). Prometheus: the config's URL, or SMART_ROUTING_PROMETHEUS_URL; AWS endpoints and
// credentials: the usual environment (AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR, _S3, _SSM). /metrics and
// /healthz are served on --metrics-port (default 9464 for the long-running loop; none for one-off runs).
// Exit 0; 1: a one-off run could not decide or a write failed, or the config is invalid; 2: bad input.
"use strict";
const { hostname } = require("node:os");
const { failer, parseCommandLine } = require("./lib/command-line");
const { loadAutopilotApi } = require("./lib/run-bundle");

const USAGE =
  "usage: npm run autopilot -- [stack ...] [--once] [--dry-run] [--json] [--clamp | --reset] [--pause <listener/region> --reason <text> | --resume <listener/region>] [--metrics-port N] [--holder NAME] [--at <epoch seconds>]";
const DEFAULT_METRICS_PORT = 9464;

const fail = failer("autopilot");

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 */
async function main(argv, env) {
  const flag = /** @type {const} */ ({ type: "boolean" });
  const text = /** @type {const} */ ({ type: "string" });
  const { args, error } = parseCommandLine(
    argv,
    { once: flag, "dry-run": flag, json: flag, clamp: flag, reset: flag, pause: text, reason: text, resume: text, "metrics-port": text, holder: text, at: text },
    USAGE,
  );
  if (args === undefined) return fail(error);
  const v = args.values;
  if (v.clamp && v.reset) return fail(`--clamp and --reset go alone: --clamp lowers dials above their ceilings, --reset puts every dial at its ceiling\n${USAGE}`);
  const group = v.pause ?? v.resume;
  if (v.pause !== undefined && v.resume !== undefined) return fail(`--pause and --resume go alone\n${USAGE}`);
  if (group !== undefined && (v.clamp || v.reset || v.once || v["dry-run"] || v.json || v["metrics-port"] !== undefined)) return fail(`--pause and --resume change one group's hold and run no tick: give them without --once, --dry-run, --json, --clamp, --reset or --metrics-port\n${USAGE}`);
  if (group !== undefined && !/^[^/\s]+\/[a-z0-9-]+$/.test(group)) return fail(`--${v.pause !== undefined ? "pause" : "resume"} takes a group as <listener>/<region> (the traffic_dials key), e.g. chat/us-east-1; received ${JSON.stringify(group)}`);
  if (v.pause !== undefined && (v.reason === undefined || v.reason.trim() === "")) return fail(`--pause needs --reason <text>: the next operator reads why the group is held\n${USAGE}`);
  if (v.reason !== undefined && v.pause === undefined) return fail(`--reason goes with --pause\n${USAGE}`);
  /** @type {number | undefined} */
  let metricsPort;
  if (v["metrics-port"] !== undefined) {
    metricsPort = Number(v["metrics-port"]);
    if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) return fail(`--metrics-port takes a port from 0 (any free one) to 65535, received ${JSON.stringify(v["metrics-port"])}`);
  }
  const oneOff = v.once === true || v.clamp === true || v.reset === true;
  /** @type {number | undefined} */
  let at;
  if (v.at !== undefined) {
    at = Number(v.at);
    if (!oneOff) return fail(`--at replays one tick: give it with --once, --clamp or --reset\n${USAGE}`);
    if (!Number.isFinite(at) || at <= 0) return fail(`--at takes a time in epoch seconds (e.g. 1796298154.5), received ${JSON.stringify(v.at)}`);
  }

  // The SDK warns at its first client that releases after January 2027 need node 22; the versions here are
  // pinned (package-lock.json), so the warning says nothing about this program and would open every log.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const api = loadAutopilotApi();
  const selected = api.loadStacksReporting(env, args.positionals);
  if (selected.configError) return 1;
  if (selected.error !== undefined) return fail(selected.error);

  const stop = new AbortController();
  /** @param {NodeJS.Signals} name */
  const onSignal = (name) => {
    if (stop.signal.aborted) return;
    process.stderr.write(`autopilot: ${name}: stopping after the tick under way\n`);
    stop.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  /** @type {import("../src/autopilot/command").AutopilotFlags} */
  const flags = {
    once: v.once === true,
    dryRun: v["dry-run"] === true,
    json: v.json === true,
    action: v.clamp ? "clamp" : v.reset ? "reset" : "decide",
    holder: v.holder ?? `${hostname()}/${process.pid}`,
    ...((metricsPort !== undefined || !oneOff) && group === undefined && { metricsPort: metricsPort ?? DEFAULT_METRICS_PORT }),
  };
  const context = api.commandContext(env, {
    stop: stop.signal,
    stdout: (/** @type {string} */ t) => process.stdout.write(t),
    stderr: (/** @type {string} */ t) => process.stderr.write(t),
    ...(at !== undefined && { now: () => at }),
  });
  const pause = group === undefined ? undefined : { kind: /** @type {"pause" | "resume"} */ (v.pause !== undefined ? "pause" : "resume"), group, ...(v.reason !== undefined && { reason: v.reason }) };
  return api.runCommand(selected.stacks, flags, context, pause);
}

main(process.argv.slice(2), process.env).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`autopilot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
