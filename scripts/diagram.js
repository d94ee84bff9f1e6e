#!/usr/bin/env node
// @ts-check
// `npm run diagram -- [stack...]`: prints the routing of the config's stacks as Mermaid. One stack
// prints as plain Mermaid (pipe it to a renderer); several print as Markdown, one fenced diagram each.
"use strict";
const { loadCliApi } = require("./lib/run-bundle");

/** @param {string[]} names */
function main(names) {
  const cli = loadCliApi();
  const model = cli.loadModelReporting(process.env);
  if (model === undefined) return 1;
  const selected = cli.selectStacks(model, names);
  if (selected.error !== undefined) {
    process.stderr.write(`error: ${selected.error}\n`);
    return 1;
  }
  const diagrams = selected.stacks.map((stack) => [stack.name, cli.routingDiagram(stack)]);
  process.stdout.write(
    diagrams.length === 1 ? diagrams[0][1] : diagrams.map(([name, d]) => `## ${name}\n\n\`\`\`mermaid\n${d}\`\`\`\n`).join("\n"),
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
