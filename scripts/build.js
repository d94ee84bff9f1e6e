#!/usr/bin/env node
// Bundles main.ts, src/ and the libraries they use into dist/main.js with esbuild (no type-check:
// `npm run typecheck` does that), and rebuilds only when an input changed. The stamp is a hash of the
// inputs' contents, not their mtimes, so a checkout of older files or a clock skew still rebuilds.
//
// Why a bundle: loading one file instead of ~560 modules is most of the start-up time (see bench/).
// Two modules of cdktf are replaced in the bundle, each for a measured reason, neither changing output:
//  - `archiver` (zip support for TerraformAsset, ~200 modules): this app has no assets; a stub throws if
//    one is ever added, so the change cannot pass silently.
//  - cdktf's captureStackTrace: it records a full stack for every token (even with stackTraces: false),
//    used only in error messages about unresolvable tokens; it cost ~20% of synth time at 200 stacks.
"use strict";
const { createHash } = require("node:crypto");
const { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync, renameSync, rmSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const outfile = join(root, "dist", "main.js");
const stampFile = `${outfile}.sha256`;
const codeCacheFile = `${outfile}.v8cache`;

function inputs() {
  const files = [join(root, "main.ts"), join(root, "package-lock.json"), __filename];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  };
  walk(join(root, "src"));
  return files.sort();
}

function inputHash() {
  const hash = createHash("sha256");
  for (const file of inputs()) hash.update(file.slice(root.length)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

const stubs = {
  name: "smart-routing-stubs",
  setup(build) {
    build.onResolve({ filter: /^archiver$/ }, () => ({ path: "archiver", namespace: "stub" }));
    build.onLoad({ filter: /^archiver$/, namespace: "stub" }, () => ({
      contents: 'module.exports = () => { throw new Error("smart-routing bundles no zip support: TerraformAsset is not used by this app"); };',
      loader: "js",
    }));
    build.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, () => ({
      contents: "exports.captureStackTrace = () => [];",
      loader: "js",
    }));
  },
};

/** Builds dist/main.js unless it was built from exactly these inputs; resolves whether it built. */
async function ensureBuilt() {
  const hash = inputHash();
  if (existsSync(outfile) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === hash) return false;
  mkdirSync(join(root, "dist"), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  await require("esbuild").build({
    entryPoints: [join(root, "main.ts")],
    outfile: tmp,
    bundle: true,
    platform: "node",
    target: "node20",
    plugins: [stubs],
    legalComments: "none",
    logLevel: "warning",
  });
  rmSync(codeCacheFile, { force: true });
  renameSync(tmp, outfile); // atomic: a concurrent run sees the old or the new file, never half of one
  writeFileSync(stampFile, hash);
  return true;
}

module.exports = { ensureBuilt, outfile, codeCacheFile };

if (require.main === module) {
  ensureBuilt().then(
    (built) => process.stdout.write(built ? `built ${outfile}\n` : `${outfile} is up to date\n`),
    (err) => {
      process.stderr.write(`${err.stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
