#!/usr/bin/env node
// @ts-check
// `npm run synth` and cdktf.json's app: rebuild dist/ if an input changed, then run the synth here.
"use strict";
const { ensureBuiltSync, bundles } = require("./build");
const { runBundle } = require("./lib/run-bundle");
const { failer, parseCommandLine } = require("./lib/command-line");

// It synthesizes every stack of the config; a word after it (a stack name, a flag) would be ignored, so
// it is refused (exit 2, nothing written); --help prints the usage.
const usage = "usage: npm run synth (no options: it writes every stack of the config)";
const { args, error } = parseCommandLine(process.argv.slice(2), {}, usage);
if (args === undefined || args.positionals.length > 0) {
  failer("synth")(`${error ?? `Unexpected argument '${args?.positionals[0]}'.\n${usage}`}\nnothing was synthesized.`);
  process.exit(2);
}
try {
  ensureBuiltSync();
} catch (err) {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
runBundle(bundles.main.file, bundles.main.codeCache);
