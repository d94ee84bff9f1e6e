#!/usr/bin/env node
// @ts-check
// `npm run plan:local -- [stack ...]`: the CI plan, rehearsed on this machine against a local AWS API.
// Synthesizes the config (SMART_ROUTING_CONFIG or the embedded default), starts moto_server on a free
// loopback port (or uses SMART_ROUTING_S3_ENDPOINT), creates each stack's versioned state bucket, lock table,
// looked-up load balancers and hosted zone there, then per stack the CI's steps: terraform init (S3 backend
// with use_lockfile, committed lock file read-only), plan -out, show -json and the plan gate. The server
// starts first and the config is read and synthesized meanwhile; stacks are planned side by side.
// Results go to .plan-local/<stack>/ (plan.json, summary.md). The server it started is stopped at the end,
// on failure and on Ctrl-C.
"use strict";
const { mkdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { join, resolve } = require("node:path");
const { terraformAvailability, terraformEnv } = require("./lib/terraform");
const { startS3ServerInBackground } = require("./lib/moto-server");
const { seedStack } = require("./lib/moto-fixtures");
const { prepareWorkdir, initAndPlan } = require("./lib/local-plan");
const { loadCliApi } = require("./lib/run-bundle");
const { failer, parseCommandLine } = require("./lib/command-line");

const USAGE = "usage: npm run plan:local -- [stack ...]";
const fail = failer("plan:local");

/** @typedef {ReturnType<typeof loadCliApi>} CliApi */
/** @typedef {import("../src/model/model").StackModel} StackModel */

const ROOT = join(__dirname, "..");
const planDir = resolve(process.env.SMART_ROUTING_PLAN_DIR || join(ROOT, ".plan-local"));
/** @param {string} text */
const say = (text) => process.stdout.write(`${text}\n`);

/**
 * Synthesizes the model here, as npm run synth does (the same app, the same bytes), into .plan-local/synth.
 * @param {CliApi} cli
 * @param {import("../src/model/model").RoutingModel} model
 * @returns {{ name: string, dir: string }[]} every stack synthesized, with its folder
 */
function synthesize(cli, model) {
  const outdir = join(planDir, "synth");
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(planDir, { recursive: true });
  cli.synthInto(model, outdir);
  /** @type {{ stacks: Record<string, { name: string, workingDirectory: string }> }} */
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  return Object.values(manifest.stacks).map((s) => ({ name: s.name, dir: join(outdir, s.workingDirectory) }));
}

/**
 * @param {StackModel} stack
 * @param {string} workdir
 * @param {{ env: NodeJS.ProcessEnv, cli: CliApi, signal: AbortSignal }} context
 */
async function planStack(stack, workdir, { env, cli, signal }) {
  const { planJson } = await initAndPlan(workdir, env, { backendConfigFile: cli.BACKEND_CONFIG_FILE, signal });
  const plan = cli.readPlan(planJson, join(workdir, "plan.json"));
  const review = cli.reviewPlan(plan, stack);
  // As CI runs the gate: overloads are printed, not fatal (plan-gate's --capacity-strict makes them so).
  const capacity = cli.reviewCapacity(plan, stack);
  writeFileSync(join(workdir, "summary.md"), cli.renderMarkdown(review, stack.name, capacity));
  return { name: stack.name, text: cli.renderText(review, stack.name, capacity), passed: cli.gatePassed(review, capacity) };
}

/**
 * Reads the config (errors and warnings as every command reports them), selects the stacks and synthesizes
 * them; undefined when the config is invalid.
 * @param {string[]} wanted
 */
function prepare(wanted) {
  const cli = loadCliApi();
  const selected = cli.loadStacksReporting(process.env, wanted);
  if (selected.configError) return undefined;
  if (selected.error !== undefined) throw new Error(selected.error);
  const availability = terraformAvailability();
  if (!availability.ok) throw new Error(availability.reason);
  return { cli, availability, stacks: selected.stacks, dirs: new Map(synthesize(cli, selected.model).map((s) => [s.name, s.dir])) };
}

/** @param {string[]} argv */
async function main(argv) {
  const { args, error } = parseCommandLine(argv, {}, USAGE);
  if (args === undefined) return fail(error);
  const wanted = args.positionals;
  // moto takes about a second to start: it starts first, and the config is read and synthesized meanwhile.
  const moto = startS3ServerInBackground(process.env);
  await moto.spawned;
  /** @type {ReturnType<typeof prepare>} */
  let prepared;
  try {
    prepared = prepare(wanted);
  } catch (err) {
    await moto.stop();
    throw err;
  }
  if (prepared === undefined) {
    await moto.stop();
    return 1;
  }
  const { cli, availability, dirs, stacks } = prepared;

  const controller = new AbortController();
  const server = await moto.ready;
  say(`local AWS API (moto) at ${server.endpoint}`);
  /** @param {string} signalName */
  const stop = async (signalName) => {
    controller.abort();
    await server.stop();
    process.stderr.write(`plan:local: stopped on ${signalName}\n`);
    process.exit(130);
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  try {
    // The providers' endpoints from the environment: an endpoints block would cost each provider seconds.
    const env = cli.localEndpointEnvironment({ ...terraformEnv(availability.mirror), AWS_PROFILE: undefined, AWS_SESSION_TOKEN: undefined }, server.endpoint);
    // Seeding one stack after another (two stacks may look up one load balancer); the Terraform runs overlap.
    const made = new Map();
    /** @type {string[]} */
    const workdirs = [];
    for (const stack of stacks) {
      const workdir = join(planDir, stack.name);
      prepareWorkdir(/** @type {string} */ (dirs.get(stack.name)), workdir, (json) => cli.localRehearsalFiles(json, server.endpoint, {}, "environment"));
      const seeded = await seedStack(server.endpoint, stack, made);
      for (const lb of seeded.loadBalancers) say(`[${stack.name}] load balancer ${lb.name} in ${lb.region}: ${lb.arn}`);
      if (seeded.zone !== undefined) say(`[${stack.name}] hosted zone ${seeded.zone.name}: ${seeded.zone.id}`);
      workdirs.push(workdir);
    }
    const context = { env, cli, signal: controller.signal };
    const results = await Promise.all(stacks.map((stack, i) => planStack(stack, workdirs[i], context)));
    for (const result of results) say(result.text.trimEnd());
    const failed = results.filter((r) => !r.passed).map((r) => r.name);
    say(failed.length === 0 ? `plan:local: ${results.length} stack(s) planned, gate passed; see ${planDir}/<stack>/` : `plan:local: the gate failed for ${failed.join(", ")}`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    await server.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`plan:local: ${err.message}\n`);
    process.exitCode = 2;
  },
);
