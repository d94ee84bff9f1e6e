#!/usr/bin/env node
// `npm run diagram -- [stack...]`: prints the routing of the config's stacks as Mermaid. One stack
// prints as plain Mermaid (pipe it to a renderer); several print as Markdown, one fenced diagram each.
"use strict";
const { loadTools } = require("./lib/tools");

function main(names) {
  const handoff = loadTools();
  const model = handoff.loadModelReporting(process.env);
  if (model === undefined) return 1;
  const selected = handoff.selectStacks(model, names);
  if (selected.error) {
    process.stderr.write(`error: ${selected.error}\n`);
    return 1;
  }
  const diagrams = selected.stacks.map((stack) => [stack.name, handoff.routingDiagram(stack)]);
  process.stdout.write(
    diagrams.length === 1 ? diagrams[0][1] : diagrams.map(([name, d]) => `## ${name}\n\n\`\`\`mermaid\n${d}\`\`\`\n`).join("\n"),
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
