#!/usr/bin/env node
// @ts-check
// `npm run explain -- [stack ...] [--fail <region>]... [--client <lat>,<lon>|<metro>] [--json] [--markdown <file>]`:
// for each listener, where the clients of each geography go in normal operation, with the config's dials,
// and with each single region failed (or the regions named by --fail, together), and, when the stack has
// demand and the groups capacity, the load each region would carry. With --client, where one client goes
// instead: in normal operation and in the failure --fail names. --json prints one JSON document instead
// of the text. Exit 0; 2 on bad input (an unknown stack, region or metro, malformed coordinates, a bad
// flag); a config that cannot be read or is invalid is reported as every command reports it (`error: ...`
// lines), exit 1.
"use strict";
const { writeFileSync } = require("node:fs");
const { failer, parseCommandLine } = require("./lib/command-line");
const { loadCliApi } = require("./lib/run-bundle");

const USAGE = "usage: npm run explain -- [stack ...] [--fail <region>]... [--client <lat>,<lon>|<metro name>] [--json] [--markdown <file>]";

const fail = failer("explain");

/**
 * The arguments with `--client <value>` joined into `--client=<value>`: parseArgs takes a value that starts
 * with a dash (a southern latitude, -33.87,151.21) for an option, and coordinates always are a value.
 * @param {string[]} argv
 */
function joinClientValue(argv) {
  const end = argv.includes("--") ? argv.indexOf("--") : argv.length;
  /** @type {string[]} */
  const joined = [];
  for (let i = 0; i < argv.length; i++) {
    if (i < end && argv[i] === "--client" && i + 1 < end) joined.push(`--client=${argv[++i]}`);
    else joined.push(argv[i]);
  }
  return joined;
}

/** @param {string[]} argv */
function main(argv) {
  const options = /** @type {const} */ ({
    fail: { type: "string", multiple: true },
    markdown: { type: "string" },
    client: { type: "string", multiple: true },
    json: { type: "boolean" },
  });
  const { args, error } = parseCommandLine(joinClientValue(argv), options, USAGE);
  if (args === undefined) return fail(error);
  const { client: clients, json, markdown } = args.values;
  if (clients !== undefined && clients.length > 1) return fail(`give --client once (received ${clients.length}); run explain once per client`);
  if (clients !== undefined && markdown !== undefined) return fail("--markdown writes the scenario tables; it does not go with --client");
  const cli = loadCliApi();
  const parsed = clients === undefined ? undefined : cli.parseClient(clients[0]);
  if (parsed?.error !== undefined) return fail(parsed.error);
  const model = cli.loadModelReporting(process.env);
  if (model === undefined) return 1;
  const selected = cli.explainSelection(model, args.positionals, args.values.fail);
  if (selected.error !== undefined) return fail(selected.error);
  if (parsed !== undefined) {
    const answers = selected.stacks.map((stack) => cli.explainClient(stack, parsed.client, selected.failed));
    process.stdout.write(json ? `${JSON.stringify(cli.clientJson(parsed.client, answers), null, 2)}\n` : cli.renderClientText(parsed.client, answers));
    return 0;
  }
  const explanations = selected.stacks.map((stack) => cli.explainStack(stack, selected.failed));
  process.stdout.write(json ? `${JSON.stringify(cli.explainJson(explanations), null, 2)}\n` : cli.renderExplainText(explanations));
  if (markdown !== undefined) {
    try {
      writeFileSync(markdown, cli.renderExplainMarkdown(explanations));
    } catch (err) {
      return fail(`cannot write ${markdown}: ${/** @type {NodeJS.ErrnoException} */ (err).code ?? String(err)}`);
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
