// A real S3 API on loopback for Terraform's S3 backend: moto_server, started on a free port and stopped
// by whoever started it (also on exit and Ctrl-C). SMART_ROUTING_S3_ENDPOINT points at a running server
// instead. moto also serves ELBv2, EC2 and STS, so regional data sources can resolve against it.
// @ts-check
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const http = require("node:http");
const net = require("node:net");

/** @returns {Promise<number>} a port free on loopback now */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

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
 * @param {string} endpoint
 * @param {import("node:child_process").ChildProcess | undefined} child
 */
async function waitUntilReady(endpoint, child, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode} before it was ready`);
    try {
      await request(endpoint, "GET", "/");
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no S3 server answered at ${endpoint} within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function motoAvailability() {
  const found = spawnSync("moto_server", ["--help"], { stdio: "ignore" });
  return found.status === 0 ? { ok: true } : { ok: false, reason: "moto_server is not on PATH (a local S3 API for the backend tests)" };
}

/**
 * Starts moto_server on a free loopback port, or uses SMART_ROUTING_S3_ENDPOINT.
 * Resolves { endpoint, stop }: stop() ends the server it started (and is a no-op for one it did not).
 * `onSpawn` is called once the process runs (before it is ready), for callers with other work meanwhile.
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
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"], detached: false });
  onSpawn?.();
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  const kill = () => child.exitCode === null && child.kill("SIGTERM");
  process.once("exit", kill);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child);
  } catch (err) {
    kill();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${stderr}`);
  }
  /** @type {() => Promise<void>} */
  const stop = () =>
    new Promise((resolve) => {
      process.removeListener("exit", kill);
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
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

module.exports = { startS3Server, startS3ServerInBackground, createStateBucket, request, motoAvailability, freePort };
