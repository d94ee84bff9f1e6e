// The state backend under faults, with real Terraform, the real AWS provider and a real S3 API (moto on
// loopback): a held lock, a lock released while Terraform waits, a state that already holds the
// accelerator, an address changed with and without a moved block, and a versioned bucket. Plans run with
// -refresh=false: no Global Accelerator API is reachable here, so Terraform compares the config with the
// state as written.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../src/config/default-config";
import { passed, reviewPlan } from "../src/plan-gate/review";
import { readPlan } from "../src/plan-gate/plan-json";
import { envFor, initWorkdir, objectVersions, planJson, putObject, request, startS3Server, synthStack, terraformAsync, tf } from "./support/local-aws";
import { accelerator, endpointGroup, listener, stateWith } from "./support/tfstate";

const BUCKET = "smart-routing-terraform-state";
const KEY = "smart-routing/smart-routing.tfstate";
const LOCK_ID = "11111111-2222-3333-4444-555555555555";
const HELD_LOCK = JSON.stringify({ ID: LOCK_ID, Operation: "OperationTypeApply", Info: "", Who: "other-ci-job@runner", Version: "1.11.4", Created: "2026-01-01T00:00:00Z", Path: `${BUCKET}/${KEY}` });

/** The debug log line of Terraform's read of the lock it could not take. */
const LOCK_READ = /HTTP Response Received:[^\n]*\.tflock rpc\.method=GetObject/;

type Resource = { type: string; name: string; attributes: unknown };
const ACCELERATOR = (name = "accelerator"): Resource => ({ type: "aws_globalaccelerator_accelerator", name, attributes: accelerator({ name: "smart-routing" }) });
const LISTENER = (name = "inference"): Resource => ({ type: "aws_globalaccelerator_listener", name, attributes: listener({}) });
const GROUP = (listenerName: string, region: string, id: string): Resource => ({
  type: "aws_globalaccelerator_endpoint_group",
  name: `${listenerName}_${region}`,
  attributes: endpointGroup({ region, endpoints: [{ id, weight: 128 }] }),
});
/** Everything the default config creates, under the given listener name. */
const DEFAULT_OBJECTS = (listenerName = "inference") => [
  ACCELERATOR(),
  LISTENER(listenerName),
  GROUP(listenerName, "us-west-1", "eipalloc-0a1b2c3d4e5f60718"),
  GROUP(listenerName, "us-east-1", "eipalloc-0f1e2d3c4b5a69788"),
];

function renamedConfig(renamedFrom?: string) {
  const config = JSON.parse(JSON.stringify(DEFAULT_CONFIG));
  if (renamedFrom !== undefined) config.stacks[0].listeners[0].renamedFrom = renamedFrom;
  return config;
}

const actionsOf = (json: string) =>
  Object.fromEntries(readPlan(json, "plan").resource_changes.map((rc) => [rc.address, { actions: rc.change.actions, from: rc.previous_address }]));

let server: { endpoint: string; stop: () => Promise<void> };
let workdir: string;

beforeAll(async () => {
  server = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  workdir = await initWorkdir(synthStack("smart-routing"), server.endpoint);
});
afterAll(async () => server?.stop());

async function setState(resources: Resource[]): Promise<void> {
  await putObject(server.endpoint, BUCKET, KEY, stateWith(resources));
}

async function clearLock(): Promise<void> {
  await request(server.endpoint, "DELETE", `/${BUCKET}/${KEY}.tflock`);
}

describe("the local S3 server", () => {
  it("refuses a second conditional write of one key with 412, which S3-native locking relies on (canary)", async () => {
    const key = `/${BUCKET}/canary/${Date.now()}.tflock`;
    const first = await request(server.endpoint, "PUT", key, "a", { "if-none-match": "*" });
    const second = await request(server.endpoint, "PUT", key, "b", { "if-none-match": "*" });
    expect([first.status, second.status]).toEqual([200, 412]);
  });
});

