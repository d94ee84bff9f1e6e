// `npm run deploy:local` and `npm run destroy:local` as a user runs them: the real cdktf CLI deploys the
// default config and examples/full.yaml (all four endpoint types, a lookup, BYOIP, flow logs, port
// overrides, TCP and UDP listeners, four regions, a dual-stack stack) through the real provider into the
// local Global Accelerator API, with state in a versioned S3 bucket on moto. The test owns both servers
// (SMART_ROUTING_S3_ENDPOINT, SMART_ROUTING_GA_ENDPOINT) so it can look at what the API holds afterwards.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../src/app";
import { acceleratorsNamed, configuredShape, defaultConfigNamed, lookedUpArns, run, shapeFromModel, staticIps, startLocalAws, type LocalAws } from "./support/deploy";
import { request } from "./support/local-aws";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { recordSets, shieldProtectedArns } = require("../scripts/lib/moto-fixtures");
import { ROOT, runSynth } from "./support/run";


let aws: LocalAws;
const apis: LocalAws[] = [];
type Run = Awaited<ReturnType<typeof deployLocal>>;
const runs = new Map<string, Run>();

/** The default config under another name (its own stack, state key and accelerator), written to a file. */
function defaultNamedFile(name: string, protectFromDestroy: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "smart-routing-destroy-config-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(defaultConfigNamed(name, (stack) => (stack.accelerator.protectFromDestroy = protectFromDestroy))));
  return join(dir, "config.json");
}

// The four runs are independent stacks against the same servers, so they run at once.
beforeAll(async () => {
  aws = await startLocalAws(0);
  const [byDefault, full, destroyed, refused] = await Promise.all([
    deployLocal(undefined),
    deployLocal("examples/full.yaml"),
    deployLocal(defaultNamedFile("destroyable", false), ["--destroy"]),
    deployLocal(defaultNamedFile("protected", true), ["--destroy"]),
  ]);
  runs.set("the embedded default", byDefault).set("examples/full.yaml", full).set("destroy", destroyed).set("destroy refused", refused);
});
afterAll(async () => {
  for (const api of apis) await api.stop();
  await aws?.stop();
});

/**
 * npm run deploy:local against the test's moto and a Global Accelerator API of the run's own (so runs at
 * once do not see each other's calls); SMART_ROUTING_CONFIG as given (undefined: the default).
 */
async function deployLocal(config: string | undefined, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "smart-routing-deploy-local-"));
  const api = await startLocalAws(0, aws);
  apis.push(api);
  const result = await run(process.execPath, ["scripts/deploy-local.js", ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      SMART_ROUTING_CONFIG: config,
      SMART_ROUTING_DEPLOY_DIR: dir,
      SMART_ROUTING_S3_ENDPOINT: api.s3,
      SMART_ROUTING_GA_ENDPOINT: api.ga.endpoint,
    },
  });
  return { ...result, dir, api };
}

