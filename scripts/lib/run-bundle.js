// @ts-check
// Runs a CommonJS bundle in this process with a V8 code cache next to it, so that later runs skip
// parsing and compiling its ~2 MB. The cache is written after the first run (it then also holds the
// functions that run compiled lazily); V8 rejects a cache made for other source or another Node
// version, and then a new one is written.
"use strict";
const { readFileSync, writeFileSync, renameSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname } = require("node:path");
const vm = require("node:vm");
const { ensureBuiltSync, bundles } = require("../build");

/**
 * The file's bytes, or undefined when there is none: a build running meanwhile may delete it at any moment
 * (so no exists-then-read).
 * @param {string} file
 */
function readIfThere(file) {
  try {
    return readFileSync(file);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * @param {string} file the bundle
 * @param {string} cacheFile its V8 code cache
 * @returns {unknown} the bundle's exports
 */
function runBundle(file, cacheFile) {
  const source = readFileSync(file, "utf8");
  const cachedData = readIfThere(cacheFile);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  }
  return module.exports;
}

/**
 * The TypeScript side of the plain-node CLIs (src/cli-api.ts as dist/cli-api.js), rebuilt only when a
 * source changed and run with a V8 code cache, so a CLI starts in about the time of a synth.
 * @returns {typeof import("../../src/cli-api")}
 */
function loadCliApi() {
  ensureBuiltSync();
  const bundle = bundles["cli-api"];
  return /** @type {typeof import("../../src/cli-api")} */ (runBundle(bundle.file, bundle.codeCache));
}

/**
 * The autopilot's side (src/autopilot-api.ts as dist/autopilot-api.js), built and cached the same way.
 * @returns {typeof import("../../src/autopilot-api")}
 */
function loadAutopilotApi() {
  ensureBuiltSync();
  const bundle = bundles["autopilot-api"];
  return /** @type {typeof import("../../src/autopilot-api")} */ (runBundle(bundle.file, bundle.codeCache));
}

module.exports = { runBundle, loadCliApi, loadAutopilotApi };
