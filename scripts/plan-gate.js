#!/usr/bin/env node
// `npm run plan-gate -- <plan.json> [--stack <name>] [--markdown <file>]`
// Reads `terraform show -json <planfile>` output, prints every change, and exits 1 when the plan deletes or
// replaces the accelerator, or a listener or endpoint group the stack's allowDestroy does not allow. The
// stack's policy comes from the config (SMART_ROUTING_CONFIG, or the embedded default). Exit 2: bad input.
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { parseArgs } = require("node:util");
const { loadTools } = require("./lib/tools");

const USAGE = "usage: npm run plan-gate -- <plan.json> [--stack <name>] [--markdown <file>]";

function fail(message) {
  process.stderr.write(`plan-gate: ${message}\n`);
  return 2;
}

/** The stack's gate policy from the config; a string is an error message. */
function policyFor(tools, stackName) {
  const { model, report } = tools.loadModel(process.env);
  if (model === undefined) return `the config is invalid, so the stack's policy is unknown:\n${report.errors.map((e) => `  ${e}`).join("\n")}`;
  const names = model.stacks.map((s) => s.name);
  if (stackName === undefined && names.length > 1) return `the config has several stacks (${names.join(", ")}); name one with --stack`;
  const stack = stackName === undefined ? model.stacks[0] : model.stacks.find((s) => s.name === stackName);
  if (stack === undefined) return `--stack ${stackName} is not a stack of the config (stacks: ${names.join(", ")})`;
  return { stack: stack.name, allowDestroy: stack.allowDestroy };
}

function main(argv) {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { stack: { type: "string" }, markdown: { type: "string" } } });
  } catch (err) {
    return fail(`${err.message}\n${USAGE}`);
  }
  if (args.positionals.length !== 1) return fail(`expected one plan JSON file, received ${args.positionals.length}\n${USAGE}`);
  const file = args.positionals[0];
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return fail(`cannot read ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
  }
  const tools = loadTools();
  const policy = policyFor(tools, args.values.stack);
  if (typeof policy === "string") return fail(policy);
  let plan;
  try {
    plan = tools.readPlan(text, file);
  } catch (err) {
    if (err instanceof tools.PlanFormatError) return fail(err.message);
    throw err;
  }
  const review = tools.reviewPlan(plan, policy);
  process.stdout.write(tools.renderText(review, policy.stack));
  if (args.values.markdown !== undefined) writeFileSync(args.values.markdown, tools.renderMarkdown(review, policy.stack));
  return tools.passed(review) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