describe("a plan while another run holds the lock", () => {
  afterEach(clearLock);

  it("fails with Terraform's lock error naming the holder, and leaves the state and the lock as they were", async () => {
    await setState(DEFAULT_OBJECTS());
    await putObject(server.endpoint, BUCKET, `${KEY}.tflock`, HELD_LOCK);
    const before = await objectVersions(server.endpoint, BUCKET, KEY);

    const plan = tf(workdir, ["plan", "-input=false", "-no-color", "-refresh=false", "-lock-timeout=0s"]);

    expect(plan.status).toBe(1);
    expect(plan.stderr).toContain("Error acquiring the state lock");
    expect(plan.stderr).toContain("PreconditionFailed");
    expect(plan.stderr).toMatch(new RegExp(`ID:\\s+${LOCK_ID}`));
    expect(plan.stderr).toMatch(/Who:\s+other-ci-job@runner/);
    expect(await objectVersions(server.endpoint, BUCKET, KEY)).toEqual(before);
    expect((await request(server.endpoint, "GET", `/${BUCKET}/${KEY}.tflock`)).body).toBe(HELD_LOCK);
  });

  it("with -lock-timeout, waits (refused with 412 first) and succeeds once the lock is released", async () => {
    await setState(DEFAULT_OBJECTS());
    await putObject(server.endpoint, BUCKET, `${KEY}.tflock`, HELD_LOCK);
    let refusedWhileHeld = false;
    let released: Promise<unknown> | undefined;

    // TF_LOG=DEBUG logs each S3 response. After a refused lock write (412) Terraform reads the held lock
    // to name its holder, then sleeps and retries; once that read is logged, releasing the lock cannot
    // race it (a lock that vanished before the read would end the run instead of retrying).
    const plan = await terraformAsync(["plan", "-input=false", "-no-color", "-refresh=false", "-lock-timeout=300s"], {
      cwd: workdir,
      env: { ...envFor(workdir), TF_LOG: "DEBUG" },
      onOutput: (text: string) => {
        const refused = text.indexOf("StatusCode: 412");
        if (released !== undefined || refused === -1 || !LOCK_READ.test(text.slice(refused))) return;
        refusedWhileHeld = true;
        released = clearLock();
      },
    });
    await released;

    expect(refusedWhileHeld).toBe(true);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain("without changing any real infrastructure");
    // Terraform released its own lock at the end.
    expect((await request(server.endpoint, "GET", `/${BUCKET}/${KEY}.tflock`)).status).toBe(404);
  });
});

describe("a plan against a state that already holds the accelerator at its address", () => {
  it("creates no second accelerator (and plans the rest as creates)", async () => {
    await setState([ACCELERATOR()]);
    const { plan, json } = planJson(workdir);
    expect(plan.status).toBe(0);
    const actions = actionsOf(json);
    expect(actions["aws_globalaccelerator_accelerator.accelerator"].actions).toEqual(["no-op"]);
    expect(Object.values(actions).filter((a) => a.actions.includes("create"))).toHaveLength(3);
    expect(passed(reviewPlan(readPlan(json, "plan"), { allowDestroy: [] }))).toBe(true);
  });
});

describe("a plan that moves traffic", () => {
  it("is an in-place update whose summary shows the dial and weight changes", async () => {
    // GIVEN us-west-1 was drained to dial 0 with its endpoint at weight 64; the config says 100 and 128
    const drained = { ...GROUP("inference", "us-west-1", "eipalloc-0a1b2c3d4e5f60718") };
    drained.attributes = endpointGroup({ region: "us-west-1", dial: 0, endpoints: [{ id: "eipalloc-0a1b2c3d4e5f60718", weight: 64 }] });
    await setState([...DEFAULT_OBJECTS().filter((r) => r.name !== drained.name), drained]);
    const { plan, json } = planJson(workdir);
    expect(plan.status).toBe(0);
    const review = reviewPlan(readPlan(json, "plan"), { allowDestroy: [] });
    expect(review.changes.find((c) => c.address === "aws_globalaccelerator_endpoint_group.inference_us-west-1")).toMatchObject({
      kind: "update",
      details: ["traffic dial 0% → 100%", "weight of eipalloc-0a1b2c3d4e5f60718 64 → 128"],
    });
    expect(passed(review)).toBe(true);
  });
});

describe("an accelerator address changed by a refactor without a moved block", () => {
  it("is planned by Terraform without error (prevent_destroy does not cover it) but fails the gate, naming the address", async () => {
    // GIVEN the state holds the accelerator where a wrapping construct once put it
    await setState([ACCELERATOR("Networking_accelerator_5596A0AB")]);
    const { plan, json } = planJson(workdir);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain("1 to destroy");
    const review = reviewPlan(readPlan(json, "plan"), { allowDestroy: ["listeners", "endpointGroups"] });
    expect(review.violations).toEqual([
      expect.objectContaining({ address: "aws_globalaccelerator_accelerator.Networking_accelerator_5596A0AB", kind: "delete" }),
    ]);
    expect(review.violations[0].reason).toContain("static IP addresses");
    expect(review.violations[0].reason).toContain("moved block");
  });
});

describe("a config change that replaces the accelerator (other BYOIP addresses)", () => {
  const byoip = (protectFromDestroy: boolean) => {
    const config = renamedConfig();
    Object.assign(config.stacks[0].accelerator, { ipAddresses: ["198.51.100.7", "203.0.113.8"], protectFromDestroy });
    return config;
  };
  const state = () => [{ ...ACCELERATOR(), attributes: accelerator({ name: "smart-routing", ipAddresses: ["192.0.2.10", "192.0.2.11"] }) }];

  it("is stopped by Terraform itself while prevent_destroy is on", async () => {
    const dir = await initWorkdir(synthStack("smart-routing", byoip(true)), server.endpoint);
    await setState(state());
    const { plan } = planJson(dir);
    expect(plan.status).toBe(1);
    expect(plan.stderr).toContain("Instance cannot be destroyed");
  });

  it("fails the gate when prevent_destroy is off, naming the accelerator and the replace", async () => {
    const dir = await initWorkdir(synthStack("smart-routing", byoip(false)), server.endpoint);
    await setState(state());
    const { plan, json } = planJson(dir);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain("must be replaced");
    const review = reviewPlan(readPlan(json, "plan"), { allowDestroy: ["listeners", "endpointGroups"] });
    expect(review.violations.map((v) => `${v.address}: ${v.kind}`)).toEqual(["aws_globalaccelerator_accelerator.accelerator: replace"]);
  });
});

