// `npm run plan:local` end to end, as a user runs it: the default config and examples/full.yaml are
// synthesized, planned against a versioned S3 backend with use_lockfile on a local AWS API, and gated.
// The JSON Terraform reads is byte for byte what synth wrote (the local endpoints come from the
// environment, fake keys from an override file); lookups resolve in their own regions; DNS records plan in
// the hosted zone the local API holds, with the Shield protection; Ctrl-C stops the server it started.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { objectVersions, request, startS3Server } from "./support/local-aws";
import { ROOT, runSynth } from "./support/run";

let server: { endpoint: string; stop: () => Promise<void> };
beforeAll(async () => {
  server = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
});
afterAll(async () => server?.stop());

function planLocal(config: string | undefined) {
  const planDir = mkdtempSync(join(tmpdir(), "smart-routing-plan-local-"));
  const run = spawnSync(process.execPath, ["scripts/plan-local.js"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, SMART_ROUTING_CONFIG: config, SMART_ROUTING_PLAN_DIR: planDir, SMART_ROUTING_S3_ENDPOINT: server.endpoint },
  });
  return { ...run, planDir };
}

type Lookup = [stack: string, endpointGroup: string, regionAndName: string];
/** Per stack: the alias records it plans (address, name, type, the accelerator attribute they point at) and whether it plans a Shield protection. */
type Edge = Record<string, { records: [address: string, name: string, type: string, target: string][]; shield: boolean }>;

