// A real Prometheus on loopback for the autopilot's tests and its rehearsal (`npm run autopilot:local`): the
// Debian package's `prometheus` and `promtool`, started by whoever needs it and stopped by them (also on exit).
// Data comes from scraping local targets (the fake model servers), from blocks backfilled with promtool before
// the start (deterministic tests query those at a fixed `time=`), or from remote write.
// @ts-check
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, mkdirSync } = require("node:fs");
const net = require("node:net");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const INSTALL = "sudo apt-get update && sudo apt-get install -y prometheus";

/**
 * Whether prometheus and promtool (the same Debian package) are on PATH, and how to get them when not.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ ok: true, version: string } | { ok: false, reason: string }}
 */
function prometheusAvailability(env = process.env) {
  const found = spawnSync("prometheus", ["--version"], { encoding: "utf8", env });
  const tool = spawnSync("promtool", ["--version"], { stdio: "ignore", env });
  if (found.status !== 0 || tool.status !== 0) {
    const missing = found.status !== 0 ? "prometheus is not on PATH" : "promtool is not on PATH";
    return { ok: false, reason: `${missing} (a real Prometheus for the autopilot's tests and rehearsal; install it with: ${INSTALL})` };
  }
  return { ok: true, version: `${found.stdout}${found.stderr}`.split("\n")[0].trim() };
}

/**
 * @typedef {{ url: string, labels?: Record<string, string> }} Target
 *   A /metrics URL to scrape, with the labels its series get (e.g. { region: "us-east-1" }).
 */

/**
 * prometheus.yml for the targets: one job, each target with its own labels and metrics path. JSON is YAML.
 * @param {readonly Target[]} targets @param {number} scrapeIntervalSeconds
 */
function configText(targets, scrapeIntervalSeconds) {
  // Prometheus durations are whole numbers of a unit.
  const interval = `${Math.round(scrapeIntervalSeconds * 1000)}ms`;
  const timeout = `${Math.max(100, Math.round(scrapeIntervalSeconds * 900))}ms`;
  return JSON.stringify(
    {
      global: { scrape_interval: interval, scrape_timeout: timeout, evaluation_interval: interval },
      scrape_configs: [
        {
          job_name: "model-servers",
          // Kept: a target that writes its own sample timestamps (a federated store does) is read as it wrote them.
          honor_timestamps: true,
          static_configs: targets.map((t) => {
            const url = new URL(t.url);
            return { targets: [url.host], labels: { ...(t.labels ?? {}), __metrics_path__: url.pathname, __scheme__: url.protocol.replace(":", "") } };
          }),
        },
      ],
    },
    null,
    2,
  );
}

/**
 * A port the system says is free now; the spawn that uses it retries if another process takes it first.
 * @returns {Promise<number>}
 */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Writes blocks from OpenMetrics text (timestamps in seconds, ending with `# EOF`) into a data folder, with
 * `promtool tsdb create-blocks-from openmetrics`, before Prometheus starts on it: samples at any time in the
 * past, queryable at once with `time=`.
 * @param {string} dataDir @param {string} openMetricsText
 */
