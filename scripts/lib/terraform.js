// Running real Terraform: decide where the hashicorp/aws provider comes from, write the Terraform CLI
// config that installs it from there, and run terraform with checkpoint calls off. Used by the tests and the
// npm scripts, which may run many `terraform init` at once (jest workers, two plan:local side by side):
// - A CLI config file is never rewritten in place: its name is a hash of its text and it is written to a
//   temporary name, then renamed, so a terraform starting meanwhile reads the whole file or the same one.
//   (Written in place, a reader could find it truncated: no provider_installation, so the registry.)
// - No plugin cache. Terraform documents it as unsafe for concurrent `init`, and it bought nothing here: a
//   filesystem mirror in unpacked layout is symlinked into .terraform/ (Terraform's installFromLocalDir),
//   cache or not, and the cache only added a link and a checksum to every init (1.4 s against 1.0 s,
//   terraform 1.11.4, hashicorp/aws 5.100.0).
// The normal case is a machine with internet: the provider comes from the registry, checked against the
// committed lock file, downloaded once into a folder that then serves every init as a mirror (so no init
// writes where another reads). A filesystem mirror (offline machines, this project's CI) is used when one
// is found in the usual places or named by SMART_ROUTING_PROVIDER_MIRROR.
// @ts-check
"use strict";
const { spawnSync } = require("node:child_process");
const { createHash, randomBytes } = require("node:crypto");
const { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir, homedir } = require("node:os");
const { join } = require("node:path");
const { runAsync } = require("./run-async");

const PROVIDER = "registry.terraform.io/hashicorp/aws";
const PROVIDER_VERSION = "5.100.0";
/** The committed dependency lock file for the pinned provider; CI and the rehearsals init with -lockfile=readonly. */
const LOCK_FILE = join(__dirname, "..", "..", "terraform", ".terraform.lock.hcl");

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
 * The Terraform CLI config: hashicorp/aws from the mirror, nothing else from it (everything else from the
 * registry). No plugin_cache_dir: see the top of this file.
 * @param {string} mirror
 */
function cliConfigText(mirror) {
  return [
    "provider_installation {",
    `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = [${JSON.stringify(PROVIDER)}]\n  }`,
    `  direct {\n    exclude = [${JSON.stringify(PROVIDER)}]\n  }`,
    "}",
    "",
  ].join("\n");
}

/** The CLI config of the one download from the registry: Terraform's own installation, nothing else. */
const REGISTRY_CLI_CONFIG = "# Terraform's default provider installation: the registry.\n";

/**
 * Writes a CLI config under `root` and returns its path. The name is the text's hash, and the file is
 * written whole under a name of its own, then renamed over it: a terraform reading it meanwhile gets the
 * old file or the new one, which hold the same text.
 * @param {string} root @param {string} text
 */
function writeCliConfig(root, text) {
  mkdirSync(root, { recursive: true });
  const file = join(root, `cli-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.tfrc`);
  const temporary = `${file}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
  return file;
}

/**
 * The environment every terraform runs with: no checkpoint calls, no prompts, and no plugin cache from the
 * user's environment (shared between concurrent inits, it is what Terraform documents as unsafe).
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
function baseEnv(env) {
  return {
    ...env,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    TF_PLUGIN_CACHE_DIR: undefined,
    TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: undefined,
  };
}

/** The folder the project keeps Terraform's CLI configs (and the downloaded provider) in. @param {NodeJS.ProcessEnv} env */
const terraformDir = (env) => env.SMART_ROUTING_TERRAFORM_DIR || join(tmpdir(), "smart-routing-terraform");

/**
 * A filesystem mirror of the provider downloaded from the registry, for machines without one: filled once
 * by `terraform init -lockfile=readonly` with the committed lock file (the download is checked as every
 * init checks it) in a folder of its own, then renamed into place whole. A caller running meanwhile finds
 * no provider there (and downloads its own; the first renamed stays) or all of it, never half; and no
 * init ever writes into it. Returns its path; throws when the download fails.
 * @param {string} root
 * @param {NodeJS.ProcessEnv} env
 * @param {string} source the CLI config text the download runs with (a test names a mirror instead)
 */
function downloadedProvider(root, env, source = REGISTRY_CLI_CONFIG) {
  const mirror = join(root, "providers");
  if (holdsProvider(mirror)) return mirror;
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, "download-"));
  try {
    const config = { terraform: { required_providers: { aws: { source: "hashicorp/aws", version: PROVIDER_VERSION } } } };
    writeFileSync(join(work, "main.tf.json"), JSON.stringify(config));
    copyFileSync(LOCK_FILE, join(work, ".terraform.lock.hcl"));
    const init = terraform(["init", "-backend=false", "-lockfile=readonly", "-input=false", "-no-color"], {
      cwd: work,
      env: { ...baseEnv(env), TF_CLI_CONFIG_FILE: writeCliConfig(root, source) },
    });
    if (init.status !== 0) {
      throw new Error(
        `installing ${PROVIDER} ${PROVIDER_VERSION} from the registry failed (terraform init, exit ${init.status}); ` +
          `without internet, name a filesystem mirror with SMART_ROUTING_PROVIDER_MIRROR:\n${init.stdout}${init.stderr}`,
      );
    }
    mkdirSync(join(mirror, PROVIDER), { recursive: true });
    try {
      renameSync(join(work, ".terraform", "providers", PROVIDER, PROVIDER_VERSION), join(mirror, PROVIDER, PROVIDER_VERSION));
    } catch (err) {
      if (!holdsProvider(mirror)) throw err; // else another process put its download in place first
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return mirror;
}

/**
 * The environment to run terraform with: its CLI config installs the provider from `mirror`, or, when that
 * is undefined (the registry), from the provider downloaded once (downloadedProvider). Throws when that
 * download fails.
 * @param {string | undefined} mirror
 * @returns {NodeJS.ProcessEnv}
 */
function terraformEnv(mirror, env = process.env) {
  const root = terraformDir(env);
  const source = mirror ?? downloadedProvider(root, env);
  return { ...baseEnv(env), TF_CLI_CONFIG_FILE: writeCliConfig(root, cliConfigText(source)) };
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

module.exports = {
  PROVIDER,
  PROVIDER_VERSION,
  LOCK_FILE,
  MIRROR_FOLDERS,
  providerSource,
  terraformAvailability,
  terraformEnv,
  downloadedProvider,
  cliConfigText,
  terraform,
  terraformAsync,
};
