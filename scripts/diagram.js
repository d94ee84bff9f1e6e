#!/usr/bin/env node
// @ts-check
// `npm run diagram -- [stack...]`: prints the routing of the config's stacks as Mermaid. One stack
// prints as plain Mermaid (pipe it to a renderer); several print as Markdown, one fenced diagram each.
"use strict";
const { loadCliApi } = require("./lib/run-bundle");
const { failer, parseCommandLine } = require("./lib/command-line");

const fail = failer("diagram");

/** @param {string[]} argv */
function main(argv) {
  const { args, error } = parseCommandLine(argv, {}, "usage: npm run diagram -- [stack ...]");
  if (args === undefined) return fail(error);
  const cli = loadCliApi();
  const selected = cli.loadStacksReporting(process.env, args.positionals);
  if (selected.configError) return 1;
  if (selected.error !== undefined) return fail(selected.error);
  const diagrams = selected.stacks.map((stack) => [stack.name, cli.routingDiagram(stack)]);
  process.stdout.write(
    diagrams.length === 1 ? diagrams[0][1] : diagrams.map(([name, d]) => `## ${name}\n\n\`\`\`mermaid\n${d}\`\`\`\n`).join("\n"),
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
