#!/usr/bin/env node
// @ts-check
// `npm run bench -- --plan` (or `node bench/plan-path.js [--runs N] [--json]`): what the CI plan path costs
// against the least any Terraform CI does, in one run on this machine, on the default config, with the
// same provider and the same local S3 API (moto):
//
//   bare        terraform init + terraform plan of the synthesized stack folder (no lock file there, so
//               init trusts whatever provider it installs and checks no checksum)
//   bare+lock   the same with the committed lock file in the folder, as Terraform recommends keeping it
//               (init then checks the provider against it, as the CI path's init -lockfile=readonly does)
//   CI path     terraform-plan.yml's per-stack steps, as the workflow runs them: the plan job's `init`,
//               `plan`, `gate` and `summary` steps, taken from the workflow file and run with bash by the
//               workflow harness (scripts/lib/workflow-run.js) in a checkout where synth already ran
//   before      the per-stack loop of the workflow before this change (init, validate, plan,
//               show -json to a file, then npm run plan-gate), for comparison
//   plan:local  `npm run plan:local -- <stack>` (its own moto, synth, init, plan, show -json, gate)
//   moto        moto_server's start-up until it answers (plan:local's parts: moto + bare)
//
// Arms run interleaved (one run of each in turn), so load that comes and goes on the machine falls on all
// of them alike; each arm's median is reported. Before any time is reported, every arm must have planned
// the same changes. Exit 1 when an arm fails.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { checkoutCopy, runSteps } = require("../scripts/lib/workflow-run");
const { terraformAvailability, terraformEnv } = require("../scripts/lib/terraform");
const { startS3Server } = require("../scripts/lib/moto-server");
const { seedStack } = require("../scripts/lib/moto-fixtures");
const { loadCliApi } = require("../scripts/lib/run-bundle");
const { runAsync } = require("../scripts/lib/run-async");
const { stringify } = require("yaml");

const ROOT = path.join(__dirname, "..");
const WORKFLOW = path.join(ROOT, ".github", "workflows", "terraform-plan.yml");
/** The plan job's steps that make the per-stack path (after checkout, install, synth and credentials). */
const CI_STEPS = ["init", "plan", "gate", "summary"];
const CONFIG_FILE = "smart-routing.yaml";

/** @param {string[]} argv */
function parseArgs(argv) {
  const args = { runs: 5, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") args.runs = Number(argv[++i]);
    else if (argv[i] === "--json") args.json = true;
    else throw new Error(`unknown option ${argv[i]} (allowed: --runs N, --json)`);
  }
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error("--runs takes a whole number from 1");
  return args;
}

/**
 * A command, asynchronously; rejects with its output when it fails.
 * @param {string} command @param {string[]} args @param {{ cwd: string, env: NodeJS.ProcessEnv }} options
 * @returns {Promise<string>}
 */
