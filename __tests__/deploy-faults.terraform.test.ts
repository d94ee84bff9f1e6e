// Applies under faults, with real Terraform and the real provider against the local Global Accelerator
// API and an S3 backend with use_lockfile on moto: throttling and HTTP 500s (the SDK retries), a long
// IN_PROGRESS (the provider waits), and an apply killed with SIGKILL half-way (the lock it leaves is
// reported as Terraform documents, `force-unlock` releases it, and the next apply completes the stack
// with exactly one accelerator). Each case is a stack of its own with a Global Accelerator API of its own
// (faults are the API's), so they run at once: most of their time is spent waiting on retries and
// IN_PROGRESS. terraform runs directly (no cdktf).
import { defaultConfigNamed, prepare, startLocalAws, terraform, type Deployment, type LocalAws } from "./support/deploy";
import { request } from "./support/local-aws";


const BUCKET = "smart-routing-terraform-state";
let moto: LocalAws;
beforeAll(async () => {
  moto = await startLocalAws(0);
});
afterAll(async () => moto?.stop());

/** A test with a Global Accelerator API of its own, sharing moto. */
function withOwnApi(test: (aws: LocalAws) => Promise<void>): () => Promise<void> {
  return async () => {
    const aws = await startLocalAws(0, moto);
    try {
      await test(aws);
    } finally {
      await aws.stop();
    }
  };
}

async function initialized(aws: LocalAws, name: string): Promise<Deployment> {
  const d = await prepare(aws, defaultConfigNamed(name), name);
  const init = await terraform(d, ["init", "-input=false", "-no-color", "-lockfile=readonly"]);
  if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stdout}${init.stderr}`);
  return d;
}

const apply = (d: Deployment) => terraform(d, ["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"]);
const planStatus = async (d: Deployment) => (await terraform(d, ["plan", "-detailed-exitcode", "-input=false", "-no-color"])).status;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("throttling and HTTP 500s on some calls", () => {
  it.concurrent("do not stop the apply: the SDK retries, and each object is created once", withOwnApi(async (aws) => {
    const d = await initialized(aws, "retried");
    const before = aws.ga.calls().length;
    aws.ga.injectFault({ kind: "throttle", operation: "CreateListener", count: 2 });
    aws.ga.injectFault({ kind: "internal-error", operation: "CreateEndpointGroup", count: 2 });
    aws.ga.injectFault({ kind: "throttle", operation: "DescribeAccelerator", count: 3 });
    const applied = await apply(d);
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    const calls = aws.ga.calls().slice(before);
    expect(calls.filter((c) => c.fault !== undefined).map((c) => `${c.operation} ${c.errorType}`).sort()).toEqual([
      "CreateEndpointGroup InternalFailure",
      "CreateEndpointGroup InternalFailure",
      "CreateListener ThrottlingException",
      "CreateListener ThrottlingException",
      "DescribeAccelerator ThrottlingException",
      "DescribeAccelerator ThrottlingException",
      "DescribeAccelerator ThrottlingException",
    ]);
    const held = aws.ga.state().accelerators.filter((a) => a.Name === "retried");
    expect(held).toHaveLength(1);
    expect((held[0].Listeners as { EndpointGroups: unknown[] }[]).map((l) => l.EndpointGroups.length)).toEqual([2]);
    expect(await planStatus(d)).toBe(0);
  }));
});

describe("a long IN_PROGRESS", () => {
  it.concurrent("is waited out: the provider polls until DEPLOYED, then carries on", withOwnApi(async (aws) => {
    const d = await initialized(aws, "slow");
    const before = aws.ga.calls().length;
    aws.ga.injectFault({ kind: "slow-deploy", operation: "CreateAccelerator", ms: 8000 });
    const started = Date.now();
    const applied = await apply(d);
    expect(applied.stdout).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    expect(Date.now() - started).toBeGreaterThanOrEqual(8000);
    const statuses = aws.ga
      .calls()
      .slice(before)
      .filter((c) => c.operation === "DescribeAccelerator" && c.status === 200)
      .map((c) => (c.response as { Accelerator: { Status: string } }).Accelerator.Status);
    // It polled through the IN_PROGRESS phase before anything else was built on the accelerator.
    expect(statuses.indexOf("DEPLOYED")).toBeGreaterThan(2);
    expect(statuses.slice(0, statuses.indexOf("DEPLOYED")).every((s) => s === "IN_PROGRESS")).toBe(true);
    expect(await planStatus(d)).toBe(0);
  }));
});

describe("an apply killed with SIGKILL half-way", () => {
  // Terraform writes state to the S3 backend at most every 20 s, when a resource completes (a smaller
  // TF_STATE_PERSIST_INTERVAL is ignored). Here the listener takes 21 s to deploy, so the state holds the
  // accelerator and the listener when the apply is killed, while the endpoint groups' creates are still
  // being throttled: the kill leaves nothing the state does not know about.
  it.concurrent("leaves a stale lock that Terraform reports; force-unlock releases it; the next apply adds the rest, with exactly one accelerator", withOwnApi(async (aws) => {
    const d = await initialized(aws, "killed");
    const key = "smart-routing/killed.tfstate";
    aws.ga.injectFault({ kind: "slow-deploy", operation: "CreateListener", ms: 21000 });
    aws.ga.injectFault({ kind: "throttle", operation: "CreateEndpointGroup", count: 100000 });
    let pid = 0;
    const applying = terraform(d, ["apply", "-auto-approve", "-input=false", "-no-color"], { detached: true, onStart: (p) => (pid = p) });
    // WHEN the state in S3 holds the listener and the groups' creates are being refused
    for (;;) {
      const state = await request(aws.s3, "GET", `/${BUCKET}/${key}`);
      const throttled = aws.ga.calls().some((c) => c.operation === "CreateEndpointGroup" && c.fault === "throttle");
      if (state.status === 200 && state.body.includes("aws_globalaccelerator_listener") && throttled) break;
      await sleep(250);
    }
    process.kill(-pid, "SIGKILL");
    const killed = await applying;
    expect(killed.status).toBeNull();
    await request(aws.ga.endpoint, "DELETE", "/__control/faults");
    expect(aws.ga.faults()).toEqual([]);

    // THEN the lock is still held, and a plan says so, naming it
    const lock = JSON.parse((await request(aws.s3, "GET", `/${BUCKET}/${key}.tflock`)).body);
    const blocked = await terraform(d, ["plan", "-input=false", "-no-color", "-lock-timeout=0s"]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toContain("Error acquiring the state lock");
    expect(blocked.stderr).toMatch(new RegExp(`ID:\\s+${lock.ID}`));
    expect(blocked.stderr).toMatch(/Operation:\s+OperationTypeApply/);

    // force-unlock, as Terraform's message advises once no run holds it
    const unlocked = await terraform(d, ["force-unlock", "-force", lock.ID]);
    expect(unlocked.stdout).toContain("Terraform state has been successfully unlocked!");
    expect((await request(aws.s3, "GET", `/${BUCKET}/${key}.tflock`)).status).toBe(404);

    const applied = await apply(d);
    expect(applied.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    const held = aws.ga.state().accelerators.filter((a) => a.Name === "killed");
    expect(held).toHaveLength(1);
    expect((held[0].Listeners as { EndpointGroups: unknown[] }[]).map((l) => l.EndpointGroups.length)).toEqual([2]);
    expect(aws.ga.calls().filter((c) => c.operation === "CreateAccelerator" && (c.request as { Name?: string }).Name === "killed")).toHaveLength(1);
    expect(await planStatus(d)).toBe(0);
  }));
});
