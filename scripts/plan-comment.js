#!/usr/bin/env node
// @ts-check
// `npm run -s plan-comment -- --results DIR --stacks <json array file | list> --head <sha> [--base <sha>]
//   [--total N] [--removed <json file>] [--run-url URL] > comment.md`
// The pull request's plan comment (scripts/lib/plan-comment.js renders it), always within GitHub's limit
// of 65,536 characters per comment. DIR holds the stacks' results as `npm run plan-stacks` writes them,
// at any depth (a folder per artifact or merged): <stack>/result.json and summary.md. --stacks names
// every stack that was to be planned (a JSON array, or a file holding one, or names separated by spaces
// or commas); one without a result is "no result". --total: the stacks in the config (default: the
// --removed report's total, else the planned ones). --removed: the stacks removed since the base, as
// `npm run stacks -- --changed-since <ref> --report <file>` writes them ({"removed":[{"name":..}],
// "acknowledged":..,"total":..}), or a JSON array of names or of {"name","acknowledged"}.
// Exit status: 0; 2 bad usage or unreadable --stacks/--removed.
"use strict";
const { existsSync, readFileSync, readdirSync } = require("node:fs");
const { join } = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");
const { renderComment, VERDICT } = require("./lib/plan-comment");

const USAGE =
  "usage: npm run -s plan-comment -- --results DIR --stacks <json array file | list> --head <sha> [--base <sha>] [--total N] [--removed <json file>] [--run-url URL]";
const fail = failer("plan-comment");
const warn = (/** @type {string} */ message) => process.stderr.write(`plan-comment: ${message}\n`);

class InputError extends Error {}

/** @param {string[]} argv */
function main(argv) {
  const string = /** @type {const} */ ({ type: "string" });
  const { args, error } = parseCommandLine(argv, { results: string, stacks: string, head: string, base: string, total: string, removed: string, "run-url": string }, USAGE);
  if (args === undefined) return fail(error);
  const v = args.values;
  if (args.positionals.length > 0) return fail(`unexpected argument ${JSON.stringify(args.positionals[0])}\n${USAGE}`);
  for (const required of /** @type {const} */ (["results", "stacks", "head"])) if (v[required] === undefined) return fail(`--${required} is required\n${USAGE}`);
  let stacks;
  let removed;
  try {
    stacks = stackList(String(v.stacks));
    removed = v.removed === undefined ? { list: [], total: undefined } : removedStacks(v.removed);
  } catch (err) {
    if (err instanceof InputError) return fail(err.message);
    throw err;
  }
  const total = v.total === undefined ? Math.max(removed.total ?? 0, stacks.length) : Number(v.total);
  if (!Number.isInteger(total) || total < stacks.length) return fail(`--total must be a whole number of at least the ${stacks.length} stack(s) planned, received ${JSON.stringify(v.total)}`);
  const reports = readResults(String(v.results), stacks);
  const body = renderComment({ stacks, reports, head: String(v.head), base: v.base, total, removed: removed.list, runUrl: v["run-url"] });
  process.stdout.write(body);
  return 0;
}

/** The planned stacks: a file holding a JSON array, a JSON array, or names separated by spaces or commas. @param {string} value */
function stackList(value) {
  const text = !value.trimStart().startsWith("[") && existsSync(value) ? readFileSync(value, "utf8") : value;
  let list;
  if (text.trimStart().startsWith("[")) {
    try {
      list = JSON.parse(text);
    } catch (err) {
      throw new InputError(`--stacks: not a JSON array of stack names (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!Array.isArray(list) || !list.every((s) => typeof s === "string" && s !== "")) throw new InputError(`--stacks: expected a JSON array of stack names, received ${text.slice(0, 200)}`);
  } else list = text.split(/[\s,]+/).filter((s) => s !== "");
  const twice = list.filter((s, i) => list.indexOf(s) !== i);
  if (twice.length > 0) throw new InputError(`--stacks names ${JSON.stringify(twice[0])} twice`);
  return /** @type {string[]} */ (list);
}

/**
 * The removed stacks and the config's stack count, from `npm run stacks --report` or a plain list.
 * @param {string} file
 * @returns {{ list: import("./lib/plan-comment").RemovedStack[], total: number | undefined }}
 */
function removedStacks(file) {
  let data;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    throw new InputError(`--removed ${file}: ${code === "ENOENT" ? "no such file" : err instanceof Error ? err.message : String(err)}`);
  }
  const report = !Array.isArray(data) && typeof data === "object" && data !== null ? data : undefined;
  const entries = report !== undefined ? report.removed ?? [] : data;
  if (!Array.isArray(entries)) throw new InputError(`--removed ${file}: expected a list of removed stacks, or an object with one in "removed"`);
  const list = entries.map((e, i) => {
    const name = typeof e === "string" ? e : e?.name;
    if (typeof name !== "string" || name === "") throw new InputError(`--removed ${file}: entry ${i} has no stack name: ${JSON.stringify(e)}`);
    return { name, acknowledged: (typeof e === "object" && e.acknowledged === true) || report?.acknowledged === true };
  });
  return { list, total: typeof report?.total === "number" ? report.total : undefined };
}

const STATUSES = Object.keys(VERDICT).filter((s) => s !== "no-result");

/**
 * Every result.json under `dir` (any depth) of a planned stack, with the summary.md beside it. A result
 * that cannot be read is left out with a warning: its stack then shows as "no result", never as passed.
 * @param {string} dir @param {string[]} stacks
 * @returns {Map<string, import("./lib/plan-comment").StackReport>}
 */
function readResults(dir, stacks) {
  /** @type {Map<string, import("./lib/plan-comment").StackReport>} */
  const reports = new Map();
  if (!existsSync(dir)) {
    warn(`${dir} does not exist: no stack has a result`);
    return reports;
  }
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f === "result.json" || f.endsWith("/result.json"))
    .sort();
  for (const file of files) {
    const path = join(dir, file);
    let result;
    try {
      result = JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
      warn(`${path}: not JSON (${err instanceof Error ? err.message : String(err)}); left out`);
      continue;
    }
    if (typeof result?.stack !== "string" || !STATUSES.includes(result.status)) {
      warn(`${path}: not a result of npm run plan-stacks (no stack, or a status other than ${STATUSES.join(", ")}); left out`);
      continue;
    }
    if (!stacks.includes(result.stack)) {
      warn(`${path}: ${result.stack} is not among the planned stacks (--stacks); left out`);
      continue;
    }
    if (reports.has(result.stack)) {
      warn(`${path}: a second result of ${result.stack}; the first one found is kept`);
      continue;
    }
    const summaryFile = join(path, "..", "summary.md");
    const summary = existsSync(summaryFile)
      ? readFileSync(summaryFile, "utf8")
      : `### Terraform plan for \`${result.stack}\`: ${VERDICT[/** @type {keyof typeof VERDICT} */ (result.status)]}\n\nIts results hold no summary.md.\n`;
    reports.set(result.stack, {
      result: { stack: result.stack, status: result.status, counts: result.counts ?? null, destructive: result.destructive === true, capacityWarnings: Array.isArray(result.capacityWarnings) ? result.capacityWarnings : [] },
      summary,
    });
  }
  return reports;
}

process.exitCode = main(process.argv.slice(2));