describe("a renamed listener", () => {
  let renamedWorkdir: string;
  beforeAll(async () => {
    renamedWorkdir = await initWorkdir(synthStack("smart-routing", renamedConfig("inference-v1")), server.endpoint);
  });

  it("with renamedFrom, is planned as a move of the listener and both endpoint groups: nothing destroyed, the gate passes", async () => {
    await setState(DEFAULT_OBJECTS("inference-v1"));
    const { plan, json } = planJson(renamedWorkdir);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain("has moved to aws_globalaccelerator_listener.inference");
    expect(plan.stdout).toMatch(/0 to add, \d+ to change, 0 to destroy/);
    const actions = actionsOf(json);
    expect(actions["aws_globalaccelerator_listener.inference"].from).toBe("aws_globalaccelerator_listener.inference-v1");
    expect(actions["aws_globalaccelerator_endpoint_group.inference_us-west-1"].from).toBe("aws_globalaccelerator_endpoint_group.inference-v1_us-west-1");
    expect(actions["aws_globalaccelerator_endpoint_group.inference_us-east-1"].from).toBe("aws_globalaccelerator_endpoint_group.inference-v1_us-east-1");
    expect(Object.values(actions).flatMap((a) => a.actions)).not.toContain("delete");
    expect(passed(reviewPlan(readPlan(json, "plan"), { allowDestroy: [] }))).toBe(true);
  });

  it("without renamedFrom, is a destroy and create that the gate fails for the listener and each group", async () => {
    await setState(DEFAULT_OBJECTS("inference-v1"));
    const { plan, json } = planJson(workdir);
    expect(plan.status).toBe(0);
    const review = reviewPlan(readPlan(json, "plan"), { allowDestroy: [] });
    expect(review.violations.map((v) => `${v.address}: ${v.kind}`).sort()).toEqual([
      "aws_globalaccelerator_endpoint_group.inference-v1_us-east-1: delete",
      "aws_globalaccelerator_endpoint_group.inference-v1_us-west-1: delete",
      "aws_globalaccelerator_listener.inference-v1: delete",
    ]);
  });
});

describe("the state bucket", () => {
  it("keeps every version: a state written by Terraform leaves the one before recoverable, and each lock leaves a version", async () => {
    // GIVEN a state with the renamed listener's objects
    await setState(DEFAULT_OBJECTS("inference-v1"));
    const before = await objectVersions(server.endpoint, BUCKET, KEY);
    // WHEN Terraform itself rewrites the state
    const mv = tf(workdir, ["state", "mv", "-no-color", "aws_globalaccelerator_listener.inference-v1", "aws_globalaccelerator_listener.inference"]);
    expect(mv.status).toBe(0);
    // THEN the previous version is still there and still holds the old address
    const after = await objectVersions(server.endpoint, BUCKET, KEY);
    const stateVersions = (list: typeof after) => list.filter((v) => v.key === KEY && !v.deleteMarker);
    expect(stateVersions(after)).toHaveLength(stateVersions(before).length + 1);
    const previous = stateVersions(after).find((v) => v.versionId === stateVersions(before)[0].versionId);
    expect(previous).toBeDefined();
    const old = await request(server.endpoint, "GET", `/${BUCKET}/${KEY}?versionId=${previous?.versionId}`);
    expect(JSON.parse(old.body).resources.map((r: Resource) => r.name)).toContain("inference-v1");
    const current = await request(server.endpoint, "GET", `/${BUCKET}/${KEY}`);
    expect(JSON.parse(current.body).resources.map((r: Resource) => r.name)).not.toContain("inference-v1");
    // and every lock taken so far left a version and a delete marker behind
    const locks = after.filter((v) => v.key === `${KEY}.tflock`);
    expect(locks.filter((v) => !v.deleteMarker).length).toBeGreaterThan(1);
    expect(locks.some((v) => v.deleteMarker)).toBe(true);
  });
});

describe("the backend block", () => {
  // Why backend-keys.test.ts checks every key against the arguments Terraform supports: Terraform 1.11
  // does not. A removed key such as role_arn (1.10) is silently dropped, so the state would be read with
  // other credentials than the config says.
  it("is not checked by terraform init: a key Terraform 1.10 removed (role_arn) passes init silently", async () => {
    const dir = await initWorkdir(synthStack("smart-routing"), server.endpoint);
    const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    json.terraform.backend.s3.role_arn = "arn:aws:iam::123456789012:role/state";
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    const init = tf(dir, ["init", "-input=false", "-no-color", "-reconfigure", "-backend-config=local-backend.tfbackend"]);
    expect(init.status).toBe(0);
    expect(init.stdout + init.stderr).not.toContain("role_arn");
  });
});
