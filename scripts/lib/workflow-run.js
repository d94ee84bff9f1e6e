// @ts-check
// Runs a GitHub Actions workflow's own `run:` steps here, for the tests and the bench: jobs in the order
// their `needs` give, each matrix expanded as GitHub expands it (include and exclude, a whole matrix from
// `fromJSON(...)`, GitHub's refusals as failed jobs), local reusable workflows (`uses: ./.github/workflows/x.yml`)
// with their typed inputs, every step's script run with bash as a runner does (`bash --noprofile --norc
// -eo pipefail` under `shell: bash`) in a fresh checkout per job, with what GitHub provides: GITHUB_OUTPUT,
// GITHUB_ENV, GITHUB_STEP_SUMMARY, GITHUB_PATH, the github/vars/inputs/secrets/matrix/needs/steps contexts and `if:`.
//
// What cannot run here is replaced, and only that: the `uses:` steps that install tools this machine
// already has (checkout: a copy of the repository, or a real clone of a git repository the caller names;
// setup-node and setup-terraform: the versions here must be the ones asked for), credentials
// (configure-aws-credentials: fake keys and the local AWS endpoints the caller gives, never in the workflow
// itself), the artifact store (upload/download-artifact: a folder), and the install commands of packages
// already installed (`npm ci`: node_modules is linked into the checkout).
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

/**
 * An expression GitHub evaluates and refuses (fromJSON of text that is not JSON, a bad format string): the
 * step or the job it belongs to fails, as on GitHub.
 */
class EvaluationError extends Error {}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|([A-Za-z_][A-Za-z0-9_-]*)|(==|!=|<=|>=|&&|\|\||[!().,*<>[\]]))/y;

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

/** @param {unknown} v */
const isObject = (v) => v !== null && typeof v === "object";

/** A value as GitHub's functions read it as text: null is "", a list "Array", a mapping "Object". @param {unknown} v */
function asString(v) {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return "Array";
  if (isObject(v)) return "Object";
  return String(v);
}

/** A scalar as GitHub coerces it to a number for ==: null 0, booleans 1/0, "" 0, other text parsed or NaN. @param {unknown} v */
function asNumber(v) {
  if (v === null || v === undefined) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  const text = String(v).trim();
  return text === "" ? 0 : Number(text);
}

/**
 * GitHub's == : text compared ignoring case; scalars of different types compared as numbers; a list or a
 * mapping equal only to itself.
 * @param {unknown} a @param {unknown} b
 */
function looseEqual(a, b) {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (isObject(a) || isObject(b) || a === undefined || b === undefined) return a === b;
  if (typeof a === typeof b) return a === b;
  return asNumber(a) === asNumber(b);
}

/**
 * Paths below which a missing key is null, as on GitHub (an unset variable, an output never written, a key
 * a fromJSON() value lacks); elsewhere a missing key is most likely a typo, and stops the run.
 */
const LENIENT = [/^vars$/, /^inputs$/, /^secrets$/, /^needs\.[^.]+\.outputs$/, /^steps\.[^.]+\.outputs$/, /^jobs\.[^.]+\.outputs$/, /^\w+\(\.\.\.\)/];

/**
 * GitHub's <, <=, > and >=: text compared ignoring case; anything else compared as numbers (a comparison
 * with NaN, a list or a mapping is false).
 * @param {unknown} a @param {unknown} b @returns {number} negative, zero, positive, or NaN
 */
