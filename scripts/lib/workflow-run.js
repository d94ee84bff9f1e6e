// @ts-check
// Runs a GitHub Actions workflow's own `run:` steps here, for the tests and the bench: jobs in the order
// their `needs` give, each matrix expanded (`fromJSON(needs.<job>.outputs.<name>)` included), every step's
// script run with bash as a runner does (`bash --noprofile --norc -eo pipefail` under `shell: bash`) in a
// fresh copy of the repository per job, with what GitHub provides: GITHUB_OUTPUT, GITHUB_ENV,
// GITHUB_STEP_SUMMARY, GITHUB_PATH, the github/vars/inputs/matrix/needs/steps contexts and `if:`.
//
// What cannot run here is replaced, and only that: the `uses:` steps that install tools this machine
// already has (checkout: the copy is the checkout; setup-node and setup-terraform: the versions here must
// be the ones asked for), credentials (configure-aws-credentials: fake keys and the local AWS endpoints the
// caller gives, never in the workflow itself), the artifact store (upload/download-artifact: a folder), and
// the install commands of packages already installed (`npm ci`: node_modules is linked into the copy).
// Anything else (another action, an expression this evaluator does not know, another shell) fails loudly.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { parse } = require("yaml");

// ---------------------------------------------------------------------------------------------------
// Expressions: ${{ ... }} with GitHub's operators and the functions the workflows use.

/** Something this harness cannot do or does not know: the run stops, it is not a job's failure. */
class WorkflowHarnessError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(`workflow harness: ${message}`);
    this.name = "WorkflowHarnessError";
  }
}

/** A stand-in's step failed as the real action would (no role to assume, say): the job fails, the run goes on. */
class StepFailure extends Error {}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|([A-Za-z_][A-Za-z0-9_-]*)|(==|!=|&&|\|\||[!().,]))/y;

/** @param {string} text @returns {{ kind: string, value: string }[]} */
function tokenize(text) {
  /** @type {{ kind: string, value: string }[]} */
  const tokens = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (m === null) throw new WorkflowHarnessError(`cannot read the expression "${text}" at "${text.slice(start).trimStart()}"`);
    if (m[1] !== undefined) tokens.push({ kind: "number", value: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: "string", value: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) tokens.push({ kind: "name", value: m[3] });
    else tokens.push({ kind: "op", value: m[4] });
  }
  return tokens;
}

/** GitHub's falsy values: false, 0, "", null (and NaN). @param {unknown} v */
const truthy = (v) => !(v === false || v === 0 || v === "" || v === null || v === undefined || Number.isNaN(v));

/** Paths below which a missing key is null, as on GitHub (an unset variable, an output never written). */
const LENIENT = [/^vars$/, /^inputs$/, /^secrets$/, /^needs\.[^.]+\.outputs$/, /^steps\.[^.]+\.outputs$/];

/**
 * @typedef {{
 *   contexts: Record<string, unknown>,
 *   status?: { success: boolean, failure: boolean },
 * }} Scope
 */

/**
 * Evaluates one expression (the text between ${{ and }}).
 * @param {string} text
 * @param {Scope} scope
 * @returns {unknown}
 */