async function run(command, args, options) {
  const result = await runAsync(command, args, options);
  const output = result.stdout + result.stderr;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status}):\n${output}`);
  return output;
}

/** @param {() => Promise<string>} fn @returns {Promise<{ seconds: number, output: string }>} */
async function timed(fn) {
  const start = process.hrtime.bigint();
  const output = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, output };
}

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The number of resources a plan creates, from terraform plan's text or the gate's summary. @param {string} output */
function planned(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const terraform = /Plan: (\d+) to add, 0 to change, 0 to destroy\./.exec(plain);
  const gate = /Plan for [\w-]+: (\d+) to create, 0 to update/.exec(plain);
  return Number((terraform ?? gate)?.[1] ?? NaN);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const availability = terraformAvailability();
  if (!availability.ok) throw new Error(availability.reason);
  const cli = loadCliApi();
  const stack = cli.loadModel({}).model?.stacks[0];
  if (stack === undefined) throw new Error("the embedded default config did not load");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "smart-routing-bench-plan-"));
  const s3 = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  try {
    await seedStack(s3.endpoint, stack);
    const backend = path.join(work, "local.tfbackend");
    fs.writeFileSync(backend, `${cli.localRehearsalFiles({ provider: { aws: [] } }, s3.endpoint)[cli.BACKEND_CONFIG_FILE]}`);
    // What the workflow's env and the credentials step give every step (here: the local S3 API, fake keys).
    const awsEnv = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-west-2", AWS_ENDPOINT_URL: s3.endpoint, AWS_EC2_METADATA_DISABLED: "true", TF_CLI_ARGS_init: `-backend-config=${backend}` };
    const cliConfig = terraformEnv(availability.mirror);
    /** @type {NodeJS.ProcessEnv} */
    const tfEnv = { ...cliConfig, ...awsEnv, SMART_ROUTING_CONFIG: undefined };

    // A checkout where the plan job's earlier steps (install, synth) already ran, with the default config
    // as the user's config file (the workflows refuse to plan without one).
    const checkout = path.join(work, "checkout");
    checkoutCopy(ROOT, checkout, { [CONFIG_FILE]: stringify(cli.DEFAULT_CONFIG) });
    await run(process.execPath, ["scripts/synth.js"], { cwd: checkout, env: { ...process.env, SMART_ROUTING_CONFIG: CONFIG_FILE, CDKTF_OUTDIR: undefined } });
    const stackDir = path.join(checkout, "cdktf.out", "stacks", stack.name);
    const fresh = () => {
      for (const f of [".terraform", ".terraform.lock.hcl", "tfplan"]) fs.rmSync(path.join(stackDir, f), { recursive: true, force: true });
      for (const f of ["plan.json", "summary.md"]) fs.rmSync(path.join(checkout, f), { force: true });
    };
    const bareDir = path.join(work, "bare");
    /** terraform init + plan in a folder holding only the stack's JSON (and the lock file, if asked). @param {boolean} withLock */
    const bare = async (withLock) => {
      fs.rmSync(bareDir, { recursive: true, force: true });
      fs.mkdirSync(bareDir);
      fs.copyFileSync(path.join(stackDir, "cdk.tf.json"), path.join(bareDir, "cdk.tf.json"));
      if (withLock) fs.copyFileSync(path.join(checkout, "terraform", ".terraform.lock.hcl"), path.join(bareDir, ".terraform.lock.hcl"));
      return (await run("terraform", ["init"], { cwd: bareDir, env: tfEnv })) + (await run("terraform", ["plan"], { cwd: bareDir, env: tfEnv }));
    };

    /** @type {Record<string, { name: string, run: () => Promise<string> }>} */
    const arms = {
      bare: { name: "bare: terraform init + terraform plan", run: () => bare(false) },
      bareLocked: { name: "bare with the lock file in the folder: terraform init + terraform plan", run: () => bare(true) },
      ci: {
        name: "CI path: terraform-plan.yml's init, plan, gate, summary steps",
        run: async () => {
          fresh();
          const job = await runSteps(WORKFLOW, {
            root: ROOT,
            event: "pull_request",
            github: { event: { pull_request: { number: 1, head: { sha: "0".repeat(40) } } } },
            vars: { SMART_ROUTING_CONFIG: CONFIG_FILE },
            env: { PATH: process.env.PATH, HOME: process.env.HOME, TF_CLI_CONFIG_FILE: cliConfig.TF_CLI_CONFIG_FILE, ...awsEnv },
            jobId: "plan",
            matrix: { stack: stack.name },
            workspace: checkout,
            workDir: work,
            only: (step) => CI_STEPS.includes(step.id),
          });
          const failed = job.steps.find((s) => s.status !== "success");
          if (failed !== undefined || job.steps.length !== CI_STEPS.length) throw new Error(`the CI path failed at ${failed?.name}:\n${failed?.output}`);
          return job.steps.map((s) => s.output).join("");
        },
      },
      before: {
        name: "before: init, validate, plan, show -json > file, npm run plan-gate",
        run: () => {
          fresh();
          const script = [
            `dir=cdktf.out/stacks/${stack.name}`,
            'cp terraform/.terraform.lock.hcl "$dir"',
            'terraform -chdir="$dir" init -input=false -lockfile=readonly',
            'terraform -chdir="$dir" validate',
            'terraform -chdir="$dir" plan -input=false -lock-timeout=5m -out=tfplan',
            'terraform -chdir="$dir" show -json tfplan > plan.json',
            `npm run --silent plan-gate -- plan.json --stack ${stack.name} --markdown summary.md`,
          ].join("\n");
          return run("bash", ["-eo", "pipefail", "-c", script], { cwd: checkout, env: { ...tfEnv, SMART_ROUTING_CONFIG: CONFIG_FILE, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" } });
        },
      },
      planLocal: {
        name: `npm run plan:local -- ${stack.name}`,
        run: () => {
          const dir = fs.mkdtempSync(path.join(work, "plan-local-"));
          return run("npm", ["run", "--silent", "plan:local", "--", stack.name], { cwd: ROOT, env: { ...process.env, SMART_ROUTING_CONFIG: undefined, SMART_ROUTING_S3_ENDPOINT: undefined, SMART_ROUTING_PLAN_DIR: dir } });
        },
      },
      moto: {
        name: "moto_server start-up until it answers",
        run: async () => {
          const server = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
          // Stopping is not part of start-up: timed() has its result once the server answers.
          setImmediate(() => void server.stop());
          return "";
        },
      },
    };

    // Correctness first (and a warm-up run of each arm): every arm that plans must plan the same changes.
    /** @type {Record<string, number>} */
    const counts = {};
    for (const [key, arm] of Object.entries(arms)) {
      const output = await arm.run();
      if (key !== "moto") counts[key] = planned(output);
    }
    if (new Set(Object.values(counts)).size !== 1 || Object.values(counts).some(Number.isNaN)) {
      throw new Error(`the arms planned different changes (${JSON.stringify(counts)}); no times are reported`);
    }

    /** @type {Record<string, number[]>} */
    const samples = Object.fromEntries(Object.keys(arms).map((k) => [k, []]));
    for (let i = 0; i < args.runs; i++) {
      for (const [key, arm] of Object.entries(arms)) {
        process.stderr.write(`run ${i + 1}/${args.runs}: ${arm.name}\n`);
        samples[key].push((await timed(arm.run)).seconds);
      }
    }
    const results = Object.fromEntries(
      Object.entries(samples).map(([key, xs]) => [key, { name: arms[key].name, runs: xs.length, medianSeconds: median(xs), minSeconds: Math.min(...xs), maxSeconds: Math.max(...xs) }]),
    );
    const t = (/** @type {string} */ k) => results[k].medianSeconds;
    const ratios = {
      "CI path / bare (target <= 1.3)": t("ci") / t("bare"),
      "CI path / bare with the lock file": t("ci") / t("bareLocked"),
      "before / bare": t("before") / t("bare"),
      "plan:local / (moto start-up + bare) (target <= 1.3)": t("planLocal") / (t("moto") + t("bare")),
    };
    return { stack: stack.name, resourcesPlanned: counts.bare, results, ratios };
  } finally {
    await s3.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** @param {number} s */
const fmt = (s) => (s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);

/**
 * The report as table lines (bench.js prints them too).
 * @param {{ stack: string, resourcesPlanned: number, results: Record<string, { name: string, medianSeconds: number, minSeconds: number, maxSeconds: number, runs: number }>, ratios: Record<string, number> }} report
 */
function renderPlanPath(report) {
  const rows = Object.values(report.results).map((r) => `| ${r.name} | ${fmt(r.medianSeconds)} | ${fmt(r.minSeconds)}-${fmt(r.maxSeconds)} | ${r.runs} |`);
  const ratios = Object.entries(report.ratios).map(([k, v]) => `| ${k} | ${v.toFixed(2)} |`);
  return [`plan path, stack ${report.stack} (${report.resourcesPlanned} resources to create), medians of interleaved runs:`, "", "| arm | median | min-max | runs |", "|---|---|---|---|", ...rows, "", "| ratio | value |", "|---|---|", ...ratios, ""].join("\n");
}

module.exports = { renderPlanPath };

if (require.main === module) {
  const args = process.argv.slice(2);
  main().then(
    (report) => process.stdout.write(args.includes("--json") ? `${JSON.stringify(report)}\n` : `${renderPlanPath(report)}\n`),
    (err) => {
      process.stderr.write(`bench plan path: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
