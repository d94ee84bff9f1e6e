// @ts-check
// Which stacks a change affects, decided by the output, not by file globs: the base commit is synthesized
// with its own code, lock files and config (a copy from `git archive`, with its own install) next to the
// working tree, and the stacks whose synthesized files differ are the ones to plan. A change to shared
// code or to a default reaches exactly the stacks whose JSON it changes; a refactor that changes no output
// plans nothing. Besides the stack's files, Terraform's input is the provider lock file and the Terraform
// version: a change to either affects every stack.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { runPool } = require("./plan-stacks");
const { runAsync } = require("./run-async");

/** The provider lock file every stack's `terraform init -lockfile=readonly` copies. */
const LOCK_FILE = path.join("terraform", ".terraform.lock.hcl");
/** Where the workflows install Terraform (setup-terraform's terraform_version): the version every plan runs. */
const WORKFLOWS = path.join(".github", "workflows");

class ChangeDetectionError extends Error {}

/**
 * The commit a ref names in the repository at root, or an error saying how to get it (the workflows'
 * checkouts are shallow: the base must be fetched).
 * @param {string} ref @param {string} root
 */
function resolveCommit(ref, root) {
  const ran = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: root, encoding: "utf8" });
  if (ran.error !== undefined) throw new ChangeDetectionError(`git is needed to compare with a commit: ${ran.error.message}`);
  if (ran.status !== 0) {
    throw new ChangeDetectionError(
      `${JSON.stringify(ref)} is not a commit of the repository at ${root} (in a shallow checkout, fetch it first: git fetch --no-tags --depth=1 origin <commit>)`,
    );
  }
  return ran.stdout.trim();
}

/** Whether a commit is in the repository (a commit recorded as applied may predate a force-push). @param {string} sha @param {string} root */
function hasCommit(sha, root) {
  return /^[0-9a-f]{7,64}$/i.test(sha) && spawnSync("git", ["cat-file", "-e", `${sha}^{commit}`], { cwd: root, stdio: "ignore" }).status === 0;
}

/** The tree a commit records (commits with the same tree synthesize alike). @param {string} sha @param {string} root */
function treeOf(sha, root) {
  const ran = spawnSync("git", ["rev-parse", `${sha}^{tree}`], { cwd: root, encoding: "utf8" });
  if (ran.status !== 0) throw new ChangeDetectionError(`git rev-parse ${sha}^{tree}: ${ran.stderr.trim()}`);
  return ran.stdout.trim();
}

/**
 * The files of a directory tree, path -> contents; no file is skipped (a fresh synth writes only what
 * Terraform reads).
 * @param {string} dir
 * @returns {Map<string, Buffer>}
 */
function readTree(dir) {
  /** @type {Map<string, Buffer>} */
  const files = new Map();
  const walk = (/** @type {string} */ sub) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(dir, rel)));
    }
  };
  walk("");
  return files;
}

/** @param {Map<string, Buffer>} a @param {Map<string, Buffer>} b */
function sameTree(a, b) {
  if (a.size !== b.size) return false;
  for (const [file, bytes] of a) {
    const other = b.get(file);
    if (other === undefined || !bytes.equals(other)) return false;
  }
  return true;
}

