#!/usr/bin/env node
// @ts-check
// `npm run deploy:local -- [stack ...] [--destroy]` (`npm run destroy:local` is the same with --destroy):
// `cdktf deploy`, rehearsed on this machine for real. Synthesizes the config (SMART_ROUTING_CONFIG or the
// embedded default), starts moto_server (S3 state, load balancers for lookups) and the local Global
// Accelerator API on free loopback ports (or uses SMART_ROUTING_S3_ENDPOINT / SMART_ROUTING_GA_ENDPOINT),
// and per stack runs the real cdktf CLI, `cdktf deploy --auto-approve`, on the unchanged cdk.tf.json: the
// local endpoints and fake keys live only in the override and backend-config files beside it. Then
// `terraform plan -detailed-exitcode` must find nothing to change, and a short report says what was
// created, which Global Accelerator calls it took, and whether the second plan was empty (or its diff).
// With --destroy, `cdktf destroy --auto-approve` follows: refused while prevent_destroy is on, otherwise
// it must leave the local API without the stack's accelerator. Work goes to .deploy-local/
// (SMART_ROUTING_DEPLOY_DIR elsewhere). Ctrl-C stops both servers. Exit 0: every stack deployed (and
// destroyed, with --destroy) with an empty second plan; 1: a step failed; 2: bad input.
"use strict";
const { mkdirSync, readFileSync, rmSync } = require("node:fs");
const http = require("node:http");
const { dirname, join, resolve } = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");
const { addLocalFiles } = require("./lib/local-plan");
const { seedStack } = require("./lib/moto-fixtures");
const { runAsync } = require("./lib/run-async");
const { startS3ServerInBackground } = require("./lib/moto-server");
const { loadCliApi } = require("./lib/run-bundle");
const { terraformAvailability, terraformAsync, terraformEnv } = require("./lib/terraform");

/** @typedef {ReturnType<typeof loadCliApi>} CliApi */
/** @typedef {import("../src/model/model").StackModel} StackModel */
/** @typedef {{ status: number | null, stdout: string, stderr: string }} Run */

const ROOT = join(__dirname, "..");
const USAGE = "usage: npm run deploy:local -- [stack ...] [--destroy]";
const CDKTF = join(dirname(require.resolve("cdktf-cli/package.json")), "bundle", "bin", "cdktf");
const fail = failer("deploy:local");
/** @param {string} text */
const say = (text) => process.stdout.write(`${text}\n`);

/**
 * Runs the cdktf CLI, which is stopped as Ctrl-C stops it (SIGINT: it tells Terraform to stop and release
 * the lock); stopped that way it resolves with no status rather than failing the run's report.
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, signal: AbortSignal }} options
 * @returns {Promise<Run>}
 */
function runCdktf(args, options) {
  return runAsync(process.execPath, [CDKTF, ...args], { ...options, killSignal: "SIGINT" }).catch((err) => {
    if (err.name === "AbortError") return { status: null, stdout: "", stderr: "" };
    throw err;
  });
}

/**
 * What a control endpoint of the Global Accelerator API answers (also of one this process did not start).
 * @param {string} endpoint @param {"calls" | "state"} what
 * @returns {Promise<any>}
 */
function control(endpoint, what) {
  return new Promise((done, reject) => {
    http
      .get(`${endpoint}/__control/${what}`, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => (res.statusCode === 200 ? done(JSON.parse(text)) : reject(new Error(`${endpoint}/__control/${what} answered ${res.statusCode}`))));
      })
      .on("error", reject);
  });
}

/**
 * Every call the Global Accelerator API recorded so far.
 * @param {string} endpoint
 * @returns {Promise<{ operation?: string, status: number }[]>}
 */
const recordedCalls = (endpoint) => control(endpoint, "calls");

/**
 * "CreateAccelerator 1, DescribeAccelerator 12, ..." in the order first called.
 * @param {{ operation?: string }[]} calls
 */
function countByOperation(calls) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const call of calls) counts.set(call.operation ?? "(none)", (counts.get(call.operation ?? "(none)") ?? 0) + 1);
  return [...counts].map(([operation, n]) => `${operation} ${n}`).join(", ");
}

