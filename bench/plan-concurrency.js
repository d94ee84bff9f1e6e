#!/usr/bin/env node
// @ts-check
// `npm run bench -- --plan-concurrency` (or `node bench/plan-concurrency.js [--stacks N] [--runs N]
// [--json]`): `npm run plan-stacks` on N stacks (default 6, copies of the default config) at concurrency
// 1, 2 and 4, in one run on this machine, with real Terraform and hashicorp/aws against moto: wall time,
// and peak memory of terraform and its provider processes (all descendants of plan-stacks named
// terraform*), sampled from /proc every 100 ms, as the sum of their RSS (what the issue asks; it counts
// the provider binary's shared pages once per process, so it is an upper bound) and of their PSS (shared
// pages split between the processes that map them: nearer what the machine really gives them). Ratios are
// against concurrency 1 in the same run; runs are interleaved (one of each concurrency in turn), so load
// that comes and goes falls on all of them alike. Every run must plan every stack and pass, or no number
// is reported. This picks plan-stacks' DEFAULT_CONCURRENCY.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { stringify } = require("yaml");
const { terraformAvailability, terraformEnv } = require("../scripts/lib/terraform");
const { startS3Server } = require("../scripts/lib/moto-server");
const { seedStack } = require("../scripts/lib/moto-fixtures");
const { loadCliApi } = require("../scripts/lib/run-bundle");
const { runAsync } = require("../scripts/lib/run-async");

const ROOT = path.join(__dirname, "..");
const CONCURRENCIES = [1, 2, 4];
const PAGE = 4096;

/** @param {string[]} argv */
function parseArgs(argv) {
  const args = { stacks: 6, runs: 2, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--stacks") args.stacks = Number(argv[++i]);
    else if (argv[i] === "--runs") args.runs = Number(argv[++i]);
    else if (argv[i] === "--json") args.json = true;
    else throw new Error(`unknown option ${argv[i]} (allowed: --stacks N, --runs N, --json)`);
  }
  for (const key of /** @type {const} */ (["stacks", "runs"])) if (!Number.isInteger(args[key]) || args[key] < 1) throw new Error(`--${key} takes a whole number from 1`);
  return args;
}

/** Every process's parent, name and memory: { pid -> { ppid, name } } from /proc/<pid>/stat. */
function processTable() {
  /** @type {Map<number, { ppid: number, name: string }>} */
  const table = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The name is in parentheses and may hold spaces; the fields after it are plain.
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      table.set(Number(entry), { ppid, name });
    } catch {
      // The process ended meanwhile.
    }
  }
  return table;
}

