#!/usr/bin/env node
// @ts-check
// `npm run schema`: writes schema/smart-routing.schema.json from the zod schema (src/validation/schema.ts).
// `npm run schema -- --check` fails if the committed file is stale.
"use strict";
const { mkdirSync, readFileSync, writeFileSync, existsSync } = require("node:fs");
const { join } = require("node:path");
const { loadCliApi } = require("./lib/run-bundle");

const root = join(__dirname, "..");
const target = join(root, "schema", "smart-routing.schema.json");

const text = loadCliApi().configJsonSchemaText();

if (process.argv.includes("--check")) {
  const current = existsSync(target) ? readFileSync(target, "utf8") : "";
  if (current !== text) {
    process.stderr.write(`${target} is stale: run npm run schema\n`);
    process.exit(1);
  }
  process.stdout.write(`${target} is up to date\n`);
} else {
  mkdirSync(join(root, "schema"), { recursive: true });
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
