// @ts-check
// `npm run bench -- --changes`: what deciding "which stacks does this change affect" costs, and what it
// saves. For 1, 200 and 1,000 generated stacks, in a throwaway git repository with one stack's dial
// changed in the working tree: `npm run -s stacks -- --changed-since HEAD --json` against its floor, two
// plain synths of the config one after the other (the detection synthesizes the base and the working
// tree); and the plan jobs the change starts (the matrix of --changed-since) against one job per stack,
// what the plan workflow started before (and what GitHub refuses past 256). Before any time is reported,
// the detection must print exactly the changed stack. Ratios are of medians measured in the same run.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { checkoutCopy } = require("../scripts/lib/workflow-run");
const { fleetConfig } = require("../__tests__/support/fleet-config");

const ROOT = path.join(__dirname, "..");
const SIZES = [1, 200, 1000];

/** A config of n stacks; the stack at `changed` has its first group's dial at `dial`. @param {number} n */
const fleet = (n, changed = -1, dial = 100) =>
  fleetConfig(n, (/** @type {any[]} */ stacks) => {
    if (changed >= 0) stacks[changed].listeners[0].endpointGroups[0].trafficDialPercentage = dial;
  });

/** @param {string} cwd @param {string[]} args */
function git(cwd, args) {
  const ran = spawnSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });
  if (ran.status !== 0) throw new Error(`git ${args.join(" ")}: ${ran.stderr}`);
}

/** Runs a command; seconds of wall time and its stdout. Throws when it fails. @param {string[]} command @param {string} cwd @param {NodeJS.ProcessEnv} env */
function timed(command, cwd, env) {
  const start = process.hrtime.bigint();
  const ran = spawnSync(command[0], command.slice(1), { cwd, env, encoding: "utf8", maxBuffer: 256 << 20 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (ran.status !== 0) throw new Error(`${command.join(" ")} failed (exit ${ran.status}):\n${ran.stderr}`);
  return { seconds, stdout: ran.stdout };
}

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * @param {{ runs: number }} args
 */
function benchChanges(args) {
  const series = [];
  for (const n of SIZES) {
    process.stderr.write(`measuring change detection for ${n} stacks...\n`);
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "smart-routing-bench-repo-"));
    try {
      checkoutCopy(ROOT, repo, { "fleet.yaml": fleet(n) });
      git(repo, ["init", "-q", "-b", "main"]);
      git(repo, ["add", "-A"]);
      git(repo, ["commit", "-q", "-m", "base"]);
      const changed = Math.floor(n / 2);
      fs.writeFileSync(path.join(repo, "fleet.yaml"), fleet(n, changed, 60));
      const expected = `fleet-${String(changed).padStart(Math.max(3, String(n - 1).length), "0")}`;
      /** @type {NodeJS.ProcessEnv} */
      const env = { ...process.env, SMART_ROUTING_CONFIG: "fleet.yaml", CHECKPOINT_DISABLE: "1" };
      delete env.SMART_ROUTING_STRICT;
      const outdir = path.join(repo, "plain-out");
      const detect = () => {
        const ran = timed([process.execPath, "scripts/stacks.js", "--changed-since", "HEAD", "--json"], repo, env);
        if (ran.stdout !== `${JSON.stringify([expected])}\n`) throw new Error(`the detection for ${n} stacks printed ${ran.stdout.trim()}, not ["${expected}"]`);
        return ran.seconds;
      };
      const twoSynths = () =>
        [0, 1].reduce((sum) => {
          fs.rmSync(outdir, { recursive: true, force: true });
          return sum + timed([process.execPath, "scripts/synth.js"], repo, { ...env, CDKTF_OUTDIR: outdir }).seconds;
        }, 0);
      // One warm-up each (the bundle build, the page cache), then alternate so drift hits both alike.
      detect();
      twoSynths();
      const detection = [];
      const synths = [];
      for (let i = 0; i < args.runs; i++) {
        detection.push(detect());
        synths.push(twoSynths());
      }
      const matrix = JSON.parse(timed([process.execPath, "scripts/stacks.js", "--changed-since", "HEAD", "--matrix"], repo, env).stdout);
      const all = JSON.parse(timed([process.execPath, "scripts/stacks.js", "--matrix"], repo, env).stdout);
      series.push({
        stacks: n,
        detectionSeconds: median(detection),
        twoSynthsSeconds: median(synths),
        ratio: median(detection) / median(synths),
        jobsForOneChange: matrix.include.length,
        jobsOnePerStack: n,
        jobsAllStacksMatrix: all.include.length,
        runs: args.runs,
      });
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  }
  return { series };
}

/** @param {{ series: any[] }} report */
function renderChanges(report) {
  const fmt = (/** @type {number} */ s) => (s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);
  const rows = [["stacks", "--changed-since", "two plain synths", "ratio", "jobs for one change", "one job per stack", "--matrix (all)"]];
  for (const r of report.series) rows.push([String(r.stacks), fmt(r.detectionSeconds), fmt(r.twoSynthsSeconds), `${r.ratio.toFixed(2)}x`, String(r.jobsForOneChange), `${r.jobsOnePerStack}${r.jobsOnePerStack > 256 ? " (refused: > 256)" : ""}`, String(r.jobsAllStacksMatrix)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return `${rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n")}\n`;
}

module.exports = { benchChanges, renderChanges };
