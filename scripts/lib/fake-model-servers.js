// Stand-ins for a fleet's model servers, for the autopilot's tests and rehearsal: one HTTP server per replica
// per region, each serving GET /metrics in the Prometheus text format with the series a real server of the
// preset exposes (the preset's `metrics` in src/config/model-servers.ts: requests waiting and running, KV-cache
// use), with values the caller sets. Prometheus scrapes them like real servers (`targets` goes straight into
// startPrometheus). The caller can also make a region's data old (explicit sample timestamps, as a federated
// store serves them) or missing (503, or the servers stopped).
//
//   const fleet = await startModelServers({ metrics: MODEL_SERVERS.vllm.metrics, regions: ["us-east-1"], replicas: 2 });
//   const prometheus = await startPrometheus({ targets: fleet.targets });
//   fleet.setLoad("us-east-1", { waiting: 30, running: 16, replicas: 2, kvCache: 0.9 });
//   fleet.setFailure("us-east-1", "unavailable"); ... fleet.setFailure("us-east-1", undefined);
//   await fleet.close();
// @ts-check
"use strict";
const http = require("node:http");

/**
 * @typedef {{ waiting?: string, running?: string, kvCache?: string }} PresetMetrics  series selectors, e.g. 'nv_trt_llm_request_metrics{request_type="waiting"}'
 * @typedef {{ waiting: number, running: number, replicas?: number, kvCache?: number, timestampMs?: number }} Load
 *   A region's load: `waiting` and `running` are the region's totals, spread evenly over `replicas` servers
 *   (default: all started); servers beyond `replicas` answer 503, as a scaled-in replica drops out of a scrape.
 *   `kvCache` (0-1) is each server's KV-cache use (default: the last one set; 0 at the start). `timestampMs`, when set, is written as every sample's own
 *   timestamp (epoch ms): Prometheus keeps it, so data can be made old while it is still returned.
 * @typedef {"unavailable" | "stopped" | undefined} Failure
 *   "unavailable": every server of the region answers 503 (the scrape fails: Prometheus marks the series stale);
 *   "stopped": the servers close (connection refused); undefined: they serve again.
 */