describe.each<[string, string | undefined, Record<string, string>, Lookup[], Edge]>([
  ["the embedded default", undefined, { "smart-routing": "smart-routing-terraform-state" }, [], { "smart-routing": { records: [], shield: false } }],
  [
    "examples/full.yaml",
    "examples/full.yaml",
    { "ai-models-prod": "acme-terraform-state", "ai-models-dualstack": "acme-terraform-state" },
    [
      ["ai-models-prod", "aws_globalaccelerator_endpoint_group.inference_us-east-1", "us-east-1/triton-use1"],
      ["ai-models-dualstack", "aws_globalaccelerator_endpoint_group.inference_us-west-2", "us-west-2/vllm-usw2"],
    ],
    {
      "ai-models-prod": {
        records: [
          ["aws_route53_record.A_api_example_com", "api.example.com", "A", "dns_name"],
          ["aws_route53_record.A_example_com", "example.com", "A", "dns_name"],
        ],
        shield: true,
      },
      "ai-models-dualstack": {
        records: [
          ["aws_route53_record.AAAA_ds_example_com", "ds.example.com", "AAAA", "dual_stack_dns_name"],
          ["aws_route53_record.A_ds_example_com", "ds.example.com", "A", "dual_stack_dns_name"],
        ],
        shield: false,
      },
    },
  ],
])("npm run plan:local on %s", (_name, config, buckets, lookups, edge) => {
  let run: ReturnType<typeof planLocal>;
  beforeAll(() => {
    run = planLocal(config);
  });

  it("plans every stack and the gate passes", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const stack of Object.keys(buckets)) {
      expect(run.stdout).toContain(`Plan for ${stack}:`);
      expect(readFileSync(join(run.planDir, stack, "summary.md"), "utf8")).toContain("✅ plan gate passed");
    }
    expect(run.stdout).toContain(`plan:local: ${Object.keys(buckets).length} stack(s) planned, gate passed`);
  });

  it("gives Terraform the synthesized cdk.tf.json byte for byte; test settings live only in the override file (fake keys), the backend-config file and the environment", () => {
    const reference = runSynth({ SMART_ROUTING_CONFIG: config });
    for (const stack of Object.keys(buckets)) {
      const planned = readFileSync(join(run.planDir, stack, "cdk.tf.json"), "utf8");
      expect(planned).toBe(reference.stackJson(stack));
      expect(planned).not.toContain("127.0.0.1");
      // The providers' endpoints come from AWS_ENDPOINT_URL, never from an endpoints block (seconds per plan).
      const override = readFileSync(join(run.planDir, stack, "smart_routing_local_override.tf.json"), "utf8");
      expect(override).toContain('"access_key": "test"');
      expect(override).not.toContain("endpoints");
      expect(readFileSync(join(run.planDir, stack, "local-backend.tfbackend"), "utf8")).toContain(server.endpoint);
      // init -lockfile=readonly left the committed lock file as it was
      expect(readFileSync(join(run.planDir, stack, ".terraform.lock.hcl"), "utf8")).toBe(readFileSync(join(ROOT, "terraform", ".terraform.lock.hcl"), "utf8"));
    }
  });

  it("resolves each load balancer lookup through its region's aliased provider to the one created in that region", () => {
    // The local API keeps regions apart: a lookup sent to another region would find nothing and fail the plan.
    const created = Object.fromEntries([...run.stdout.matchAll(/load balancer (\S+) in (\S+): (arn:\S+)/g)].map((m) => [`${m[2]}/${m[1]}`, m[3]]));
    expect(Object.keys(created).sort()).toEqual(lookups.map((l) => l[2]).sort());
    for (const [stack, address, key] of lookups) {
      const group = JSON.parse(readFileSync(join(run.planDir, stack, "plan.json"), "utf8")).resource_changes.find((rc: { address: string }) => rc.address === address);
      expect(group.change.after.endpoint_configuration.map((e: { endpoint_id: string }) => e.endpoint_id)).toContain(created[key]);
      expect(created[key]).toMatch(new RegExp(`^arn:aws:elasticloadbalancing:${key.split("/")[0]}:`));
    }
  });

  it("plans the custom domain's alias records in the hosted zone the local API holds, and the Shield protection on the accelerator", () => {
    const zones = Object.fromEntries([...run.stdout.matchAll(/\[(\S+)\] hosted zone (\S+): (\S+)/g)].map((m) => [m[1], { name: m[2], id: m[3] }]));
    for (const [stack, expected] of Object.entries(edge)) {
      const plan = JSON.parse(readFileSync(join(run.planDir, stack, "plan.json"), "utf8"));
      const changes = plan.resource_changes as { address: string; type: string; change: { actions: string[]; after: Record<string, unknown> } }[];
      const records = changes.filter((rc) => rc.type === "aws_route53_record").sort((a, b) => (a.address < b.address ? -1 : 1));
      expect(records.map((rc) => [rc.address, rc.change.after.name, rc.change.after.type])).toEqual(expected.records.map(([address, name, type]) => [address, name, type]));
      for (const rc of records) {
        // The zone's ID is known at plan time: the data source found the zone by name in the local API.
        expect(rc.change).toMatchObject({ actions: ["create"], after: { zone_id: zones[stack].id, alias: [{ zone_id: "Z2BJ6XQ5FK7U4H", evaluate_target_health: true }] } });
      }
      const reference = JSON.parse(readFileSync(join(run.planDir, stack, "cdk.tf.json"), "utf8"));
      for (const [address, , , target] of expected.records) {
        expect(reference.resource.aws_route53_record[address.split(".")[1]].alias.name).toBe(`\${aws_globalaccelerator_accelerator.accelerator.${target}}`);
      }
      const shield = changes.filter((rc) => rc.type === "aws_shield_protection");
      expect(shield.map((rc) => [rc.address, rc.change.actions, rc.change.after.name])).toEqual(expected.shield ? [["aws_shield_protection.accelerator", ["create"], `${stack}-accelerator`]] : []);
    }
    expect(Object.keys(zones).sort()).toEqual(Object.entries(edge).filter(([, e]) => e.records.length > 0).map(([stack]) => stack).sort());
  });

  it("took each stack's S3-native lock in its versioned state bucket", async () => {
    for (const [stack, bucket] of Object.entries(buckets)) {
      const key = JSON.parse(readFileSync(join(run.planDir, stack, "cdk.tf.json"), "utf8")).terraform.backend.s3.key;
      const locks = await objectVersions(server.endpoint, bucket, `${key}.tflock`);
      expect(locks.filter((v) => v.key === `${key}.tflock` && !v.deleteMarker).length).toBeGreaterThan(0);
    }
  });
});

describe("npm run plan:local, interrupted", () => {
  it("stops the S3 server it started on Ctrl-C (SIGINT) and exits 130", async () => {
    const planDir = mkdtempSync(join(tmpdir(), "smart-routing-plan-local-"));
    const child = spawn(process.execPath, ["scripts/plan-local.js"], {
      cwd: ROOT,
      env: { ...process.env, SMART_ROUTING_CONFIG: undefined, SMART_ROUTING_PLAN_DIR: planDir, SMART_ROUTING_S3_ENDPOINT: undefined },
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        stdout += d;
        const match = /local AWS API \(moto\) at (\S+)/.exec(stdout);
        if (match) resolve(match[1]);
      });
      child.on("exit", () => reject(new Error(`plan:local ended before starting its server:\n${stdout}${stderr}`)));
    });
    expect((await request(endpoint, "GET", "/")).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("plan:local: stopped on SIGINT");
    await expect(request(endpoint, "GET", "/")).rejects.toThrow(/ECONNREFUSED/);
  });
});
