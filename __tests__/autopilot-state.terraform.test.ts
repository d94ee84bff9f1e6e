// The autopilot's S3 and SSM adapters and its lease against moto_server (a real S3 and SSM API): the
// state object read and written with If-None-Match / If-Match both ways, a lost race, the published
// parameter read and checked, and the one-writer lease (two contenders, takeover after expiry, a renewal
// after a takeover, a pause written while the holder renews; two OS processes contending). No Terraform
// runs here: the name puts it with the tests that need the local AWS parts, which CI requires and a
// machine without moto leaves out (jest.config.js).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { autopilotAws, AwsCallError, emptyState, S3StateStore, SsmPublishedReader, stateLocationOf } from "../src/autopilot/aws";
import { acquireOrRenew, CAS_ATTEMPTS, holderId, leaseTtlSeconds, mayWrite, pause, recordWrites, release, resume, StateChangeRefused, StateConflictError, updateState } from "../src/autopilot/lease";
import type { AutopilotState, PublishedStack, StateStore } from "../src/autopilot/types";
import { AUTOPILOT } from "../src/model/contract";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startS3Server, createStateBucket, request } = require("../scripts/lib/moto-server");
/* eslint-enable @typescript-eslint/no-require-imports */

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const BUCKET = "autopilot-state-test";
const REGION = "us-west-2";

let moto: { endpoint: string; stop: () => Promise<void> };
let store: S3StateStore;
let stackCounter = 0;
/** A stack name of its own per test: every test starts without a state object. */
const freshStack = () => `stack-${++stackCounter}`;

beforeAll(async () => {
  moto = await startS3Server();
  await createStateBucket(moto.endpoint, BUCKET, REGION);
  store = new S3StateStore(() => ({ bucket: BUCKET, region: REGION }), { endpoint: moto.endpoint, credentials });
});
afterAll(async () => {
  store?.destroy();
  await moto?.stop();
});

/** The object as moto holds it: status, ETag and body, read around the adapter. */
async function rawObject(stack: string): Promise<{ status: number; body: string }> {
  return request(moto.endpoint, "GET", `/${BUCKET}/${AUTOPILOT.stateKey(stack)}`);
}

async function rawObjectIn(bucket: string, stack: string): Promise<{ status: number; body: string }> {
  return request(moto.endpoint, "GET", `/${bucket}/${AUTOPILOT.stateKey(stack)}`);
}

const withPause = (state: AutopilotState, key: string): AutopilotState => ({ ...state, pauses: { ...state.pauses, [key]: { reason: "r", by: "op", at: 1 } } });

