#!/usr/bin/env node
// @ts-check
// `npm run mutate [-- --force] [--mutate <glob,...>] [--concurrency <n>]`: mutation testing of the pure
// cores (src/validation, src/plan-gate, src/explain, and src/autopilot's control law: decide.ts and
// predict.ts) with StrykerJS and its jest runner (stryker.config.json), then the score of each folder
// against the bar. Incremental: stryker/incremental.json (committed) holds the last run's results, so only
// mutants in changed code, or covered by changed tests, run again; `-- --force` runs every mutant.
// Other options are refused (exit 2). A mutant that no test can kill (it does not change behaviour) is
// marked where it is, with `// Stryker disable next-line <mutator>: <why it is equivalent>`, so the reason
// is read beside the code.
// Exit 0 when every folder scores at least the bar; 1 when one does not, or Stryker fails.
"use strict";
const { spawnSync } = require("node:child_process");
const { readFileSync } = require("node:fs");
const { join, relative } = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");

const ROOT = join(__dirname, "..");
const REPORT = join(ROOT, "reports", "mutation", "mutation.json");
/** The folders whose score is held to the bar. */
const FOLDERS = ["src/validation", "src/plan-gate", "src/explain", "src/autopilot"];
const BAR = 95;

/** Stryker's statuses that count as detected, and those that count against the score. */
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

/**
 * Per folder: the mutants detected and undetected (ignored, static and compile errors do not count), the
 * score, and the undetected ones as `file:line:col Mutator: replacement` lines.
 * @param {{ files: Record<string, { mutants: { status: string, mutatorName: string, replacement?: string, location: { start: { line: number, column: number } } }[] }> }} report
 * @param {readonly string[]} folders
 */
function scores(report, folders) {
  return folders.map((folder) => {
    let detected = 0;
    /** @type {string[]} */
    const survivors = [];
    for (const [file, { mutants }] of Object.entries(report.files)) {
      const path = relative(ROOT, join(ROOT, file));
      if (!path.startsWith(`${folder}/`)) continue;
      for (const m of mutants) {
        if (DETECTED.has(m.status)) detected++;
        else if (UNDETECTED.has(m.status)) {
          survivors.push(`${path}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${(m.replacement ?? "").replace(/\s+/g, " ").slice(0, 100)}`);
        }
      }
    }
    const total = detected + survivors.length;
    return { folder, detected, total, score: total === 0 ? 100 : (100 * detected) / total, survivors };
  });
}

const USAGE = "usage: npm run mutate -- [--force] [--mutate <glob,...>] [--concurrency <n>]";

/**
 * The Stryker options this command passes on, from its command line: --force (every mutant, not only those
 * the incremental file cannot vouch for), --mutate (which files or ranges, Stryker's syntax) and
 * --concurrency (how many test runners). Anything else is refused, before Stryker starts.
 * @param {string[]} argv
 * @returns {{ stryker: string[], error?: undefined } | { error: string, stryker?: undefined }}
 */
function strykerArguments(argv) {
  const options = /** @type {const} */ ({ force: { type: "boolean" }, mutate: { type: "string" }, concurrency: { type: "string" } });
  const { args, error } = parseCommandLine(argv, options, USAGE);
  if (args === undefined) return { error };
  if (args.positionals.length > 0) return { error: `Unexpected argument '${args.positionals[0]}'.\n${USAGE}` };
  const { force, mutate, concurrency } = args.values;
  if (concurrency !== undefined && !/^[1-9]\d*$/.test(concurrency)) return { error: `--concurrency takes a whole number from 1, received ${JSON.stringify(concurrency)}\n${USAGE}` };
  return {
    stryker: [...(force ? ["--force"] : []), ...(mutate !== undefined ? ["--mutate", mutate] : []), ...(concurrency !== undefined ? ["--concurrency", concurrency] : [])],
  };
}

function main() {
  const { stryker, error } = strykerArguments(process.argv.slice(2));
  if (stryker === undefined) return failer("mutate")(`${error}\nnothing was run.`);
  const run = spawnSync(process.execPath, [join(ROOT, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js"), "run", ...stryker], { cwd: ROOT, stdio: "inherit" });
  if (run.status !== 0) {
    process.stderr.write(`mutate: stryker exited with ${run.status ?? run.signal}\n`);
    return 1;
  }
  const report = JSON.parse(readFileSync(REPORT, "utf8"));
  const results = scores(report, FOLDERS);
  let ok = true;
  process.stdout.write(`\nmutation score by folder (bar: ${BAR}%)\n`);
  for (const r of results) {
    const passed = r.score >= BAR;
    ok &&= passed;
    process.stdout.write(`  ${r.folder.padEnd(16)} ${r.score.toFixed(2).padStart(6)}%  ${r.detected}/${r.total} detected  ${passed ? "ok" : "BELOW THE BAR"}\n`);
    for (const s of r.survivors) process.stdout.write(`    ${s}\n`);
  }
  return ok ? 0 : 1;
}

module.exports = { scores, strykerArguments };
if (require.main === module) process.exitCode = main();
