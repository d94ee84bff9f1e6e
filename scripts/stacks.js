#!/usr/bin/env node
// @ts-check
// `npm run -s stacks -- [stack ...] [--json | --matrix [--max-jobs N]]
//                      [--changed-since <ref> | --applied <file>] [--allow-removed] [--report <file>]`
//
// The config's stacks (SMART_ROUTING_CONFIG or the embedded default), one name a line, or with --json one
// JSON array on one line: the one source of the stack list (no workflow loops over cdktf.out/stacks/*/).
// Named stacks are checked against the config and printed in its order.
//
// --matrix prints the matrix of the plan and drift workflows, {"include":[{"job":..,"stacks":"a b"}, ...]}:
// at most --max-jobs jobs (default 256, GitHub's limit per workflow run), every stack in exactly one job,
// consecutive stacks together, job sizes differing by at most one.
//
// --changed-since <ref> keeps the stacks a change affects: the ref is synthesized with its own code, lock
// files and config (a copy from git archive with its own install; the working tree is never touched) next
// to the working tree, and the stacks whose synthesized files differ, and the new ones, are printed; every
// stack when the provider lock file or the workflows' Terraform version changed. Stacks the ref has and the
// working tree does not are removed stacks: they are listed on stderr, and the command exits 3 (after
// printing the rest) unless --allow-removed acknowledges them, since a removed stack's accelerator, static
// IPs and state still exist. --applied <file> does the same per stack for the apply workflow: the file
// maps each stack to the commit last applied for it ({"stack": "<sha>"}); a stack with no such commit, or
// one this checkout does not have, counts as changed. --report <file> writes the decision as JSON (each
// stack with its reason and base; removed stacks).
//
// Exit status: 0; 1 a bad config or a failed comparison (nothing printed on stdout); 2 bad usage or an
// unknown stack; 3 removed stacks not acknowledged.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");
const { loadCliApi } = require("./lib/run-bundle");
const { ChangeDetectionError, changedStacks, hasCommit, matrixJobs, resolveCommit, treeOf } = require("./lib/changed-stacks");

const USAGE =
  "usage: npm run -s stacks -- [stack ...] [--json | --matrix [--max-jobs N]] [--changed-since <ref> | --applied <file>] [--allow-removed] [--report <file>]";
const fail = failer("stacks");
/** GitHub runs at most 256 jobs from one matrix in a workflow run. */
const GITHUB_MATRIX_LIMIT = 256;
const ROOT = path.resolve(__dirname, "..");

const OPTIONS = /** @type {const} */ ({
  json: { type: "boolean" },
  matrix: { type: "boolean" },
  "max-jobs": { type: "string" },
  "changed-since": { type: "string" },
  applied: { type: "string" },
  "allow-removed": { type: "boolean" },
  report: { type: "string" },
});

/** @param {string[]} argv @returns {Promise<number>} */
async function main(argv) {
  const { args, error } = parseCommandLine(argv, OPTIONS, USAGE);
  if (args === undefined) return fail(error);
  const v = args.values;
  const usageError = checkUsage(v, args.positionals);
  if (usageError !== undefined) return fail(`${usageError}\n${USAGE}`);
  const maxJobs = v["max-jobs"] === undefined ? GITHUB_MATRIX_LIMIT : Number(v["max-jobs"]);

  const cli = loadCliApi();
  const selected = cli.loadStacksReporting(process.env, args.positionals);
  if (selected.configError) return 1;
  if (selected.error !== undefined) return fail(selected.error);
  let names = selected.stacks.map((s) => s.name);

  /** @type {{ name: string, base: string }[]} */
  let removed = [];
  const comparing = v["changed-since"] !== undefined || v.applied !== undefined;
  if (comparing) {
    /** @type {Awaited<ReturnType<typeof decide>>} */
    let decision;
    try {
      decision = await decide(v, names);
    } catch (err) {
      if (!(err instanceof ChangeDetectionError)) throw err;
      process.stderr.write(`stacks: ${err.message}\n`);
      return 1;
    }
    for (const c of decision.changed) process.stderr.write(`stacks: ${c.name}: ${c.reason}\n`);
    process.stderr.write(`stacks: ${decision.changed.length} of ${names.length} stack(s) changed${decision.since}\n`);
    removed = decision.removed;
    if (v.report !== undefined) writeReport(v.report, { ...decision, total: names.length, acknowledged: Boolean(v["allow-removed"]) || v.applied !== undefined });
    names = decision.changed.map((c) => c.name);
  }

  if (v.matrix) process.stdout.write(`${JSON.stringify({ include: matrixJobs(names, maxJobs) })}\n`);
  else process.stdout.write(v.json ? `${JSON.stringify(names)}\n` : names.map((n) => `${n}\n`).join(""));

  if (removed.length === 0) return 0;
  for (const r of removed) {
    process.stderr.write(
      `stacks: ${r.name} was removed from the config since ${r.base.slice(0, 12)}: its accelerator, its static IP addresses and its Terraform state still exist, and no workflow manages them any more.\n`,
    );
  }
  // The apply workflow applies what a reviewed pull request acknowledged: it reports, it does not stop.
  if (v.applied !== undefined || v["allow-removed"]) {
    process.stderr.write(`stacks: removal acknowledged${v.applied !== undefined ? " (applying)" : " (--allow-removed)"}\n`);
    return 0;
  }
  process.stderr.write(
    "stacks: destroy a removed stack's resources on purpose from a commit that still has it (terraform destroy in its synthesized folder), or decide to leave them unmanaged; then acknowledge the removal with --allow-removed (on a pull request: the label remove-stacks).\n",
  );
  return 3;
}

