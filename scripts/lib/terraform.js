// Running real Terraform: decide where the hashicorp/aws provider comes from, write a CLI config that
// installs it through a shared plugin cache (so each `terraform init` links the 700 MB provider instead
// of copying it), and run terraform with checkpoint calls off. Used by the tests and the npm scripts.
// The normal case is a machine with internet: Terraform installs the provider from the registry,
// checked against the committed lock file. A filesystem mirror (offline machines, this project's CI) is
// used when one is found in the usual places or named by SMART_ROUTING_PROVIDER_MIRROR.
// @ts-check
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync, mkdirSync, writeFileSync } = require("node:fs");
const { tmpdir, homedir } = require("node:os");
const { join } = require("node:path");
const { runAsync } = require("./run-async");

const PROVIDER = "registry.terraform.io/hashicorp/aws";
const PROVIDER_VERSION = "5.100.0";

/** The folders searched for a filesystem mirror when SMART_ROUTING_PROVIDER_MIRROR names none. */
const MIRROR_FOLDERS = [
  "/opt/tf-plugins",
  join(homedir(), ".terraform.d", "plugins"),
  "/usr/share/terraform/plugins",
  "/usr/local/share/terraform/plugins",
];

/** @param {string} dir */
const holdsProvider = (dir) => existsSync(join(dir, PROVIDER, PROVIDER_VERSION));

function terraformVersion(env = process.env) {
  const result = spawnSync(env.TERRAFORM_BINARY_NAME || "terraform", ["version"], {
    encoding: "utf8",
    env: { ...env, CHECKPOINT_DISABLE: "1" },
  });
  return result.status === 0 ? result.stdout.split("\n")[0] : undefined;
}

/**
 * Where the provider comes from: { mirror } for a filesystem mirror, { mirror: undefined } for the
 * registry (Terraform's own installation), or { error } when SMART_ROUTING_PROVIDER_MIRROR names a folder
 * without the provider (a typo must not silently turn into a download). `none` there means the registry
 * even where a mirror would be found.
 * @param {NodeJS.ProcessEnv} env
 * @param {readonly string[]} folders searched when the variable is unset
 * @returns {{ mirror: string | undefined, error?: undefined } | { error: string, mirror?: undefined }}
 */
function providerSource(env = process.env, folders = MIRROR_FOLDERS) {
  const named = env.SMART_ROUTING_PROVIDER_MIRROR;
  if (named === "none") return { mirror: undefined };
  if (named !== undefined && named !== "") {
    if (holdsProvider(named)) return { mirror: named };
    return {
      error:
        `SMART_ROUTING_PROVIDER_MIRROR=${named} holds no ${PROVIDER} ${PROVIDER_VERSION} ` +
        `(expected ${join(named, PROVIDER, PROVIDER_VERSION)}/<os>_<arch>/); unset it to use a mirror found in the usual folders, or set it to none to install the provider from the registry`,
    };
  }
  return { mirror: folders.find(holdsProvider) };
}

/**
 * Whether real Terraform can run here: { ok: true, mirror, version } (mirror undefined: the registry) or
 * { ok: false, reason }. Only a missing terraform, or a named mirror that is not there, makes it not ok.
 * @param {NodeJS.ProcessEnv} env
 * @param {readonly string[]} folders
 * @returns {{ ok: true, mirror: string | undefined, version: string, reason?: undefined } | { ok: false, reason: string, mirror?: undefined }}
 */
function terraformAvailability(env = process.env, folders = MIRROR_FOLDERS) {
  const version = terraformVersion(env);
  if (version === undefined) return { ok: false, reason: "terraform is not on PATH (install Terraform >= 1.10)" };
  const source = providerSource(env, folders);
  if (source.error !== undefined) return { ok: false, reason: source.error };
  return { ok: true, mirror: source.mirror, version };
}

/**
 * The Terraform CLI config: the shared plugin cache, and with a mirror, installation of hashicorp/aws from
 * it (and of nothing else from the registry). Without one, Terraform's default installation: the registry.
 * @param {string | undefined} mirror
 * @param {string} cache
 */
function cliConfigText(mirror, cache) {
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
  return `${lines.join("\n")}\n`;
}

/**
 * Writes the CLI config for the mirror (undefined: the registry) and the shared plugin cache; returns the
 * environment to run terraform with.
 * @param {string | undefined} mirror
 * @returns {NodeJS.ProcessEnv}
 */
function terraformEnv(mirror, env = process.env) {
  const base = { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  const cache = env.SMART_ROUTING_PLUGIN_CACHE || join(tmpdir(), "smart-routing-terraform-plugin-cache");
  mkdirSync(cache, { recursive: true });
  const configFile = join(cache, `cli-${mirror ? Buffer.from(mirror).toString("hex").slice(0, 16) : "direct"}.tfrc`);
  writeFileSync(configFile, cliConfigText(mirror, cache));
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
  return runAsync(env.TERRAFORM_BINARY_NAME || "terraform", args, { cwd, env, signal, onOutput });
}

module.exports = { PROVIDER, PROVIDER_VERSION, MIRROR_FOLDERS, providerSource, terraformAvailability, terraformEnv, cliConfigText, terraform, terraformAsync };
