#!/usr/bin/env node
// `npm run bench`: how fast a synth is, against its floor and against the usual cdktf set-up, measured
// in one run on this machine (absolute times drift between machines and runs; ratios hold).
//
//   npm run bench                       arms for the default config (see ARMS below)
//   npm run bench -- --config FILE      the same arms for another config
//   npm run bench -- --stacks 1,10,100,200   the scaling series: synth of N generated stacks
//   npm run bench -- --tests            also time the unit tests and the whole npm test
//   npm run bench -- --deploy           the deploy rehearsal: npm run deploy:local of the default against
//                                       a bare terraform init + apply of the same folder, same servers
//   npm run bench -- --runs 7           repetitions per arm after one warm-up (the usual arm: 3)
//   npm run bench -- --autopilot        the autopilot instead (bench/autopilot.js): reaction in intervals,
//                                       writes in a steady state, one round for 100 groups against its queries
//   npm run bench -- --changes          CI at scale instead (bench/changes.js): stacks --changed-since for
//                                       1, 200 and 1,000 stacks against two plain synths, and the plan jobs
//                                       a one-stack change starts against one job per stack
//   npm run bench -- --plan             the CI plan path instead: terraform-plan.yml's per-stack steps and
//                                       npm run plan:local against bare terraform init + plan (see
//                                       bench/plan-path.js; needs terraform and moto_server)
//   npm run bench -- --plan-concurrency npm run plan-stacks on 6 stacks at concurrency 1, 2 and 4: wall
//                                       time and peak memory of terraform and its providers (see
//                                       bench/plan-concurrency.js; needs terraform and moto_server)
//
// Every arm writes its output to a folder of its own; before any time is reported, each arm's
// cdk.tf.json files must equal the reference's (cdktf's "//" metadata aside), or the bench fails.
// Results: a table on stdout and JSON in bench/results/ (ignored by git).
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { stringify } = require("yaml");
const { terraformAvailability, terraformEnv } = require("../scripts/lib/terraform");

const ROOT = path.join(__dirname, "..");
const TIME = "/usr/bin/time"; // GNU time, for peak RSS (-f %M)
const ENV = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "true", CI: "true", FORCE_COLOR: "0" };
delete ENV.SMART_ROUTING_CONFIG;
delete ENV.SMART_ROUTING_STRICT;

const USAGE = "usage: npm run bench -- [--runs N] [--naive-runs N] [--stacks N[,N...]] [--tests] [--deploy] [--plan] [--plan-concurrency] [--autopilot] [--changes] [--config FILE]";

/** The options; throws a BadArguments on anything else (exit 2, nothing run). */
function parseArgs(argv) {
  const { parseCommandLine } = require("../scripts/lib/command-line");
  const string = { type: "string" };
  const flag = { type: "boolean" };
  const { args, error } = parseCommandLine(argv, { runs: string, "naive-runs": string, stacks: string, tests: flag, deploy: flag, config: string, plan: flag, "plan-concurrency": flag, autopilot: flag, changes: flag }, USAGE);
  if (args === undefined) throw new BadArguments(error);
  if (args.positionals.length > 0) throw new BadArguments(`Unexpected argument '${args.positionals[0]}'.\n${USAGE}`);
  const v = args.values;
  return {
    runs: v.runs === undefined ? 7 : positive("--runs", v.runs),
    naiveRuns: v["naive-runs"] === undefined ? 3 : positive("--naive-runs", v["naive-runs"]),
    stacks: v.stacks === undefined ? undefined : v.stacks.split(",").map((n) => positive("--stacks", n)),
    tests: v.tests === true,
    deploy: v.deploy === true,
    config: v.config === undefined ? undefined : path.resolve(v.config),
    plan: v.plan === true,
    planConcurrency: v["plan-concurrency"] === true,
    autopilot: v.autopilot === true,
    changes: v.changes === true,
    // 1,000 stacks take seconds per detection: three runs unless asked for more.
    changesRuns: v.runs === undefined ? 3 : positive("--runs", v.runs),
  };
}

