#!/usr/bin/env node
// `npm run package -- [stack...]`: writes dist/terraform/<stack>/ for each stack (all when none is
// named), a folder a Terraform team copies anywhere and runs with Terraform alone: the JSON, the same
// configuration as HCL, a README with the routing diagram and operator controls, a backend example,
// a provider lock file from the local mirror, and SHA256SUMS. Both configurations are validated by
// real Terraform before anything is written; a bad config or stack name writes nothing.
// SMART_ROUTING_PACKAGE_DIR writes elsewhere than dist/terraform.
// @ts-check
"use strict";
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { basename, dirname, join, relative, resolve } = require("node:path");
const { loadCliApi } = require("./lib/run-bundle");
const { failer, parseCommandLine } = require("./lib/command-line");
const { PROVIDER_VERSION, terraformAvailability, terraformAsync, terraformEnv } = require("./lib/terraform");

const fail = failer("package");

// The platforms whose checksums the lock file starts with: the mirror's. The README says how to add more.
const LOCK_PLATFORMS = ["linux_amd64"];
const LOCK_FILE = ".terraform.lock.hcl";
const root = join(__dirname, "..");

/** @typedef {ReturnType<typeof loadCliApi>} CliApi */

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 */
async function main(argv, env) {
  const { args, error } = parseCommandLine(argv, {}, "usage: npm run package -- [stack ...]");
  if (args === undefined) return fail(`${error}\nnothing was written.`);
  const handoff = loadCliApi();
  const selected = handoff.loadStacksReporting(env, args.positionals);
  if (selected.configError) return 1;
  if (selected.error !== undefined) return fail(`${selected.error}; nothing was written.`);
  const { model } = selected;
  const terraform = terraformAvailability(env);
  if (!terraform.ok) {
    process.stderr.write(`error: packaging needs Terraform for the lock file and the checks: ${terraform.reason}; nothing was written.\n`);
    return 1;
  }
  const config = env.SMART_ROUTING_CONFIG ? resolve(env.SMART_ROUTING_CONFIG) : undefined;
  const source = config ? relative(root, config) : "the embedded default config";
  const outRoot = resolve(env.SMART_ROUTING_PACKAGE_DIR || join(root, "dist", "terraform"));

  const work = mkdtempSync(join(tmpdir(), "smart-routing-package-"));
  try {
    const tfEnv = { ...terraformEnv(terraform.mirror, env), DISABLE_VERSION_CHECK: "true" };
    handoff.synthInto(model, join(work, "json"));
    synthHcl(join(work, "hcl"), { ...tfEnv, SMART_ROUTING_CONFIG: config });
    const built = await Promise.all(
      selected.stacks.map(async (stack) => {
        const dir = join(work, "packages", stack.name);
        await buildPackage(handoff, { stack, dir, work, source, tfEnv, mirror: terraform.mirror });
        return /** @type {const} */ ([stack.name, dir]);
      }),
    );
    // Only now, with every package built and checked, replace the old ones.
    mkdirSync(outRoot, { recursive: true });
    for (const [name, dir] of built) {
      const target = join(outRoot, name);
      rmSync(target, { recursive: true, force: true });
      moveDir(dir, target);
      process.stdout.write(`packaged ${name} -> ${relative(process.cwd(), target) || "."}\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\nnothing was written.\n`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `cdktf synth --hcl` for every stack into outdir (the CLI runs this project's app, as cdktf.json says).
 * @param {string} outdir
 * @param {NodeJS.ProcessEnv} env
 */
function synthHcl(outdir, env) {
  const cli = join(dirname(require.resolve("cdktf-cli/package.json")), "bundle", "bin", "cdktf");
  const run = spawnSync(process.execPath, [cli, "synth", "--hcl", "--output", outdir], { cwd: root, env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`cdktf synth --hcl failed:\n${run.stdout}${run.stderr}`);
}

/**
 * @param {CliApi} handoff
 * @param {{ stack: import("../src/model/model").StackModel, dir: string, work: string, source: string, tfEnv: NodeJS.ProcessEnv, mirror: string | undefined }} job
 */
async function buildPackage(handoff, { stack, dir, work, source, tfEnv, mirror }) {
  const jsonText = readFileSync(join(work, "json", "stacks", stack.name, "cdk.tf.json"), "utf8");
  const json = JSON.parse(jsonText);
  const hcl = handoff.repairCdktfHcl(readFileSync(join(work, "hcl", "stacks", stack.name, "cdk.tf"), "utf8"), json);

  mkdirSync(join(dir, dirname(handoff.HCL_FILE)), { recursive: true });
  writeFileSync(join(dir, handoff.JSON_FILE), jsonText);
  writeFileSync(join(dir, handoff.HCL_FILE), terraformFmt(hcl, tfEnv));
  await lockProviders(dir, mirror, tfEnv);
  copyFileSync(join(dir, LOCK_FILE), join(dir, dirname(handoff.HCL_FILE), LOCK_FILE));
  await Promise.all([
    check(stack.name, "JSON", handoff.JSON_FILE, dir, tfEnv),
    check(stack.name, "HCL", handoff.HCL_FILE, dir, tfEnv),
  ]);
  writeFileSync(join(dir, handoff.BACKEND_EXAMPLE), handoff.backendExample(json));
  writeFileSync(
    join(dir, "README.md"),
    handoff.packageReadme({ stack, json, source, providerVersion: PROVIDER_VERSION, lockPlatforms: LOCK_PLATFORMS }),
  );
  writeFileSync(join(dir, "SHA256SUMS"), sha256sums(dir));
}

/** @param {string} text @param {NodeJS.ProcessEnv} env */
function terraformFmt(text, env) {
  const run = spawnSync(env.TERRAFORM_BINARY_NAME || "terraform", ["fmt", "-no-color", "-"], { input: text, env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`terraform fmt rejected the HCL:\n${run.stderr}`);
  return run.stdout;
}

/** @param {string} dir @param {string | undefined} mirror @param {NodeJS.ProcessEnv} env */
async function lockProviders(dir, mirror, env) {
  const args = ["providers", "lock", "-no-color", ...(mirror ? [`-fs-mirror=${mirror}`] : []), ...LOCK_PLATFORMS.map((p) => `-platform=${p}`)];
  const run = await terraformAsync(args, { cwd: dir, env });
  if (run.status !== 0) throw new Error(`terraform providers lock failed:\n${run.stdout}${run.stderr}`);
}

/**
 * terraform init (with the lock file, read-only) and validate on a copy of one configuration file.
 * @param {string} stack @param {string} kind @param {string} file @param {string} dir @param {NodeJS.ProcessEnv} env
 */
async function check(stack, kind, file, dir, env) {
  const scratch = mkdtempSync(join(tmpdir(), "smart-routing-check-"));
  try {
    copyFileSync(join(dir, file), join(scratch, basename(file)));
    copyFileSync(join(dir, LOCK_FILE), join(scratch, LOCK_FILE));
    for (const args of [["init", "-backend=false", "-lockfile=readonly", "-input=false", "-no-color"], ["validate", "-no-color"]]) {
      const run = await terraformAsync(args, { cwd: scratch, env });
      if (run.status !== 0) throw new Error(`terraform ${args[0]} failed on the ${kind} of ${stack}:\n${run.stdout}${run.stderr}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * `sha256sum` format, sorted by path, for every file but SHA256SUMS itself.
 * @param {string} dir
 */
function sha256sums(dir) {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)).split("\\").join("/"))
    .filter((f) => f !== "SHA256SUMS")
    .sort();
  return files.map((f) => `${createHash("sha256").update(readFileSync(join(dir, f))).digest("hex")}  ${f}\n`).join("");
}

/**
 * rename fails across file systems (the work folder is in the temp dir); copy then.
 * @param {string} from @param {string} to
 */
function moveDir(from, to) {
  try {
    renameSync(from, to);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EXDEV") throw err;
    mkdirSync(to, { recursive: true });
    for (const e of readdirSync(from, { withFileTypes: true })) {
      if (e.isDirectory()) moveDir(join(from, e.name), join(to, e.name));
      else copyFileSync(join(from, e.name), join(to, e.name));
    }
  }
}

main(process.argv.slice(2), process.env).then((code) => (process.exitCode = code));
