// @ts-check
// A stack's plan against local AWS APIs: the synthesized cdk.tf.json is copied unchanged into a working
// folder, with the committed provider lock file and the local files (provider override, backend config;
// see src/local-aws/terraform-overrides.ts) beside it, never inside the JSON users get.
"use strict";
const { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { LOCK_FILE, terraformAsync } = require("./terraform");

/**
 * Makes `workdir` a fresh working folder for one stack: a byte-for-byte copy of its cdk.tf.json, the
 * committed lock file, and the files `localFiles` returns for the stack's JSON. Returns that JSON.
 * @param {string} stackDir
 * @param {string} workdir
 * @param {(stackJson: any) => Record<string, string>} localFiles
 * @returns {any}
 */
function prepareWorkdir(stackDir, workdir, localFiles) {
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  copyFileSync(join(stackDir, "cdk.tf.json"), join(workdir, "cdk.tf.json"));
  return addLocalFiles(workdir, localFiles);
}

/**
 * Puts the committed lock file and the files `localFiles` returns beside the cdk.tf.json in `dir`, which
 * stays as it is. Returns that JSON.
 * @param {string} dir
 * @param {(stackJson: any) => Record<string, string>} localFiles
 * @returns {any}
 */
function addLocalFiles(dir, localFiles) {
  copyFileSync(LOCK_FILE, join(dir, ".terraform.lock.hcl"));
  const stackJson = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  for (const [name, text] of Object.entries(localFiles(stackJson))) writeFileSync(join(dir, name), text);
  return stackJson;
}

class TerraformStepError extends Error {
  /**
   * @param {string} step
   * @param {{ status: number | null, stdout: string, stderr: string }} result
   */
  constructor(step, result) {
    super(`terraform ${step} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    this.name = "TerraformStepError";
    this.step = step;
    this.result = result;
  }
}

/**
 * The CI's steps: init (backend from the given -backend-config file, lock file read-only), plan -out and
 * show -json. No separate `terraform validate`: plan validates the configuration first (Terraform's local
 * backend runs Validate before every plan), so it would only load the provider once more.
 * Resolves { planJson, planText }; rejects with a TerraformStepError naming the failed step.
 * @param {string} workdir
 * @param {NodeJS.ProcessEnv} env
 * @param {{ backendConfigFile: string, signal?: AbortSignal, planArgs?: string[] }} options
 */
async function initAndPlan(workdir, env, { backendConfigFile, signal, planArgs = [] }) {
  /** @param {string} step @param {string[]} args */
  const run = async (step, args) => {
    const result = await terraformAsync(args, { cwd: workdir, env, signal });
    if (result.status !== 0) throw new TerraformStepError(step, result);
    return result;
  };
  await run("init", ["init", "-input=false", "-no-color", "-lockfile=readonly", `-backend-config=${backendConfigFile}`]);
  const plan = await run("plan", ["plan", "-input=false", "-no-color", "-out=tfplan", ...planArgs]);
  const show = await run("show", ["show", "-json", "-no-color", "tfplan"]);
  writeFileSync(join(workdir, "plan.json"), show.stdout);
  return { planJson: show.stdout, planText: plan.stdout };
}

module.exports = { prepareWorkdir, addLocalFiles, initAndPlan, TerraformStepError, LOCK_FILE };
