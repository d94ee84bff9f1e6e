// A state lock whose answer is lost: Terraform 1.11's S3 backend takes its locks with conditional writes
// (the lock file: PutObject with If-None-Match: *; DynamoDB: PutItem with attribute_not_exists(LockID)),
// and the AWS SDK retries a request whose answer did not arrive. When the first write did take the lock,
// the retry fails its own condition, and Terraform reports "Error acquiring the state lock" naming its
// own lock, and exits without releasing it (client.go: lockWithFile and lockWithDynamoDB never ask whose
// lock is in the way). Every later run then finds the state locked, as a CI run found the full example's
// (use_lockfile and dynamodb_table, both at once) after a call to moto failed. Here a proxy in front of
// moto forwards the lock write and then drops the connection instead of answering, so the case is the
// same every time; the README's way out (terraform force-unlock) is checked on it.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../src/config/default-config";
import { BACKEND_CONFIG_FILE, localEndpointEnvironment, localRehearsalFiles } from "../src/local-aws/terraform-overrides";
import { env, request, startS3Server, synthStack, terraformAsync } from "./support/local-aws";
/* eslint-disable @typescript-eslint/no-require-imports */
const { seedStack, awsCall } = require("../scripts/lib/moto-fixtures");
const { prepareWorkdir } = require("../scripts/lib/local-plan");
/* eslint-enable @typescript-eslint/no-require-imports */

const BUCKET = "smart-routing-terraform-state";
const TABLE = "terraform-locks";

type Lost = "lock file" | "DynamoDB item";

/**
 * A proxy to moto that forwards every request, except that the answer to the next lock write of the kind
 * armed is never delivered: moto has applied it, and the client's connection is closed instead.
 */
async function lossyProxy(target: string) {
  let armed: Lost | undefined;
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const isLockWrite =
        (armed === "lock file" && req.method === "PUT" && /\.tflock(\?|$)/.test(req.url ?? "")) ||
        (armed === "DynamoDB item" && req.headers["x-amz-target"] === "DynamoDB_20120810.PutItem");
      if (isLockWrite) armed = undefined;
      const forwarded = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on("data", (c: Buffer) => body.push(c));
        answer.on("end", () => {
          if (isLockWrite) {
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(body));
        });
      });
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    loseNextAnswer: (kind: Lost) => (armed = kind),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let moto: { endpoint: string; stop(): Promise<void> };
let proxy: Awaited<ReturnType<typeof lossyProxy>>;

beforeAll(async () => {
  moto = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  proxy = await lossyProxy(moto.endpoint);
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

/** The default config's stack under another name, locked by `locking`, planned through the proxy. */
async function stackLockedBy(name: string, locking: { lockfile: boolean; dynamodbTable?: string }) {
  const config = JSON.parse(JSON.stringify(DEFAULT_CONFIG));
  Object.assign(config.stacks[0], { name });
  Object.assign(config.stacks[0].accelerator, { name });
  Object.assign(config.stacks[0].backend, locking);
  const stack = synthStack(name, config);
  const dir = join(mkdtempSync(join(tmpdir(), "smart-routing-lock-")), name);
  prepareWorkdir(stack.dir, dir, (json: Parameters<typeof localRehearsalFiles>[0]) => localRehearsalFiles(json, proxy.endpoint, {}, "environment"));
  await seedStack(moto.endpoint, stack.model);
  const tfEnv = localEndpointEnvironment(env, proxy.endpoint);
  const tf = (...args: string[]) => terraformAsync([...args, "-no-color"], { cwd: dir, env: tfEnv });
  const init = await tf("init", "-input=false", "-lockfile=readonly", `-backend-config=${BACKEND_CONFIG_FILE}`);
  if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stdout}${init.stderr}`);
  const key = stack.model.backend.key;
  return {
    key,
    plan: () => tf("plan", "-input=false", "-refresh=false", "-lock-timeout=0s"),
    forceUnlock: (id: string) => tf("force-unlock", "-force", id),
    lockFile: async () => (await request(moto.endpoint, "GET", `/${BUCKET}/${key}.tflock`)).status,
    lockItems: async (): Promise<string[]> => {
      const scan = await awsCall(moto.endpoint, "dynamodb", "us-west-2", JSON.stringify({ TableName: TABLE }), {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.Scan",
      });
      return JSON.parse(scan.body).Items.map((i: { LockID: { S: string } }) => i.LockID.S).filter((id: string) => id === `${BUCKET}/${key}`);
    },
  };
}

/** The lock ID Terraform names under "Lock Info:". */
const lockId = (stderr: string) => /Lock Info:\n\s+ID:\s+(\S+)/.exec(stderr)?.[1];

describe("a lock write whose answer is lost, with use_lockfile and dynamodb_table both on (the full example's backend)", () => {
  it("leaves Terraform's own DynamoDB lock behind; force-unlock removes it, though it reports the lock file missing", async () => {
    const stack = await stackLockedBy("both-locks", { lockfile: true, dynamodbTable: TABLE });
    proxy.loseNextAnswer("DynamoDB item");

    // WHEN the plan's DynamoDB lock write is applied but its answer is lost, and the SDK retries it
    const first = await stack.plan();
    // THEN Terraform fails on its own lock, releases the lock file, and leaves the DynamoDB item
    expect(first.status).toBe(1);
    expect(first.stderr).toContain("Error acquiring the state lock");
    expect(first.stderr).toContain("ConditionalCheckFailedException");
    const id = lockId(first.stderr);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await stack.lockFile()).toBe(404);
    expect(await stack.lockItems()).toEqual([`${BUCKET}/${stack.key}`]);

    // and every later run finds the state locked by that earlier plan, as the CI run did
    const second = await stack.plan();
    expect(second.status).toBe(1);
    expect(second.stderr).toContain("ConditionalCheckFailedException");
    expect(lockId(second.stderr)).toBe(id);
    expect(second.stderr).toMatch(/Operation:\s+OperationTypePlan/);

    // force-unlock deletes the DynamoDB lock but fails on the lock file, which is gone already
    const unlocked = await stack.forceUnlock(id!);
    expect(unlocked.status).toBe(1);
    expect(unlocked.stderr.replace(/\s+/g, " ")).toContain(`Failed to unlock state: failed to unlock S3: unable to retrieve file from S3 bucket '${BUCKET}' with key '${stack.key}.tflock'`);
    expect(await stack.lockItems()).toEqual([]);
    // and the next plan runs
    const third = await stack.plan();
    expect(third.stderr).toBe("");
    expect(third.status).toBe(0);
  });
});

describe("a lock write whose answer is lost, with use_lockfile alone", () => {
  it("leaves Terraform's own lock file behind; force-unlock releases it", async () => {
    const stack = await stackLockedBy("lockfile-only", { lockfile: true });
    proxy.loseNextAnswer("lock file");

    const first = await stack.plan();
    expect(first.status).toBe(1);
    expect(first.stderr).toContain("Error acquiring the state lock");
    expect(first.stderr).toContain("PreconditionFailed");
    const id = lockId(first.stderr);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse((await request(moto.endpoint, "GET", `/${BUCKET}/${stack.key}.tflock`)).body).ID).toBe(id);

    const second = await stack.plan();
    expect(second.status).toBe(1);
    expect(lockId(second.stderr)).toBe(id);

    const unlocked = await stack.forceUnlock(id!);
    expect(unlocked.stdout).toContain("Terraform state has been successfully unlocked!");
    expect(await stack.lockFile()).toBe(404);
    const third = await stack.plan();
    expect(third.stderr).toBe("");
    expect(third.status).toBe(0);
  });
});
