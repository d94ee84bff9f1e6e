// Loads a TypeScript module of src/ in plain node: esbuild bundles it in memory (packages stay
// external), which takes milliseconds, so a CLI starts fast without a build step or ts-node.
"use strict";
const { join } = require("node:path");

const root = join(__dirname, "..", "..");

/** The exports of a TypeScript file, given relative to the repository root (e.g. "src/handoff/cli.ts"). */
function loadTs(entry) {
  const bundled = require("esbuild").buildSync({
    entryPoints: [join(root, entry)],
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

module.exports = { loadTs, root };
