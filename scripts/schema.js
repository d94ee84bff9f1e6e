#!/usr/bin/env node
// @ts-check
// `npm run schema`: writes schema/smart-routing.schema.json from the zod schema (src/validation/schema.ts).
// `npm run schema -- --check` fails if the committed file is stale. Anything else on the command line is
// refused (exit 2) before anything is built or written.
"use strict";
const { join } = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");
const { writeOrCheck } = require("./lib/generated-file");

const root = join(__dirname, "..");
const target = join(root, "schema", "smart-routing.schema.json");
const USAGE = "usage: npm run schema -- [--check]";
const fail = failer("schema");

/** @param {string[]} argv */
function main(argv) {
  const { args, error } = parseCommandLine(argv, { check: { type: "boolean" } }, USAGE);
  if (args === undefined) return fail(`${error}\nnothing was written.`);
  if (args.positionals.length > 0) return fail(`Unexpected argument '${args.positionals[0]}'.\n${USAGE}\nnothing was written.`);
  const text = require("./lib/run-bundle").loadCliApi().configJsonSchemaText();
  return writeOrCheck(target, text, { check: Boolean(args.values.check), script: "schema" });
}

process.exitCode = main(process.argv.slice(2));
