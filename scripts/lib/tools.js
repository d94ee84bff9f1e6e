// The TypeScript side of the plain-node CLIs: dist/tools.js (src/tools.ts), rebuilt by scripts/build.js
// only when a source changed, and run with a V8 code cache, so a CLI starts in about the time of a synth.
"use strict";
const { join } = require("node:path");
const { ensureBuiltSync, bundles } = require("../build");
const { runBundle } = require("./run-bundle");

const root = join(__dirname, "..", "..");

function loadTools() {
  ensureBuiltSync();
  return runBundle(bundles.tools.file, bundles.tools.codeCache);
}

module.exports = { loadTools, root };