describe.each([
  ["the embedded default", undefined, { "smart-routing": 4 }],
  ["examples/full.yaml", "examples/full.yaml", { "ai-models-prod": 11, "ai-models-dualstack": 6 }],
])("npm run deploy:local on %s", (name, config, created) => {
  let result: Run;
  beforeAll(() => {
    result = runs.get(name)!;
  });

  it("deploys every stack with cdktf deploy, and the second plan is empty", () => {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    for (const [stack, count] of Object.entries(created)) {
      expect(result.stdout).toContain(`[${stack}] cdktf deploy: Apply complete! Resources: ${count} added, 0 changed, 0 destroyed.`);
      expect(result.stdout).toContain(`[${stack}] second plan: no changes (terraform plan -detailed-exitcode exit 0)`);
      expect(result.stdout).toMatch(new RegExp(`\\[${stack}\\] Global Accelerator calls: \\d+ \\(CreateAccelerator 1, `));
    }
    expect(result.stdout).toContain(`deploy:local: ${Object.keys(created).length} stack(s) deployed; servers stopped`);
  });

  it("leaves in the Global Accelerator API exactly the accelerators, listeners, groups, endpoints, weights, dials and attributes the config says", async () => {
    const model = loadModel({ SMART_ROUTING_CONFIG: config }).model!;
    for (const stack of model.stacks) {
      const held = result.api.ga.state().accelerators.filter((a) => a.Name === stack.accelerator.name);
      expect(held).toHaveLength(1);
      expect(configuredShape(held[0])).toEqual(shapeFromModel(stack, await lookedUpArns(aws, stack)));
      if (stack.accelerator.ipAddresses.length > 0) expect(staticIps(held[0]).slice(0, 2)).toEqual(stack.accelerator.ipAddresses);
      if (stack.accelerator.ipAddressType === "DUAL_STACK") expect(staticIps(held[0]).filter((ip) => ip.includes(":"))).toHaveLength(2);
    }
  });

  it("leaves in Route 53 an alias record per name to the accelerator (A, and AAAA for dual-stack), and Shield protecting it", async () => {
    const model = loadModel({ SMART_ROUTING_CONFIG: config }).model!;
    const protectedArns: string[] = await shieldProtectedArns(aws.s3);
    for (const stack of model.stacks) {
      const held = result.api.ga.state().accelerators.find((a) => a.Name === stack.accelerator.name)!;
      expect(protectedArns.includes(held.AcceleratorArn as string)).toBe(stack.accelerator.shield);
      if (stack.dns?.zone === undefined) continue;
      // From the API's own answer, not the model: the A records of an IPv4 accelerator point at its DNS name,
      // both records of a dual-stack one at its dual-stack name.
      const dualStack = stack.accelerator.ipAddressType === "DUAL_STACK";
      const target = String(dualStack ? held.DualStackDnsName : held.DnsName);
      type Record = { name: string; type: string; aliasTarget?: string };
      const byNameAndType = (x: Record, y: Record) => `${x.name} ${x.type}`.localeCompare(`${y.name} ${y.type}`);
      const records: Record[] = await recordSets(aws.s3, stack.dns.zone);
      const expected = stack.dns.records.map((r) => ({ name: r.name, type: r.type, aliasTarget: target }));
      expect(records.filter((r) => r.aliasTarget === target).sort(byNameAndType)).toEqual(expected.sort(byNameAndType));
    }
  });

  it("gives cdktf the synthesized cdk.tf.json byte for byte; fake keys live only in the files beside it, the endpoints in no file", () => {
    const reference = runSynth({ SMART_ROUTING_CONFIG: config });
    for (const stack of Object.keys(created)) {
      const deployed = readFileSync(join(result.dir, "cdktf.out", "stacks", stack, "cdk.tf.json"), "utf8");
      expect(deployed).toBe(reference.stackJson(stack));
      expect(deployed).not.toContain("127.0.0.1");
      const override = readFileSync(join(result.dir, "cdktf.out", "stacks", stack, "smart_routing_local_override.tf.json"), "utf8");
      expect(override).toContain('"access_key": "test"');
      expect(override).not.toContain("127.0.0.1");
    }
  });
});

describe("npm run destroy:local", () => {
  it("destroys an unprotected stack in the order the API requires and leaves no accelerator behind", () => {
    const result = runs.get("destroy")!;
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("[destroyable] cdktf destroy: Destroy complete! Resources: 4 destroyed. Changes, in order: DeleteEndpointGroup -> DeleteEndpointGroup -> DeleteListener -> UpdateAccelerator -> DeleteAccelerator");
    expect(result.api.ga.state().accelerators).toEqual([]);
    expect(result.api.ga.calls().filter((c) => c.operation === "CreateAccelerator")).toHaveLength(1);
    expect(result.stdout).toContain("destroy:local: 1 stack(s) deployed and destroyed; servers stopped");
  });

  it("is refused while prevent_destroy is on: exit 1, the reason and the fix, and the accelerator untouched", () => {
    const result = runs.get("destroy refused")!;
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      "[protected] cdktf destroy refused: the accelerator has prevent_destroy (its static IPs would be lost for ever); set accelerator.protectFromDestroy: false to allow it. Nothing was deleted (no delete or update call).",
    );
    expect(result.stdout).toContain("destroy:local: not destroyed: protected (see above); servers stopped");
    const accelerators = acceleratorsNamed(result.api, "protected");
    expect(accelerators).toHaveLength(1);
    expect(accelerators[0]).toMatchObject({ Enabled: true });
    expect(result.api.ga.calls().filter((c) => /^(Delete|Update)/.test(c.operation ?? "") && c.operation !== "UpdateAcceleratorAttributes")).toEqual([]);
  });
});

describe("npm run deploy:local, interrupted", () => {
  it("stops both servers it started on Ctrl-C (SIGINT) and exits 130", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smart-routing-deploy-local-"));
    const child = spawn(process.execPath, ["scripts/deploy-local.js"], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", SMART_ROUTING_CONFIG: undefined, SMART_ROUTING_DEPLOY_DIR: dir, SMART_ROUTING_S3_ENDPOINT: undefined, SMART_ROUTING_GA_ENDPOINT: undefined },
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const endpoints = await new Promise<string[]>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        stdout += d;
        const match = /local AWS API \(moto\) at (\S+); local Global Accelerator API at (\S+)/.exec(stdout);
        if (match) resolve([match[1], match[2]]);
      });
      child.on("exit", () => reject(new Error(`deploy:local ended before starting its servers:\n${stdout}${stderr}`)));
    });
    expect((await request(endpoints[0], "GET", "/")).status).toBe(200);
    expect((await request(endpoints[1], "GET", "/__control/calls")).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("deploy:local: stopped on SIGINT; both servers are stopped");
    for (const endpoint of endpoints) await expect(request(endpoint, "GET", "/")).rejects.toThrow(/ECONNREFUSED/);
  });
});
