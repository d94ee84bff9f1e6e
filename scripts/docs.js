#!/usr/bin/env node
// @ts-check
// `npm run docs`: writes docs/config-reference.md from the validator (src/docs/config-reference.ts), with each
// field's example taken from examples/. `npm run docs -- --check` fails if the committed file is stale.
// Generation fails, writing nothing, when a rule or warning lacks its paths, reason or source in
// src/docs/rule-docs.ts, the registry names one the validator does not export, or a field has no description.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");
const { writeOrCheck } = require("./lib/generated-file");

const root = join(__dirname, "..");
const target = join(root, "docs", "config-reference.md");
const USAGE = "usage: npm run docs -- [--check]";
const fail = failer("docs");
/** The examples a field's example is taken from, most complete first. */
const EXAMPLES = ["full.yaml", "llm-multi-region.yaml", "autopilot.yaml", "multi-stack.yaml", "minimal.yaml"];

/** @param {string[]} argv */
function main(argv) {
  const { args, error } = parseCommandLine(argv, { check: { type: "boolean" } }, USAGE);
  if (args === undefined) return fail(`${error}\nnothing was written.`);
  if (args.positionals.length > 0) return fail(`Unexpected argument '${args.positionals[0]}'.\n${USAGE}\nnothing was written.`);
  const { parse } = require("yaml");
  const examples = EXAMPLES.map((name) => ({ name: `examples/${name}`, data: parse(readFileSync(join(root, "examples", name), "utf8")) }));
  let text;
  try {
    text = require("./lib/run-bundle").loadCliApi().configReferenceMarkdown(examples);
  } catch (err) {
    process.stderr.write(`docs: ${err instanceof Error ? err.message : String(err)}\nnothing was written.\n`);
    return 1;
  }
  return writeOrCheck(target, text, { check: Boolean(args.values.check), script: "docs" });
}

process.exitCode = main(process.argv.slice(2));