/** The stack folders of a synth (cdktf.out/stacks/<name>), or none. @param {string} outdir @returns {string[]} */
function stackNames(outdir) {
  const dir = path.join(outdir, "stacks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

/**
 * The Terraform versions the workflows of a tree install, sorted ("" when none names one).
 * @param {string} root
 */
function terraformVersions(root) {
  const dir = path.join(root, WORKFLOWS);
  if (!fs.existsSync(dir)) return "";
  const versions = new Set();
  for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    for (const m of fs.readFileSync(path.join(dir, file), "utf8").matchAll(/^\s*terraform_version:\s*["']?([^"'\s#]+)/gm)) versions.add(m[1]);
  }
  return [...versions].sort().join(", ");
}

/** @param {string} file @returns {Buffer | undefined} */
const readIfThere = (file) => (fs.existsSync(file) ? fs.readFileSync(file) : undefined);

/**
 * What differs between two synths, stack by stack, and whether the inputs every stack shares differ.
 * Pure apart from reading the folders: the decision the command prints.
 * @param {{ outdir: string, root: string }} base  the base commit's synth and tree
 * @param {{ outdir: string, root: string }} head  the working tree's synth and tree
 * @param {string[]} order  the config's stacks in order (the working tree's)
 * @returns {{ changed: { name: string, reason: string }[], removed: string[] }}
 */
function compareSynths(base, head, order) {
  const baseStacks = new Set(stackNames(base.outdir));
  /** @type {string | undefined} */
  let everyStack;
  const baseLock = readIfThere(path.join(base.root, LOCK_FILE));
  const headLock = readIfThere(path.join(head.root, LOCK_FILE));
  if (!(baseLock === undefined ? headLock === undefined : headLock !== undefined && baseLock.equals(headLock))) everyStack = `the provider lock file (${LOCK_FILE}) changed`;
  const [baseVersion, headVersion] = [terraformVersions(base.root), terraformVersions(head.root)];
  if (everyStack === undefined && baseVersion !== headVersion) everyStack = `the Terraform version the workflows install changed (${baseVersion || "none"} -> ${headVersion || "none"})`;

  /** @type {{ name: string, reason: string }[]} */
  const changed = [];
  for (const name of order) {
    if (!baseStacks.has(name)) changed.push({ name, reason: "new stack" });
    else if (everyStack !== undefined) changed.push({ name, reason: everyStack });
    else if (!sameTree(readTree(path.join(base.outdir, "stacks", name)), readTree(path.join(head.outdir, "stacks", name)))) changed.push({ name, reason: "its synthesized JSON differs" });
  }
  const kept = new Set(order);
  const removed = [...baseStacks].filter((n) => !kept.has(n)).sort();
  return { changed, removed };
}

/**
 * The config of the base tree: the same file, relative to the repository, as the working tree's
 * (SMART_ROUTING_CONFIG); a file outside the repository is not versioned, so both sides read it.
 * @param {string | undefined} config @param {string} root @param {string} baseRoot
 */
function baseConfigPath(config, root, baseRoot) {
  if (config === undefined || config.trim() === "") return config;
  const absolute = path.resolve(root, config);
  return outsideRepository(config, root) ? absolute : path.join(baseRoot, path.relative(root, absolute));
}

/** Whether the config file is outside the repository (so not versioned with it). @param {string | undefined} config @param {string} root */
function outsideRepository(config, root) {
  if (config === undefined || config.trim() === "") return false;
  const rel = path.relative(root, path.resolve(root, config));
  return rel.startsWith("..") || path.isAbsolute(rel);
}

/**
 * Copies a commit's tree into dir and gives it its own install: the working tree's node_modules when the
 * two package-lock.json files are byte for byte the same (the same lock installs the same packages),
 * else `npm ci` there. `dist` is a copy of the working tree's bundles taken before any synth started.
 * @param {string} sha @param {string} root @param {string} dir @param {string} dist @param {(line: string) => void} note
 */
async function checkOutBase(sha, root, dir, dist, note) {
  fs.mkdirSync(dir, { recursive: true });
  const archive = spawnSync("git", ["archive", "--format=tar", sha], { cwd: root, maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new ChangeDetectionError(`git archive ${sha}: ${String(archive.stderr).trim()}`);
  const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
  if (untar.status !== 0) throw new ChangeDetectionError(`could not unpack ${sha}: ${String(untar.stderr).trim()}`);
  if (!fs.existsSync(path.join(dir, "package.json"))) throw new ChangeDetectionError(`${sha} has no package.json at the top of the repository: it is not a smart-routing commit to synthesize`);
  // The working tree's bundles, with their stamp (a hash of their inputs): the base's synth uses them only
  // if its own inputs hash the same, and rebuilds them otherwise.
  fs.cpSync(dist, path.join(dir, "dist"), { recursive: true });
  const baseLock = readIfThere(path.join(dir, "package-lock.json"));
  const headLock = readIfThere(path.join(root, "package-lock.json"));
  if (baseLock !== undefined && headLock !== undefined && baseLock.equals(headLock) && fs.existsSync(path.join(root, "node_modules"))) {
    fs.symlinkSync(fs.realpathSync(path.join(root, "node_modules")), path.join(dir, "node_modules"));
    return;
  }
  note(`installing ${sha.slice(0, 12)}'s own dependencies (its package-lock.json differs from the working tree's)`);
  const installed = await runAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, env: process.env });
  if (installed.status !== 0) throw new ChangeDetectionError(`npm ci for ${sha} failed:\n${`${installed.stdout}${installed.stderr}`.trim()}`);
}

/**
 * The tree's own `npm run synth` script into outdir, run as npm runs it (sh, node_modules/.bin first on
 * PATH) without npm's own start-up. Resolves undefined on success, or the synth's output when it failed
 * (a config that was invalid at the base, say).
 * @param {string} root @param {string | undefined} config @param {string} outdir
 */
async function synthTree(root, config, outdir) {
  const script = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts?.synth;
  if (typeof script !== "string") throw new ChangeDetectionError(`${root}/package.json has no synth script`);
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, CDKTF_OUTDIR: outdir, PATH: [path.join(root, "node_modules", ".bin"), process.env.PATH].join(path.delimiter) };
  delete env.SMART_ROUTING_CONFIG;
  if (config !== undefined) env.SMART_ROUTING_CONFIG = config;
  const ran = await runAsync("sh", ["-c", script], { cwd: root, env });
  return ran.status === 0 ? undefined : `${ran.stdout}${ran.stderr}`.trim();
}

/**
 * The stacks that differ between commits and the working tree at root: one synth per base commit, run
 * next to the working tree's. `bases` maps each base commit to the stacks compared with it (every stack,
 * for a pull request's base; a stack's own last applied commit, for the apply workflow).
 * @param {{ root: string, config: string | undefined, order: string[], bases: Map<string, string[] | undefined>, note?: (line: string) => void }} options
 * @returns {Promise<{ changed: { name: string, reason: string, base: string }[], removed: { name: string, base: string }[] }>}
 */
async function changedStacks({ root, config, order, bases, note = () => {} }) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "smart-routing-changed-"));
  try {
    if (outsideRepository(config, root)) {
      note(`${config} is outside the repository, so both sides read the same file: a change to it is not seen, only changes to the code`);
    }
    // The working tree's bundles as they are now: its synth may rebuild dist/ while a base is checked out,
    // and a copy taken half-way through a rebuild would not be one build.
    const dist = path.join(work, "dist");
    fs.mkdirSync(dist);
    const built = path.join(root, "dist");
    if (fs.existsSync(built)) for (const entry of fs.readdirSync(built, { withFileTypes: true })) if (entry.isFile()) fs.copyFileSync(path.join(built, entry.name), path.join(dist, entry.name));

    const headOut = path.join(work, "head", "cdktf.out");
    const shas = [...bases.keys()];
    /** @param {string} sha @param {number} i */
    const synthBase = async (sha, i) => {
      const dir = path.join(work, `base-${i}`);
      await checkOutBase(sha, root, dir, dist, note);
      const outdir = path.join(dir, "cdktf.out");
      const baseConfig = baseConfigPath(config, root, dir);
      // A config file the base does not have yet: the base has no stack, and every stack is new.
      if (baseConfig !== undefined && baseConfig.trim() !== "" && !fs.existsSync(baseConfig)) {
        note(`${sha.slice(0, 12)} has no ${path.relative(dir, baseConfig)}: every stack of it is new`);
        return { sha, dir, outdir, failed: undefined };
      }
      const failed = await synthTree(dir, baseConfig, outdir);
      return { sha, dir, outdir, failed };
    };
    // The working tree's synth and one per base, at most one per CPU at a time: the apply workflow may
    // compare with many commits.
    const [headRun, ...baseResults] = await runPool(["head", ...shas], Math.max(1, os.availableParallelism()), (item, i) =>
      i === 0 ? synthTree(root, config, headOut).then((failed) => ({ sha: "", dir: root, outdir: headOut, failed })) : synthBase(item, i - 1),
    );
    if (headRun.failed !== undefined) throw new ChangeDetectionError(`the working tree does not synthesize:\n${headRun.failed}`);
    /** @type {Map<string, { name: string, reason: string, base: string }>} */
    const changed = new Map();
    /** @type {{ name: string, base: string }[]} */
    const removed = [];
    for (const { sha, dir, outdir, failed } of baseResults) {
      const wanted = bases.get(sha);
      const names = wanted === undefined ? order : order.filter((n) => wanted.includes(n));
      if (failed !== undefined) {
        // Nothing can have been applied from a commit that does not synthesize: plan every stack.
        note(`${sha.slice(0, 12)} does not synthesize, so every stack compared with it is planned, and stacks removed since it cannot be told:\n${failed}`);
        for (const name of names) changed.set(name, { name, reason: `the base ${sha.slice(0, 12)} does not synthesize`, base: sha });
        continue;
      }
      const compared = compareSynths({ outdir, root: dir }, { outdir: headOut, root }, names);
      for (const c of compared.changed) changed.set(c.name, { ...c, base: sha });
      if (wanted === undefined) removed.push(...compared.removed.map((name) => ({ name, base: sha })));
    }
    return { changed: order.filter((n) => changed.has(n)).map((n) => /** @type {{ name: string, reason: string, base: string }} */ (changed.get(n))), removed };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The jobs of a matrix: at most maxJobs, every stack in exactly one, consecutive stacks of the config
 * together, sizes differing by at most one.
 * @param {string[]} stacks @param {number} maxJobs
 * @returns {{ job: string, stacks: string }[]}
 */
function matrixJobs(stacks, maxJobs) {
  const jobs = Math.min(maxJobs, stacks.length);
  const size = Math.floor(stacks.length / jobs);
  const bigger = stacks.length % jobs;
  /** @type {{ job: string, stacks: string }[]} */
  const include = [];
  let at = 0;
  for (let j = 0; j < jobs; j++) {
    const part = stacks.slice(at, at + size + (j < bigger ? 1 : 0));
    at += part.length;
    include.push({ job: part.length === 1 ? part[0] : `${part[0]} +${part.length - 1}`, stacks: part.join(" ") });
  }
  return include;
}

module.exports = { changedStacks, compareSynths, matrixJobs, resolveCommit, hasCommit, treeOf, terraformVersions, ChangeDetectionError, LOCK_FILE };
