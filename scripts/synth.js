#!/usr/bin/env node
// @ts-check
// `npm run synth` and cdktf.json's app: rebuild dist/ if an input changed, then run the synth here.
"use strict";
const { ensureBuiltSync, bundles } = require("./build");
const { runBundle } = require("./lib/run-bundle");

try {
  ensureBuiltSync();
} catch (err) {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
runBundle(bundles.main.file, bundles.main.codeCache);
