#!/usr/bin/env node
// `npm run iam-policy -- [stack ...] --repo owner/name [--account 123456789012] [--branch main |
// --environment production] [--break-glass] [--out dir]`
// Writes, per stack, the least-privilege policies of the CI roles and their GitHub OIDC trust policies:
// <out>/<stack>/{plan-role-policy,apply-role-policy,plan-role-trust,apply-role-trust}.json (out: cdktf.out/iam).
// The account defaults to the stack's only allowedAccountIds entry, the repository to GITHUB_REPOSITORY.
"use strict";
const { mkdirSync, writeFileSync } = require("node:fs");
const { join, resolve } = require("node:path");
const { parseArgs } = require("node:util");
const { loadTools } = require("./lib/tools");

const USAGE =
  "usage: npm run iam-policy -- [stack ...] --repo owner/name [--account <12 digits>] [--branch <name> | --environment <name>] [--break-glass] [--out <dir>]";
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const ACCOUNT = /^\d{12}$/;
const FILES = { planRole: "plan-role-policy.json", applyRole: "apply-role-policy.json", planTrust: "plan-role-trust.json", applyTrust: "apply-role-trust.json" };

function fail(message) {
  process.stderr.write(`iam-policy: ${message}\n`);
  return 2;
}

function main(argv) {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        repo: { type: "string" },
        account: { type: "string" },
        branch: { type: "string" },
        environment: { type: "string" },
        "break-glass": { type: "boolean" },
        out: { type: "string" },
      },
    });
  } catch (err) {
    return fail(`${err.message}\n${USAGE}`);
  }
  const v = args.values;
  const repository = v.repo ?? process.env.GITHUB_REPOSITORY;
  if (repository === undefined) return fail(`--repo is required (the GitHub repository whose workflows assume the roles, owner/name)\n${USAGE}`);
  if (!REPOSITORY.test(repository)) return fail(`--repo must be owner/name, received ${JSON.stringify(repository)}`);
  if (v.branch !== undefined && v.environment !== undefined) return fail("give --branch or --environment for the apply role, not both");
  if (v.account !== undefined && !ACCOUNT.test(v.account)) return fail(`--account must be a 12-digit AWS account ID, received ${JSON.stringify(v.account)}`);

  const tools = loadTools();
  const { model, report } = tools.loadModel(process.env);
  if (model === undefined) return fail(`the config is invalid:\n${report.errors.map((e) => `  ${e}`).join("\n")}`);
  const selected = tools.selectStacks(model, args.positionals);
  if (selected.error) return fail(selected.error);
  const { stacks } = selected;

  // Every stack's documents first, so that a missing account for one stack writes nothing at all.
  const written = [];
  for (const stack of stacks) {
    const account = v.account ?? (stack.allowedAccountIds?.length === 1 ? stack.allowedAccountIds[0] : undefined);
    if (account === undefined) return fail(`stack ${stack.name}: --account is required (allowedAccountIds does not name exactly one account); nothing was written`);
    const options = { account, repository, breakGlass: v["break-glass"] === true };
    if (v.branch !== undefined) options.branch = v.branch;
    if (v.environment !== undefined) options.environment = v.environment;
    written.push([stack.name, tools.stackPolicies(stack, options)]);
  }
  const out = resolve(v.out ?? join("cdktf.out", "iam"));
  for (const [name, policies] of written) {
    mkdirSync(join(out, name), { recursive: true });
    for (const [key, file] of Object.entries(FILES)) writeFileSync(join(out, name, file), `${JSON.stringify(policies[key], null, 2)}\n`);
    process.stdout.write(`wrote ${join(out, name)}/{${Object.values(FILES).join(",")}}\n`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
