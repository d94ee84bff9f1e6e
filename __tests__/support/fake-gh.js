#!/usr/bin/env node
// A stand-in for `gh api` (the GitHub CLI) on PATH, for the workflow tests: the REST endpoints the
// workflows call, kept in a JSON file (FAKE_GH_STATE) with every call made. It follows gh's own rules
// (cli/cli pkg/cmd/api: -f raw strings, -F typed values and @file, key[] and key[sub] fields, --input, the
// default method, --paginate following Link pages with --jq applied per page, a non-2xx answer printed and
// exit 1 with "gh: <message> (HTTP <status>)" on stderr) and GitHub's documented REST API:
// - issue comments: list (oldest first), create (at most 65,536 characters), update;
// - deployments: list (newest first; sha, ref, task, environment filters), create, get, delete (only an
//   inactive deployment, unless it is the repository's only one), and their statuses: list (newest
//   first), create (with auto_inactive), get.
// A deployment's ref is resolved to its commit in FAKE_GH_REPOSITORY (a git repository) when that is set;
// without it only a full commit SHA is a ref (the workflows deploy SHAs).
// Anything else it is asked fails loudly ("fake gh: ..."), never with a made-up answer.
"use strict";
const fs = require("node:fs");
const { spawnSync } = require("node:child_process");

const API = "https://api.github.com";
const DOCS = "https://docs.github.com/rest";
const BOT = { login: "github-actions[bot]", id: 41898282, type: "Bot" };
const STATES = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];
/** GitHub refuses an issue comment longer than this. */
const MAX_COMMENT = 65536;

const stateFile = process.env.FAKE_GH_STATE;
holdState();
const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
state.deployments ??= [];
state.statuses ??= [];
state.nextDeploymentId ??= 1;
state.nextStatusId ??= 1;
state.calls ??= [];

/**
 * The jobs of a matrix call gh at the same time: each call holds the state file until it has answered (a
 * lock directory beside it; mkdir is atomic), so no call loses another's deployment or comment.
 */
function holdState() {
  const lock = `${stateFile}.lock`;
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      // A watchdog for a call killed while holding it, not a timing: each call holds it for milliseconds.
      if (tries > 60000) die(`fake gh: ${lock} stayed locked; a gh call was killed while answering?`);
      Atomics.wait(wait, 0, 0, 2);
    }
  }
  process.on("exit", () => fs.rmSync(lock, { recursive: true, force: true }));
}

