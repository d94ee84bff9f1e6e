#!/usr/bin/env node
// @ts-check
// `npm run synth` and cdktf.json's app: rebuild dist/ if an input changed, then run the synth here.
"use strict";
const { ensureBuiltSync, bundles } = require("./build");
const { runBundle } = require("./lib/run-bundle");

// It synthesizes every stack of the config; a word after it (a stack name, a flag) would be ignored.
if (process.argv.length > 2) {
  process.stderr.write(`synth: takes no arguments (it writes every stack of the config), received ${process.argv.slice(2).join(" ")}\n`);
  process.exit(2);
}
try {
  ensureBuiltSync();
} catch (err) {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
runBundle(bundles.main.file, bundles.main.codeCache);