function evaluate(text, scope) {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  /** @param {string} value */
  const accept = (value) => (tokens[i]?.kind === "op" && tokens[i].value === value ? (i++, true) : false);
  /** @param {string} value */
  const expect = (value) => {
    if (!accept(value)) throw new WorkflowHarnessError(`expected "${value}" in the expression "${text}"`);
  };
  /** @param {unknown} a @param {unknown} b */
  const equal = (a, b) => (typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b);
  /**
   * A left-associative run of one operator, `next (op next)*`, folded with `combine`.
   * @param {string} op @param {() => unknown} next @param {(left: unknown, right: unknown) => unknown} combine
   */
  const chain = (op, next, combine) => () => {
    let value = next();
    while (accept(op)) value = combine(value, next());
    return value;
  };
  // GitHub's && and || give an operand, not a boolean: `vars.X || 'default'`.
  const and = chain("&&", () => eq(), (left, right) => (truthy(left) ? right : left));
  const or = chain("||", and, (left, right) => (truthy(left) ? left : right));
  /** @returns {unknown} */
  const eq = () => {
    let value = unary();
    for (;;) {
      if (accept("==")) value = equal(value, unary());
      else if (accept("!=")) value = !equal(value, unary());
      else return value;
    }
  };
  /** @returns {unknown} */
  const unary = () => (accept("!") ? !truthy(unary()) : postfix());
  /** @returns {unknown} */
  const postfix = () => {
    const token = peek();
    if (token === undefined) throw new WorkflowHarnessError(`the expression "${text}" ends too early`);
    i++;
    if (token.kind === "number") return Number(token.value);
    if (token.kind === "string") return token.value;
    if (token.kind === "op" && token.value === "(") {
      const value = or();
      expect(")");
      return value;
    }
    if (token.kind !== "name") throw new WorkflowHarnessError(`unexpected "${token.value}" in the expression "${text}"`);
    if (accept("(")) {
      /** @type {unknown[]} */
      const args = [];
      if (!accept(")")) {
        do args.push(or());
        while (accept(","));
        expect(")");
      }
      return call(token.value, args);
    }
    if (token.value === "true" || token.value === "false") return token.value === "true";
    if (token.value === "null") return null;
    if (!(token.value in scope.contexts)) throw new WorkflowHarnessError(`the expression "${text}" uses the context "${token.value}", which this harness does not provide`);
    let value = scope.contexts[token.value];
    const where = [token.value];
    while (accept(".")) {
      const key = peek();
      if (key?.kind !== "name") throw new WorkflowHarnessError(`expected a property name after "${where.join(".")}." in "${text}"`);
      i++;
      const parent = where.join(".");
      where.push(key.value);
      if (value !== null && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, key.value)) {
        value = /** @type {Record<string, unknown>} */ (value)[key.value];
      } else if (LENIENT.some((re) => re.test(parent))) {
        value = null;
      } else {
        throw new WorkflowHarnessError(`the expression "${text}" reads ${where.join(".")}, which this harness does not know`);
      }
    }
    return value;
  };
  /** @param {string} name @param {unknown[]} args */
  const call = (name, args) => {
    const status = scope.status;
    switch (name) {
      case "always":
        return true;
      case "cancelled":
        return false;
      case "success":
      case "failure":
        if (status === undefined) throw new WorkflowHarnessError(`${name}() is only known in if: conditions ("${text}")`);
        return status[name];
      case "fromJSON":
        return JSON.parse(String(args[0]));
      case "toJSON":
        return JSON.stringify(args[0]);
      default:
        throw new WorkflowHarnessError(`the expression "${text}" calls ${name}(), which this harness does not know`);
    }
  };

  const value = or();
  if (i !== tokens.length) throw new WorkflowHarnessError(`unexpected "${tokens[i].value}" in the expression "${text}"`);
  return value;
}

/** @param {unknown} value */
function asText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Substitutes every ${{ }} of a string (and of the strings in a list or mapping); a string that is one
 * expression keeps its value's type (a matrix list from fromJSON, say).
 * @param {unknown} value
 * @param {Scope} scope
 * @returns {unknown}
 */
function substitute(value, scope) {
  if (Array.isArray(value)) return value.map((v) => substitute(v, scope));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, scope)]));
  if (typeof value !== "string") return value;
  const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(value.trim());
  if (whole !== null && !whole[1].includes("}}")) return evaluate(whole[1], scope);
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr) => asText(evaluate(expr, scope)));
}

/** @param {unknown} value @param {Scope} scope */
const substituteText = (value, scope) => asText(substitute(value, scope));

/**
 * An `if:` condition: a bare expression or one in ${{ }}; success() when there is none.
 * @param {unknown} condition
 * @param {Scope} scope
 */
function conditionHolds(condition, scope) {
  if (condition === undefined) return Boolean(scope.status?.success);
  const text = String(condition).trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(text)?.[1] ?? text;
  return truthy(evaluate(inner, scope));
}

// ---------------------------------------------------------------------------------------------------
// Files GitHub gives a step: GITHUB_OUTPUT and GITHUB_ENV (name=value or name<<DELIMITER lines).

