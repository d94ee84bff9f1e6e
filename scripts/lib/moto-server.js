// A real S3 API on loopback for Terraform's S3 backend: moto_server, started on a port the system gives it and stopped
// by whoever started it (also on exit and Ctrl-C). SMART_ROUTING_S3_ENDPOINT points at a running server
// instead. moto also serves ELBv2, EC2 and STS, so regional data sources can resolve against it.
// @ts-check
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const { closeSync, mkdtempSync, openSync, readFileSync, rmSync } = require("node:fs");
const http = require("node:http");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

/**
 * One HTTP request to the server; resolves { status, body }. Unsigned: moto does not check signatures.
 * @param {string} endpoint @param {string} method @param {string} path
 * @param {string} [body] @param {Record<string, string>} [headers]
 * @returns {Promise<{ status: number, body: string }>}
 */
function request(endpoint, method, path, body = "", headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${endpoint}${path}`, {
      method,
      headers: {
        "content-length": Buffer.byteLength(body),
        // A SigV4-shaped header tells moto which region and service the call is for.
        authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-west-2/s3/aws4_request, SignedHeaders=host, Signature=0",
        ...headers,
      },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.end(body);
  });
}

/**
 * Waits until the server answers. A server this process started is waited for as long as it runs (under
 * load it may take long; the caller's own timeout ends a wait that is too long); one named by
 * SMART_ROUTING_S3_ENDPOINT for `timeoutMs`, as a check that it is there at all.
 * @param {string} endpoint
 * @param {import("node:child_process").ChildProcess | undefined} child
 * @param {number} [timeoutMs]
 */
async function waitUntilReady(endpoint, child, timeoutMs) {
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode} before it was ready`);
    try {
      await request(endpoint, "GET", "/");
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no S3 server answered at ${endpoint} within ${(timeoutMs ?? 0) / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * The port moto_server (werkzeug) says it listens on, from its log: " * Running on http://127.0.0.1:<port>".
 * @param {string} logFile @param {import("node:child_process").ChildProcess} child
 * @returns {Promise<number>}
 */
async function portFromLog(logFile, child) {
  for (;;) {
    const port = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(logFile, "utf8"))?.[1];
    if (port !== undefined) return Number(port);
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`moto_server exited with ${child.exitCode ?? child.signalCode} before it listened`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function motoAvailability() {
  const found = spawnSync("moto_server", ["--help"], { stdio: "ignore" });
  return found.status === 0 ? { ok: true } : { ok: false, reason: "moto_server is not on PATH (a local S3 API for the backend tests)" };
}

/**
 * Starts moto_server on loopback, or uses SMART_ROUTING_S3_ENDPOINT.
 * Resolves { endpoint, stop }: stop() ends the server it started (and is a no-op for one it did not).
 * `onSpawn` is called once the process runs (before it is ready), for callers with other work meanwhile.
 * The server takes a port the system gives it (-p 0) and says which in its log: a port found free first
 * and then handed to it could be taken by another process in between (another test's server, or any
 * connection's local port). Its log goes to a file, not a pipe: a pipe that this process does not read
 * for a while (while it waits for a synchronous child, say) fills up, and the server then stops answering,
 * since it logs each request before answering it.
 * @param {NodeJS.ProcessEnv} env
 * @param {{ onSpawn?: () => void }} options
 * @returns {Promise<{ endpoint: string, stop: () => Promise<void> }>}
 */
async function startS3Server(env = process.env, { onSpawn } = {}) {
  if (env.SMART_ROUTING_S3_ENDPOINT) {
    const endpoint = env.SMART_ROUTING_S3_ENDPOINT.replace(/\/$/, "");
    await waitUntilReady(endpoint, undefined, 5000);
    return { endpoint, stop: async () => {} };
  }
  const logDir = mkdtempSync(join(tmpdir(), "smart-routing-moto-"));
  const logFile = join(logDir, "moto_server.log");
  const log = openSync(logFile, "w");
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", "0"], { stdio: ["ignore", "ignore", log], detached: false });
  closeSync(log);
  onSpawn?.();
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill("SIGTERM");
  process.once("exit", kill);
  const removeLog = () => rmSync(logDir, { recursive: true, force: true });
  /** @type {string} */
  let endpoint;
  try {
    endpoint = `http://127.0.0.1:${await portFromLog(logFile, child)}`;
    await waitUntilReady(endpoint, child);
  } catch (err) {
    kill();
    const tail = readFileSync(logFile, "utf8").slice(-4000);
    removeLog();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${tail}`);
  }
  /** @type {() => Promise<void>} */
  const stop = () =>
    new Promise((resolve) => {
      process.removeListener("exit", kill);
      const done = () => {
        removeLog();
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", done);
      child.kill("SIGTERM");
    });
  return { endpoint, stop };
}

/**
 * moto_server, started without waiting for it, for a command with other work meanwhile (reading and
 * synthesizing the config): `spawned` settles once its process runs (or it failed, which `ready` then
 * reports), `stop` ends it whether or not it became ready.
 * @param {NodeJS.ProcessEnv} env
 */
function startS3ServerInBackground(env) {
  /** @type {() => void} */
  let onSpawn = () => {};
  const running = new Promise((/** @type {(value?: unknown) => void} */ resolve) => (onSpawn = resolve));
  const ready = startS3Server(env, { onSpawn: () => onSpawn() });
  const settled = ready.then(
    () => {},
    () => {},
  );
  return { spawned: Promise.race([running, settled]), ready, stop: async () => (await ready.catch(() => undefined))?.stop() };
}

/**
 * Creates a bucket (if missing) with versioning on, as a state bucket should have.
 * @param {string} endpoint @param {string} bucket
 */
async function createStateBucket(endpoint, bucket, region = "us-west-2") {
  const config =
    region === "us-east-1"
      ? ""
      : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`;
  const created = await request(endpoint, "PUT", `/${bucket}`, config);
  if (created.status !== 200 && !/BucketAlreadyOwnedByYou/.test(created.body)) {
    throw new Error(`creating bucket ${bucket} failed: ${created.status} ${created.body}`);
  }
  const versioning = await request(
    endpoint,
    "PUT",
    `/${bucket}?versioning`,
    '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>',
  );
  if (versioning.status !== 200) throw new Error(`enabling versioning on ${bucket} failed: ${versioning.status} ${versioning.body}`);
}

module.exports = { startS3Server, startS3ServerInBackground, createStateBucket, request, motoAvailability };
