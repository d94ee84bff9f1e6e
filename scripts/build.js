#!/usr/bin/env node
// Bundles main.ts (the synth), src/cli-api.ts (what the other CLIs use) and src/autopilot-api.ts (npm run
// autopilot), with the libraries they use, into dist/<name>.js with esbuild (no type-check: `npm run typecheck` does that), and
// rebuilds only when an input changed. The stamp is a hash of the inputs' contents, not their mtimes,
// so a checkout of older files or a clock skew still rebuilds.
//
// Why a bundle: loading one file instead of ~560 modules is most of the start-up time (see bench/).
// Two modules of cdktf are replaced in the bundle, each for a measured reason, neither changing output:
//  - `archiver` (zip support for TerraformAsset, ~200 modules): this app has no assets; a stub throws if
//    one is ever added, so the change cannot pass silently.
//  - cdktf's captureStackTrace: it records a full stack for every token (even with stackTraces: false),
//    used only in error messages about unresolvable tokens; it cost ~20% of synth time at 200 stacks.
// @ts-check
"use strict";
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const dist = join(root, "dist");
// The autopilot has a bundle of its own: it carries the AWS SDK clients and prom-client, which the other
// CLIs would otherwise load (and pay for) at every start.
const ENTRIES = { main: "main.ts", "cli-api": join("src", "cli-api.ts"), "autopilot-api": join("src", "autopilot-api.ts") };
/** The bundle of each entry, and its V8 code cache (written by scripts/lib/run-bundle.js). */
const bundles = Object.fromEntries(
  Object.keys(ENTRIES).map((name) => [name, { file: join(dist, `${name}.js`), codeCache: join(dist, `${name}.js.v8cache`) }]),
);
const stampFile = join(dist, "bundles.sha256");
/** The synth's bundle. */
const outfile = bundles.main.file;

function inputs() {
  const files = [join(root, "main.ts"), join(root, "package-lock.json"), __filename];
  /** @param {string} dir */
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

const ZIP_STUB = 'module.exports = () => { throw new Error("smart-routing bundles no zip support: TerraformAsset is not used by this app"); };';

/** @type {import("esbuild").Plugin} */
const stubs = {
  name: "smart-routing-stubs",
  setup(build) {
    build.onResolve({ filter: /^archiver$/ }, () => ({ path: "archiver", namespace: "stub" }));
    build.onLoad({ filter: /^archiver$/, namespace: "stub" }, () => ({ contents: ZIP_STUB, loader: "js" }));
    build.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, () => ({
      contents: "exports.captureStackTrace = () => [];",
      loader: "js",
    }));
  },
};

/** @param {string} hash */
function upToDate(hash) {
  return existsSync(stampFile) && readFileSync(stampFile, "utf8") === hash && Object.values(bundles).every((b) => existsSync(b.file));
}

/** Builds the bundles unless they were built from exactly these inputs; resolves whether it built. */
async function ensureBuilt() {
  const hash = inputHash();
  if (upToDate(hash)) return false;
  mkdirSync(dist, { recursive: true });
  const tmp = mkdtempSync(join(dist, ".build-"));
  try {
    await require("esbuild").build({
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, entry]) => [name, join(root, entry)])),
      outdir: tmp,
      bundle: true,
      platform: "node",
      target: "node20",
      plugins: [stubs],
      legalComments: "none",
      logLevel: "warning",
    });
    for (const [name, bundle] of Object.entries(bundles)) {
      rmSync(bundle.codeCache, { force: true });
      renameSync(join(tmp, `${name}.js`), bundle.file); // atomic: a concurrent run sees an old or a new file, never half of one
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  // Last, so the stamp never vouches for bundles that are not in place; renamed, so a concurrent reader
  // never reads half a stamp (and builds again for nothing).
  const stampTmp = `${stampFile}.${process.pid}.tmp`;
  writeFileSync(stampTmp, hash);
  renameSync(stampTmp, stampFile);
  return true;
}

/** The same for synchronous callers: checks the stamp here, and builds (rarely) in a child process. */
function ensureBuiltSync() {
  if (upToDate(inputHash())) return false;
  const built = spawnSync(process.execPath, [__filename], { stdio: ["ignore", "ignore", "inherit"] });
  if (built.status !== 0) throw new Error(`building ${dist} failed (exit ${built.status})`);
  return true;
}

module.exports = { ensureBuilt, ensureBuiltSync, bundles, outfile };

/** `npm run build`: takes no options; anything on the command line is refused (exit 2) and nothing is built. */
function cli() {
  const { failer, parseCommandLine } = require("./lib/command-line");
  const usage = "usage: npm run build (no options: it builds dist/ when an input changed)";
  const { args, error } = parseCommandLine(process.argv.slice(2), {}, usage);
  const refused = args === undefined ? error : args.positionals.length > 0 ? `Unexpected argument '${args.positionals[0]}'.\n${usage}` : undefined;
  if (refused !== undefined) {
    process.exitCode = failer("build")(`${refused}\nnothing was built.`);
    return;
  }
  ensureBuilt().then(
    (built) => process.stdout.write(built ? `built ${Object.values(bundles).map((b) => b.file).join(", ")}\n` : `${dist} is up to date\n`),
    (err) => {
      process.stderr.write(`${err.stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) cli();