/** A PromQL label value in the text format: the same escapes. @param {string} v */
const quoted = (v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/**
 * A series selector (`name` or `name{a="b",...}`, the presets' form) as a name and its labels.
 * @param {string} selector @returns {{ name: string, labels: Record<string, string> }}
 */
function parseSelector(selector) {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/s.exec(selector);
  if (m === null) throw new Error(`not a series selector: ${selector}`);
  /** @type {Record<string, string>} */
  const labels = {};
  for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = JSON.parse(`"${l[2]}"`);
  return { name: m[1], labels };
}

/**
 * The text one server serves: one gauge family per metric name (Triton's waiting and running share one), each
 * family's lines together, as the format requires.
 * @param {PresetMetrics} metrics @param {Record<string, string>} seriesLabels
 * @param {{ waiting: number, running: number, kvCache?: number }} values @param {number | undefined} timestampMs
 */
function exposition(metrics, seriesLabels, values, timestampMs) {
  /** @type {Map<string, string[]>} */
  const families = new Map();
  for (const [kind, selector] of Object.entries(metrics)) {
    const value = /** @type {Record<string, number | undefined>} */ (values)[kind];
    if (selector === undefined || value === undefined) continue;
    const { name, labels } = parseSelector(selector);
    const all = { ...labels, ...seriesLabels };
    const labelText = Object.entries(all)
      .map(([k, v]) => `${k}=${quoted(v)}`)
      .join(",");
    const line = `${name}${labelText === "" ? "" : `{${labelText}}`} ${value}${timestampMs === undefined ? "" : ` ${Math.round(timestampMs)}`}`;
    families.set(name, [...(families.get(name) ?? []), line]);
  }
  return [...families].map(([name, lines]) => `# TYPE ${name} gauge\n${lines.join("\n")}\n`).join("");
}

/**
 * Starts `replicas` servers per region on free loopback ports.
 * Resolves { targets, setLoad(region, load), setFailure(region, failure), close() }:
 * - `targets`: [{ url, labels: { region } }] for startPrometheus; a series gets `region` from its target and
 *   `seriesLabels` (e.g. { model_name: "llama" }) from the server itself, as vLLM labels its series.
 * - every server starts idle: waiting 0, running 0, kvCache 0 (where the preset has it), all replicas up.
 * @param {{ metrics: PresetMetrics, regions: readonly string[], replicas?: number, seriesLabels?: Record<string, string> }} options
 */
async function startModelServers({ metrics, regions, replicas = 1, seriesLabels = {} }) {
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a whole number of at least 1, not ${replicas}`);
  /** @type {Map<string, { load: Load, failure: Failure, servers: { server: http.Server, port: number, index: number }[] }>} */
  const state = new Map();
  for (const region of regions) {
    /** @type {{ load: Load, failure: Failure, servers: { server: http.Server, port: number, index: number }[] }} */
    const entry = { load: { waiting: 0, running: 0, replicas, kvCache: 0 }, failure: undefined, servers: [] };
    state.set(region, entry);
    for (let index = 0; index < replicas; index++) {
      const server = http.createServer((req, res) => {
        const { load, failure } = entry;
        const active = load.replicas ?? replicas;
        if (req.url !== "/metrics") {
          res.writeHead(404).end();
        } else if (failure === "unavailable" || index >= active) {
          res.writeHead(503, { "content-type": "text/plain" }).end("unavailable\n");
        } else {
          const values = { waiting: load.waiting / active, running: load.running / active, ...(load.kvCache !== undefined && { kvCache: load.kvCache }) };
          res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(exposition(metrics, seriesLabels, values, load.timestampMs));
        }
      });
      await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
      const address = server.address();
      entry.servers.push({ server, port: typeof address === "object" && address !== null ? address.port : 0, index });
    }
  }

  /** @param {string} region */
  const regionState = (region) => {
    const entry = state.get(region);
    if (entry === undefined) throw new Error(`no fake model servers in ${region} (started: ${[...state.keys()].join(", ")})`);
    return entry;
  };
  /** @param {http.Server} server */
  const close = (server) =>
    new Promise((resolve) => {
      if (!server.listening) return resolve(undefined);
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    });

  return {
    targets: [...state].flatMap(([region, entry]) => entry.servers.map((s) => ({ url: `http://127.0.0.1:${s.port}/metrics`, labels: { region } }))),
    /** @param {string} region @param {Load} load */
    setLoad(region, load) {
      const entry = regionState(region);
      const active = load.replicas ?? replicas;
      if (!Number.isInteger(active) || active < 0 || active > replicas) throw new Error(`${region} has ${replicas} fake servers: replicas must be 0-${replicas}, not ${active}`);
      // A step that leaves out kvCache keeps the last one (a scenario's kvCache is optional); timestamps are per step.
      entry.load = { ...load, replicas: active, kvCache: load.kvCache ?? entry.load.kvCache };
    },
    /** @param {string} region @param {Failure} failure */
    async setFailure(region, failure) {
      const entry = regionState(region);
      entry.failure = failure;
      for (const s of entry.servers) {
        if (failure === "stopped") await close(s.server);
        // Back on its own port, which Prometheus scrapes; another process taking it meanwhile is an error.
        else if (!s.server.listening)
          await new Promise((resolve, reject) => {
            s.server.once("error", reject);
            s.server.listen(s.port, "127.0.0.1", () => {
              s.server.removeListener("error", reject);
              resolve(undefined);
            });
          });
      }
    },
    async close() {
      await Promise.all([...state.values()].flatMap((e) => e.servers.map((s) => close(s.server))));
    },
  };
}

module.exports = { startModelServers, exposition, parseSelector };
