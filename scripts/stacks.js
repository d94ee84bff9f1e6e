#!/usr/bin/env node
// @ts-check
// `npm run -s stacks -- [stack ...] [--json]`: the config's stacks (SMART_ROUTING_CONFIG or the embedded
// default), one name a line, or with --json one JSON array on one line, the matrix of the CI workflows.
// Named stacks are checked against the config and printed in its order. The one source of the stack
// list: no workflow loops over cdktf.out/stacks/*/. A bad config prints the usual error lines and exits
// 1, printing no stack; an unknown stack name exits 2.
"use strict";
const { failer, parseCommandLine } = require("./lib/command-line");
const { loadCliApi } = require("./lib/run-bundle");

const USAGE = "usage: npm run -s stacks -- [stack ...] [--json]";
const fail = failer("stacks");

/** @param {string[]} argv */
function main(argv) {
  const { args, error } = parseCommandLine(argv, { json: { type: "boolean" } }, USAGE);
  if (args === undefined) return fail(error);
  const cli = loadCliApi();
  const selected = cli.loadStacksReporting(process.env, args.positionals);
  if (selected.configError) return 1;
  if (selected.error !== undefined) return fail(selected.error);
  const names = selected.stacks.map((s) => s.name);
  process.stdout.write(args.values.json ? `${JSON.stringify(names)}\n` : names.map((n) => `${n}\n`).join(""));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