class BadArguments extends Error {}

function positive(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new BadArguments(`${flag} takes whole numbers from 1, received ${JSON.stringify(text)}\n${USAGE}`);
  return n;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs a command once under GNU time; returns { seconds, rssMb }. Throws with its output if it fails. */
function runOnce(arm, prepare) {
  prepare?.();
  const start = process.hrtime.bigint();
  const result = spawnSync(TIME, ["-f", "%M", ...arm.command], { cwd: arm.cwd ?? ROOT, env: { ...ENV, ...arm.env }, encoding: "utf8", maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${arm.name} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  const rssKb = Number(result.stderr.trim().split("\n").pop());
  return { seconds, rssMb: rssKb / 1024 };
}

/** One warm-up, then `runs` timed runs: the median wall time and the highest peak RSS. */
function measure(arm, runs) {
  const prepare = () => arm.outdir && fs.rmSync(arm.outdir, { recursive: true, force: true });
  runOnce(arm, prepare);
  return summarize(arm, Array.from({ length: runs }, () => runOnce(arm, prepare)));
}

/** An arm's timed runs: the median wall time, the range, and the highest peak RSS. */
function summarize(arm, samples) {
  const runs = samples.length;
  return {
    name: arm.name,
    command: arm.command.join(" "),
    runs,
    medianSeconds: median(samples.map((s) => s.seconds)),
    minSeconds: Math.min(...samples.map((s) => s.seconds)),
    maxSeconds: Math.max(...samples.map((s) => s.seconds)),
    peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
  };
}

/** Every stack's Terraform JSON in an output folder, cdktf's "//" metadata removed, by stack name. */
function stackOutputs(outdir) {
  const strip = (value) => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "//").map(([k, v]) => [k, strip(v)]));
    return value;
  };
  const stacksDir = path.join(outdir, "stacks");
  return Object.fromEntries(
    fs.readdirSync(stacksDir).sort().map((stack) => [stack, JSON.stringify(strip(JSON.parse(fs.readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8"))))]),
  );
}

function checkSameOutput(reference, arm) {
  const expected = stackOutputs(reference.outdir);
  const actual = stackOutputs(arm.outdir);
  const same = JSON.stringify(Object.keys(actual)) === JSON.stringify(Object.keys(expected)) && Object.keys(expected).every((s) => actual[s] === expected[s]);
  if (!same) throw new Error(`${arm.name} wrote different Terraform JSON than ${reference.name} (${arm.outdir} vs ${reference.outdir}); no times are reported`);
}

/** A plain node script that writes the same files with no cdktf at all: the floor for any synth. */
function writePlainBaseline(dir, referenceOutdir) {
  const files = {};
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(referenceOutdir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else files[child] = fs.readFileSync(path.join(referenceOutdir, child), "utf8");
    }
  };
  walk("");
  const script = path.join(dir, "plain-baseline.js");
  fs.writeFileSync(
    script,
    `const fs = require("fs"), path = require("path");\nconst out = process.env.CDKTF_OUTDIR;\nconst files = ${JSON.stringify(files)};\n` +
      "for (const [rel, text] of Object.entries(files)) { fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true }); fs.writeFileSync(path.join(out, rel), text); }\n",
  );
  return script;
}

/**
 * The usual cdktf project, built on the fly: the `cdktf init --template=typescript` layout (cdktf.json
 * app "npx ts-node main.ts", ts-node type-checking) and the provider imported from the package root.
 * It runs this project's own sources with every deep import rewritten to a root import, so it writes
 * the same Terraform JSON.
 */
function writeUsualTemplate(dir) {
  fs.cpSync(path.join(ROOT, "src"), path.join(dir, "src"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "main.ts"), path.join(dir, "main.ts"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  const rootPackage = "@cdktf/provider-aws"; // the import this arm exists to measure
  const camel = (module) => module.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
  const rewrite = (file) => {
    const text = fs.readFileSync(file, "utf8").replace(
      /import \{ (\w+) \} from "@cdktf\/provider-aws\/lib\/([\w-]+)";/g,
      (_, cls, module) => `import { ${camel(module)} as ${camel(module)}Namespace } from "${rootPackage}";\nimport ${cls} = ${camel(module)}Namespace.${cls};`,
    );
    fs.writeFileSync(file, text);
  };
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith(".ts") && rewrite(path.join(d, e.name))));
  walk(path.join(dir, "src"));
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
  tsconfig.compilerOptions.isolatedModules = false; // the template's setting; `import X = ns.X` needs it off
  tsconfig.compilerOptions.skipLibCheck = false;
  tsconfig.compilerOptions.types = ["node"];
  tsconfig.include = ["main.ts", "src/**/*.ts"];
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx ts-node main.ts", terraformProviders: [], terraformModules: [], context: {} }, null, 2));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "usual-template", version: "1.0.0", private: true }, null, 2));
}

function generateStacks(n, file) {
  const stacks = Array.from({ length: n }, (_, i) => ({
    name: `fleet-${Math.floor(i / 2)}-${i % 2 ? "prod" : "staging"}`,
    backend: { bucket: "acme-terraform-state", region: "us-west-2" },
    accelerator: { name: `fleet-${Math.floor(i / 2)}-${i % 2 ? "prod" : "staging"}`, flowLogs: false },
    listeners: [
      {
        name: "inference",
        protocol: "TCP",
        portRanges: [{ fromPort: 443 }],
        endpointGroups: [
          { region: "us-west-1", endpoints: [{ type: "eip", id: "eipalloc-0a1b2c3d4e5f60718" }] },
          { region: "us-east-1", endpoints: [{ type: "eip", id: "eipalloc-0f1e2d3c4b5a69788" }] },
        ],
      },
    ],
  }));
  fs.writeFileSync(file, stringify({ version: 1, stacks }));
}

const fmt = (s) => (s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);

function table(rows, columns) {
  const widths = columns.map(([title, get]) => Math.max(title.length, ...rows.map((r) => String(get(r)).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
  return [line(columns.map(([t]) => t)), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map((r) => line(columns.map(([, get]) => get(r))))].join("\n");
}

function machine() {
  const cdktfVersion = require(path.join(ROOT, "node_modules", "cdktf", "package.json")).version;
  return { date: new Date().toISOString().slice(0, 10), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), cdktf: cdktfVersion };
}

function synthArms(args, work) {
  const config = args.config ? { SMART_ROUTING_CONFIG: args.config } : {};
  const out = (name) => path.join(work, name, "cdktf.out");
  const reference = { name: "synth process (node scripts/synth.js)", command: ["node", "scripts/synth.js"], env: { ...config, CDKTF_OUTDIR: out("synth") }, outdir: out("synth") };
  runOnce(reference); // also builds dist/ if needed
  const plainDir = path.join(work, "plain");
  fs.mkdirSync(plainDir, { recursive: true });
  const plain = { name: "plain node script, same JSON (floor)", command: ["node", writePlainBaseline(plainDir, reference.outdir)], env: { CDKTF_OUTDIR: out("plain") }, outdir: out("plain") };
  const usualDir = path.join(work, "usual");
  fs.mkdirSync(usualDir, { recursive: true });
  writeUsualTemplate(usualDir);
  const cdktf = path.join(ROOT, "node_modules", ".bin", "cdktf");
  return {
    nodeFloor: { name: "node -e 0 (starting node)", command: ["node", "-e", "0"] },
    plain,
    synth: reference,
    npmSynth: { name: "npm run synth", command: ["npm", "run", "--silent", "synth"], env: { ...config, CDKTF_OUTDIR: out("npm") }, outdir: out("npm") },
    cdktfSynth: { name: "cdktf synth (CLI, app: node scripts/synth.js)", command: [cdktf, "synth", "--output", out("cli")], env: config, outdir: out("cli") },
    usual: { name: "usual template (cdktf synth, ts-node, root import)", command: [cdktf, "synth", "--output", out("usual")], cwd: usualDir, env: config, outdir: out("usual") },
  };
}

function benchSynth(args, work) {
  const arms = synthArms(args, work);
  // Correctness first: every arm that writes Terraform JSON must write the reference's.
  for (const key of ["plain", "npmSynth", "cdktfSynth", "usual"]) {
    runOnce(arms[key], () => fs.rmSync(arms[key].outdir, { recursive: true, force: true }));
    checkSameOutput(arms.synth, arms[key]);
  }
  const results = {};
  for (const [key, arm] of Object.entries(arms)) {
    process.stderr.write(`measuring ${arm.name}...\n`);
    results[key] = measure(arm, key === "usual" ? args.naiveRuns : args.runs);
  }
  const t = (k) => results[k].medianSeconds;
  const ratios = {
    "synth process / node -e 0 (target <= 3)": t("synth") / t("nodeFloor"),
    "synth process / plain script": t("synth") / t("plain"),
    "npm run synth / usual template (target <= 1/30 = 0.033)": t("npmSynth") / t("usual"),
    "usual template / npm run synth (x faster)": t("usual") / t("npmSynth"),
    "cdktf synth (CLI) / npm run synth": t("cdktfSynth") / t("npmSynth"),
  };
  return { results, ratios };
}

function benchStacks(args, work) {
  const series = [];
  for (const n of args.stacks) {
    const config = path.join(work, `stacks-${n}.yaml`);
    generateStacks(n, config);
    const synth = { name: `synth ${n} stacks`, command: ["node", "scripts/synth.js"], env: { SMART_ROUTING_CONFIG: config, CDKTF_OUTDIR: path.join(work, `s${n}`, "cdktf.out") }, outdir: path.join(work, `s${n}`, "cdktf.out") };
    runOnce(synth);
    const plainDir = path.join(work, `plain-${n}`);
    fs.mkdirSync(plainDir, { recursive: true });
    const plain = { name: `plain ${n} stacks`, command: ["node", writePlainBaseline(plainDir, synth.outdir)], env: { CDKTF_OUTDIR: path.join(work, `p${n}`, "cdktf.out") }, outdir: path.join(work, `p${n}`, "cdktf.out") };
    runOnce(plain);
    checkSameOutput(synth, plain);
    process.stderr.write(`measuring ${n} stacks...\n`);
    series.push({ stacks: n, synth: measure(synth, args.runs), plain: measure(plain, args.runs) });
  }
  const first = series[0];
  const last = series[series.length - 1];
  const slopeMs = last.stacks === first.stacks ? 0 : ((last.synth.medianSeconds - first.synth.medianSeconds) * 1000) / (last.stacks - first.stacks);
  return { series, slopeMsPerStack: slopeMs, ratioLastToFirst: last.synth.medianSeconds / first.synth.medianSeconds };
}

/**
 * Starts a server as a child process and resolves its endpoint once `ready` matches its output. The output
 * goes to a file, not a pipe: the timed runs block this process, and a pipe nobody drains would stall
 * the server once it filled.
 */
function startServer(command, args, ready, logFile) {
  const log = fs.openSync(logFile, "w");
  const child = spawn(command, args, { stdio: ["ignore", log, log], env: ENV });
  fs.closeSync(log);
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30000;
    const poll = () => {
      const match = ready.exec(fs.readFileSync(logFile, "utf8"));
      if (match) return resolve({ endpoint: match[1], stop: () => child.kill("SIGTERM") });
      if (child.exitCode !== null || Date.now() > deadline) return reject(new Error(`${command} did not start:\n${fs.readFileSync(logFile, "utf8")}`));
      setTimeout(poll, 100);
    };
    poll();
  });
}

/**
 * One HTTP request (the servers' control calls between runs); resolves the status. A new connection each
 * time: the timed runs block this process for longer than a server keeps an idle connection open.
 */
function httpRequest(url, method) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers: { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-west-2/s3/aws4_request, SignedHeaders=host, Signature=0" } });
    req.on("error", (err) => reject(new Error(`${method} ${url}: ${err.message}`)));
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.end();
  });
}

/**
 * The deploy rehearsal against the least a Terraform user runs, on the same servers (moto, and the local
 * Global Accelerator API with no IN_PROGRESS delay), each run from an empty API and no state:
 *  - bare terraform init + apply of the synthesized folder (with the same local files beside it);
 *  - the same plus plan -detailed-exitcode, the check deploy:local adds;
 *  - cdktf deploy alone on that folder (the cdktf CLI's price);
 *  - npm run deploy:local (synth, seeding, cdktf deploy, the second plan, the report).
 */
async function benchDeploy(args, work) {
  const runs = Math.min(args.runs, 3);
  // -p 0: the system gives moto a port and it logs which (a port found free first could be taken meanwhile).
  const moto = await startServer("moto_server", ["-H", "127.0.0.1", "-p", "0"], /Running on (http:\/\/127\.0\.0\.1:\d+)/, path.join(work, "moto.log"));
  const ga = await startServer(process.execPath, ["scripts/local-ga-api.js", "--deploy-delay-ms", "0"], /global accelerator API at (http:\/\/\S+)/, path.join(work, "ga.log"));
  try {
    const deployDir = path.join(work, "deploy");
    const serverEnv = { SMART_ROUTING_S3_ENDPOINT: moto.endpoint, SMART_ROUTING_GA_ENDPOINT: ga.endpoint, SMART_ROUTING_DEPLOY_DIR: deployDir };
    // One deploy:local first: it seeds the state bucket and leaves the folder the bare arms copy.
    runOnce({ name: "deploy:local (first)", command: ["node", "scripts/deploy-local.js"], env: serverEnv });
    const stackDir = path.join(deployDir, "cdktf.out", "stacks", "smart-routing");
    const bareDir = path.join(work, "bare");
    const fresh = async () => {
      await httpRequest(`${ga.endpoint}/__control/reset`, "POST");
      await httpRequest(`${moto.endpoint}/smart-routing-terraform-state/smart-routing/smart-routing.tfstate`, "DELETE");
      fs.rmSync(bareDir, { recursive: true, force: true });
      fs.mkdirSync(bareDir, { recursive: true });
      for (const file of ["cdk.tf.json", ".terraform.lock.hcl", "smart_routing_local_override.tf.json", "local-backend.tfbackend"]) fs.copyFileSync(path.join(stackDir, file), path.join(bareDir, file));
    };
    // The same local endpoints deploy:local gives its commands (in the environment, as it does).
    const tfEnv = require("../scripts/lib/run-bundle").loadCliApi().localEndpointEnvironment(terraformEnv(terraformAvailability().mirror, ENV), moto.endpoint, { globalaccelerator: ga.endpoint });
    const sh = (script) => ["bash", "-c", `set -e; ${script}`];
    const init = "terraform init -input=false -no-color -lockfile=readonly -backend-config=local-backend.tfbackend >/dev/null";
    const apply = "terraform apply -auto-approve -input=false -no-color >/dev/null";
    const arms = {
      bare: { name: "bare terraform init + apply", command: sh(`${init}; ${apply}`), cwd: bareDir, env: tfEnv },
      barePlan: { name: "bare init + apply + plan -detailed-exitcode", command: sh(`${init}; ${apply}; terraform plan -detailed-exitcode -input=false -no-color >/dev/null`), cwd: bareDir, env: tfEnv },
      cdktf: {
        name: "cdktf deploy (CLI) on the same folder",
        command: ["node", path.join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf"), "deploy", "smart-routing", "--auto-approve", "--skip-synth", "--skip-provider-lock", "--output", path.join(work, "cdktf-arm"), "--no-color"],
        env: { ...tfEnv, DISABLE_VERSION_CHECK: "true", TF_CLI_ARGS_init: "-backend-config=local-backend.tfbackend" },
      },
      deployLocal: { name: "npm run deploy:local (default)", command: ["npm", "run", "--silent", "deploy:local"], env: serverEnv },
    };
    // cdktf deploy needs a cdktf.out with a manifest: the folder deploy:local synthesized, copied.
    const prepareCdktf = async () => {
      await fresh();
      fs.rmSync(path.join(work, "cdktf-arm"), { recursive: true, force: true });
      fs.cpSync(path.join(deployDir, "cdktf.out"), path.join(work, "cdktf-arm"), { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
      arms.cdktf.env.TF_CLI_ARGS_init = `-backend-config=${path.join(work, "cdktf-arm", "stacks", "smart-routing", "local-backend.tfbackend")}`;
    };
    const results = {};
    for (const [key, arm] of Object.entries(arms)) {
      process.stderr.write(`measuring ${arm.name}...\n`);
      const prepare = key === "cdktf" ? prepareCdktf : fresh;
      const samples = [];
      for (let i = 0; i <= runs; i++) {
        await prepare();
        const sample = runOnce(arm);
        if (i > 0) samples.push(sample); // the first is a warm-up
      }
      results[key] = summarize(arm, samples);
    }
    const t = (k) => results[k].medianSeconds;
    const ratios = {
      "deploy:local / bare init + apply (target <= 1.3)": t("deployLocal") / t("bare"),
      "deploy:local / bare init + apply + plan (the same checks)": t("deployLocal") / t("barePlan"),
      "cdktf deploy / bare init + apply (the cdktf CLI's price)": t("cdktf") / t("bare"),
    };
    return { results, ratios, seconds: { cdktfCli: t("cdktf") - t("bare"), secondPlan: t("barePlan") - t("bare") } };
  } finally {
    moto.stop();
    ga.stop();
  }
}

function benchTests(args) {
  const unit = { name: "unit tests (npm run test:unit)", command: ["npm", "run", "--silent", "test:unit"] };
  const all = { name: "npm test (tsc + jest, with Terraform)", command: ["npm", "test", "--silent"] };
  process.stderr.write("measuring the tests...\n");
  return { unit: measure(unit, Math.min(args.runs, 3)), all: measure(all, 1) };
}

// ---- The CI plan path (--plan): its own module, run in a child process (it is asynchronous and starts
// servers); its arms are interleaved and checked there. ----

const { renderPlanPath } = require("./plan-path");

function benchPlanPath(args) {
  process.stderr.write("measuring the plan path (bench/plan-path.js)...\n");
  const result = spawnSync(process.execPath, [path.join(__dirname, "plan-path.js"), "--runs", String(args.runs), "--json"], { cwd: ROOT, env: ENV, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`the plan path bench failed (exit ${result.status})`);
  return JSON.parse(result.stdout);
}

// ---- plan-stacks' concurrency (--plan-concurrency): its own module in a child process, as the plan path. ----

const { renderPlanConcurrency } = require("./plan-concurrency");

function benchPlanConcurrency(args) {
  process.stderr.write("measuring plan-stacks at concurrency 1, 2 and 4 (bench/plan-concurrency.js)...\n");
  // Each run plans 6 stacks: a few interleaved rounds are enough.
  const runs = String(Math.min(args.runs, 3));
  const result = spawnSync(process.execPath, [path.join(__dirname, "plan-concurrency.js"), "--runs", runs, "--json"], { cwd: ROOT, env: ENV, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`the plan concurrency bench failed (exit ${result.status})`);
  return JSON.parse(result.stdout);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "smart-routing-bench-"));
  const report = { machine: machine(), args };
  try {
    if (args.stacks) report.scaling = benchStacks(args, work);
    else if (args.deploy) report.deploy = await benchDeploy(args, work);
    else if (args.plan) report.plan = benchPlanPath(args);
    else if (args.planConcurrency) report.planConcurrency = benchPlanConcurrency(args);
    else if (args.autopilot) report.autopilot = await require("./autopilot").benchAutopilot();
    else if (args.changes) report.changes = require("./changes").benchChanges({ runs: args.changesRuns });
    else report.synth = benchSynth(args, work);
    if (args.tests) report.tests = benchTests(args);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const m = report.machine;
  const lines = [`smart-routing bench, ${m.date}, ${m.cpus} x ${m.cpuModel}, ${m.memGb} GiB, Node ${m.node}, cdktf ${m.cdktf}`, ""];
  if (report.synth) {
    const rows = Object.values(report.synth.results);
    lines.push(table(rows, [["arm", (r) => r.name], ["median", (r) => fmt(r.medianSeconds)], ["min-max", (r) => `${fmt(r.minSeconds)}-${fmt(r.maxSeconds)}`], ["peak RSS", (r) => `${r.peakRssMb.toFixed(0)} MB`], ["runs", (r) => r.runs]]), "");
    lines.push(table(Object.entries(report.synth.ratios), [["ratio", ([k]) => k], ["value", ([, v]) => v.toFixed(3)]]), "");
  }
  if (report.scaling) {
    const s = report.scaling;
    lines.push(table(s.series, [["stacks", (r) => r.stacks], ["synth median", (r) => fmt(r.synth.medianSeconds)], ["synth / 1st", (r) => (r.synth.medianSeconds / s.series[0].synth.medianSeconds).toFixed(2)], ["plain script", (r) => fmt(r.plain.medianSeconds)], ["peak RSS", (r) => `${r.synth.peakRssMb.toFixed(0)} MB`]]), "");
    lines.push(`slope: ${s.slopeMsPerStack.toFixed(2)} ms per stack; last / first: ${s.ratioLastToFirst.toFixed(2)}x`, "");
  }
  if (report.plan) lines.push(renderPlanPath(report.plan));
  if (report.planConcurrency) lines.push(renderPlanConcurrency(report.planConcurrency));
  if (report.autopilot) lines.push(require("./autopilot").renderAutopilot(report.autopilot));
  if (report.changes) lines.push(require("./changes").renderChanges(report.changes));
  if (report.deploy) {
    const d = report.deploy;
    lines.push(table(Object.values(d.results), [["arm", (r) => r.name], ["median", (r) => fmt(r.medianSeconds)], ["min-max", (r) => `${fmt(r.minSeconds)}-${fmt(r.maxSeconds)}`], ["peak RSS", (r) => `${r.peakRssMb.toFixed(0)} MB`], ["runs", (r) => r.runs]]), "");
    lines.push(table(Object.entries(d.ratios), [["ratio", ([k]) => k], ["value", ([, v]) => v.toFixed(3)]]), "");
    lines.push(`the cdktf CLI adds ${fmt(d.seconds.cdktfCli)}; the second plan (the idempotency check) adds ${fmt(d.seconds.secondPlan)}`, "");
  }
  if (report.tests) lines.push(table(Object.values(report.tests), [["tests", (r) => r.name], ["median", (r) => fmt(r.medianSeconds)], ["peak RSS", (r) => `${r.peakRssMb.toFixed(0)} MB`], ["runs", (r) => r.runs]]), "");
  process.stdout.write(`${lines.join("\n")}\n`);

  const resultsDir = path.join(ROOT, "bench", "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, "-")}${args.stacks ? "-stacks" : args.deploy ? "-deploy" : args.plan ? "-plan" : args.planConcurrency ? "-plan-concurrency" : args.autopilot ? "-autopilot" : args.changes ? "-changes" : ""}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`wrote ${path.relative(ROOT, file)}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = err instanceof BadArguments ? 2 : 1;
});
