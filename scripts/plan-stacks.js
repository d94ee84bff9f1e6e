#!/usr/bin/env node
// @ts-check
// `npm run -s plan-stacks -- <stack ...> [--drift] [--concurrency N] [--out DIR] [--summary FILE]`
// Plans several synthesized stacks (cdktf.out/stacks/<stack>, as `npm run synth` leaves them) in one CI
// job, at most N at a time, each as the plan workflow planned one stack per job: the committed lock file
// copied in, `terraform init -input=false -lockfile=readonly`, `terraform plan -input=false
// -lock-timeout=5m -out=tfplan`, `terraform show -json tfplan` and the plan gate (in this process). With
// --drift, as the drift workflow does: `plan -lock-timeout=10m -detailed-exitcode` (0 no drift, 2 drift,
// never applied), and the drift texts and annotation.
//
// Each stack gets DIR/<stack>/ (DIR: plans): summary.md (the gate's Markdown, or the "no plan" text when
// Terraform failed first; the drift texts with --drift), result.json (status passed | failed | no-plan |
// drift | no-drift, the counts, destructive, capacity warnings, exit codes), plan.json, init.log,
// plan.log, gate.txt (and show.log when terraform show said anything on stderr). One failing stack never
// stops the others. --summary FILE ($GITHUB_STEP_SUMMARY) gets each stack's summary, cut to fit GitHub's
// 1 MiB per step. The provider is removed from each stack folder once it is planned (675 MB a stack).
//
// Exit status: 0 every stack passed (with --drift: none drifted); 1 any failed, has no plan or drifted,
// or the config cannot be used; 2 bad usage, a stack the config does not have or one not synthesized.
"use strict";
const { appendFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { availableParallelism } = require("node:os");
const { join, resolve } = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");
const { loadCliApi } = require("./lib/run-bundle");
const { STEP_SUMMARY_LIMIT, STEP_SUMMARY_MARGIN, TEXT, budgetSections, planStack, runPool, writeResults } = require("./lib/plan-stacks");
const { VERDICT } = require("./lib/plan-comment");

const USAGE = "usage: npm run -s plan-stacks -- <stack ...> [--drift] [--concurrency N] [--out DIR] [--summary FILE]";
const fail = failer("plan-stacks");

/**
 * How many stacks plan at once unless --concurrency says otherwise: one per CPU, at most 4. Measured with
 * `npm run bench -- --plan-concurrency` (bench/plan-concurrency.js): 6 stacks of the default config, real
 * Terraform 1.11.4 and hashicorp/aws 5.100.0 against moto, on 2 CPUs shared with other work (2026-12-03),
 * peak memory the sum of the RSS of terraform and its provider processes sampled from /proc every 100 ms:
 *
 *   concurrency   wall time against 1 (three runs)   peak RSS (PSS)
 *   1             1.00                                 571 MB (558 MB)
 *   2             0.68, 0.82, 0.73                    1108 MB (942 MB)
 *   4             0.48, 0.80, 0.87                    2181 MB (1549 MB)
 *
 * Each plan holds about 550 MB (terraform and its provider): 4 at once take 2.2 GB, within GitHub's
 * standard runners (7 GB with 2 vCPUs for private repositories, 16 GB with 4 vCPUs for public ones), so
 * memory is not the bound; the CPUs are (starting the provider and planning keep one busy). On 2 CPUs a
 * second plan at once saves a fifth to a third of the time, and going to 4 gains nothing reliable while it
 * doubles the memory: one per CPU, so 2 on the private runner and 4 on the public one. Not above 4: not
 * measured there.
 */
const DEFAULT_CONCURRENCY = Math.min(4, availableParallelism());

/** @param {string[]} argv */
async function main(argv) {
  const { args, error } = parseCommandLine(
    argv,
    { drift: { type: "boolean" }, concurrency: { type: "string" }, out: { type: "string" }, summary: { type: "string" } },
    USAGE,
  );
  if (args === undefined) return fail(error);
  const names = args.positionals;
  if (names.length === 0) return fail(`name at least one stack to plan\n${USAGE}`);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) return fail(`stack ${JSON.stringify(twice[0])} is named twice`);
  const concurrency = args.values.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(args.values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) return fail(`--concurrency takes a whole number from 1, received ${JSON.stringify(args.values.concurrency)}\n${USAGE}`);
  const drift = args.values.drift === true;
  const outDir = resolve(args.values.out ?? "plans");

  const cli = loadCliApi();
  const selected = cli.loadStacksReporting(process.env, names);
  if (selected.configError) return 1;
  if (selected.error !== undefined) return fail(selected.error);
  const synthDir = resolve(process.env.CDKTF_OUTDIR || "cdktf.out", "stacks");
  const missing = selected.stacks.filter((s) => !existsSync(join(synthDir, s.name, "cdk.tf.json")));
  if (missing.length > 0) {
    return fail(`not synthesized: ${missing.map((s) => join(synthDir, s.name, "cdk.tf.json")).join(", ")} missing; run npm run synth first (with the same SMART_ROUTING_CONFIG)`);
  }
  const stacks = selected.stacks;

  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env };
  const running = Math.min(concurrency, stacks.length);
  if (running > 1 && env.TF_PLUGIN_CACHE_DIR) {
    // Terraform documents its plugin cache as unsafe for concurrent `terraform init`.
    process.stderr.write(`plan-stacks: TF_PLUGIN_CACHE_DIR (${env.TF_PLUGIN_CACHE_DIR}) is not passed to terraform: ${running} inits run at once, and Terraform's plugin cache is not safe for concurrent use\n`);
    delete env.TF_PLUGIN_CACHE_DIR;
    delete env.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE;
  }

  const controller = new AbortController();
  /** @param {NodeJS.Signals} signal */
  const stop = (signal) => {
    process.stderr.write(`plan-stacks: ${signal}: stopping; Terraform gets SIGTERM and releases its state locks\n`);
    controller.abort();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  const started = process.hrtime.bigint();
  process.stdout.write(`plan-stacks: ${drift ? "checking drift of" : "planning"} ${stacks.length} stack(s), ${running} at a time; results in ${outDir}\n`);
  let finished = 0;
  /** @type {Awaited<ReturnType<typeof planStack>>[]} */
  let planned;
  try {
    planned = await runPool(stacks, concurrency, async (stack) => {
      const dir = join(outDir, stack.name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      process.stdout.write(`plan-stacks: ${stack.name}: started\n`);
      const result = await planStack(stack, {
        stackDir: join(synthDir, stack.name),
        drift,
        env,
        cli,
        signal: controller.signal,
        onPlanJson: (text) => writeFileSync(join(dir, "plan.json"), text),
      });
      writeResults(dir, result);
      finished++;
      report(result, finished, stacks.length);
      return result;
    });
  } catch (err) {
    if (controller.signal.aborted) {
      process.stderr.write("plan-stacks: stopped before every stack was planned\n");
      return 1;
    }
    throw err;
  }

  if (args.values.summary !== undefined) appendSummary(args.values.summary, planned, outDir);

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  /** @type {Map<string, number>} */
  const byStatus = new Map();
  for (const p of planned) byStatus.set(p.result.status, (byStatus.get(p.result.status) ?? 0) + 1);
  const tally = [...byStatus].map(([status, n]) => `${n} ${status}`);
  process.stdout.write(`\nplan-stacks: ${stacks.length} stack(s), ${running} at a time, ${seconds.toFixed(1)} s: ${tally.join(", ")}\n`);
  for (const p of planned) process.stdout.write(`  ${VERDICT[p.result.status]}  ${p.result.stack}${describe(p.result)}\n`);
  const ok = planned.every((p) => p.result.status === "passed" || p.result.status === "no-drift");
  return ok ? 0 : 1;
}

/** @param {import("./lib/plan-stacks").PlanResult} r */
function describe(r) {
  if (r.problem !== undefined) return `: ${r.problem}`;
  if (r.counts === null) return "";
  const c = r.counts;
  const warnings = r.capacityWarnings.length > 0 ? `; capacity: ${r.capacityWarnings.length} region(s) overloaded` : "";
  return `: ${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete, ${c.move} to move${warnings}`;
}

/**
 * A finished stack: its logs folded, its result, and in drift mode the drift annotation.
 * @param {Awaited<ReturnType<typeof planStack>>} planned @param {number} finished @param {number} total
 */
function report(planned, finished, total) {
  const { result } = planned;
  const lines = [];
  for (const log of planned.logs) {
    lines.push(`::group::${result.stack}: terraform ${log.step} (exit ${log.status})`, log.text.replace(/\n?$/, ""), "::endgroup::");
  }
  if (planned.gateText !== "") lines.push(`::group::${result.stack}: plan gate (${result.exitCodes.gate === 0 ? "passed" : "failed"})`, planned.gateText.replace(/\n$/, ""), "::endgroup::");
  lines.push(`plan-stacks: ${result.stack}: ${VERDICT[result.status]}${describe(result)} (${finished} of ${total} done, ${result.seconds.toFixed(1)} s)`);
  if (result.status === "drift") lines.push(TEXT.driftAnnotation(result.stack));
  process.stdout.write(`${lines.join("\n")}\n`);
}

/**
 * Appends each stack's summary to the step summary file, within what GitHub allows a step (the file may
 * already hold some).
 * @param {string} file @param {Awaited<ReturnType<typeof planStack>>[]} planned @param {string} outDir
 */
function appendSummary(file, planned, outDir) {
  const already = existsSync(file) ? statSync(file).size : 0;
  const available = STEP_SUMMARY_LIMIT - STEP_SUMMARY_MARGIN - already;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = process.env;
  const where = server && repo && run ? ` of [the run](${server}/${repo}/actions/runs/${run})` : "";
  const shown = budgetSections(
    planned.map((p) => ({ name: p.result.stack, text: p.summary })),
    available,
    (name, shownBytes, fullBytes) =>
      `\n_… cut short here (${shownBytes.toLocaleString("en-US")} of ${fullBytes.toLocaleString("en-US")} bytes) to keep this job summary within GitHub's 1 MiB per step: the whole section is ${join(outDir, name, "summary.md").replace(`${process.cwd()}/`, "")} in the job's artifact${where}._\n\n`,
  );
  for (const name of shown.cut) process.stderr.write(`plan-stacks: ${name}: its job summary section is cut short (GitHub allows 1 MiB per step); its summary.md is whole\n`);
  for (const name of shown.omitted) process.stderr.write(`plan-stacks: ${name}: left out of the job summary (GitHub allows 1 MiB per step); its summary.md is whole\n`);
  appendFileSync(file, shown.text);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`plan-stacks: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
