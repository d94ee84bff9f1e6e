// Loads src/tools.ts for the plain-node CLIs: esbuild bundles it in memory
// (about 0.1 s; the same trick as scripts/schema.js), packages stay external.
"use strict";
const { join } = require("node:path");

function loadTools() {
  const bundled = require("esbuild").buildSync({
    entryPoints: [join(__dirname, "..", "..", "src", "tools.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    write: false,
  });
  const module_ = { exports: {} };
  new Function("module", "exports", "require", bundled.outputFiles[0].text)(module_, module_.exports, require);
  return module_.exports;
}

module.exports = { loadTools };