/** @param {string} file @returns {Record<string, string>} */
function readKeyValueFile(file) {
  /** @type {Record<string, string>} */
  const values = {};
  if (!fs.existsSync(file)) return values;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc !== null) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end === -1) throw new WorkflowHarnessError(`${file}: no closing ${heredoc[2]} for ${heredoc[1]}`);
      values[heredoc[1]] = lines.slice(i + 1, end).join("\n");
      i = end;
      continue;
    }
    const eq = line.indexOf("=");
    if (eq === -1) throw new WorkflowHarnessError(`${file}: cannot read the line ${JSON.stringify(line)}`);
    values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}

// ---------------------------------------------------------------------------------------------------
// The checkout: a copy of the repository's files (tracked, and untracked but not ignored), with the
// installed node_modules linked in and dist/ copied (the bundles are rebuilt if their inputs differ).

/**
 * @param {string} root
 * @param {string} dest
 * @param {Record<string, string>} extraFiles path in the copy -> contents (a user's own config, say)
 */
function checkoutCopy(root, dest, extraFiles = {}) {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (listed.status !== 0) throw new WorkflowHarnessError(`git ls-files failed in ${root}: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    const from = path.join(root, file);
    if (!fs.existsSync(from) || fs.lstatSync(from).isSymbolicLink()) continue;
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, file));
    fs.chmodSync(path.join(dest, file), fs.statSync(from).mode);
  }
  fs.symlinkSync(fs.realpathSync(path.join(root, "node_modules")), path.join(dest, "node_modules"));
  // The bundles and their stamp (not dist/terraform, the packages): a synth in the copy rebuilds them
  // only if their inputs differ from the copy's.
  const dist = path.join(root, "dist");
  if (fs.existsSync(dist)) {
    fs.mkdirSync(path.join(dest, "dist"));
    for (const entry of fs.readdirSync(dist, { withFileTypes: true })) if (entry.isFile()) fs.copyFileSync(path.join(dist, entry.name), path.join(dest, "dist", entry.name));
  }
  for (const [file, text] of Object.entries(extraFiles)) {
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.writeFileSync(path.join(dest, file), text);
  }
}

// ---------------------------------------------------------------------------------------------------
// Stand-ins for what cannot run here.

/** `run:` commands that install what this machine already has: checked, then not run. */
const INSTALLED = /** @type {Record<string, (workspace: string) => string | undefined>} */ ({
  "npm ci --no-audit --no-fund": (workspace) => (fs.existsSync(path.join(workspace, "node_modules", ".package-lock.json")) ? undefined : "node_modules is not installed here"),
  'pipx install "moto[server]==5.2.1"': () => (spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0 ? undefined : "moto_server is not installed here"),
});

/**
 * @typedef {{
 *   with: Record<string, string>,
 *   job: JobInstance,
 *   run: RunState,
 * }} StubCall
 * @typedef {(call: StubCall) => Promise<Record<string, string>> | Record<string, string>} Stub  resolves env to add to the job
 */

/** @param {string} command @param {string[]} args */
const firstLine = (command, args) => (spawnSync(command, args, { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } }).stdout ?? "").split("\n")[0];

/** @type {Record<string, Stub>} */
const STUBS = {
  "actions/checkout": () => ({}),
  "actions/setup-node": ({ with: w }) => {
    const here = process.versions.node.split(".")[0];
    if (String(w["node-version"]) !== here) throw new WorkflowHarnessError(`setup-node asks for node ${w["node-version"]}; this machine has ${process.version}`);
    return {};
  },
  "hashicorp/setup-terraform": ({ with: w }) => {
    if (String(w.terraform_wrapper) !== "false") throw new WorkflowHarnessError("setup-terraform's wrapper (terraform_wrapper) cannot be emulated here; the workflows turn it off");
    const here = firstLine("terraform", ["version"]);
    if (here !== `Terraform v${w.terraform_version}`) throw new WorkflowHarnessError(`setup-terraform asks for ${w.terraform_version}; this machine has ${here || "no terraform"}`);
    return {};
  },
  "aws-actions/configure-aws-credentials": ({ with: w, job, run }) => {
    // The real action fails without a role to assume; so does this one.
    if (!w["role-to-assume"]) throw new StepFailure("Error: Credentials could not be loaded: role-to-assume is empty (is its variable set?)");
    job.credentials.push({ role: w["role-to-assume"], subject: oidcSubject(job, run), session: w["role-session-name"] });
    return { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_SESSION_TOKEN: "test", AWS_REGION: w["aws-region"], AWS_DEFAULT_REGION: w["aws-region"], ...run.options.awsEnv };
  },
  "actions/upload-artifact": ({ with: w, job, run }) => {
    const source = path.join(job.workspace, w.path);
    const target = path.join(run.artifacts, w.name);
    if (fs.existsSync(target)) throw new WorkflowHarnessError(`an artifact named ${w.name} was already uploaded in this run (upload-artifact v4 refuses that)`);
    if (!fs.existsSync(source)) return {};
    fs.mkdirSync(target, { recursive: true });
    fs.cpSync(source, fs.statSync(source).isDirectory() ? target : path.join(target, path.basename(source)), { recursive: true });
    return {};
  },
  "actions/download-artifact": ({ with: w, job, run }) => {
    const pattern = new RegExp(`^${(w.pattern ?? w.name ?? "*").replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    const names = fs.existsSync(run.artifacts) ? fs.readdirSync(run.artifacts).filter((n) => pattern.test(n)) : [];
    const dest = path.join(job.workspace, w.path ?? ".");
    for (const name of names) {
      const into = w.name !== undefined || String(w["merge-multiple"]) === "true" ? dest : path.join(dest, name);
      fs.mkdirSync(into, { recursive: true });
      fs.cpSync(path.join(run.artifacts, name), into, { recursive: true });
    }
    return {};
  },
};

/**
 * The OIDC subject GitHub would put in this job's token: the environment when the job has one, the
 * event `pull_request` for pull requests, else the ref.
 * @param {JobInstance} job @param {RunState} run
 */
function oidcSubject(job, run) {
  const repo = `repo:${run.github.repository}`;
  if (job.environment !== undefined) return `${repo}:environment:${job.environment}`;
  if (run.github.event_name === "pull_request") return `${repo}:pull_request`;
  return `${repo}:ref:${run.github.ref}`;
}

// ---------------------------------------------------------------------------------------------------
// Running.

/**
 * @typedef {{
 *   root: string,
 *   event: string,
 *   github?: Record<string, unknown>,
 *   vars?: Record<string, string>,
 *   inputs?: Record<string, string>,
 *   env?: NodeJS.ProcessEnv,
 *   awsEnv?: Record<string, string>,
 *   extraFiles?: Record<string, string>,
 *   skipJobs?: Record<string, string>,
 *   pathDirs?: string[],
 *   workDir?: string,
 *   artifacts?: string,
 *   reuse?: Record<string, { result: string, outputs: Record<string, string> }>,
 * }} RunOptions
 *
 * @typedef {{
 *   options: RunOptions,
 *   workflow: any,
 *   github: Record<string, any>,
 *   artifacts: string,
 *   workDir: string,
 * }} RunState
 *
 * @typedef {{ name: string, id?: string, status: "success" | "failure" | "skipped", output: string, note?: string }} StepResult
 *
 * @typedef {{
 *   jobId: string,
 *   label: string,
 *   matrix: Record<string, unknown> | undefined,
 *   workspace: string,
 *   environment: string | undefined,
 *   concurrency: unknown,
 *   permissions: unknown,
 *   status: "success" | "failure" | "skipped",
 *   steps: StepResult[],
 *   summary: string,
 *   outputs: Record<string, string>,
 *   annotations: string[],
 *   credentials: { role: string, subject: string, session: string }[],
 * }} JobInstance
 */

/** @param {RunOptions} options @param {any} workflow */
function githubContext(options, workflow) {
  const repository = "acme/smart-routing";
  const defaults = {
    event_name: options.event,
    repository,
    repository_owner: "acme",
    ref: "refs/heads/main",
    ref_name: "main",
    sha: "0123456789abcdef0123456789abcdef01234567",
    run_id: "4242",
    run_attempt: "1",
    server_url: "https://github.com",
    workflow: workflow.name,
    token: "ghs_harness_token",
    actor: "octocat",
    event: {},
  };
  return { ...defaults, ...options.github };
}

/** @param {unknown} on @returns {string[]} */
function triggers(on) {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys(/** @type {object} */ (on ?? {}));
}

/**
 * Runs a workflow file's jobs for one event. Resolves every job instance (one per matrix entry), in the
 * order they ran, and each job's result as `needs` sees it.
 * @param {string} file
 * @param {RunOptions} options
 */
async function runWorkflow(file, options) {
  const workflow = parse(fs.readFileSync(file, "utf8"));
  if (!triggers(workflow.on).includes(options.event)) throw new WorkflowHarnessError(`${path.basename(file)} does not run on ${options.event}`);
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "smart-routing-workflow-"));
  /** @type {RunState} */
  const run = { options, workflow, github: githubContext(options, workflow), artifacts: options.artifacts ?? path.join(workDir, "artifacts"), workDir };
  /** @type {Record<string, { result: string, outputs: Record<string, string> }>} */
  const done = {};
  /** @type {JobInstance[]} */
  const instances = [];
  const jobs = /** @type {Record<string, any>} */ (workflow.jobs);
  const skipped = options.skipJobs ?? {};
  for (const id of [...Object.keys(skipped), ...Object.keys(options.reuse ?? {})]) if (!(id in jobs)) throw new WorkflowHarnessError(`no job ${id} in ${path.basename(file)}`);
  // Jobs of an earlier run, as GitHub's "re-run" keeps them: their results and outputs, not run again.
  Object.assign(done, options.reuse);
  const needsOf = (/** @type {string} */ id) => [].concat(jobs[id].needs ?? []).map(String);
  while (Object.keys(done).length < Object.keys(jobs).length) {
    const ready = Object.keys(jobs).filter((id) => !(id in done) && needsOf(id).every((n) => n in done));
    if (ready.length === 0) throw new WorkflowHarnessError(`the needs of ${Object.keys(jobs).filter((id) => !(id in done)).join(", ")} can never be met`);
    await Promise.all(
      ready.map(async (id) => {
        if (id in skipped) {
          done[id] = { result: "skipped", outputs: {} };
          return;
        }
        const ran = await runJob(id, jobs[id], needsOf(id), done, run);
        instances.push(...ran.instances);
        done[id] = { result: ran.result, outputs: ran.outputs };
      }),
    );
  }
  return { instances, results: Object.fromEntries(Object.entries(done).map(([id, d]) => [id, d.result])), needs: done, workDir, artifacts: run.artifacts };
}

