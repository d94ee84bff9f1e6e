#!/usr/bin/env node
// @ts-check
// `npm run plan-gate -- <plan.json | -> [--stack <name>] [--markdown <file>] [--capacity-strict]`
// Reads `terraform show -json <planfile>` output (from a file, or `-`: standard input), prints every
// change, and exits 1 when the plan deletes or replaces the accelerator, or a listener or endpoint group
// the stack's allowDestroy does not allow. The stack's policy comes from the config (SMART_ROUTING_CONFIG, or the embedded default). When the stack has
// demand and capacity, it also prints the regions the plan's dials and weights would overload; with
// --capacity-strict an overload exits 1 too. Exit 2: bad arguments or plan input. A config that cannot be
// read or is invalid is reported as every command reports it (`error: ...` lines) and exits 1.
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { failer, parseCommandLine } = require("./lib/command-line");
const { loadCliApi } = require("./lib/run-bundle");

const USAGE = "usage: npm run plan-gate -- <plan.json | -> [--stack <name>] [--markdown <file>] [--capacity-strict]";

const fail = failer("plan-gate");

/** @param {string[]} argv */
function main(argv) {
  const { args, error } = parseCommandLine(argv, { stack: { type: "string" }, markdown: { type: "string" }, "capacity-strict": { type: "boolean" } }, USAGE);
  if (args === undefined) return fail(error);
  if (args.positionals.length !== 1) return fail(`expected one plan JSON file, received ${args.positionals.length}\n${USAGE}`);
  const file = args.positionals[0];
  let text;
  try {
    // `-`: standard input, so the gate can start while `terraform show -json` is still writing.
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    return fail(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : String(err)}`);
  }
  const cli = loadCliApi();
  const model = cli.loadModelReporting(process.env);
  if (model === undefined) return 1;
  const selected = cli.selectStack(model, args.values.stack, "--stack");
  if (selected.error !== undefined) return fail(selected.error);
  const { stack } = selected;
  let plan;
  try {
    plan = cli.readPlan(text, file === "-" ? "standard input" : file);
  } catch (err) {
    if (err instanceof cli.PlanFormatError) return fail(err.message);
    throw err;
  }
  const foreign = cli.planOfAnotherStack(plan, stack);
  if (foreign !== undefined) return fail(`${file === "-" ? "standard input" : file} ${foreign}`);
  const review = cli.reviewPlan(plan, stack);
  const capacity = cli.reviewCapacity(plan, stack, args.values["capacity-strict"] === true);
  // The summary first: a gate whose summary cannot be written has not done its job, whatever the plan.
  if (args.values.markdown !== undefined) {
    try {
      writeFileSync(args.values.markdown, cli.renderMarkdown(review, stack.name, capacity));
    } catch (err) {
      return fail(`cannot write ${args.values.markdown}: ${/** @type {NodeJS.ErrnoException} */ (err).code ?? String(err)}`);
    }
  }
  process.stdout.write(cli.renderText(review, stack.name, capacity));
  return cli.gatePassed(review, capacity) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