describe("S3StateStore", () => {
  it("an absent object reads as the empty state, without an ETag", async () => {
    expect(await store.read(freshStack())).toEqual({ state: { version: 1, writes: {}, pauses: {} } });
    expect(emptyState()).toEqual({ version: 1, writes: {}, pauses: {} });
  });

  it("If-None-Match: * creates an absent object, and is refused (written: false) once it exists; nothing is overwritten", async () => {
    const stack = freshStack();
    const first = await store.write(stack, withPause(emptyState(), "chat/us-east-1"), undefined);
    expect(first).toEqual({ written: true, etag: expect.stringMatching(/^".+"$/) });
    expect(await store.write(stack, emptyState(), undefined)).toEqual({ written: false });
    const read = await store.read(stack);
    expect(read).toEqual({ state: withPause(emptyState(), "chat/us-east-1"), etag: first.etag });
    expect(JSON.parse((await rawObject(stack)).body)).toEqual(read.state);
  });

  it("If-Match: the ETag read replaces the object; an old ETag or a made-up one is refused and changes nothing", async () => {
    const stack = freshStack();
    const first = await store.write(stack, emptyState(), undefined);
    const second = await store.write(stack, withPause(emptyState(), "a/us-west-2"), first.etag);
    expect(second.written).toBe(true);
    expect(second.etag).not.toBe(first.etag);
    expect(await store.write(stack, withPause(emptyState(), "stale/us-west-2"), first.etag)).toEqual({ written: false });
    expect(await store.write(stack, emptyState(), '"00000000000000000000000000000000"')).toEqual({ written: false });
    expect(await store.read(stack)).toEqual({ state: withPause(emptyState(), "a/us-west-2"), etag: second.etag });
  });

  it("If-Match on an absent object is refused (a state deleted under a writer is not recreated from an old read)", async () => {
    expect(await store.write(freshStack(), emptyState(), '"c4ca4238a0b923820dcc509a6f75849b"')).toEqual({ written: false });
  });

  it("a lost race: two writers read the same version, the first write wins, the second is told and rereads", async () => {
    const stack = freshStack();
    await store.write(stack, emptyState(), undefined);
    const [a, b] = [await store.read(stack), await store.read(stack)];
    expect(await store.write(stack, withPause(a.state, "a/us-east-1"), a.etag)).toMatchObject({ written: true });
    expect(await store.write(stack, withPause(b.state, "b/us-east-1"), b.etag)).toEqual({ written: false });
    const again = await store.read(stack);
    expect(await store.write(stack, withPause(again.state, "b/us-east-1"), again.etag)).toMatchObject({ written: true });
    expect(Object.keys((await store.read(stack)).state.pauses)).toEqual(["a/us-east-1", "b/us-east-1"]);
  });

  it("two creates racing with If-None-Match: exactly one is written", async () => {
    const stack = freshStack();
    const results = await Promise.all([store.write(stack, withPause(emptyState(), "one/x"), undefined), store.write(stack, withPause(emptyState(), "two/x"), undefined)]);
    expect(results.filter((r) => r.written)).toHaveLength(1);
  });

  it("an object that is not a state object is an error naming it and what is wrong", async () => {
    const stack = freshStack();
    const key = AUTOPILOT.stateKey(stack);
    await request(moto.endpoint, "PUT", `/${BUCKET}/${key}`, JSON.stringify({ version: 1, writes: { "chat/us-east-1": { from: 100, to: 120, at: 1 } }, pauses: {} }));
    await expect(store.read(stack)).rejects.toThrow(`s3://${BUCKET}/${key} is not an autopilot state object: writes.chat/us-east-1.to: Too big: expected number to be <=100`);
    await request(moto.endpoint, "PUT", `/${BUCKET}/${key}`, "{not json");
    await expect(store.read(stack)).rejects.toThrow(new RegExp(`^s3://${BUCKET}/${key} is not JSON: `));
  });

  it("a missing bucket is an AwsCallError naming the object", async () => {
    const lost = new S3StateStore(() => ({ bucket: "no-such-bucket-here", region: REGION }), { endpoint: moto.endpoint, credentials });
    try {
      await expect(lost.read("s")).rejects.toThrow(/^GetObject s3:\/\/no-such-bucket-here\/smart-routing\/autopilot\/s\.json failed: NoSuchBucket \(HTTP 404\)/);
      await expect(lost.read("s")).rejects.toBeInstanceOf(AwsCallError);
    } finally {
      lost.destroy();
    }
  });

  it("409 ConditionalRequestConflict (S3's answer to a concurrent conditional write) is a lost race too", async () => {
    // moto never sends it: a proxy in front of moto answers the first PutObject as S3 documents it.
    let conflicts = 1;
    const proxy = http.createServer((req, res) => {
      if (req.method === "PUT" && conflicts > 0) {
        conflicts -= 1;
        req.resume();
        const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>ConditionalRequestConflict</Code><Message>A conflicting operation occurred.</Message></Error>';
        res.writeHead(409, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      const upstream = new URL(moto.endpoint);
      req.pipe(http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      }));
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const proxied = new S3StateStore(() => ({ bucket: BUCKET, region: REGION }), { endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, credentials, maxAttempts: 1 });
    try {
      const stack = freshStack();
      expect(await proxied.write(stack, emptyState(), undefined)).toEqual({ written: false });
      expect(await proxied.write(stack, emptyState(), undefined)).toMatchObject({ written: true });
    } finally {
      proxied.destroy();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });

  it("the endpoint can come from AWS_ENDPOINT_URL_S3 (then buckets are addressed by path)", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    const fromEnv = new S3StateStore(() => ({ bucket: BUCKET, region: REGION }));
    try {
      const stack = freshStack();
      expect((await fromEnv.write(stack, emptyState(), undefined)).written).toBe(true);
      expect((await store.read(stack)).state).toEqual(emptyState());
    } finally {
      fromEnv.destroy();
      process.env = saved;
    }
  });
});

describe("autopilotAws", () => {
  const backend = (bucket: string, extra: object = {}) => ({ bucket, key: "k", region: REGION, encrypt: false, lockfile: true, ...extra });

  it("locates each stack's state object in its own backend's bucket, encrypted as its state is, and refuses an unknown stack", async () => {
    expect(stateLocationOf({ backend: backend("b1", { encrypt: true, kmsKeyId: "alias/state" }) })).toEqual({ bucket: "b1", region: REGION, encrypt: true, kmsKeyId: "alias/state" });
    expect(stateLocationOf({ backend: backend("b1") })).toEqual({ bucket: "b1", region: REGION, encrypt: false });
    const other = "autopilot-state-other";
    await createStateBucket(moto.endpoint, other, REGION);
    const aws = autopilotAws([{ name: "one", backend: backend(BUCKET) }, { name: "two", backend: backend(other, { encrypt: true }) }], { endpoint: moto.endpoint, credentials });
    try {
      expect((await aws.state.write("two", emptyState(), undefined)).written).toBe(true);
      expect((await rawObjectIn(other, "two")).status).toBe(200);
      expect((await rawObjectIn(BUCKET, "two")).status).toBe(404);
      expect(aws.state.where("one")).toBe(`s3://${BUCKET}/smart-routing/autopilot/one.json`);
      await expect(aws.state.read("three")).rejects.toThrow("no backend known for stack three (known: one, two)");
    } finally {
      aws.destroy();
    }
  });
});

describe("SsmPublishedReader", () => {
  let ssm: SSMClient;
  let reader: SsmPublishedReader;
  beforeAll(() => {
    ssm = new SSMClient({ region: AUTOPILOT.parameterRegion, endpoint: moto.endpoint, credentials });
    reader = new SsmPublishedReader({ endpoint: moto.endpoint, credentials });
  });
  afterAll(() => {
    ssm?.destroy();
    reader?.destroy();
  });

  const published = (stack: string): PublishedStack => ({
    version: 1,
    stack,
    configHash: "sha256:0f1e",
    groups: [
      {
        key: "chat/us-east-1",
        listener: "chat",
        region: "us-east-1",
        arn: "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/098765zyxwvu",
        ceiling: 100,
        capacity: 400,
        metricsLabels: { model: "llama" },
        settings: { signal: "queue", lowWatermark: 4, highWatermark: 16, minDialPercent: 10, maxStepPercent: 20, holdForSeconds: 120, settleForSeconds: 60 },
      },
      {
        key: "chat/eu-west-1",
        listener: "chat",
        region: "eu-west-1",
        arn: "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/aaaaaabbbbbb",
        ceiling: 0,
        capacity: 200,
        metricsLabels: {},
        settings: { signal: { query: "sum by (region) (x)" }, lowWatermark: 0.5, highWatermark: 0.9, minDialPercent: 0, maxStepPercent: 10, holdForSeconds: 0, settleForSeconds: 30 },
      },
    ],
  });
  const put = (stack: string, value: string) => ssm.send(new PutParameterCommand({ Name: AUTOPILOT.parameterName(stack), Value: value, Type: "String", Overwrite: true }));

  it("reads and checks the stack's parameter (GetParameter of /smart-routing/<stack>/autopilot in us-west-2)", async () => {
    const stack = freshStack();
    await put(stack, JSON.stringify(published(stack)));
    expect(await reader.read(stack)).toEqual(published(stack));
  });

  it("a stack that published none is told to apply first", async () => {
    const stack = freshStack();
    await expect(reader.read(stack)).rejects.toThrow(`stack ${stack} has published no autopilot parameter (/smart-routing/${stack}/autopilot in us-west-2): apply the stack first`);
    await put(stack, JSON.stringify(published(stack)));
    await ssm.send(new DeleteParameterCommand({ Name: AUTOPILOT.parameterName(stack) }));
    await expect(reader.read(stack)).rejects.toThrow(/apply the stack first$/);
  });

  it("a value that is not JSON, not the published shape, or another stack's is an error saying what is wrong", async () => {
    const stack = freshStack();
    const where = `SSM parameter /smart-routing/${stack}/autopilot (us-west-2)`;
    await put(stack, "{");
    await expect(reader.read(stack)).rejects.toThrow(new RegExp(`^${where.replace(/[()/]/g, "\\$&")} is not JSON: `));
    const bad = published(stack) as unknown as { groups: Record<string, unknown>[] };
    bad.groups[1].ceiling = 101;
    (bad.groups[0].settings as Record<string, unknown>).signal = "latency";
    await put(stack, JSON.stringify(bad));
    await expect(reader.read(stack)).rejects.toThrow(`${where} is not an autopilot parameter this autopilot reads: groups[0].settings.signal: Invalid input; groups[1].ceiling: Too big: expected number to be <=100`);
    await put(stack, JSON.stringify({ ...published(stack), groups: [{ ...published(stack).groups[0], arn: "arn:aws:globalaccelerator::123456789012:accelerator/x" }] }));
    await expect(reader.read(stack)).rejects.toThrow(`${where} is not an autopilot parameter this autopilot reads: groups[0].arn: is not an endpoint group ARN`);
    await put(stack, JSON.stringify(published("another")));
    await expect(reader.read(stack)).rejects.toThrow(`${where} is stack another's, not ${stack}'s`);
  });
});

describe("the lease", () => {
  const TTL = leaseTtlSeconds(15);

  it("lasts three intervals; a holder is named by host, process and a random part", () => {
    expect(TTL).toBe(45);
    expect(holderId()).toMatch(new RegExp(`^[^:]+:${process.pid}:[0-9a-f]{6}$`));
    expect(holderId()).not.toBe(holderId());
  });

  it("of two contenders for an absent lease, exactly one holds it; the other is told who and until when", async () => {
    const stack = freshStack();
    const [a, b] = await Promise.all([acquireOrRenew(store, stack, "a", 1000, TTL), acquireOrRenew(store, stack, "b", 1000, TTL)]);
    expect([a.held, b.held].sort()).toEqual([false, true]);
    const [winner, loser] = a.held ? [a, b] : [b, a];
    expect(loser).toMatchObject({ held: false, holder: winner.holder, expiresAt: 1045 });
    expect((await store.read(stack)).state.lease).toEqual({ holder: winner.holder, expiresAt: 1045 });
    expect(mayWrite(winner, 1044)).toBe(true);
    expect(mayWrite(winner, 1045)).toBe(false);
    expect(mayWrite(loser, 1000)).toBe(false);
  });

  it("the holder renews it; another cannot take it before it expires, and takes it over at expiry", async () => {
    const stack = freshStack();
    expect(await acquireOrRenew(store, stack, "a", 1000, TTL)).toMatchObject({ held: true, expiresAt: 1045 });
    expect(await acquireOrRenew(store, stack, "a", 1015, TTL)).toMatchObject({ held: true, holder: "a", expiresAt: 1060 });
    expect(await acquireOrRenew(store, stack, "b", 1059, TTL)).toMatchObject({ held: false, holder: "a", expiresAt: 1060 });
    expect(await acquireOrRenew(store, stack, "b", 1060, TTL)).toMatchObject({ held: true, holder: "b", expiresAt: 1105 });
  });

  it("a renewal after someone else took over fails, also when its read came before the takeover", async () => {
    const stack = freshStack();
    await acquireOrRenew(store, stack, "a", 1000, TTL);
    await acquireOrRenew(store, stack, "b", 1100, TTL); // a missed its renewals: b took over
    expect(await acquireOrRenew(store, stack, "a", 1101, TTL)).toMatchObject({ held: false, holder: "b", expiresAt: 1145 });
    // a's read of its own (expired) lease, then b's takeover, then a's write: a's write is refused.
    const stack2 = freshStack();
    await acquireOrRenew(store, stack2, "a", 1000, TTL);
    const slow: StateStore = {
      read: async (s) => {
        const read = await store.read(s);
        if (read.state.lease?.holder === "a") await acquireOrRenew(store, s, "b", 1100, TTL);
        return read;
      },
      write: (s, state, etag) => store.write(s, state, etag),
    };
    expect(await acquireOrRenew(slow, stack2, "a", 1100, TTL)).toMatchObject({ held: false, holder: "b" });
    expect((await store.read(stack2)).state.lease?.holder).toBe("b");
  });

  it("a pause written while the holder renews is not lost, and the renewal still holds", async () => {
    const stack = freshStack();
    await acquireOrRenew(store, stack, "a", 1000, TTL);
    let paused = false;
    // The operator's pause lands between the holder's read and its write.
    const racing: StateStore = {
      read: (s) => store.read(s),
      write: async (s, state, etag) => {
        if (!paused) {
          paused = true;
          await pause(store, s, "chat/us-east-1", "ops@example.com", "GPU maintenance", 1010);
        }
        return store.write(s, state, etag);
      },
    };
    expect(await acquireOrRenew(racing, stack, "a", 1015, TTL)).toMatchObject({ held: true, expiresAt: 1060 });
    const { state } = await store.read(stack);
    expect(state).toEqual({ version: 1, lease: { holder: "a", expiresAt: 1060 }, writes: {}, pauses: { "chat/us-east-1": { reason: "GPU maintenance", by: "ops@example.com", at: 1010 } } });
  });

  it("pause needs no lease and keeps the lease and the writes; resume lifts it, and says when there was none", async () => {
    const stack = freshStack();
    expect((await pause(store, stack, "chat/us-east-1", "op", "drain", 5)).written).toBe(true);
    await acquireOrRenew(store, stack, "a", 10, TTL);
    await recordWrites(store, stack, "a", { "chat/eu-west-1": { from: 100, to: 80, at: 12 } }, 12);
    await pause(store, stack, "chat/eu-west-1", "op", "hold", 13);
    expect((await store.read(stack)).state).toEqual({
      version: 1,
      lease: { holder: "a", expiresAt: 55 },
      writes: { "chat/eu-west-1": { from: 100, to: 80, at: 12 } },
      pauses: { "chat/us-east-1": { reason: "drain", by: "op", at: 5 }, "chat/eu-west-1": { reason: "hold", by: "op", at: 13 } },
    });
    expect((await resume(store, stack, "chat/us-east-1")).written).toBe(true);
    expect((await resume(store, stack, "chat/us-east-1")).written).toBe(false);
    expect(Object.keys((await store.read(stack)).state.pauses)).toEqual(["chat/eu-west-1"]);
  });

  it("dial writes are recorded only by the holder of an unexpired lease", async () => {
    const stack = freshStack();
    const write = { "chat/us-east-1": { from: 100, to: 80, at: 20 } };
    await expect(recordWrites(store, stack, "a", write, 20)).rejects.toThrow(`stack ${stack}: a does not hold the autopilot lease (nobody does); the dial writes were not recorded`);
    await acquireOrRenew(store, stack, "b", 0, TTL);
    await expect(recordWrites(store, stack, "a", write, 20)).rejects.toThrow(`stack ${stack}: a does not hold the autopilot lease (b until 45); the dial writes were not recorded`);
    await expect(recordWrites(store, stack, "b", write, 45)).rejects.toBeInstanceOf(StateChangeRefused);
    expect((await recordWrites(store, stack, "b", write, 44)).state.writes).toEqual(write);
  });

  it("release hands the lease over at once; only its holder can release it", async () => {
    const stack = freshStack();
    await acquireOrRenew(store, stack, "a", 0, TTL);
    expect(await release(store, stack, "b")).toBe(false);
    expect(await release(store, stack, "a")).toBe(true);
    expect((await store.read(stack)).state.lease).toBeUndefined();
    expect(await acquireOrRenew(store, stack, "b", 1, TTL)).toMatchObject({ held: true });
  });

  it("a writer that loses every race gives up after a bounded number of attempts, saying so", async () => {
    const stack = freshStack();
    await store.write(stack, emptyState(), undefined);
    let writes = 0;
    const contested: StateStore = {
      read: (s) => store.read(s),
      // Someone else writes between every read and write.
      write: async (s, state, etag) => {
        writes += 1;
        await pause(store, s, `other/${writes}`, "op", "r", writes);
        return store.write(s, state, etag);
      },
    };
    await expect(pause(contested, stack, "chat/us-east-1", "op", "r", 0)).rejects.toThrow(
      new StateConflictError(stack, "pausing chat/us-east-1").message,
    );
    expect(writes).toBe(CAS_ATTEMPTS);
    await expect(acquireOrRenew(contested, stack, "a", 0, TTL)).rejects.toBeInstanceOf(StateConflictError);
    await expect(updateState(contested, stack, "x", (s) => s)).resolves.toMatchObject({ written: false });
  });

  it("a time to live of 0 or less is refused", async () => {
    await expect(acquireOrRenew(store, freshStack(), "a", 0, 0)).rejects.toThrow("the lease's time to live must be above 0 seconds, received 0");
  });
});

describe("two OS processes contending for one lease", () => {
  it("never both hold it: their held intervals do not overlap, and each took it over from the other", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lease-contenders-"));
    const bundle = join(dir, "contender.js");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("esbuild").buildSync({ entryPoints: [join(__dirname, "fixtures", "lease-contender.ts")], bundle: true, platform: "node", outfile: bundle, logLevel: "error" });
    const stack = freshStack();
    const run = (name: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--no-warnings", bundle], {
          env: { ...process.env, S3: moto.endpoint, BUCKET, STACK: stack, NAME: name, DIR: dir, TENURES: "3", RENEWALS: "4", TTL_MS: "400" },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run("a"), run("b")]);
    expect(results).toEqual([
      { code: 0, stderr: "" },
      { code: 0, stderr: "" },
    ]);
    type Held = { holder: string; from: number; until: number };
    const held: Held[] = ["a", "b"].flatMap((name) => {
      const lines = readFileSync(join(dir, `${name}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Held & { released?: number });
      // A process that released the lease holds it no longer from then on.
      const released = lines.at(-1)?.released;
      expect(released).toEqual(expect.any(Number));
      return lines.filter((l) => l.released === undefined).map((l) => ({ ...l, until: Math.min(l.until, released!) }));
    });
    // Each successful acquireOrRenew at `from` holds until `until`; two holders' spans must never meet.
    const overlaps = held.flatMap((x) => held.filter((y) => y.holder !== x.holder && x.from < y.until && y.from < x.until).map((y) => `${JSON.stringify(x)} overlaps ${JSON.stringify(y)}`));
    expect(overlaps).toEqual([]);
    // Every tenure after the first began by a takeover from the other process (it stepped aside without releasing).
    const order = [...held].sort((x, y) => x.from - y.from).map((h) => h.holder);
    const handovers = order.filter((h, i) => i > 0 && h !== order[i - 1]);
    expect(handovers.filter((h) => h === "a").length).toBeGreaterThanOrEqual(2);
    expect(handovers.filter((h) => h === "b").length).toBeGreaterThanOrEqual(2);
  });
});