function compare(a, b) {
  if (typeof a === "string" && typeof b === "string") {
    const [x, y] = [a.toUpperCase(), b.toUpperCase()];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (isObject(a) || isObject(b)) return NaN;
  return asNumber(a) - asNumber(b);
}

/**
 * format('{0} and {1}', a, b): {N} is the Nth value after the format; {{ and }} are braces.
 * @param {unknown[]} args @param {string} text
 */
function format(args, text) {
  const [pattern, ...values] = args;
  return asString(pattern).replace(/\{\{|\}\}|\{(\d+)\}|[{}]/g, (match, index) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    if (index === undefined) throw new EvaluationError(`The format string of "${text}" has a lone ${match} (write {{ or }} for a brace)`);
    if (Number(index) >= values.length) throw new EvaluationError(`The format string of "${text}" reads ${match}, but only ${values.length} value(s) follow it`);
    return asString(values[Number(index)]);
  });
}

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
    let value = relation();
    for (;;) {
      if (accept("==")) value = looseEqual(value, relation());
      else if (accept("!=")) value = !looseEqual(value, relation());
      else return value;
    }
  };
  /** @returns {unknown} */
  const relation = () => {
    let value = unary();
    for (;;) {
      if (accept("<=")) value = compare(value, unary()) <= 0;
      else if (accept(">=")) value = compare(value, unary()) >= 0;
      else if (accept("<")) value = compare(value, unary()) < 0;
      else if (accept(">")) value = compare(value, unary()) > 0;
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
      return properties(call(token.value, args), [`${token.value}(...)`]);
    }
    if (token.value === "true" || token.value === "false") return token.value === "true";
    if (token.value === "null") return null;
    if (!(token.value in scope.contexts)) throw new WorkflowHarnessError(`the expression "${text}" uses the context "${token.value}", which this harness does not provide`);
    return properties(scope.contexts[token.value], [token.value]);
  };
  /**
   * `.name`, `['name']`, `[index]` and the object filter `.*` after a context. After a filter the value is a
   * list and each `.name` reads that property of every element that has it (`labels.*.name`: every label's
   * name). An index past a list's end is null, as on GitHub.
   * @param {unknown} start @param {string[]} where
   */
  const properties = (start, where) => {
    let value = start;
    let filtered = false;
    for (;;) {
      if (accept("[")) {
        const index = or();
        expect("]");
        if (filtered) throw new WorkflowHarnessError(`an index after the object filter .* is not supported here ("${text}")`);
        if (Array.isArray(value) && typeof index === "number") {
          where.push(`[${index}]`);
          value = value[index] ?? null;
          continue;
        }
        if (typeof index !== "string") throw new WorkflowHarnessError(`${where.join(".")}[${asText(index)}] in "${text}": only a list takes a number as index`);
        value = property(value, index, where, filtered);
        continue;
      }
      if (!accept(".")) return value;
      if (accept("*")) {
        /** @param {unknown} v @returns {unknown[]} */
        const elements = (v) => (Array.isArray(v) ? v : isObject(v) ? Object.values(/** @type {object} */ (v)) : []);
        value = filtered ? /** @type {unknown[]} */ (value).flatMap(elements) : elements(value);
        filtered = true;
        where.push("*");
        continue;
      }
      const key = peek();
      if (key?.kind !== "name") throw new WorkflowHarnessError(`expected a property name after "${where.join(".")}." in "${text}"`);
      i++;
      value = property(value, key.value, where, filtered);
    }
  };
  /**
   * One property of a value (of each element, after a filter); a missing one is null where GitHub leaves
   * it unset (an unset variable, an output never written), and stops the run anywhere else.
   * @param {unknown} value @param {string} name @param {string[]} where @param {boolean} filtered
   */
  const property = (value, name, where, filtered) => {
    const parent = where.join(".");
    where.push(name);
    /** @param {unknown} v */
    const has = (v) => isObject(v) && Object.prototype.hasOwnProperty.call(v, name);
    if (filtered) return /** @type {unknown[]} */ (value).flatMap((v) => (has(v) ? [/** @type {Record<string, unknown>} */ (v)[name]] : []));
    if (has(value)) return /** @type {Record<string, unknown>} */ (value)[name];
    if (LENIENT.some((re) => re.test(parent))) return null;
    throw new WorkflowHarnessError(`the expression "${text}" reads ${where.join(".")}, which this harness does not know`);
  };
  /** @param {string} name @param {unknown[]} args @param {number} min @param {number} max */
  const arity = (name, args, min, max) => {
    if (args.length < min || args.length > max) throw new WorkflowHarnessError(`${name}() takes ${min === max ? min : `${min} to ${max === Infinity ? "any number of" : max}`} arguments, not ${args.length} ("${text}")`);
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
        arity(name, args, 1, 1);
        try {
          return JSON.parse(asString(args[0]));
        } catch (err) {
          throw new EvaluationError(`fromJSON() of ${JSON.stringify(asString(args[0]).slice(0, 80))} in "${text}": ${/** @type {Error} */ (err).message}`);
        }
      case "toJSON":
        // Pretty-printed, as GitHub's toJSON() is.
        return JSON.stringify(args[0] ?? null, null, 2);
      // Text comparisons ignore case, as GitHub's do; contains() of a list looks for an equal element.
      case "contains":
        arity(name, args, 2, 2);
        if (Array.isArray(args[0])) return args[0].some((element) => looseEqual(element, args[1]));
        return asString(args[0]).toLowerCase().includes(asString(args[1]).toLowerCase());
      case "startsWith":
        arity(name, args, 2, 2);
        return asString(args[0]).toLowerCase().startsWith(asString(args[1]).toLowerCase());
      case "endsWith":
        arity(name, args, 2, 2);
        return asString(args[0]).toLowerCase().endsWith(asString(args[1]).toLowerCase());
      case "format":
        arity(name, args, 1, Infinity);
        return format(args, text);
      case "join":
        arity(name, args, 1, 2);
        return Array.isArray(args[0]) ? args[0].map(asString).join(args.length > 1 ? asString(args[1]) : ",") : asString(args[0]);
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

/** @param {unknown} value */
const hasExpression = (value) => typeof value === "string" && value.includes("${{");

/**
 * An `if:` condition: a bare expression or one in ${{ }}; success() when there is none.
 * @param {unknown} condition
 * @param {Scope} scope
 */
function conditionHolds(condition, scope) {
  if (condition === undefined) return Boolean(scope.status?.success);
  const text = String(condition).trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(text)?.[1] ?? text;
  // GitHub: "A default status check of success() is applied unless you include one of these functions"
  // (success, always, cancelled, failure): `if: x == 'y'` runs only when everything before it succeeded.
  if (scope.status !== undefined && !/\b(success|failure|always|cancelled)\s*\(/.test(inner) && !scope.status.success) return false;
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
// The checkout: a copy of the repository's files (tracked, and untracked but not ignored), or, when the
// run names a git repository, a clone of it as actions/checkout makes one; either way with the installed
// node_modules linked in and dist/ copied (the bundles are rebuilt if their inputs differ).

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
  provision(root, dest, extraFiles);
}

/**
 * What `npm ci` and an earlier build would leave in a checkout: node_modules (linked from `root`) and the
 * bundles of dist/; then the caller's extra files.
 * @param {string} root @param {string} dest @param {Record<string, string>} extraFiles
 */
function provision(root, dest, extraFiles) {
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

/**
 * Lets a clone fetch any commit reachable from a branch or tag by its SHA, as GitHub does (`git fetch
 * --depth=1 origin <sha>` works on a runner). git's upload-pack allows that over protocol v2 without being
 * asked, but refuses it over protocol v0 ("Server does not allow request for unadvertised object") unless
 * the source repository says uploadpack.allowReachableSHA1InWant; so the harness sets it there, once.
 * @param {string} repository
 */
function serveReachableCommits(repository) {
  const set = spawnSync("git", ["-C", repository, "config", "uploadpack.allowReachableSHA1InWant", "true"], { encoding: "utf8" });
  if (set.status !== 0) throw new WorkflowHarnessError(`${repository} is not a git repository: ${set.stderr.trim()}`);
}

/** The inputs of actions/checkout this harness follows; the others (path elsewhere, sparse checkout, LFS...) stop the run. */
const CHECKOUT_INPUTS = ["ref", "fetch-depth", "fetch-tags", "persist-credentials", "clean", "path", "repository"];

/**
 * actions/checkout, run against the git repository the caller named, the way the action does it
 * (src/ref-helper.ts and src/git-source-provider.ts of actions/checkout): an empty repository in the
 * workspace with `origin` at the source as a file:// URL (so --depth is honoured, as on a remote), the
 * event's commit (or the `ref` input) fetched with `fetch-depth` (default 1; 0 fetches every branch and
 * tag, all history), then checked out: a branch as that branch, anything else detached.
 * @param {string} source @param {string} workspace @param {Record<string, string>} w @param {Record<string, any>} github
 */
function checkoutRepository(source, workspace, w, github) {
  const unknown = Object.keys(w).filter((k) => !CHECKOUT_INPUTS.includes(k));
  if (unknown.length > 0) throw new WorkflowHarnessError(`actions/checkout: ${unknown.join(", ")} cannot be emulated here`);
  if (w.repository && w.repository.toLowerCase() !== String(github.repository).toLowerCase()) throw new WorkflowHarnessError(`actions/checkout: only the workflow's own repository can be checked out here, not ${w.repository}`);
  if (w.path && path.resolve(workspace, w.path) !== workspace) throw new WorkflowHarnessError(`actions/checkout: path ${w.path} cannot be emulated here; the checkout is the workspace`);
  const depth = w["fetch-depth"] === undefined || w["fetch-depth"] === "" ? 1 : Number(w["fetch-depth"]);
  const fetchTags = w["fetch-tags"] === "true";
  const input = (w.ref ?? "").trim();
  let ref = input;
  let commit = "";
  if (input === "") {
    ref = String(github.ref);
    commit = String(github.sha);
    if (!ref.startsWith("refs/")) ref = `refs/heads/${ref}`;
  } else if (/^[0-9a-f]{40}$/i.test(input)) {
    ref = "";
    commit = input;
  }
  /** @param {string[]} args */
  const git = (...args) => {
    const ran = spawnSync("git", args, { cwd: workspace, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
    if (ran.status !== 0) throw new StepFailure(`The process 'git' failed with exit code ${ran.status}: git ${args.join(" ")}\n${ran.stderr}`);
    return ran.stdout.trim();
  };
  /** The commit a revision names here, or "". @param {string} rev */
  const commitOf = (rev) => spawnSync("git", ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { cwd: workspace, encoding: "utf8" }).stdout.trim();
  // The action empties a workspace that is not already this repository.
  for (const entry of fs.readdirSync(workspace)) fs.rmSync(path.join(workspace, entry), { recursive: true, force: true });
  git("init", "-q");
  git("remote", "add", "origin", `file://${path.resolve(source)}`);
  /** @param {string[]} refspecs */
  const fetch = (refspecs) =>
    git("-c", "protocol.version=2", "fetch", ...(refspecs.includes(TAGS) || fetchTags ? [] : ["--no-tags"]), "--prune", "--no-recurse-submodules", ...(depth > 0 ? [`--depth=${depth}`] : []), "origin", ...refspecs);
  if (depth <= 0) {
    fetch(allHistoryRefspecs(ref, commit));
    // The ref may have moved since the event (testRef): then the event's commit is fetched by itself.
    if (commit !== "" && commitOf(localRef(ref) ?? commit) !== commit) fetch(refspecsFor(ref, commit, fetchTags));
  } else {
    fetch(refspecsFor(ref, commit, fetchTags));
  }
  const upper = ref.toUpperCase();
  if (ref === "") git("checkout", "--force", commit);
  else if (upper.startsWith("REFS/HEADS/")) git("checkout", "--force", "-B", ref.slice("refs/heads/".length), `refs/remotes/origin/${ref.slice("refs/heads/".length)}`);
  else if (upper.startsWith("REFS/PULL/")) git("checkout", "--force", `refs/remotes/pull/${ref.slice("refs/pull/".length)}`);
  else if (upper.startsWith("REFS/TAGS/")) git("checkout", "--force", ref);
  else if (upper.startsWith("REFS/")) git("checkout", "--force", commit || ref);
  else if (commitOf(`refs/remotes/origin/${ref}`) !== "") git("checkout", "--force", "-B", ref, `refs/remotes/origin/${ref}`);
  else if (commitOf(`refs/tags/${ref}`) !== "") git("checkout", "--force", `refs/tags/${ref}`);
  else throw new StepFailure(`A branch or tag with the name '${ref}' could not be found`);
}

const TAGS = "+refs/tags/*:refs/tags/*";

/** Where the fetch puts a qualified ref here (undefined: nowhere, the commit is checked out itself). @param {string} ref */
function localRef(ref) {
  const upper = ref.toUpperCase();
  if (upper.startsWith("REFS/HEADS/")) return `refs/remotes/origin/${ref.slice("refs/heads/".length)}`;
  if (upper.startsWith("REFS/PULL/")) return `refs/remotes/pull/${ref.slice("refs/pull/".length)}`;
  if (upper.startsWith("REFS/TAGS/")) return ref;
  return undefined;
}

/** actions/checkout's refspecs for one ref or commit (getRefSpec). @param {string} ref @param {string} commit @param {boolean} fetchTags */
function refspecsFor(ref, commit, fetchTags) {
  const upper = ref.toUpperCase();
  const specs = fetchTags ? [TAGS] : [];
  if (commit !== "") {
    if (upper.startsWith("REFS/HEADS/")) specs.push(`+${commit}:refs/remotes/origin/${ref.slice("refs/heads/".length)}`);
    else if (upper.startsWith("REFS/PULL/")) specs.push(`+${commit}:refs/remotes/pull/${ref.slice("refs/pull/".length)}`);
    else if (upper.startsWith("REFS/TAGS/")) specs.push(...(fetchTags ? [] : [`+${ref}:${ref}`]));
    else specs.push(commit);
  } else if (!upper.startsWith("REFS/")) {
    specs.push(`+refs/heads/${ref}*:refs/remotes/origin/${ref}*`, ...(fetchTags ? [] : [`+refs/tags/${ref}*:refs/tags/${ref}*`]));
  } else if (upper.startsWith("REFS/HEADS/")) {
    specs.push(`+${ref}:refs/remotes/origin/${ref.slice("refs/heads/".length)}`);
  } else if (upper.startsWith("REFS/PULL/")) {
    specs.push(`+${ref}:refs/remotes/pull/${ref.slice("refs/pull/".length)}`);
  } else if (upper.startsWith("REFS/TAGS/")) {
    specs.push(...(fetchTags ? [] : [`+${ref}:${ref}`]));
  } else {
    specs.push(ref);
  }
  return specs;
}

/** fetch-depth: 0 (getRefSpecForAllHistory): every branch and tag, and a pull request's commit. @param {string} ref @param {string} commit */
function allHistoryRefspecs(ref, commit) {
  const specs = ["+refs/heads/*:refs/remotes/origin/*", TAGS];
  if (ref.toUpperCase().startsWith("REFS/PULL/")) specs.push(`+${commit || ref}:refs/remotes/pull/${ref.slice("refs/pull/".length)}`);
  return specs;
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
  // Without a repository to clone, the copy made when the job started is the checkout.
  "actions/checkout": ({ with: w, job, run }) => {
    if (run.options.repository === undefined) return {};
    checkoutRepository(run.options.repository, job.workspace, w, run.github);
    provision(run.options.root, job.workspace, run.options.extraFiles ?? {});
    return {};
  },
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
 * event `pull_request` for pull requests, else the ref (a called workflow's job: the caller's event and ref).
 * @param {JobInstance} job @param {RunState} run
 */
function oidcSubject(job, run) {
  const repo = `repo:${run.github.repository}`;
  if (job.environment !== undefined) return `${repo}:environment:${job.environment}`;
  if (run.github.event_name === "pull_request") return `${repo}:pull_request`;
  return `${repo}:ref:${run.github.ref}`;
}

// ---------------------------------------------------------------------------------------------------
// The matrix, as GitHub builds it (its workflow parser: MatrixBuilder.cs and ConvertToStrategy in
// actions/runner, src/Sdk/WorkflowParser/Conversion/): every combination of the axes, the first axis
// varying slowest; `exclude` first (a partial match removes a combination); then each `include` entry is
// added to every remaining combination whose axis values it matches (its other keys are added; added values
// may be overwritten by a later entry, axis values never are), and an entry that matches none becomes a
// combination of its own. A matrix of only `include` is one job per entry.

/** GitHub refuses a job's strategy: the job fails with this message, and the run goes on. */
class StrategyError extends Error {}

/**
 * GitHub's limit, "A matrix will generate a maximum of 256 jobs per workflow run", applied per matrix (a
 * matrix of reusable-workflow calls, each with a matrix of its own, goes past it): GitHub fails the job
 * with "Strategy expansion exceeded 256 results for job '<id>'".
 */
const MAX_MATRIX_JOBS = 256;

/**
 * One job of a matrix: its matrix context, and the values its name shows ("plan (a, b)"): the axis values
 * of a combination, every value of an `include` entry that became one.
 * @typedef {{ matrix: Record<string, unknown> | undefined, segments: string[] }} Configuration
 */

/** @param {unknown} value @returns {string[]} The scalars of a value, in order, as a job's name shows them. */
function nameSegments(value) {
  if (Array.isArray(value)) return value.flatMap(nameSegments);
  if (isObject(value)) return Object.values(/** @type {object} */ (value)).flatMap(nameSegments);
  return value === null || value === undefined || value === "" ? [] : [String(value)];
}

/**
 * Whether a combination has every leaf value of a filter (an include's axis values, an exclude entry),
 * compared with GitHub's == (text ignoring case).
 * @param {unknown} filter @param {unknown} combination
 * @returns {boolean}
 */
function filterMatches(filter, combination) {
  if (!isObject(filter)) return looseEqual(combination ?? null, filter);
  return Object.entries(/** @type {object} */ (filter)).every(([key, leaf]) => filterMatches(leaf, isObject(combination) ? /** @type {Record<string, unknown>} */ (combination)[key] ?? null : null));
}

/**
 * The jobs of one job's strategy.matrix (already substituted), or GitHub's refusal as a StrategyError.
 * @param {unknown} matrix @param {string} id
 * @returns {Configuration[]}
 */
function matrixConfigurations(matrix, id) {
  /** @param {string} message @returns {never} */
  const refuse = (message) => {
    throw new StrategyError(`Error when evaluating 'strategy' for job '${id}'. ${message}`);
  };
  if (!isObject(matrix) || Array.isArray(matrix)) refuse(`The matrix must be a mapping, not ${JSON.stringify(matrix)}`);
  const { include = [], exclude = [], ...axes } = /** @type {Record<string, unknown>} */ (matrix);
  if (!Array.isArray(include)) refuse("matrix include must be a list of mappings");
  if (!Array.isArray(exclude)) refuse("matrix exclude must be a list of mappings");
  for (const [axis, values] of Object.entries(axes)) {
    if (!Array.isArray(values)) refuse(`Matrix vector '${axis}' must be a list, not ${JSON.stringify(values)}`);
    if (values.length === 0) refuse(`Matrix vector '${axis}' does not contain any values`);
  }
  if (Object.keys(axes).length === 0 && include.length === 0) refuse("Matrix must define at least one vector");
  const includes = include.map((entry) => {
    if (!isObject(entry) || Array.isArray(entry)) refuse(`A matrix include entry must be a mapping, not ${JSON.stringify(entry)}`);
    const pairs = Object.entries(entry);
    if (pairs.length === 0) refuse("Matrix include mapping does not contain any values");
    return { filter: Object.fromEntries(pairs.filter(([k]) => k in axes)), extra: Object.fromEntries(pairs.filter(([k]) => !(k in axes))), matched: false };
  });
  for (const entry of exclude) {
    if (!isObject(entry) || Array.isArray(entry)) refuse(`A matrix exclude entry must be a mapping, not ${JSON.stringify(entry)}`);
    if (Object.keys(entry).length === 0) refuse("Matrix exclude filter must not be empty");
    for (const key of Object.keys(entry)) if (!(key in axes)) refuse(`Matrix exclude key '${key}' does not match any key within the matrix`);
  }
  const tooMany = () => new StrategyError(`Strategy expansion exceeded ${MAX_MATRIX_JOBS} results for job '${id}'`);
  const vectors = Object.entries(/** @type {Record<string, unknown[]>} */ (axes));
  const size = vectors.length === 0 ? 0 : vectors.reduce((n, [, values]) => n * values.length, 1);
  /** @type {Configuration[]} */
  const configurations = [];
  // Counted as they are made, so a matrix far over the limit is refused without being built.
  for (let index = 0; index < size; index++) {
    /** @type {Record<string, unknown>} */
    const combination = {};
    let block = size;
    for (const [axis, values] of vectors) {
      block /= values.length;
      combination[axis] = values[Math.floor(index / block) % values.length];
    }
    if (exclude.some((entry) => filterMatches(entry, combination))) continue;
    /** @type {Record<string, unknown>} */
    const extra = {};
    for (const entry of includes) {
      if (!filterMatches(entry.filter, combination)) continue;
      entry.matched = true;
      Object.assign(extra, entry.extra);
    }
    configurations.push({ matrix: { ...combination, ...extra }, segments: nameSegments(combination) });
    if (configurations.length > MAX_MATRIX_JOBS) throw tooMany();
  }
  for (const entry of includes.filter((e) => !e.matched)) {
    const own = { ...entry.filter, ...entry.extra };
    configurations.push({ matrix: own, segments: nameSegments(own) });
  }
  if (configurations.length > MAX_MATRIX_JOBS) throw tooMany();
  return configurations;
}

/**
 * The matrix contexts of a job's strategy.matrix (already substituted), in the order GitHub creates the jobs.
 * @param {unknown} matrix @param {string} id
 */
const expandMatrix = (matrix, id) => matrixConfigurations(matrix, id).map((c) => c.matrix);

/** A job's name before its matrix: its `name:` if that is plain text, else its id. @param {string} id @param {any} job */
const baseName = (id, job) => (typeof job.name === "string" && job.name !== "" && !hasExpression(job.name) ? job.name : id);

/**
 * A job's name as GitHub's UI shows it: `name:` when it holds an expression (evaluated with the job's
 * matrix), else the name or the id followed by the matrix values, "plan (a, b)", cut at 100 characters.
 * @param {string} id @param {any} job @param {Configuration} configuration @param {Record<string, unknown>} contexts
 */
function jobName(id, job, configuration, contexts) {
  const base = baseName(id, job);
  const named = configuration.segments.length === 0 ? base : `${base} (${configuration.segments.join(", ")})`;
  const fallback = named.length > 100 ? `${named.slice(0, 97)}...` : named;
  if (!hasExpression(job.name)) return fallback;
  return substituteText(job.name, { contexts: { ...contexts, ...(configuration.matrix !== undefined && { matrix: configuration.matrix }) } }) || fallback;
}

// ---------------------------------------------------------------------------------------------------
// Reusable workflows: a job `uses: ./.github/workflows/<file>.yml` runs that workflow's jobs with the
// inputs it declares (on.workflow_call.inputs), as GitHub does (ConvertToWorkflowJobInputs in the same
// parser): GitHub refuses the whole file for an input that is not declared, a required one not passed, or a
// literal of another type; the called jobs see the caller's github and vars contexts (not its env).

/** "You can connect up to four levels of workflows": the caller and three levels of called workflows. */
const MAX_WORKFLOW_LEVELS = 4;
/** "You can call a maximum of 20 unique reusable workflows from a single workflow file", nested ones included. */
const MAX_CALLED_WORKFLOWS = 20;
const INPUT_TYPES = ["string", "number", "boolean"];
/** The value of a declared input that is neither passed nor has a default. */
const INPUT_DEFAULTS = /** @type {Record<string, unknown>} */ ({ string: "", number: 0, boolean: false });

/** @param {string} file */
const readWorkflow = (file) => parse(fs.readFileSync(file, "utf8"));

/** GitHub refuses the workflow file before any job runs. @param {string} file @param {string} message */
const invalidWorkflow = (file, message) => new WorkflowHarnessError(`${path.basename(file)} is not a valid workflow (GitHub starts no job of it): ${message}`);

/**
 * The workflow a job calls. Only one of the same repository runs here, `./.github/workflows/<file>`: it
 * sits beside the calling workflow (GitHub keeps reusable workflows in that folder, without subfolders).
 * @param {string} callerFile @param {unknown} uses @param {string} id
 */
function calledWorkflow(callerFile, uses, id) {
  const local = /^\.\/\.github\/workflows\/([^/]+\.ya?ml)$/.exec(String(uses));
  if (local === null) throw new WorkflowHarnessError(`${path.basename(callerFile)}: job ${id} calls ${uses}; only a workflow of the same repository (./.github/workflows/<file>.yml) runs here`);
  const file = path.join(path.dirname(callerFile), local[1]);
  if (!fs.existsSync(file)) throw invalidWorkflow(callerFile, `job ${id} calls ${uses}, which does not exist`);
  return { file, workflow: readWorkflow(file) };
}

/** A workflow's on.workflow_call settings ({} when it has none), or undefined when it cannot be called. @param {unknown} on */
function workflowCallOf(on) {
  if (on === "workflow_call") return {};
  if (Array.isArray(on)) return on.includes("workflow_call") ? {} : undefined;
  if (isObject(on) && "workflow_call" in /** @type {object} */ (on)) return /** @type {Record<string, any>} */ (on).workflow_call ?? {};
  return undefined;
}

/**
 * An input value as its declared type takes it: a boolean or a number only as itself; a string from any
 * scalar (a YAML 3 passes as "3"). Anything else: GitHub's "Unexpected value".
 * @param {string} name @param {string} type @param {unknown} value
 */
function typedInput(name, type, value) {
  if (type === "boolean" && typeof value === "boolean") return value;
  if (type === "number" && typeof value === "number") return value;
  if (type === "string" && !isObject(value)) return value === null || value === undefined ? "" : String(value);
  throw new EvaluationError(`Input ${name} is a ${type}: Unexpected value '${asText(value)}'`);
}

/** A mapping's entry by a key compared ignoring case, as GitHub compares input and secret names. @param {Record<string, unknown>} map @param {string} name */
const entryOf = (map, name) => Object.entries(map).find(([key]) => key.toLowerCase() === name.toLowerCase());

/**
 * GitHub's checks of every call, made before any job runs: the called workflow can be called, every
 * input and secret passed is declared, every required one is passed, a literal input is of its declared
 * type, and the limits on nesting and on the number of workflows called.
 * @param {string} file @param {any} workflow @param {number} level @param {Set<string>} called
 */
function checkCalls(file, workflow, level = 1, called = new Set()) {
  for (const [id, job] of Object.entries(/** @type {Record<string, any>} */ (workflow.jobs ?? {}))) {
    if (job.uses === undefined) continue;
    const where = `job ${id} (${job.uses})`;
    const target = calledWorkflow(file, job.uses, id);
    if (level >= MAX_WORKFLOW_LEVELS) throw invalidWorkflow(file, `${where} would be a level ${level + 1} of workflows; GitHub connects at most ${MAX_WORKFLOW_LEVELS}`);
    called.add(target.file);
    if (called.size > MAX_CALLED_WORKFLOWS) throw invalidWorkflow(file, `${where}: more than ${MAX_CALLED_WORKFLOWS} reusable workflows are called; GitHub allows ${MAX_CALLED_WORKFLOWS}`);
    const call = workflowCallOf(target.workflow.on);
    if (call === undefined) throw invalidWorkflow(file, `${where}: workflow_call key is not defined in the referenced workflow.`);
    if (job.steps !== undefined) throw invalidWorkflow(file, `${where}: a job that calls a workflow has no steps`);
    /** @type {Record<string, any>} */
    const declared = call.inputs ?? {};
    /** @type {Record<string, unknown>} */
    const given = job.with ?? {};
    for (const key of Object.keys(given)) if (entryOf(declared, key) === undefined) throw invalidWorkflow(file, `${where}: Invalid input, ${key} is not defined in the referenced workflow.`);
    for (const [name, spec] of Object.entries(declared)) {
      if (!INPUT_TYPES.includes(spec?.type)) throw invalidWorkflow(file, `${where}: input ${name} has type ${spec?.type}; a workflow_call input is a string, a number or a boolean`);
      const passed = entryOf(given, name);
      if (spec.required === true && passed === undefined) throw invalidWorkflow(file, `${where}: Input ${name} is required, but not provided while calling.`);
      for (const value of [passed?.[1], spec.default]) {
        if (value === undefined || hasExpression(value)) continue;
        try {
          typedInput(name, spec.type, value);
        } catch (err) {
          throw invalidWorkflow(file, `${where}: ${/** @type {Error} */ (err).message}`);
        }
      }
    }
    if (job.secrets !== "inherit") {
      /** @type {Record<string, any>} */
      const secrets = call.secrets ?? {};
      for (const key of Object.keys(job.secrets ?? {})) if (entryOf(secrets, key) === undefined) throw invalidWorkflow(file, `${where}: Invalid secret, ${key} is not defined in the referenced workflow.`);
      for (const [name, spec] of Object.entries(secrets)) {
        if (spec?.required === true && entryOf(job.secrets ?? {}, name) === undefined) throw invalidWorkflow(file, `${where}: Secret ${name} is required, but not provided while calling.`);
      }
    }
    checkCalls(target.file, target.workflow, level + 1, called);
  }
}

/**
 * The inputs context of a called workflow: every declared input, passed (already substituted), else its
 * default, else its type's ("", 0, false), each of its declared type.
 * @param {Record<string, any>} declared @param {Record<string, unknown>} given @param {Scope} scope
 */
function callInputs(declared, given, scope) {
  return Object.fromEntries(
    Object.entries(declared).map(([name, spec]) => {
      const passed = entryOf(given, name);
      const value = passed !== undefined ? passed[1] : "default" in spec ? substitute(spec.default, { contexts: { github: scope.contexts.github } }) : INPUT_DEFAULTS[spec.type];
      return [name, typedInput(name, spec.type, value)];
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// Running.

/**
 * @typedef {{
 *   root: string,
 *   event: string,
 *   github?: Record<string, unknown>,
 *   vars?: Record<string, string>,
 *   inputs?: Record<string, unknown>,
 *   secrets?: Record<string, string>,
 *   env?: NodeJS.ProcessEnv,
 *   awsEnv?: Record<string, string>,
 *   extraFiles?: Record<string, string>,
 *   skipJobs?: Record<string, string>,
 *   pathDirs?: string[],
 *   workDir?: string,
 *   artifacts?: string,
 *   reuse?: Record<string, { result: string, outputs: Record<string, string> }>,
 *   repository?: string,
 * }} RunOptions
 *   repository: a git repository to clone at github.sha for each actions/checkout step (github.sha
 *   defaults to its HEAD), instead of copying `root`'s files when each job starts
 *
 * @typedef {{
 *   options: RunOptions,
 *   github: Record<string, any>,
 *   artifacts: string,
 *   workDir: string,
 * }} RunState
 *
 * A workflow file being run: the top one, or one a job called (with that call's inputs and secrets).
 * @typedef {{
 *   file: string,
 *   workflow: any,
 *   contexts: { github: Record<string, any>, vars: Record<string, string>, inputs: Record<string, unknown>, secrets: Record<string, unknown> },
 *   permissions: unknown,
 *   labelPrefix: string,
 *   caller: Caller | undefined,
 * }} WorkflowScope
 *
 * The job (and its matrix entry) that called the workflow a job instance belongs to.
 * @typedef {{ jobId: string, label: string, matrix: Record<string, unknown> | undefined, workflow: string, caller?: Caller }} Caller
 *
 * @typedef {{ name: string, id?: string, status: "success" | "failure" | "skipped", output: string, note?: string }} StepResult
 *
 * @typedef {{
 *   jobId: string,
 *   label: string,
 *   matrix: Record<string, unknown> | undefined,
 *   caller: Caller | undefined,
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
 *
 * @typedef {{ result: string, outputs: Record<string, unknown> }} JobResult
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
    sha: options.repository === undefined ? "0123456789abcdef0123456789abcdef01234567" : headOf(options.repository),
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

/** @param {string} repository */
function headOf(repository) {
  const head = spawnSync("git", ["-C", repository, "rev-parse", "HEAD"], { encoding: "utf8" });
  if (head.status !== 0) throw new WorkflowHarnessError(`no commit in ${repository}: ${head.stderr.trim()}`);
  return head.stdout.trim();
}

/** @param {unknown} on @returns {string[]} */
function triggers(on) {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys(/** @type {object} */ (on ?? {}));
}

/** @param {RunOptions} options @param {any} workflow @returns {RunState} */
function newRun(options, workflow) {
  if (options.repository !== undefined) serveReachableCommits(options.repository);
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "smart-routing-workflow-"));
  return { options, github: githubContext(options, workflow), artifacts: options.artifacts ?? path.join(workDir, "artifacts"), workDir };
}

/** The top workflow of a run. @param {string} file @param {any} workflow @param {RunState} run @returns {WorkflowScope} */
function topScope(file, workflow, run) {
  const { vars = {}, inputs = {}, secrets = {} } = run.options;
  return { file, workflow, contexts: { github: run.github, vars, inputs, secrets: { GITHUB_TOKEN: run.github.token, ...secrets } }, permissions: workflow.permissions, labelPrefix: "", caller: undefined };
}

/**
 * Runs a workflow file's jobs for one event. Resolves every job instance (one per matrix entry, and the
 * jobs of the workflows they call), in the order they ran, and each job's result as `needs` sees it.
 * @param {string} file
 * @param {RunOptions} options
 */
async function runWorkflow(file, options) {
  const workflow = readWorkflow(file);
  if (!triggers(workflow.on).includes(options.event)) throw new WorkflowHarnessError(`${path.basename(file)} does not run on ${options.event}`);
  checkCalls(file, workflow);
  const skipped = options.skipJobs ?? {};
  for (const id of [...Object.keys(skipped), ...Object.keys(options.reuse ?? {})]) if (!(id in workflow.jobs)) throw new WorkflowHarnessError(`no job ${id} in ${path.basename(file)}`);
  const run = newRun(options, workflow);
  const { done, instances } = await runJobs(topScope(file, workflow, run), run, skipped, options.reuse ?? {});
  return { instances, results: Object.fromEntries(Object.entries(done).map(([id, d]) => [id, d.result])), needs: done, workDir: run.workDir, artifacts: run.artifacts };
}

/**
 * The jobs of one workflow file, in the order their `needs` give.
 * @param {WorkflowScope} scope @param {RunState} run
 * @param {Record<string, string>} skipped jobs not run (their result is "skipped")
 * @param {Record<string, JobResult>} reuse jobs of an earlier run, as GitHub's "re-run" keeps them: not run again
 */
async function runJobs(scope, run, skipped = {}, reuse = {}) {
  const jobs = /** @type {Record<string, any>} */ (scope.workflow.jobs);
  /** @type {Record<string, JobResult>} */
  const done = { ...reuse };
  /** @type {JobInstance[]} */
  const instances = [];
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
        const ran = await runJob(id, jobs[id], needsOf(id), done, scope, run);
        instances.push(...ran.instances);
        done[id] = { result: ran.result, outputs: ran.outputs };
      }),
    );
  }
  return { done, instances };
}

/**
 * One job: its `if:`, its matrix, and each of its instances (a workflow's jobs, for a job that calls one).
 * @param {string} id @param {any} job @param {string[]} needs
 * @param {Record<string, JobResult>} done
 * @param {WorkflowScope} scope @param {RunState} run
 */
async function runJob(id, job, needs, done, scope, run) {
  const needsContext = Object.fromEntries(needs.map((n) => [n, done[n]]));
  const contexts = { ...scope.contexts, needs: needsContext };
  const status = { success: needs.every((n) => done[n].result === "success"), failure: needs.some((n) => done[n].result === "failure") };
  if (job["continue-on-error"] !== undefined) throw new WorkflowHarnessError(`job ${id}: a job's continue-on-error cannot be emulated here`);
  if (!conditionHolds(job.if, { contexts, status })) return { result: "skipped", outputs: {}, instances: [] };
  /** @type {Configuration[]} */
  let configurations = [{ matrix: undefined, segments: [] }];
  if (job.strategy?.matrix !== undefined) {
    try {
      configurations = matrixConfigurations(substitute(job.strategy.matrix, { contexts }), id);
    } catch (err) {
      if (!(err instanceof StrategyError || err instanceof EvaluationError)) throw err;
      const message = err instanceof EvaluationError ? `Error when evaluating 'strategy' for job '${id}'. ${err.message}` : err.message;
      return { result: "failure", outputs: {}, instances: [refusedJob(id, scope.labelPrefix + baseName(id, job), undefined, job, scope, message)] };
    }
  }
  const ran = await Promise.all(
    configurations.map(async (configuration, index) => {
      const label = scope.labelPrefix + jobName(id, job, configuration, contexts);
      if (job.uses !== undefined) return runCall(id, job, configuration, label, needsContext, scope, run);
      const strategy = strategyContext(job, index, configurations.length);
      const instance = await runJobInstance(id, job, configuration.matrix, label, needsContext, scope, run, { strategy });
      return { status: instance.status, outputs: instance.outputs, instances: [instance] };
    }),
  );
  const result = ran.every((r) => r.status === "success") ? "success" : "failure";
  // With fail-fast (GitHub's default) a failure cancels the matrix's jobs still queued or running, which
  // ones depending on timing: a result this harness cannot give, so it says so rather than run them all.
  if (result === "failure" && ran.length > 1 && job.strategy?.["fail-fast"] !== false) {
    throw new WorkflowHarnessError(`${scope.labelPrefix}${baseName(id, job)}: a job of the matrix failed and fail-fast is on (GitHub's default), so GitHub would cancel the others still queued or running, depending on timing; set strategy.fail-fast: false to run them all`);
  }
  // A matrix job's outputs are its last instance's, as on GitHub (none of these workflows uses that).
  return { result, outputs: ran[ran.length - 1].outputs, instances: ran.flatMap((r) => r.instances) };
}

/**
 * The strategy context: fail-fast (true unless the job says), the job's index in its matrix and the number
 * of jobs, max-parallel (the number of jobs unless the job says); a job without a matrix is one of one.
 * @param {any} job @param {number} index @param {number} total
 */
function strategyContext(job, index, total) {
  const failFast = job.strategy?.["fail-fast"] ?? true;
  const maxParallel = job.strategy?.matrix === undefined ? 1 : (job.strategy?.["max-parallel"] ?? total);
  return { "fail-fast": failFast, "job-index": index, "job-total": total, "max-parallel": maxParallel };
}

/**
 * A job GitHub refuses to start (its matrix, or the inputs it passes): failed, with the message as its
 * annotation, and no step run.
 * @param {string} id @param {string} label @param {Record<string, unknown> | undefined} matrix @param {any} job
 * @param {WorkflowScope} scope @param {string} message @returns {JobInstance}
 */
function refusedJob(id, label, matrix, job, scope, message) {
  return {
    jobId: id,
    label,
    matrix,
    caller: scope.caller,
    workspace: "",
    environment: undefined,
    concurrency: undefined,
    permissions: job.permissions ?? scope.permissions,
    status: "failure",
    steps: [],
    summary: "",
    outputs: {},
    annotations: [`::error::${message}`],
    credentials: [],
  };
}

/**
 * One matrix entry of a job that calls a workflow: that workflow's jobs, with the inputs and secrets the
 * call passes, under the caller's github and vars. The call fails if any of its jobs failed; its outputs
 * are the called workflow's on.workflow_call.outputs.
 * @param {string} id @param {any} job @param {Configuration} configuration @param {string} label
 * @param {Record<string, unknown>} needs @param {WorkflowScope} scope @param {RunState} run
 * @returns {Promise<{ status: string, outputs: Record<string, unknown>, instances: JobInstance[] }>}
 */
async function runCall(id, job, configuration, label, needs, scope, run) {
  const target = calledWorkflow(scope.file, job.uses, id);
  const call = workflowCallOf(target.workflow.on) ?? {};
  const evaluation = { contexts: { ...scope.contexts, needs, ...(configuration.matrix !== undefined && { matrix: configuration.matrix }) } };
  let inputs;
  let secrets;
  try {
    inputs = callInputs(call.inputs ?? {}, /** @type {Record<string, unknown>} */ (substitute(job.with ?? {}, evaluation)), scope);
    secrets = job.secrets === "inherit" ? scope.contexts.secrets : { GITHUB_TOKEN: scope.contexts.secrets.GITHUB_TOKEN, .../** @type {object} */ (substitute(job.secrets ?? {}, evaluation)) };
  } catch (err) {
    if (!(err instanceof EvaluationError)) throw err;
    return { status: "failure", outputs: {}, instances: [refusedJob(id, label, configuration.matrix, job, scope, `Error when evaluating 'with' for job '${id}'. ${err.message}`)] };
  }
  /** @type {WorkflowScope} */
  const called = {
    file: target.file,
    workflow: target.workflow,
    contexts: { github: scope.contexts.github, vars: scope.contexts.vars, inputs, secrets },
    // The called workflow's own permissions, else the calling job's (GitHub caps them at the caller's;
    // this harness records them, it does not enforce them).
    permissions: target.workflow.permissions ?? job.permissions ?? scope.permissions,
    labelPrefix: `${label} / `,
    caller: { jobId: id, label, matrix: configuration.matrix, workflow: path.basename(scope.file), ...(scope.caller !== undefined && { caller: scope.caller }) },
  };
  const { done, instances } = await runJobs(called, run);
  const status = Object.values(done).some((d) => d.result === "failure") ? "failure" : "success";
  const jobsContext = { ...called.contexts, jobs: done };
  const outputs = Object.fromEntries(Object.entries(/** @type {Record<string, any>} */ (call.outputs ?? {})).map(([name, spec]) => [name, substituteText(spec?.value, { contexts: jobsContext })]));
  return { status, outputs, instances };
}

/**
 * One job (one matrix entry): a fresh checkout, then its steps in order. `prepared` runs only some steps
 * in a workspace already checked out (the bench times the per-stack path this way).
 * @param {string} jobId @param {any} job @param {Record<string, unknown> | undefined} matrix @param {string} label
 * @param {Record<string, unknown>} needs @param {WorkflowScope} scope @param {RunState} run
 * @param {{ workspace?: string, only?: (step: any) => boolean, strategy?: Record<string, unknown> }} prepared
 * @returns {Promise<JobInstance>}
 */
async function runJobInstance(jobId, job, matrix, label, needs, scope, run, prepared = {}) {
  const home = fs.mkdtempSync(path.join(run.workDir, `${jobId}-`));
  const workspace = prepared.workspace ?? path.join(home, "work");
  const runnerTemp = path.join(home, "temp");
  fs.mkdirSync(runnerTemp, { recursive: true });
  // With a repository to clone, the workspace stays empty until actions/checkout, as on a runner.
  if (prepared.workspace === undefined && run.options.repository === undefined) checkoutCopy(run.options.root, workspace, run.options.extraFiles);
  if (prepared.workspace === undefined && run.options.repository !== undefined) fs.mkdirSync(workspace);
  /** @type {Record<string, { outputs: Record<string, string>, outcome: string, conclusion: string }>} */
  const steps = {};
  const strategy = prepared.strategy ?? strategyContext(job, 0, 1);
  const contexts = { ...scope.contexts, needs, steps, strategy, ...(matrix !== undefined && { matrix }) };
  const plain = { contexts };
  /** @type {JobInstance} */
  const instance = {
    jobId,
    label,
    matrix,
    caller: scope.caller,
    workspace,
    environment: job.environment === undefined ? undefined : substituteText(typeof job.environment === "object" ? job.environment.name : job.environment, plain),
    concurrency: substitute(typeof job.concurrency === "object" ? job.concurrency.group : job.concurrency, plain),
    permissions: job.permissions ?? scope.permissions,
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
  const workflowEnv = Object.fromEntries(Object.entries(scope.workflow.env ?? {}).map(([k, v]) => [k, substituteText(v, plain)]));
  const jobEnv = Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, substituteText(v, plain)]));
  /** @type {Record<string, string>} */
  const addedEnv = {};
  const extraPath = [...(run.options.pathDirs ?? [])];
  // A job's defaults win over the workflow's.
  const shell = job.defaults?.run?.shell ?? scope.workflow.defaults?.run?.shell;
  const timeoutMs = Number(job["timeout-minutes"] ?? 360) * 60000;
  let failed = false;

  for (const [index, step] of (/** @type {any[]} */ (job.steps)).entries()) {
    if (prepared.only !== undefined && !prepared.only(step)) continue;
    const name = step.name ?? step.uses ?? String(step.run).split("\n")[0];
    const scopeHere = { contexts, status: { success: !failed, failure: failed } };
    /** @type {StepResult} */
    let result;
    /** @type {Record<string, string>} */
    let outputs = {};
    try {
      if (!conditionHolds(step.if, scopeHere)) {
        instance.steps.push({ name, id: step.id, status: "skipped", output: "" });
        if (step.id) steps[step.id] = { outputs: {}, outcome: "skipped", conclusion: "skipped" };
        continue;
      }
      if (step.uses !== undefined) {
        result = await runAction(step, name, scopeHere, instance, addedEnv, run);
      } else {
        const script = substituteText(step.run, scopeHere);
        const installed = INSTALLED[script.trim()];
        if (installed !== undefined) {
          const missing = installed(workspace);
          if (missing !== undefined) throw new WorkflowHarnessError(`${label}: ${script.trim()}: ${missing}`);
          result = { name, id: step.id, status: "success", output: "", note: "installed here" };
        } else {
          if (step.shell !== undefined && step.shell !== "bash") throw new WorkflowHarnessError(`${label}: step "${name}" uses shell ${step.shell}; this harness runs bash only`);
          const files = { output: path.join(runnerTemp, `output-${index}`), env: path.join(runnerTemp, `env-${index}`), summary: path.join(runnerTemp, `summary-${index}`), path: path.join(runnerTemp, `path-${index}`) };
          for (const f of Object.values(files)) fs.writeFileSync(f, "");
          const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substituteText(v, scopeHere)]));
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
          instance.summary += stepSummary(files.summary, instance);
          instance.annotations.push(...ran.output.split("\n").filter((l) => /^::(error|warning|notice)\b/.test(l)));
        }
      }
    } catch (err) {
      // An expression GitHub cannot evaluate fails its step.
      if (!(err instanceof EvaluationError)) throw err;
      result = { name, id: step.id, status: "failure", output: `Error: ${err.message}` };
    }
    // continue-on-error: the step's outcome is failure, its conclusion success, and the job goes on as if it passed.
    const tolerated = result.status === "failure" && step["continue-on-error"] !== undefined && truthy(substitute(step["continue-on-error"], scopeHere));
    instance.steps.push(tolerated ? { ...result, note: "continue-on-error" } : result);
    if (step.id) steps[step.id] = { outputs, outcome: result.status, conclusion: tolerated ? "success" : result.status };
    if (result.status === "failure" && !tolerated) failed = true;
  }
  instance.status = failed ? "failure" : "success";
  instance.outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, substituteText(v, plain)]));
  return instance;
}

