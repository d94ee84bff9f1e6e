#!/usr/bin/env node
// Compiles main.ts and src/ into dist/main.js with esbuild (no type-check: `npm run typecheck` does that),
// and rebuilds only when the sources changed. The stamp is a hash of the sources' contents, not their
// mtimes, so a checkout of older files or a clock skew still rebuilds.
"use strict";
const { createHash } = require("node:crypto");
const { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync, renameSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const outfile = join(root, "dist", "main.js");
const stampFile = join(root, "dist", "main.js.sha256");

function sources() {
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

function sourceHash() {
  const hash = createHash("sha256");
  for (const file of sources()) hash.update(file.slice(root.length)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

/** Builds dist/main.js unless it was built from exactly these sources; returns whether it built. */
function ensureBuilt() {
  const hash = sourceHash();
  if (existsSync(outfile) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === hash) return false;
  mkdirSync(join(root, "dist"), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  require("esbuild").buildSync({
    entryPoints: [join(root, "main.ts")],
    outfile: tmp,
    bundle: true,
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  renameSync(tmp, outfile); // atomic: a concurrent run sees the old or the new file, never half of one
  writeFileSync(stampFile, hash);
  return true;
}

module.exports = { ensureBuilt, outfile };

if (require.main === module) {
  const built = ensureBuilt();
  process.stdout.write(built ? `built ${outfile}\n` : `${outfile} is up to date\n`);
}