/** Stops with gh's exit code for a usage error (1) or a missing token (4). */
function die(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

if (!process.env.GH_TOKEN && !process.env.GITHUB_TOKEN) {
  die("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable. Example:\n  env:\n    GH_TOKEN: ${{ github.token }}", 4);
}
const argv = process.argv.slice(2);
if (argv[0] !== "api") die(`fake gh: only gh api is faked, received gh ${argv.join(" ")}`);

// ---------------------------------------------------------------------------------------------------
// gh api's arguments.

const options = { method: "GET", methodPassed: false, raw: [], typed: [], headers: [], paginate: false, slurp: false, silent: false, jq: undefined, input: undefined, endpoint: undefined };
for (let i = 1; i < argv.length; i++) {
  let arg = argv[i];
  let value;
  const eq = /^(--[a-z-]+)=([\s\S]*)$/.exec(arg);
  if (eq !== null) [, arg, value] = eq;
  const next = () => value ?? (i + 1 < argv.length ? argv[++i] : die(`flag needs an argument: ${arg}`));
  if (arg === "-X" || arg === "--method") {
    options.method = next().toUpperCase();
    options.methodPassed = true;
  } else if (arg === "-f" || arg === "--raw-field") options.raw.push(next());
  else if (arg === "-F" || arg === "--field") options.typed.push(next());
  else if (arg === "-H" || arg === "--header") options.headers.push(next());
  else if (arg === "-q" || arg === "--jq") options.jq = next();
  else if (arg === "--input") options.input = next();
  else if (arg === "--paginate") options.paginate = true;
  else if (arg === "--slurp") options.slurp = true;
  else if (arg === "--silent") options.silent = true;
  else if (arg.startsWith("-") && arg !== "-") die(`fake gh: the flag ${arg} is not faked`);
  else if (options.endpoint === undefined) options.endpoint = arg;
  else die(`accepts 1 arg(s), received ${argv.length - 1}`);
}
if (options.endpoint === undefined) die("accepts 1 arg(s), received 0");
if (options.paginate && options.method !== "GET") die("the `--paginate` option is not supported for non-GET requests");
if (options.slurp && (!options.paginate || options.jq !== undefined)) die("`--slurp` is only supported with `--paginate` and without `--jq`");
for (const header of options.headers) if (!header.includes(":")) die(`header "${header}" requires a value separated by ':'`);

/** gh's -f/-F parsing (fields.go): key=value, key[]=value (a list; key[] alone: an empty list), key[sub]=value. */
function parseFields() {
  const params = {};
  const add = (field, typed) => {
    const sep = field.indexOf("=");
    const key = sep === -1 ? field : field.slice(0, sep);
    const keys = [...key.matchAll(/^[^[]*|\[([^\]]*)\]/g)].map((m) => (m[0].startsWith("[") ? m[1] : m[0]));
    if (keys[0] === "") die(`invalid key: "${field}"`);
    if (sep === -1 && keys[keys.length - 1] !== "") die(`field "${field}" requires a value separated by an '=' sign`);
    let value = sep === -1 ? undefined : field.slice(sep + 1);
    if (typed && value !== undefined) value = magic(value);
    let into = params;
    let isArray = false;
    let subkey = "";
    for (const k of keys) {
      if (k === "") {
        isArray = true;
        continue;
      }
      if (subkey !== "") {
        if (isArray) {
          // key[][name]: the last mapping of the list, or a new one when it already has this name.
          into[subkey] ??= [];
          const last = into[subkey][into[subkey].length - 1];
          if (last === undefined || typeof last !== "object" || (k in last && !Array.isArray(last[k]))) into[subkey].push({});
          into = into[subkey][into[subkey].length - 1];
          isArray = false;
        } else {
          into[subkey] ??= {};
          into = into[subkey];
        }
      }
      subkey = k;
    }
    if (isArray) {
      into[subkey] ??= [];
      if (!Array.isArray(into[subkey])) die(`expected array type under "${subkey}"`);
      if (value !== undefined) into[subkey].push(value);
    } else {
      if (subkey in into) die(`unexpected override existing field under "${subkey}"`);
      into[subkey] = value ?? null;
    }
  };
  for (const f of options.raw) add(f, false);
  for (const f of options.typed) add(f, true);
  return params;
}

/** -F's conversions: @file (or @- for stdin) is the file's text; true, false, null and integers are JSON values. */
function magic(value) {
  if (value.startsWith("@")) return fs.readFileSync(value === "@-" ? 0 : value.slice(1), "utf8");
  if (/^[+-]?\d+$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  if (value === "null") return null;
  if (/\{(owner|repo|branch)\}/.test(value)) die("fake gh: {owner}, {repo} and {branch} placeholders are not faked");
  return value;
}

const params = parseFields();
let [requestPath, queryText = ""] = options.endpoint.replace(/^\//, "").split("?");
if (/\{(owner|repo|branch)\}/.test(requestPath)) die("fake gh: {owner}, {repo} and {branch} placeholders are not faked");
const query = Object.fromEntries(new URLSearchParams(queryText));
let method = options.method;
if (!options.methodPassed && (Object.keys(params).length > 0 || options.input !== undefined)) method = "POST";
let body;
if (options.input !== undefined) {
  // With --input the body is the file, and the fields go to the query string.
  const text = fs.readFileSync(options.input === "-" ? 0 : options.input, "utf8");
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    die("fake gh: the --input file is not JSON; only JSON bodies are faked");
  }
  Object.assign(query, stringQuery(params));
} else if (method === "GET") {
  Object.assign(query, stringQuery(params));
} else if (Object.keys(params).length > 0) {
  body = params;
}
if (options.paginate && query.per_page === undefined) query.per_page = "100";
state.calls.push({ method, endpoint: requestPath });

/** @param {Record<string, unknown>} values */
function stringQuery(values) {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)]));
}