/** @param {string} output */
function applySummary(output) {
  return /(Apply complete! Resources: \d+ added, \d+ changed, \d+ destroyed\.)/.exec(output)?.[1];
}

/** @param {string} output the last lines of a failed step, for the report */
function tail(output, lines = 40) {
  return output.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 */
async function main(argv, env) {
  const { args, error } = parseCommandLine(argv, { destroy: { type: "boolean" } }, USAGE);
  if (args === undefined) return fail(error);
  const availability = terraformAvailability(env);
  if (!availability.ok) return fail(availability.reason);
  // moto takes about a second to start: it starts first, and the config is read and synthesized meanwhile.
  const moto = startS3ServerInBackground(env);
  await moto.spawned;
  const cli = loadCliApi();
  const selected = cli.loadStacksReporting(env, args.positionals);
  if (selected.configError || selected.error !== undefined) {
    await moto.stop();
    return selected.error !== undefined ? fail(selected.error) : 1;
  }
  const { model } = selected;

  const workdir = resolve(env.SMART_ROUTING_DEPLOY_DIR || join(ROOT, ".deploy-local"));
  const outdir = join(workdir, "cdktf.out");
  mkdirSync(workdir, { recursive: true });
  // In this process, from the model already read: the same app and bytes as npm run synth.
  rmSync(outdir, { recursive: true, force: true });
  cli.synthInto(model, outdir);

  const controller = new AbortController();
  const s3 = await moto.ready;
  const ownGa = env.SMART_ROUTING_GA_ENDPOINT ? undefined : await cli.startGlobalAcceleratorApi({ deployDelayMs: Number(env.SMART_ROUTING_GA_DEPLOY_DELAY_MS ?? 100) });
  const ga = (env.SMART_ROUTING_GA_ENDPOINT ?? ownGa?.endpoint ?? "").replace(/\/$/, "");
  say(`local AWS API (moto) at ${s3.endpoint}; local Global Accelerator API at ${ga}`);
  const stopServers = async () => {
    await s3.stop();
    await ownGa?.stop();
  };
  /** @param {string} signalName */
  const interrupt = async (signalName) => {
    controller.abort();
    await stopServers();
    process.stderr.write(`deploy:local: stopped on ${signalName}; both servers are stopped\n`);
    process.exit(130);
  };
  process.once("SIGINT", () => interrupt("SIGINT"));
  process.once("SIGTERM", () => interrupt("SIGTERM"));

  const failed = [];
  try {
    for (const stack of selected.stacks) {
      const ok = await deployStack(stack, { cli, env, outdir, s3: s3.endpoint, ga, mirror: availability.mirror, destroy: args.values.destroy === true, signal: controller.signal });
      if (!ok) failed.push(stack.name);
    }
  } finally {
    await stopServers();
  }
  if (args.values.destroy) {
    say(failed.length === 0 ? `destroy:local: ${selected.stacks.length} stack(s) deployed and destroyed; servers stopped` : `destroy:local: not destroyed: ${failed.join(", ")} (see above); servers stopped`);
  } else {
    say(failed.length === 0 ? `deploy:local: ${selected.stacks.length} stack(s) deployed; servers stopped` : `deploy:local: failed for ${failed.join(", ")}; servers stopped`);
  }
  return failed.length === 0 ? 0 : 1;
}

/**
 * Deploys one stack with the cdktf CLI, checks the second plan is empty and (with destroy) destroys it.
 * @param {StackModel} stack
 * @param {{ cli: CliApi, env: NodeJS.ProcessEnv, outdir: string, s3: string, ga: string, mirror: string | undefined, destroy: boolean, signal: AbortSignal }} context
 * @returns {Promise<boolean>} whether every step did what it should
 */
async function deployStack(stack, { cli, env, outdir, s3, ga, mirror, destroy, signal }) {
  const name = stack.name;
  const dir = join(outdir, "stacks", name);
  // Fake keys in the override file; the endpoints in the environment (an endpoints block costs the provider
  // seconds per configured provider in every command), so cdk.tf.json stays as users get it.
  addLocalFiles(dir, (stackJson) => cli.localRehearsalFiles(stackJson, s3, {}, "environment"));
  await seedStack(s3, stack);

  // cdktf runs `terraform init` with no -backend-config of its own; Terraform's TF_CLI_ARGS_init adds it.
  const tfEnv = cli.localEndpointEnvironment(
    {
      ...terraformEnv(mirror, env),
      DISABLE_VERSION_CHECK: "true",
      TF_CLI_ARGS_init: `-backend-config=${join(dir, cli.BACKEND_CONFIG_FILE)}`,
      AWS_PROFILE: undefined,
      AWS_SESSION_TOKEN: undefined,
    },
    s3,
    { globalaccelerator: ga },
  );
  const outputsFile = join(dir, "outputs.json");
  const cdktf = (/** @type {string} */ command, /** @type {string[]} */ ...extra) =>
    runCdktf([command, name, "--auto-approve", "--skip-synth", "--skip-provider-lock", "--output", outdir, "--no-color", ...extra], { cwd: ROOT, env: tfEnv, signal });

  const before = (await recordedCalls(ga)).length;
  const started = Date.now();
  // cdktf reads the outputs after the apply anyway; --outputs-file keeps them, so no second `terraform output`.
  const deployed = await cdktf("deploy", `--outputs-file=${outputsFile}`);
  const applied = applySummary(deployed.stdout);
  if (deployed.status !== 0 || applied === undefined) {
    say(`[${name}] cdktf deploy failed (exit ${deployed.status}):\n${tail(deployed.stdout + deployed.stderr)}`);
    return false;
  }
  const deployCalls = (await recordedCalls(ga)).slice(before);
  say(`[${name}] cdktf deploy: ${applied} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  say(`[${name}] Global Accelerator calls: ${deployCalls.length} (${countByOperation(deployCalls)})`);

  /** @type {Record<string, any>} */
  const values = JSON.parse(readFileSync(outputsFile, "utf8"))[name] ?? {};
  say(`[${name}] accelerator ${values.dns_name ?? "?"}, static IPs ${(values.static_ips ?? []).join(", ")}`);

  const plan = await terraformAsync(["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock-timeout=60s"], { cwd: dir, env: tfEnv, signal });
  if (plan.status === 2) {
    say(`[${name}] second plan is NOT empty: the apply did not converge; the diff:\n${tail(plan.stdout, 200)}`);
    return false;
  }
  if (plan.status !== 0) {
    say(`[${name}] second plan failed (exit ${plan.status}):\n${tail(plan.stdout + plan.stderr)}`);
    return false;
  }
  say(`[${name}] second plan: no changes (terraform plan -detailed-exitcode exit 0)`);
  if (!destroy) return true;

  const beforeDestroy = (await recordedCalls(ga)).length;
  const destroyed = await cdktf("destroy");
  const destroyCalls = (await recordedCalls(ga)).slice(beforeDestroy);
  if (destroyed.status !== 0) {
    const refused = /Instance cannot be destroyed/.test(destroyed.stdout + destroyed.stderr);
    say(
      refused
        ? `[${name}] cdktf destroy refused: the accelerator has prevent_destroy (its static IPs would be lost for ever); set accelerator.protectFromDestroy: false to allow it. Nothing was deleted (${countByOperation(destroyCalls.filter((c) => /^(Delete|Update)/.test(c.operation ?? ""))) || "no delete or update call"}).`
        : `[${name}] cdktf destroy failed (exit ${destroyed.status}):\n${tail(destroyed.stdout + destroyed.stderr)}`,
    );
    return false;
  }
  const order = destroyCalls.filter((c) => /^Delete|^UpdateAccelerator$/.test(c.operation ?? "") && c.status === 200).map((c) => c.operation);
  /** @type {{ accelerators: { AcceleratorArn: string }[] }} */
  const state = await control(ga, "state");
  if (state.accelerators.some((a) => a.AcceleratorArn === values.accelerator_arn)) {
    say(`[${name}] cdktf destroy reported success, but the Global Accelerator API still holds ${values.accelerator_arn}`);
    return false;
  }
  say(`[${name}] cdktf destroy: ${/Destroy complete! Resources: \d+ destroyed\./.exec(destroyed.stdout)?.[0] ?? "done"} Changes, in order: ${order.join(" -> ")}`);
  return true;
}

main(process.argv.slice(2), process.env).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`deploy:local: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
