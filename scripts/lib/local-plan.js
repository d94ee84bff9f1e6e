// A stack's plan against a local AWS API (moto): the synthesized cdk.tf.json is copied unchanged into a
// working folder, and everything test-only (fake credentials, skip flags, loopback endpoints) goes into
// Terraform override and backend-config files beside the copy, never into the JSON users get.
"use strict";
const { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { terraformAsync } = require("./terraform");

const ROOT = join(__dirname, "..", "..");
/** The committed dependency lock file for the pinned provider; CI and this rehearsal init with -lockfile=readonly. */
const LOCK_FILE = join(ROOT, "terraform", ".terraform.lock.hcl");
const OVERRIDE_FILE = "smart_routing_local_override.tf.json";
const BACKEND_CONFIG_FILE = "local-backend.tfbackend";
// Fake keys on purpose: with them, nothing here could ever act on a real account.
const FAKE_KEYS = { access_key: "test", secret_key: "test" };

/** Every provider of the stack (default and aliased), pointed at the local server with fake keys. */
function providerOverride(stackJson, endpoint) {
  const services = ["dynamodb", "ec2", "elbv2", "globalaccelerator", "iam", "s3", "sts"];
  const endpoints = [Object.fromEntries(services.map((s) => [s, endpoint]))];
  const providers = stackJson.provider.aws.map((p) => ({
    ...(p.alias !== undefined && { alias: p.alias }),
    ...FAKE_KEYS,
    skip_metadata_api_check: true,
    endpoints,
  }));
  return { provider: { aws: providers } };
}

/** The backend's partial configuration (-backend-config file): the local server and its quirks. */
function backendConfig(endpoint) {
  return [
    `endpoints = { s3 = "${endpoint}", dynamodb = "${endpoint}", sts = "${endpoint}", iam = "${endpoint}" }`,
    "use_path_style = true", // a loopback server has no per-bucket host names
    "skip_credentials_validation = true",
    "skip_requesting_account_id = true",
    "skip_metadata_api_check = true",
    `access_key = "${FAKE_KEYS.access_key}"`,
    `secret_key = "${FAKE_KEYS.secret_key}"`,
  ].join("\n");
}

/**
 * Makes `workdir` a fresh working folder for one stack: a byte-for-byte copy of its cdk.tf.json, the
 * committed lock file, the provider override and the backend-config file. Returns the parsed stack JSON.
 */
function prepareWorkdir(stackDir, workdir, endpoint) {
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  copyFileSync(join(stackDir, "cdk.tf.json"), join(workdir, "cdk.tf.json"));
  copyFileSync(LOCK_FILE, join(workdir, ".terraform.lock.hcl"));
  const stackJson = JSON.parse(readFileSync(join(workdir, "cdk.tf.json"), "utf8"));
  writeFileSync(join(workdir, OVERRIDE_FILE), `${JSON.stringify(providerOverride(stackJson, endpoint), null, 2)}\n`);
  writeFileSync(join(workdir, BACKEND_CONFIG_FILE), `${backendConfig(endpoint)}\n`);
  return stackJson;
}

class TerraformStepError extends Error {
  constructor(step, result) {
    super(`terraform ${step} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    this.name = "TerraformStepError";
    this.step = step;
    this.result = result;
  }
}

/**
 * init (backend from the config file, lock file read-only), validate, plan -out, show -json.
 * Resolves { planJson, planText }; rejects with a TerraformStepError naming the failed step.
 */
async function initAndPlan(workdir, env, { signal, planArgs = [] } = {}) {
  const run = async (step, args) => {
    const result = await terraformAsync(args, { cwd: workdir, env, signal });
    if (result.status !== 0) throw new TerraformStepError(step, result);
    return result;
  };
  await run("init", ["init", "-input=false", "-no-color", "-lockfile=readonly", `-backend-config=${BACKEND_CONFIG_FILE}`]);
  await run("validate", ["validate", "-no-color"]);
  const plan = await run("plan", ["plan", "-input=false", "-no-color", "-out=tfplan", ...planArgs]);
  const show = await run("show", ["show", "-json", "-no-color", "tfplan"]);
  writeFileSync(join(workdir, "plan.json"), show.stdout);
  return { planJson: show.stdout, planText: plan.stdout };
}

module.exports = { prepareWorkdir, initAndPlan, providerOverride, backendConfig, TerraformStepError, LOCK_FILE, OVERRIDE_FILE, BACKEND_CONFIG_FILE };