// ---------------------------------------------------------------------------------------------------
// The REST API.

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const reply = (status, payload, next) => ({ status, payload, next });
const notFound = () => reply(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
const invalid = (message) => reply(422, { message, documentation_url: DOCS, status: "422" });

/** One page of a list, as GitHub pages it (per_page at most 100, 30 by default). */
function page(items, q) {
  const perPage = Math.min(Math.max(Number(q.per_page ?? 30) || 30, 1), 100);
  const number = Math.max(Number(q.page ?? 1) || 1, 1);
  const slice = items.slice((number - 1) * perPage, number * perPage);
  const next = number * perPage < items.length ? { ...q, per_page: String(perPage), page: String(number + 1) } : undefined;
  return reply(200, slice, next);
}

/** A commit SHA for a ref: checked in FAKE_GH_REPOSITORY when set; without it only a full SHA is known. */
function resolveRef(ref) {
  const repository = process.env.FAKE_GH_REPOSITORY;
  if (repository) {
    const found = spawnSync("git", ["-C", repository, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { encoding: "utf8" });
    return found.status === 0 ? found.stdout.trim() : undefined;
  }
  return /^[0-9a-f]{40}$/i.test(ref) ? ref.toLowerCase() : undefined;
}

const statusesOf = (deployment) => state.statuses.filter((s) => s.deployment_id === deployment.id).sort((a, b) => b.id - a.id);
const latestState = (deployment) => statusesOf(deployment)[0]?.state;

function deploymentJson(d) {
  const { repo, ...fields } = d;
  return { url: `${API}/repos/${repo}/deployments/${d.id}`, ...fields, statuses_url: `${API}/repos/${repo}/deployments/${d.id}/statuses`, repository_url: `${API}/repos/${repo}` };
}

function statusJson(s) {
  const { repo, deployment_id, ...fields } = s;
  return { url: `${API}/repos/${repo}/deployments/${deployment_id}/statuses/${s.id}`, ...fields, deployment_url: `${API}/repos/${repo}/deployments/${deployment_id}`, repository_url: `${API}/repos/${repo}` };
}

/** A body field's type as GitHub's schema checks it: the message GitHub gives for the wrong one. */
function wrongType(b, field, type) {
  if (b[field] === undefined) return undefined;
  const ok = type === "array" ? Array.isArray(b[field]) : type === "object or string" ? typeof b[field] === "string" || (typeof b[field] === "object" && b[field] !== null && !Array.isArray(b[field])) : typeof b[field] === type;
  return ok ? undefined : `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(b[field])} is not a${type === "array" || type === "object or string" ? "n" : ""} ${type}.`;
}

function createDeployment(repo, b = {}) {
  if (typeof b.ref !== "string") return invalid('Invalid request.\n\n"ref" wasn\'t supplied.');
  for (const [field, type] of [["task", "string"], ["environment", "string"], ["description", "string"], ["auto_merge", "boolean"], ["transient_environment", "boolean"], ["production_environment", "boolean"], ["required_contexts", "array"], ["payload", "object or string"]]) {
    const message = wrongType(b, field, type);
    if (message) return invalid(message);
  }
  const sha = resolveRef(b.ref);
  if (sha === undefined) return reply(422, { message: `No ref found for: ${b.ref}`, documentation_url: DOCS, status: "422" });
  // auto_merge merges the default branch into a branch ref; a SHA has nothing to merge.
  if (b.auto_merge !== false && sha.toLowerCase() !== b.ref.toLowerCase()) die("fake gh: auto_merge of a branch ref is not faked; pass a commit SHA, or auto_merge=false");
  // Every required context must have a successful commit status; this stand-in holds no commit status.
  if (Array.isArray(b.required_contexts) && b.required_contexts.length > 0) {
    return reply(409, { message: `Conflict: Commit status checks failed for ${b.ref}.`, errors: [{ contexts: b.required_contexts.map((context) => ({ context, state: "missing" })), resource: "Deployment", field: "required_contexts", code: "invalid" }], documentation_url: DOCS, status: "409" });
  }
  const environment = b.environment ?? "production";
  const created = now();
  const deployment = {
    repo,
    id: state.nextDeploymentId++,
    node_id: `DE_fake${state.nextDeploymentId}`,
    sha,
    ref: b.ref,
    task: b.task ?? "deploy",
    payload: b.payload ?? "",
    original_environment: environment,
    environment,
    description: b.description ?? "",
    creator: BOT,
    created_at: created,
    updated_at: created,
    transient_environment: b.transient_environment ?? false,
    production_environment: b.production_environment ?? environment === "production",
  };
  state.deployments.push(deployment);
  return reply(201, deploymentJson(deployment));
}

function createStatus(deployment, b = {}) {
  if (!STATES.includes(b.state)) return invalid(b.state === undefined ? 'Invalid request.\n\n"state" wasn\'t supplied.' : `Invalid request.\n\nFor 'properties/state', ${JSON.stringify(b.state)} is not a member of ${JSON.stringify(STATES)}.`);
  for (const [field, type] of [["log_url", "string"], ["target_url", "string"], ["environment_url", "string"], ["description", "string"], ["environment", "string"], ["auto_inactive", "boolean"]]) {
    const message = wrongType(b, field, type);
    if (message) return invalid(message);
  }
  if ((b.description ?? "").length > 140) return reply(422, { message: "Validation Failed", errors: [{ resource: "DeploymentStatus", code: "custom", field: "description", message: "description is too long (maximum is 140 characters)" }], documentation_url: DOCS, status: "422" });
  // The environment of the previous status, else the deployment's; a status may change it.
  const environment = b.environment ?? statusesOf(deployment)[0]?.environment ?? deployment.environment;
  const status = addStatus(deployment, { state: b.state, description: b.description ?? "", environment, log_url: b.log_url ?? b.target_url ?? "", environment_url: b.environment_url ?? "" });
  deployment.environment = environment;
  deployment.updated_at = status.created_at;
  // auto_inactive (default true): a success makes every prior non-transient, non-production deployment
  // of the same repository and environment whose state was success inactive.
  if (b.state === "success" && b.auto_inactive !== false) {
    for (const prior of state.deployments) {
      if (prior.repo !== deployment.repo || prior.id >= deployment.id || prior.environment !== environment) continue;
      if (prior.transient_environment || prior.production_environment || latestState(prior) !== "success") continue;
      addStatus(prior, { state: "inactive", description: "", environment, log_url: "", environment_url: "" });
    }
  }
  return reply(201, statusJson(status));
}

function addStatus(deployment, fields) {
  const created = now();
  const status = { repo: deployment.repo, deployment_id: deployment.id, id: state.nextStatusId++, node_id: `DES_fake${state.nextStatusId}`, state: fields.state, creator: BOT, description: fields.description, environment: fields.environment, target_url: fields.log_url, log_url: fields.log_url, environment_url: fields.environment_url, created_at: created, updated_at: created };
  state.statuses.push(status);
  return status;
}

function deleteDeployment(deployment) {
  const inRepository = state.deployments.filter((d) => d.repo === deployment.repo);
  // Only an inactive deployment may go, unless it is the repository's only one.
  if (inRepository.length > 1 && latestState(deployment) !== "inactive") {
    return invalid("We cannot delete an active deployment unless it is the only deployment in a given environment.");
  }
  state.deployments = state.deployments.filter((d) => d !== deployment);
  state.statuses = state.statuses.filter((s) => s.deployment_id !== deployment.id);
  return reply(204, undefined);
}

function route(m, p, q, b) {
  let match;
  if ((match = /^repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(p))) {
    const [, repo, issue] = match;
    if (m === "GET") return page(state.comments.filter((c) => c.repo === repo && c.issue === Number(issue)).sort((a, c) => a.id - c.id).map(({ id, user, body }) => ({ id, user, body })), q);
    if (m === "POST") {
      if (typeof b?.body !== "string") return invalid('Invalid request.\n\n"body" wasn\'t supplied.');
      if (b.body.length > MAX_COMMENT) return reply(422, { message: "Validation Failed", errors: [{ resource: "IssueComment", code: "unprocessable", field: "data", message: `Body is too long (maximum is ${MAX_COMMENT} characters)` }], documentation_url: DOCS, status: "422" });
      const comment = { id: state.nextId++, user: { login: BOT.login }, body: b.body, repo, issue: Number(issue) };
      state.comments.push(comment);
      return reply(201, comment);
    }
  }
  if ((match = /^repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(p)) && m === "PATCH") {
    const comment = state.comments.find((c) => c.repo === match[1] && c.id === Number(match[2]));
    if (!comment) return notFound();
    if (typeof b?.body !== "string") return invalid('Invalid request.\n\n"body" wasn\'t supplied.');
    if (b.body.length > MAX_COMMENT) return reply(422, { message: "Validation Failed", errors: [{ resource: "IssueComment", code: "unprocessable", field: "data", message: `Body is too long (maximum is ${MAX_COMMENT} characters)` }], documentation_url: DOCS, status: "422" });
    comment.body = b.body;
    return reply(200, comment);
  }
  if ((match = /^repos\/([^/]+\/[^/]+)\/deployments$/.exec(p))) {
    const repo = match[1];
    if (m === "POST") return createDeployment(repo, b);
    if (m === "GET") {
      const wanted = (d) => ["sha", "ref", "task", "environment"].every((k) => q[k] === undefined || d[k] === q[k]);
      return page(state.deployments.filter((d) => d.repo === repo && wanted(d)).sort((a, c) => c.id - a.id).map(deploymentJson), q);
    }
  }
  if ((match = /^repos\/([^/]+\/[^/]+)\/deployments\/(\d+)(\/statuses(?:\/(\d+))?)?$/.exec(p))) {
    const [, repo, id, statuses, statusId] = match;
    const deployment = state.deployments.find((d) => d.repo === repo && d.id === Number(id));
    if (deployment === undefined) return m === "GET" || m === "POST" || m === "DELETE" ? notFound() : die(`fake gh: no fake for ${m} ${p}`);
    if (statuses === undefined && m === "GET") return reply(200, deploymentJson(deployment));
    if (statuses === undefined && m === "DELETE") return deleteDeployment(deployment);
    if (statuses !== undefined && statusId === undefined && m === "GET") return page(statusesOf(deployment).map(statusJson), q);
    if (statuses !== undefined && statusId === undefined && m === "POST") return createStatus(deployment, b);
    if (statusId !== undefined && m === "GET") {
      const status = statusesOf(deployment).find((s) => s.id === Number(statusId));
      return status === undefined ? notFound() : reply(200, statusJson(status));
    }
  }
  die(`fake gh: no fake for ${m} ${p}`);
}

// ---------------------------------------------------------------------------------------------------
// Answering as gh does.

/** gh's message for a failed request: "<message> (HTTP <status>)", else "HTTP <status>". */
function serverError(status, payload) {
  return payload?.message ? `${payload.message} (HTTP ${status})` : `HTTP ${status}`;
}

const pages = [];
let pageQuery = query;
for (;;) {
  const answer = route(method, requestPath, pageQuery, body);
  fs.writeFileSync(stateFile, JSON.stringify(state));
  if (answer.status >= 300) {
    if (!options.silent) process.stdout.write(`${JSON.stringify(answer.payload)}\n`);
    die(`gh: ${serverError(answer.status, answer.payload)}`);
  }
  if (answer.status !== 204 && !options.silent) {
    if (options.jq !== undefined) {
      // gh applies --jq to each page as it comes: strings raw, anything else as compact JSON.
      const r = spawnSync("jq", ["-r", "-c", options.jq], { input: JSON.stringify(answer.payload), encoding: "utf8" });
      if (r.status !== 0) die(r.stderr.trim());
      process.stdout.write(r.stdout);
    } else {
      pages.push(answer.payload);
    }
  }
  if (!options.paginate || answer.next === undefined) break;
  pageQuery = answer.next;
}
if (pages.length > 0) {
  // --paginate without --jq joins pages of lists into one list (--slurp: a list of the pages).
  const joined = options.slurp ? pages : options.paginate && pages.every(Array.isArray) ? pages.flat() : undefined;
  process.stdout.write(joined !== undefined ? `${JSON.stringify(joined)}\n` : pages.map((p) => `${JSON.stringify(p)}\n`).join(""));
}
