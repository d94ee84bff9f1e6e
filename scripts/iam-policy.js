#!/usr/bin/env node
// @ts-check
// `npm run iam-policy -- [stack ...] --repo owner/name [--account 123456789012] [--branch main]
// [--break-glass] [--out dir]`
// Writes, per stack, the least-privilege policies of the CI roles and their GitHub OIDC trust policies:
// <out>/<stack>/{plan-role-policy,apply-role-policy,plan-role-trust,apply-role-trust}.json (out: cdktf.out/iam),
// and autopilot-role-policy.json for a stack with an autopilot (its permissions only: no trust policy).
// The account defaults to the stack's only allowedAccountIds entry, the repository to GITHUB_REPOSITORY.
// The trust policies admit exactly the OIDC subjects of the workflows' jobs: the plan role pull requests
// and the default branch (--branch, default main: scheduled drift runs), the apply role the job in the
// stack's GitHub environment (terraform-apply.yml), `repo:<owner>/<name>:environment:<stack>`.
// Exit 2: bad arguments; exit 1: a config that cannot be read or is invalid (`error: ...` lines).
"use strict";
const { mkdirSync, writeFileSync } = require("node:fs");
const { join, resolve } = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");
const { loadCliApi } = require("./lib/run-bundle");

const USAGE =
  "usage: npm run iam-policy -- [stack ...] --repo owner/name [--account <12 digits>] [--branch <default branch>] [--break-glass] [--out <dir>]";
const FILES = /** @type {const} */ ({
  planRole: "plan-role-policy.json",
  applyRole: "apply-role-policy.json",
  planTrust: "plan-role-trust.json",
  applyTrust: "apply-role-trust.json",
  // Only for a stack with an autopilot; its trust depends on where the autopilot runs, so none is written.
  autopilotRole: "autopilot-role-policy.json",
});

const fail = failer("iam-policy");
const OPTIONS = /** @type {const} */ ({
  repo: { type: "string" },
  account: { type: "string" },
  branch: { type: "string" },
  "break-glass": { type: "boolean" },
  out: { type: "string" },
});

/** @param {string[]} argv */
function main(argv) {
  const { args, error } = parseCommandLine(argv, OPTIONS, USAGE);
  if (args === undefined) return fail(error);
  const v = args.values;
  const given = { repo: v.repo, account: v.account, branch: v.branch, breakGlass: v["break-glass"] };
  const cli = loadCliApi();
  const checked = cli.checkIamArguments(given, process.env);
  if (checked.error !== undefined) return fail(`${checked.error}\n${USAGE}`);

  const selected = cli.loadStacksReporting(process.env, args.positionals);
  if (selected.configError) return 1;
  if (selected.error !== undefined) return fail(selected.error);

  // Every stack's documents first, so that a missing account for one stack writes nothing at all.
  /** @type {{ name: string, policies: ReturnType<ReturnType<typeof loadCliApi>["stackPolicies"]> }[]} */
  const written = [];
  for (const stack of selected.stacks) {
    const resolved = cli.iamOptionsFor(stack, given, checked.repository);
    if (resolved.error !== undefined) return fail(`${resolved.error}; nothing was written`);
    written.push({ name: stack.name, policies: cli.stackPolicies(stack, resolved.options) });
  }
  const out = resolve(v.out ?? join("cdktf.out", "iam"));
  // Every folder before any file, so that an --out that cannot be written leaves no document behind.
  try {
    for (const { name } of written) mkdirSync(join(out, name), { recursive: true });
  } catch (err) {
    return fail(`cannot write to ${out}: ${/** @type {NodeJS.ErrnoException} */ (err).code ?? String(err)}; nothing was written`);
  }
  for (const { name, policies } of written) {
    const files = /** @type {[keyof typeof FILES, string][]} */ (Object.entries(FILES)).filter(([key]) => policies[key] !== undefined);
    for (const [key, file] of files) writeFileSync(join(out, name, file), `${JSON.stringify(policies[key], null, 2)}\n`);
    process.stdout.write(`wrote ${join(out, name)}/{${files.map(([, file]) => file).join(",")}}\n`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