/** The runner attaches a step's summary of at most 1 MiB (actions/runner, CreateStepSummaryCommand). */
const MAX_STEP_SUMMARY = 1024 * 1024;

/**
 * A step's summary as the runner takes it: one over 1 MiB is dropped, with the runner's error annotation
 * (the step's own result is unchanged).
 * @param {string} file @param {JobInstance} instance
 */
function stepSummary(file, instance) {
  const size = fs.statSync(file).size;
  if (size <= MAX_STEP_SUMMARY) return fs.readFileSync(file, "utf8");
  instance.annotations.push(`::error::$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of ${MAX_STEP_SUMMARY / 1024}k, got ${Math.floor(size / 1024)}k. For more information see: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-markdown-summary`);
  return "";
}

/**
 * A `uses:` step: its stand-in, with its `with:` substituted.
 * @param {any} step @param {string} name @param {Scope} scope @param {JobInstance} instance
 * @param {Record<string, string>} addedEnv @param {RunState} run @returns {Promise<StepResult>}
 */
async function runAction(step, name, scope, instance, addedEnv, run) {
  const action = String(step.uses).split("@")[0];
  const stub = STUBS[action];
  if (stub === undefined) throw new WorkflowHarnessError(`${instance.label}: no stand-in for the action ${step.uses}; only actions that install what is here, credentials and artifacts are replaced`);
  const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substituteText(v, scope)]));
  try {
    Object.assign(addedEnv, await stub({ with: w, job: instance, run }));
    return { name, id: step.id, status: "success", output: "", note: "stand-in" };
  } catch (err) {
    if (!(err instanceof StepFailure)) throw err;
    return { name, id: step.id, status: "failure", output: err.message };
  }
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
  const workflow = readWorkflow(file);
  const run = newRun(options, workflow);
  const job = workflow.jobs[options.jobId];
  const configuration = { matrix: options.matrix, segments: nameSegments(options.matrix) };
  const scope = topScope(file, workflow, run);
  const label = jobName(options.jobId, job, configuration, { ...scope.contexts, needs: options.needs ?? {} });
  return runJobInstance(options.jobId, job, options.matrix, label, options.needs ?? {}, scope, run, { workspace: options.workspace, only: options.only });
}

module.exports = {
  runWorkflow,
  runSteps,
  evaluate,
  substitute,
  conditionHolds,
  expandMatrix,
  matrixConfigurations,
  readKeyValueFile,
  checkoutCopy,
  triggers,
  WorkflowHarnessError,
  StrategyError,
  MAX_MATRIX_JOBS,
  STUBS,
  INSTALLED,
};
