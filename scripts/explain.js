#!/usr/bin/env node
// @ts-check
// `npm run explain -- [stack ...] [--fail <region>]... [--markdown <file>]`
// For each listener of each stack (all when none is named): where each client geography goes in normal
// operation, with the config's dials, and with each single region failed (or the regions named by --fail,
// together), and, when the stack has demand and the groups capacity, the load each region would carry.
// Exit 0; 2 on bad input (an unknown stack or region, a bad flag); a config that cannot be read or is
// invalid is reported as every command reports it (`error: ...` lines), exit 1.
"use strict";
const { writeFileSync } = require("node:fs");
const { failer, parseCommandLine } = require("./lib/command-line");
const { loadCliApi } = require("./lib/run-bundle");

const USAGE = "usage: npm run explain -- [stack ...] [--fail <region>]... [--markdown <file>]";

const fail = failer("explain");

/** @param {string[]} argv */
function main(argv) {
  const { args, error } = parseCommandLine(argv, { fail: { type: "string", multiple: true }, markdown: { type: "string" } }, USAGE);
  if (args === undefined) return fail(error);
  const cli = loadCliApi();
  const model = cli.loadModelReporting(process.env);
  if (model === undefined) return 1;
  const selected = cli.explainSelection(model, args.positionals, args.values.fail);
  if (selected.error !== undefined) return fail(selected.error);
  const explanations = selected.stacks.map((stack) => cli.explainStack(stack, selected.failed));
  process.stdout.write(cli.renderExplainText(explanations));
  if (args.values.markdown !== undefined) {
    try {
      writeFileSync(args.values.markdown, cli.renderExplainMarkdown(explanations));
    } catch (err) {
      return fail(`cannot write ${args.values.markdown}: ${/** @type {NodeJS.ErrnoException} */ (err).code ?? String(err)}`);
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
