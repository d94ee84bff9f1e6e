// Running real Terraform offline: find the hashicorp/aws provider mirror, write a CLI config that installs
// from it through a shared plugin cache (so each `terraform init` links the 700 MB provider instead of
// copying it), and run terraform with checkpoint calls off. Used by the tests and the npm scripts.
// @ts-check
"use strict";
const { spawnSync, spawn } = require("node:child_process");
const { existsSync, mkdirSync, writeFileSync } = require("node:fs");
const { tmpdir, homedir } = require("node:os");
const { join } = require("node:path");

const PROVIDER = "registry.terraform.io/hashicorp/aws";
const PROVIDER_VERSION = "5.100.0";

/**
 * Where a filesystem mirror of hashicorp/aws 5.100.0 may be; SMART_ROUTING_PROVIDER_MIRROR wins.
 * @returns {string[]}
 */
function mirrorCandidates(env = process.env) {
  return [
    env.SMART_ROUTING_PROVIDER_MIRROR,
    "/opt/tf-plugins",
    join(homedir(), ".terraform.d", "plugins"),
    "/usr/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
  ].filter(/** @returns {dir is string} */ (dir) => typeof dir === "string" && dir !== "");
}

function findMirror(env = process.env) {
  return mirrorCandidates(env).find((dir) => existsSync(join(dir, PROVIDER, PROVIDER_VERSION)));
}

function terraformVersion(env = process.env) {
  const result = spawnSync(env.TERRAFORM_BINARY_NAME || "terraform", ["version"], {
    encoding: "utf8",
    env: { ...env, CHECKPOINT_DISABLE: "1" },
  });
  return result.status === 0 ? result.stdout.split("\n")[0] : undefined;
}

/**
 * Whether real Terraform can run here: { ok: true, mirror, version } or { ok: false, reason }.
 * Without a mirror, Terraform could still download the provider on a machine with internet access,
 * so SMART_ROUTING_PROVIDER_MIRROR=none accepts that.
 * @returns {{ ok: true, mirror: string | undefined, version: string, reason?: undefined } | { ok: false, reason: string, mirror?: undefined }}
 */
function terraformAvailability(env = process.env) {
  const version = terraformVersion(env);
  if (version === undefined) return { ok: false, reason: "terraform is not on PATH (install Terraform >= 1.10)" };
  if (env.SMART_ROUTING_PROVIDER_MIRROR === "none") return { ok: true, mirror: undefined, version };
  const mirror = findMirror(env);
  if (mirror === undefined) {
    return {
      ok: false,
      reason: `no filesystem mirror of ${PROVIDER} ${PROVIDER_VERSION} in ${mirrorCandidates(env).join(", ")} ` +
        "(set SMART_ROUTING_PROVIDER_MIRROR to its folder, or to none to download from the registry)",
    };
  }
  return { ok: true, mirror, version };
}

/**
 * Writes a Terraform CLI config for the mirror and the shared plugin cache; returns the environment to run with.
 * @param {string | undefined} mirror
 * @returns {NodeJS.ProcessEnv}
 */
function terraformEnv(mirror, env = process.env) {
  const base = { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  const cache = env.SMART_ROUTING_PLUGIN_CACHE || join(tmpdir(), "smart-routing-terraform-plugin-cache");
  mkdirSync(cache, { recursive: true });
  const lines = [
    `plugin_cache_dir = ${JSON.stringify(cache)}`,
    // The cache may serve a provider before a lock file records it; the lock file is still written.
    "plugin_cache_may_break_dependency_lock_file = true",
  ];
  if (mirror !== undefined) {
    lines.push(
      "provider_installation {",
      `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = [${JSON.stringify(PROVIDER)}]\n  }`,
      `  direct {\n    exclude = [${JSON.stringify(PROVIDER)}]\n  }`,
      "}",
    );
  }
  const configFile = join(cache, `cli-${mirror ? Buffer.from(mirror).toString("hex").slice(0, 16) : "direct"}.tfrc`);
  writeFileSync(configFile, `${lines.join("\n")}\n`);
  return { ...base, TF_CLI_CONFIG_FILE: configFile };
}

/** @typedef {{ status: number | null, stdout: string, stderr: string }} TerraformResult */

/**
 * Runs terraform synchronously.
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} options
 * @returns {TerraformResult}
 */
function terraform(args, { cwd, env }) {
  const result = spawnSync(env.TERRAFORM_BINARY_NAME || "terraform", args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs terraform without blocking the event loop (for running several at once); resolves like terraform().
 * `signal` (an AbortSignal) stops it with SIGTERM, on which Terraform releases its state lock; `onOutput`
 * sees output as it arrives, for callers that wait on a line.
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal, onOutput?: (output: string) => void }} options
 * @returns {Promise<TerraformResult>}
 */
function terraformAsync(args, { cwd, env, signal, onOutput }) {
  return new Promise((resolve, reject) => {
    const child = spawn(env.TERRAFORM_BINARY_NAME || "terraform", args, { cwd, env, ...(signal && { signal }) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (onOutput) onOutput(stdout + stderr);
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      if (onOutput) onOutput(stdout + stderr);
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

module.exports = { PROVIDER, PROVIDER_VERSION, findMirror, terraformAvailability, terraformEnv, terraform, terraformAsync };