/** RSS and PSS in bytes of one process (0 when it ended meanwhile). @param {number} pid */
function memoryOf(pid) {
  try {
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (/** @type {string} */ field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0) * 1024;
    return { rss: kb("Rss"), pss: kb("Pss") };
  } catch {
    try {
      return { rss: Number(fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE, pss: 0 };
    } catch {
      return { rss: 0, pss: 0 };
    }
  }
}

/**
 * The memory of `root`'s descendants named terraform* (terraform and terraform-provider-aws_v...; the
 * kernel cuts names to 15 characters, both start with "terraform") right now, and how many there are.
 * @param {number} root
 */
function terraformMemory(root) {
  const table = processTable();
  /** @param {number} pid */
  const descends = (pid) => {
    for (let p = table.get(pid)?.ppid; p !== undefined && p > 1; p = table.get(p)?.ppid) if (p === root) return true;
    return false;
  };
  let rss = 0;
  let pss = 0;
  let processes = 0;
  for (const [pid, { name }] of table) {
    if (!name.startsWith("terraform") || !descends(pid)) continue;
    const m = memoryOf(pid);
    rss += m.rss;
    pss += m.pss;
    processes++;
  }
  return { rss, pss, processes };
}

/**
 * Runs plan-stacks once, sampling its terraform processes; resolves the wall time and the peaks.
 * @param {string[]} args @param {{ cwd: string, env: NodeJS.ProcessEnv }} options
 */
function measuredRun(args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", "plan-stacks.js"), ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const peak = { rss: 0, pss: 0, processes: 0 };
    const sample = () => {
      if (child.pid === undefined) return;
      const now = terraformMemory(child.pid);
      peak.rss = Math.max(peak.rss, now.rss);
      peak.pss = Math.max(peak.pss, now.pss);
      peak.processes = Math.max(peak.processes, now.processes);
    };
    const timer = setInterval(sample, 100);
    child.on("error", reject);
    child.on("close", (status) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (status !== 0) return reject(new Error(`plan-stacks ${args.join(" ")} failed (exit ${status}):\n${output.slice(-6000)}`));
      resolve({ seconds, peakRssMb: peak.rss / 2 ** 20, peakPssMb: peak.pss / 2 ** 20, peakProcesses: peak.processes });
    });
  });
}

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const availability = terraformAvailability();
  if (!availability.ok) throw new Error(availability.reason);
  const cli = loadCliApi();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "smart-routing-bench-concurrency-"));
  const s3 = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  try {
    const names = Array.from({ length: args.stacks }, (_, i) => `bench-${i + 1}`);
    const template = cli.DEFAULT_CONFIG.stacks[0];
    const config = path.join(work, "config.yaml");
    fs.writeFileSync(config, stringify({ version: 1, stacks: names.map((name) => ({ ...template, name, accelerator: { ...template.accelerator, name } })) }));
    const model = cli.loadModel({ SMART_ROUTING_CONFIG: config }).model;
    if (model === undefined) throw new Error("the bench's config did not load");
    for (const stack of model.stacks) await seedStack(s3.endpoint, stack);
    const synth = await runAsync(process.execPath, [path.join(ROOT, "scripts", "synth.js")], { cwd: work, env: { ...process.env, SMART_ROUTING_CONFIG: config, CDKTF_OUTDIR: path.join(work, "cdktf.out") } });
    if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stderr}`);
    const backend = path.join(work, "local.tfbackend");
    fs.writeFileSync(backend, `${cli.localRehearsalFiles({ provider: { aws: [] } }, s3.endpoint)[cli.BACKEND_CONFIG_FILE]}`);
    /** @type {NodeJS.ProcessEnv} */
    const env = {
      ...terraformEnv(availability.mirror),
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-west-2",
      AWS_ENDPOINT_URL: s3.endpoint,
      AWS_EC2_METADATA_DISABLED: "true",
      TF_CLI_ARGS_init: `-backend-config=${backend}`,
      SMART_ROUTING_CONFIG: config,
      CDKTF_OUTDIR: undefined,
    };
    /** Each run starts from a fresh checkout's stack folders: nothing of an earlier init. */
    const fresh = () => {
      for (const name of names) fs.rmSync(path.join(work, "cdktf.out", "stacks", name, ".terraform"), { recursive: true, force: true });
      fs.rmSync(path.join(work, "plans"), { recursive: true, force: true });
    };
    /** @param {number} concurrency */
    const once = async (concurrency) => {
      fresh();
      const measured = await measuredRun([...names, "--concurrency", String(concurrency)], { cwd: work, env });
      const statuses = names.map((n) => JSON.parse(fs.readFileSync(path.join(work, "plans", n, "result.json"), "utf8")).status);
      if (statuses.some((s) => s !== "passed")) throw new Error(`concurrency ${concurrency}: not every stack passed (${statuses.join(", ")}); no number is reported`);
      return measured;
    };
    // A warm-up of each (the file cache, moto's first calls), then interleaved runs.
    for (const c of CONCURRENCIES) {
      process.stderr.write(`warm-up: concurrency ${c}\n`);
      await once(c);
    }
    /** @type {Record<number, { seconds: number, peakRssMb: number, peakPssMb: number, peakProcesses: number }[]>} */
    const samples = Object.fromEntries(CONCURRENCIES.map((c) => [c, []]));
    for (let i = 0; i < args.runs; i++) {
      for (const c of CONCURRENCIES) {
        process.stderr.write(`run ${i + 1}/${args.runs}: ${args.stacks} stacks at concurrency ${c}\n`);
        samples[c].push(await once(c));
      }
    }
    const results = CONCURRENCIES.map((c) => {
      const xs = samples[c];
      return {
        concurrency: c,
        runs: xs.length,
        medianSeconds: median(xs.map((x) => x.seconds)),
        minSeconds: Math.min(...xs.map((x) => x.seconds)),
        maxSeconds: Math.max(...xs.map((x) => x.seconds)),
        peakRssMb: Math.max(...xs.map((x) => x.peakRssMb)),
        peakPssMb: Math.max(...xs.map((x) => x.peakPssMb)),
        peakProcesses: Math.max(...xs.map((x) => x.peakProcesses)),
      };
    });
    const first = results[0];
    const ratios = Object.fromEntries(
      results.slice(1).flatMap((r) => [
        [`wall time, concurrency ${r.concurrency} / 1`, r.medianSeconds / first.medianSeconds],
        [`peak RSS, concurrency ${r.concurrency} / 1`, r.peakRssMb / first.peakRssMb],
      ]),
    );
    return { stacks: args.stacks, cpus: os.cpus().length, memGb: Math.round(os.totalmem() / 2 ** 30), provider: availability.mirror === undefined ? "registry, downloaded once" : `mirror ${availability.mirror}`, results, ratios };
  } finally {
    await s3.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** @param {number} s */
const fmt = (s) => (s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);

/**
 * The report as table lines (bench.js prints them too).
 * @param {{ stacks: number, cpus: number, memGb: number, provider: string, results: { concurrency: number, runs: number, medianSeconds: number, minSeconds: number, maxSeconds: number, peakRssMb: number, peakPssMb: number, peakProcesses: number }[], ratios: Record<string, number> }} report
 */
function renderPlanConcurrency(report) {
  const rows = report.results.map(
    (r) => `| ${r.concurrency} | ${fmt(r.medianSeconds)} | ${fmt(r.minSeconds)}-${fmt(r.maxSeconds)} | ${r.peakRssMb.toFixed(0)} MB | ${r.peakPssMb.toFixed(0)} MB | ${r.peakProcesses} | ${r.runs} |`,
  );
  const ratios = Object.entries(report.ratios).map(([k, v]) => `| ${k} | ${v.toFixed(2)} |`);
  return [
    `plan-stacks on ${report.stacks} stacks (${report.cpus} CPUs, ${report.memGb} GiB; provider from the ${report.provider}), medians of interleaved runs; memory: terraform and its providers, summed:`,
    "",
    "| concurrency | median | min-max | peak RSS | peak PSS | processes | runs |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "| ratio | value |",
    "|---|---|",
    ...ratios,
    "",
  ].join("\n");
}

module.exports = { renderPlanConcurrency };

if (require.main === module) {
  const argv = process.argv.slice(2);
  main().then(
    (report) => process.stdout.write(argv.includes("--json") ? `${JSON.stringify(report)}\n` : `${renderPlanConcurrency(report)}\n`),
    (err) => {
      process.stderr.write(`bench plan concurrency: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