/**
 * Options that do not go together, or values out of range; undefined when the command line is fine.
 * @param {Record<string, string | boolean | undefined>} v @param {string[]} positionals
 */
function checkUsage(v, positionals) {
  if (v.json && v.matrix) return "--json and --matrix print different things: choose one";
  if (v["max-jobs"] !== undefined) {
    if (!v.matrix) return "--max-jobs only applies to --matrix";
    const n = Number(v["max-jobs"]);
    if (!Number.isInteger(n) || n < 1 || n > GITHUB_MATRIX_LIMIT) return `--max-jobs must be a whole number from 1 to ${GITHUB_MATRIX_LIMIT} (GitHub runs at most ${GITHUB_MATRIX_LIMIT} jobs per matrix), received ${JSON.stringify(v["max-jobs"])}`;
  }
  if (v["changed-since"] !== undefined && v.applied !== undefined) return "--changed-since and --applied both choose what to compare with: choose one";
  const comparing = v["changed-since"] !== undefined || v.applied !== undefined;
  if (comparing && positionals.length > 0) return "stack names and --changed-since/--applied both choose stacks: choose one";
  if (!comparing && v["allow-removed"]) return "--allow-removed only applies to --changed-since";
  if (!comparing && v.report !== undefined) return "--report only applies to --changed-since or --applied";
  return undefined;
}

/**
 * Compares with the ref, or with each stack's last applied commit.
 * @param {Record<string, string | boolean | undefined>} v @param {string[]} order
 */
async function decide(v, order) {
  const note = (/** @type {string} */ line) => process.stderr.write(`stacks: ${line}\n`);
  const config = process.env.SMART_ROUTING_CONFIG;
  if (typeof v["changed-since"] === "string") {
    const sha = resolveCommit(v["changed-since"], ROOT);
    const result = await changedStacks({ root: ROOT, config, order, bases: new Map([[sha, undefined]]), note });
    return { ...result, since: ` since ${v["changed-since"]} (${sha.slice(0, 12)})` };
  }
  const applied = readApplied(String(v.applied));
  /** @type {Map<string, string[] | undefined>} */
  const bases = new Map();
  /** @type {{ name: string, reason: string, base: string }[]} */
  const unknown = [];
  // Commits with the same tree synthesize alike: one synth for each tree, not for each commit.
  /** @type {Map<string, string>} */
  const byTree = new Map();
  for (const name of order) {
    const sha = applied[name];
    if (sha === undefined) unknown.push({ name, reason: "no applied commit is recorded for it", base: "" });
    else if (!hasCommit(sha, ROOT)) unknown.push({ name, reason: `its last applied commit ${sha.slice(0, 12)} is not in this checkout's history`, base: sha });
    else {
      const tree = treeOf(sha, ROOT);
      const base = byTree.get(tree) ?? sha;
      byTree.set(tree, base);
      bases.set(base, [...(bases.get(base) ?? []), name]);
    }
  }
  if (bases.size > 0) note(`comparing ${[...bases.values()].flat().length} stack(s) with their last applied commits: ${bases.size} distinct tree(s) to synthesize`);
  const compared = bases.size === 0 ? { changed: [], removed: [] } : await changedStacks({ root: ROOT, config, order, bases, note });
  // Each stack is reported against its own recorded commit.
  const own = compared.changed.map((c) => ({ ...c, base: applied[c.name] }));
  const changed = new Set([...unknown, ...own].map((c) => c.name));
  const reasons = new Map([...unknown, ...own].map((c) => [c.name, c]));
  const kept = new Set(order);
  const removed = Object.keys(applied)
    .filter((name) => !kept.has(name))
    .sort()
    .map((name) => ({ name, base: applied[name] }));
  return {
    changed: order.filter((n) => changed.has(n)).map((n) => /** @type {{ name: string, reason: string, base: string }} */ (reasons.get(n))),
    removed,
    since: " since each stack's last applied commit",
  };
}

/** @param {string} file @returns {Record<string, string>} */
function readApplied(file) {
  let parsed;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ChangeDetectionError(`--applied ${file}: ${err instanceof SyntaxError ? `not JSON (${err.message})` : /** @type {NodeJS.ErrnoException} */ (err).code ?? String(err)}`);
  }
  const ok = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) && Object.values(parsed).every((sha) => typeof sha === "string");
  if (!ok) throw new ChangeDetectionError(`--applied ${file}: expected a JSON object of stack name to commit, {"stack": "<sha>"}, received ${JSON.stringify(parsed).slice(0, 200)}`);
  return parsed;
}

/** @param {string} file @param {unknown} report */
function writeReport(file, report) {
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`stacks: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
