// @ts-check
// A file the project generates and commits (the JSON Schema, the config reference): written, or with
// --check compared with what would be written, so a test and CI can fail when it is stale.
"use strict";
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require("node:fs");
const { dirname } = require("node:path");

/**
 * Writes `text` to `target`, or with `check` only compares: exit code 0 when written or up to date, 1
 * when stale (saying which npm script writes it).
 * @param {string} target @param {string} text @param {{ check: boolean, script: string }} options
 * @returns {number}
 */
function writeOrCheck(target, text, { check, script }) {
  if (check) {
    const current = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (current !== text) {
      process.stderr.write(`${target} is stale: run npm run ${script}\n`);
      return 1;
    }
    process.stdout.write(`${target} is up to date\n`);
    return 0;
  }
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
  return 0;
}

module.exports = { writeOrCheck };