/**
 * @param {string} id @param {any} job @param {string[]} needs
 * @param {Record<string, { result: string, outputs: Record<string, string> }>} done
 * @param {RunState} run
 */
async function runJob(id, job, needs, done, run) {
  const needsContext = Object.fromEntries(needs.map((n) => [n, done[n]]));
  const scope = {
    contexts: { github: run.github, vars: run.options.vars ?? {}, inputs: run.options.inputs ?? {}, needs: needsContext },
    status: { success: needs.every((n) => done[n].result === "success"), failure: needs.some((n) => done[n].result === "failure") },
  };
  if (!conditionHolds(job.if, scope)) return { result: "skipped", outputs: {}, instances: [] };
  const matrix = job.strategy?.matrix === undefined ? [undefined] : expandMatrix(substitute(job.strategy.matrix, scope), id);
  const instances = await Promise.all(matrix.map((entry) => runJobInstance(id, job, entry, needsContext, run)));
  const result = instances.every((j) => j.status === "success") ? "success" : "failure";
  // A matrix job's outputs are its last instance's, as on GitHub (none of these workflows uses that).
  return { result, outputs: instances[instances.length - 1].outputs, instances };
}

/** @param {unknown} matrix @param {string} id @returns {Record<string, unknown>[]} */
function expandMatrix(matrix, id) {
  if (matrix === null || typeof matrix !== "object" || Array.isArray(matrix)) throw new WorkflowHarnessError(`${id}: strategy.matrix is not a mapping`);
  const { include, exclude, ...axes } = /** @type {Record<string, unknown>} */ (matrix);
  if (include !== undefined || exclude !== undefined) throw new WorkflowHarnessError(`${id}: matrix include/exclude are not supported by this harness`);
  /** @type {Record<string, unknown>[]} */
  let entries = [{}];
  for (const [axis, values] of Object.entries(axes)) {
    if (!Array.isArray(values)) throw new WorkflowHarnessError(`${id}: matrix axis ${axis} is not a list`);
    entries = entries.flatMap((e) => values.map((v) => ({ ...e, [axis]: v })));
  }
  // GitHub refuses an empty matrix ("Matrix vector ... does not contain any values"): the job fails.
  if (entries.length === 0) throw new WorkflowHarnessError(`${id}: the matrix is empty, which GitHub refuses`);
  return entries;
}