function backfill(dataDir, openMetricsText) {
  mkdirSync(dataDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "smart-routing-backfill-"));
  try {
    const file = join(work, "data.om");
    writeFileSync(file, openMetricsText.endsWith("# EOF\n") ? openMetricsText : `${openMetricsText.replace(/\n?$/, "\n")}# EOF\n`);
    const run = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", file, dataDir], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`promtool could not backfill the samples (exit ${run.status ?? run.signal}): ${`${run.stderr}${run.stdout}`.trim().slice(-2000)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * One instant query; resolves the result vector, or throws the API's error.
 * @param {string} url @param {string} promql @param {number} [time] epoch seconds
 * @returns {Promise<Array<{ metric: Record<string, string>, value: [number, string] }>>}
 */
async function query(url, promql, time) {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}${time === undefined ? "" : `&time=${time}`}`);
  const body = /** @type {{ status: string, errorType?: string, error?: string, data: { result: Array<{ metric: Record<string, string>, value: [number, string] }> } }} */ (await response.json());
  if (body.status !== "success") throw new Error(`query ${promql} failed: HTTP ${response.status} ${body.errorType}: ${body.error}`);
  return body.data.result;
}

/**
 * Polls an instant query until `done(result)` holds (first scraped samples arrive ~6 s after the start):
 * a wait on data, never a sleep. Without `timeoutMs` it waits as long as it takes (the caller's own timeout
 * ends it).
 * @param {string} url @param {string} promql
 * @param {(result: Array<{ metric: Record<string, string>, value: [number, string] }>) => boolean} done
 * @param {{ timeoutMs?: number, time?: () => number }} [options]
 */
async function waitForQuery(url, promql, done, { timeoutMs, time } = {}) {
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    const result = await query(url, promql, time?.());
    if (done(result)) return result;
    if (Date.now() > deadline) throw new Error(`${promql} did not reach the expected result within ${(timeoutMs ?? 0) / 1000} s; last: ${JSON.stringify(result)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts Prometheus on a free loopback port, scraping `targets`.
 * Resolves { url, port, dataDir, logFile, reload(targets), stop() }:
 * - `reload(targets)` rewrites the scrape targets and reloads them (POST /-/reload); a dropped target's series
 *   end with a staleness marker.
 * - `stop()` ends the process and removes its folder (but not a `dataDir` the caller gave).
 * Options: `scrapeIntervalSeconds` (default 1), `dataDir` (default: a new temporary folder), `backfill`
 * (OpenMetrics text written into the data folder before the start, see backfill()), `remoteWrite` (accept
 * POST /api/v1/write), `port` (where each attempt's port comes from; default: one the system says is free, and
 * another when a process took it first: five attempts). Its log goes to a file, not a pipe (see moto-server.js:
 * an unread pipe stalls the server).
 * @param {{ targets?: readonly Target[], scrapeIntervalSeconds?: number, dataDir?: string, backfill?: string, remoteWrite?: boolean, port?: () => Promise<number> }} [options]
 */
async function startPrometheus({ targets = [], scrapeIntervalSeconds = 1, dataDir, backfill: openMetrics, remoteWrite = false, port: nextPort = freePort } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "smart-routing-prometheus-"));
  const data = dataDir ?? join(dir, "data");
  const configFile = join(dir, "prometheus.yml");
  const logFile = join(dir, "prometheus.log");
  writeFileSync(configFile, configText(targets, scrapeIntervalSeconds));
  if (openMetrics !== undefined) backfill(data, openMetrics);
  const removeDir = () => rmSync(dir, { recursive: true, force: true });

  /** @type {import("node:child_process").ChildProcess | undefined} */
  let child;
  const kill = () => child && child.exitCode === null && child.signalCode === null && child.kill("SIGTERM");
  process.once("exit", kill);
  let port = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      port = await nextPort();
      const log = openSync(logFile, "w");
      child = spawn(
        "prometheus",
        [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${data}`,
          `--web.listen-address=127.0.0.1:${port}`,
          "--web.enable-lifecycle",
          // Backfilled blocks may be old: retention is measured between blocks, and none may be dropped.
          "--storage.tsdb.retention.time=100y",
          ...(remoteWrite ? ["--web.enable-remote-write-receiver"] : []),
        ],
        { stdio: ["ignore", log, log] },
      );
      closeSync(log);
      const ready = await waitUntilReady(`http://127.0.0.1:${port}`, child, configFile);
      if (ready) break;
      const text = readFileSync(logFile, "utf8");
      // Another process took the port between freePort() and the spawn: take another one.
      if (/address already in use/.test(text) && attempt < 5) continue;
      throw new Error(`prometheus exited with ${child.exitCode ?? child.signalCode} before it was ready:\n${text.slice(-4000)}`);
    }
  } catch (err) {
    kill();
    process.removeListener("exit", kill);
    removeDir();
    throw err;
  }
  const running = /** @type {import("node:child_process").ChildProcess} */ (child);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    dataDir: data,
    logFile,
    /** @param {readonly Target[]} next */
    async reload(next) {
      writeFileSync(configFile, configText(next, scrapeIntervalSeconds));
      const response = await fetch(`${url}/-/reload`, { method: "POST" });
      if (response.status !== 200) throw new Error(`prometheus did not reload its targets: HTTP ${response.status} ${await response.text()}`);
    },
    /** @returns {Promise<void>} */
    stop: () =>
      new Promise((resolve) => {
        process.removeListener("exit", kill);
        const done = () => {
          removeDir();
          resolve();
        };
        if (running.exitCode !== null || running.signalCode !== null) return done();
        running.once("exit", done);
        running.kill("SIGTERM");
      }),
  };
}

/**
 * Waits until /-/ready answers 200 from this Prometheus (true), or the process exits first (false). No deadline
 * of its own: on a loaded machine the start takes what it takes, and the caller's timeout ends a wait that is
 * too long.
 * @param {string} url @param {import("node:child_process").ChildProcess} child @param {string} configFile
 */
async function waitUntilReady(url, child, configFile) {
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(false);
    child.once("exit", () => resolve(false));
  });
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    // Raced with the exit: whatever holds the port when Prometheus could not take it may never answer.
    const controller = new AbortController();
    // Ready, and ours: another Prometheus may hold the port (its flags name another config file).
    const answer = fetch(`${url}/-/ready`, { signal: controller.signal })
      .then(async (response) => {
        if (response.status !== 200) return undefined;
        const flags = /** @type {{ data?: Record<string, string> }} */ (await fetch(`${url}/api/v1/status/flags`, { signal: controller.signal }).then((r) => r.json()));
        return flags.data?.["config.file"] === configFile ? true : undefined;
      })
      .catch(() => undefined); // not listening yet
    const ready = await Promise.race([answer, exited]);
    controller.abort();
    if (ready === true) return true;
    if ((await Promise.race([exited, new Promise((r) => setTimeout(() => r(true), 50))])) === false) return false;
  }
}

module.exports = { prometheusAvailability, startPrometheus, backfill, query, waitForQuery, configText, freePort, INSTALL };