/**
 * One job (one matrix entry): a fresh checkout, then its steps in order. `prepared` runs only some steps
 * in a workspace already checked out (the bench times the per-stack path this way).
 * @param {string} jobId @param {any} job @param {Record<string, unknown> | undefined} matrix
 * @param {Record<string, unknown>} needs @param {RunState} run
 * @param {{ workspace?: string, only?: (step: any) => boolean }} prepared
 * @returns {Promise<JobInstance>}
 */
async function runJobInstance(jobId, job, matrix, needs, run, prepared = {}) {
  const label = matrix === undefined ? jobId : `${jobId} (${Object.values(matrix).join(", ")})`;
  const home = fs.mkdtempSync(path.join(run.workDir, `${jobId}-`));
  const workspace = prepared.workspace ?? path.join(home, "work");
  const runnerTemp = path.join(home, "temp");
  fs.mkdirSync(runnerTemp, { recursive: true });
  if (prepared.workspace === undefined) checkoutCopy(run.options.root, workspace, run.options.extraFiles);
  /** @type {Record<string, { outputs: Record<string, string>, outcome: string, conclusion: string }>} */
  const steps = {};
  const contexts = { github: run.github, vars: run.options.vars ?? {}, inputs: run.options.inputs ?? {}, needs, steps, ...(matrix !== undefined && { matrix }) };
  const plain = { contexts };
  /** @type {JobInstance} */
  const instance = {
    jobId,
    label,
    matrix,
    workspace,
    environment: job.environment === undefined ? undefined : substituteText(typeof job.environment === "object" ? job.environment.name : job.environment, plain),
    concurrency: substitute(typeof job.concurrency === "object" ? job.concurrency.group : job.concurrency, plain),
    permissions: job.permissions ?? run.workflow.permissions,
    status: "success",
    steps: [],
    summary: "",
    outputs: {},
    annotations: [],
    credentials: [],
  };
  const githubEnv = {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: String(run.github.repository),
    GITHUB_EVENT_NAME: String(run.github.event_name),
    GITHUB_REF: String(run.github.ref),
    GITHUB_REF_NAME: String(run.github.ref_name),
    GITHUB_SHA: String(run.github.sha),
    GITHUB_RUN_ID: String(run.github.run_id),
    GITHUB_SERVER_URL: String(run.github.server_url),
    GITHUB_JOB: jobId,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: "Linux",
  };
  const workflowEnv = Object.fromEntries(Object.entries(run.workflow.env ?? {}).map(([k, v]) => [k, substituteText(v, plain)]));
  const jobEnv = Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, substituteText(v, plain)]));
  /** @type {Record<string, string>} */
  const addedEnv = {};
  const extraPath = [...(run.options.pathDirs ?? [])];
  const shell = run.workflow.defaults?.run?.shell ?? job.defaults?.run?.shell;
  const timeoutMs = Number(job["timeout-minutes"] ?? 360) * 60000;
  let failed = false;

  for (const [index, step] of (/** @type {any[]} */ (job.steps)).entries()) {
    if (prepared.only !== undefined && !prepared.only(step)) continue;
    const name = step.name ?? step.uses ?? String(step.run).split("\n")[0];
    const scope = { contexts, status: { success: !failed, failure: failed } };
    if (!conditionHolds(step.if, scope)) {
      instance.steps.push({ name, id: step.id, status: "skipped", output: "" });
      if (step.id) steps[step.id] = { outputs: {}, outcome: "skipped", conclusion: "skipped" };
      continue;
    }
    /** @type {StepResult} */
    let result;
    /** @type {Record<string, string>} */
    let outputs = {};
    if (step.uses !== undefined) {
      const action = String(step.uses).split("@")[0];
      const stub = STUBS[action];
      if (stub === undefined) throw new WorkflowHarnessError(`${label}: no stand-in for the action ${step.uses}; only actions that install what is here, credentials and artifacts are replaced`);
      const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substituteText(v, scope)]));
      try {
        Object.assign(addedEnv, await stub({ with: w, job: instance, run }));
        result = { name, id: step.id, status: "success", output: "", note: "stand-in" };
      } catch (err) {
        if (!(err instanceof StepFailure)) throw err;
        result = { name, id: step.id, status: "failure", output: err.message };
      }
    } else {
      const script = substituteText(step.run, scope);
      const installed = INSTALLED[script.trim()];
      if (installed !== undefined) {
        const missing = installed(workspace);
        if (missing !== undefined) throw new WorkflowHarnessError(`${label}: ${script.trim()}: ${missing}`);
        result = { name, id: step.id, status: "success", output: "", note: "installed here" };
      } else {
        if (step.shell !== undefined && step.shell !== "bash") throw new WorkflowHarnessError(`${label}: step "${name}" uses shell ${step.shell}; this harness runs bash only`);
        const files = { output: path.join(runnerTemp, `output-${index}`), env: path.join(runnerTemp, `env-${index}`), summary: path.join(runnerTemp, `summary-${index}`), path: path.join(runnerTemp, `path-${index}`) };
        for (const f of Object.values(files)) fs.writeFileSync(f, "");
        const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substituteText(v, scope)]));
        const env = {
          ...run.options.env,
          ...githubEnv,
          ...workflowEnv,
          ...jobEnv,
          ...addedEnv,
          ...stepEnv,
          GITHUB_OUTPUT: files.output,
          GITHUB_ENV: files.env,
          GITHUB_STEP_SUMMARY: files.summary,
          GITHUB_PATH: files.path,
          PATH: [...extraPath, run.options.env?.PATH ?? process.env.PATH].join(path.delimiter),
        };
        const file = path.join(runnerTemp, `step-${index}.sh`);
        fs.writeFileSync(file, script);
        // GitHub's commands: `bash -e {0}` by default, `bash --noprofile --norc -eo pipefail {0}` for shell: bash.
        const args = (step.shell ?? shell) === "bash" ? ["--noprofile", "--norc", "-eo", "pipefail", file] : ["-e", file];
        const ran = await bash(args, { cwd: path.join(workspace, step["working-directory"] ?? ""), env, timeoutMs });
        result = { name, id: step.id, status: ran.status === 0 ? "success" : "failure", output: ran.output };
        outputs = readKeyValueFile(files.output);
        Object.assign(addedEnv, readKeyValueFile(files.env));
        extraPath.unshift(...fs.readFileSync(files.path, "utf8").split("\n").filter(Boolean).reverse());
        instance.summary += fs.readFileSync(files.summary, "utf8");
        instance.annotations.push(...ran.output.split("\n").filter((l) => /^::(error|warning|notice)\b/.test(l)));
      }
    }
    instance.steps.push(result);
    if (step.id) steps[step.id] = { outputs, outcome: result.status, conclusion: result.status };
    if (result.status === "failure") failed = true;
  }
  instance.status = failed ? "failure" : "success";
  instance.outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, substituteText(v, plain)]));
  return instance;
}

/**
 * bash, asynchronously (a caller may serve an API from its own process), in its own process group so a
 * timeout stops everything it started. Output is stdout and stderr as they arrived.
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number }} options
 * @returns {Promise<{ status: number | null, output: string }>}
 */
function bash(args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\nworkflow harness: the step ran longer than the job's timeout-minutes; stopped\n`;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

/**
 * Some steps of one job of a workflow, in a workspace the caller prepared (checked out, synthesized):
 * `only` picks the steps. For timing a job's path, as the bench does.
 * @param {string} file
 * @param {RunOptions & { jobId: string, matrix?: Record<string, unknown>, needs?: Record<string, unknown>, workspace: string, only: (step: any) => boolean }} options
 */
async function runSteps(file, options) {
  const workflow = parse(fs.readFileSync(file, "utf8"));
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "smart-routing-workflow-"));
  /** @type {RunState} */
  const run = { options, workflow, github: githubContext(options, workflow), artifacts: options.artifacts ?? path.join(workDir, "artifacts"), workDir };
  return runJobInstance(options.jobId, workflow.jobs[options.jobId], options.matrix, options.needs ?? {}, run, { workspace: options.workspace, only: options.only });
}

module.exports = { runWorkflow, runSteps, evaluate, substitute, conditionHolds, expandMatrix, readKeyValueFile, checkoutCopy, triggers, WorkflowHarnessError, STUBS, INSTALLED };
