// .github/workflows/terraform-apply.yml and terraform-drift.yml, their own steps run end to end with real
// Terraform and provider against the local Global Accelerator API and moto (S3 state, served from this
// process): the apply workflow applies the default config on a push to main (no apply recorded yet)
// and, run again by hand for the stack, finds nothing to change; the daily drift check passes, then fails with the drift in its summary once a
// traffic dial is changed behind Terraform's back (an UpdateEndpointGroup call, as the console makes),
// and applies nothing either way; and a plan that would destroy the accelerator stops at the gate, so the
// apply never runs. The steps build on each other, as the life of a stack does.
import { join } from "node:path";
import { loadModel } from "../src/app";
import { DEFAULT_CONFIG } from "../src/config/default-config";
import type { RecordedCall } from "../src/local-aws/global-accelerator";
import { acceleratorsNamed, configuredShape, endpointGroupIn, shapeFromModel, startLocalAws, type LocalAws } from "./support/deploy";
import { request } from "./support/local-aws";
import { DEFAULT_CONFIG_FILE, VARS, explain, fakeGh, localAwsEnv, plain, runWorkflowFile, runnerEnv, step, type JobInstance, type WorkflowRun } from "./support/workflows";
/* eslint-disable @typescript-eslint/no-require-imports */
const { seedStack } = require("../scripts/lib/moto-fixtures");
const { terraformAsync } = require("../scripts/lib/terraform");
/* eslint-enable @typescript-eslint/no-require-imports */

const STACK = DEFAULT_CONFIG.stacks[0].name;
const CONFIG = Object.keys(DEFAULT_CONFIG_FILE)[0];
let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws(0);
  await seedStack(aws.s3, loadModel({}).model!.stacks[0]);
});
afterAll(async () => aws?.stop());

const groupIn = (region: string) => endpointGroupIn(aws, STACK, region);

const changes = (calls: RecordedCall[]) => calls.filter((c) => c.status === 200 && /^(Create|Update|Delete|Tag|Untag)/.test(c.operation ?? "")).map((c) => c.operation);

// GitHub's API: the apply records what it applied as deployments, and a push reads them.
const gh = fakeGh();

/** Runs a workflow against the local APIs; resolves the run, its one matrix job and the API calls it made. */
async function run(file: string, event: string, job: string, inputs?: Record<string, string>): Promise<{ run: WorkflowRun; job: JobInstance; calls: RecordedCall[] }> {
  const before = aws.ga.calls().length;
  const ran = await runWorkflowFile(file, {
    event,
    inputs,
    github: { ref: "refs/heads/main", ref_name: "main" },
    vars: { ...VARS, SMART_ROUTING_CONFIG: CONFIG },
    extraFiles: DEFAULT_CONFIG_FILE,
    awsEnv: localAwsEnv(aws.s3, aws.ga.endpoint),
    env: runnerEnv(gh.env),
    pathDirs: [gh.bin],
  });
  const jobs = ran.instances.filter((j) => j.jobId === job);
  if (jobs.length !== 1) throw new Error(`expected one ${job} job:\n${explain(ran)}`);
  return { run: ran, job: jobs[0], calls: aws.ga.calls().slice(before) };
}

describe("terraform-apply.yml on a push to main", () => {
  it("applies the stack in its environment with the apply role: exactly the objects the config says", async () => {
    const { run: ran, job, calls } = await run("terraform-apply.yml", "push", "apply");
    expect([ran.results, explain(ran)]).toEqual([{ stacks: "success", apply: "success", record: "success" }, expect.any(String)]);
    expect(job.environment).toBe(STACK);
    expect(job.concurrency).toBe(`terraform-apply-${STACK}`);
    expect(job.credentials).toEqual([{ role: VARS.TERRAFORM_APPLY_ROLE_ARN, subject: `repo:acme/smart-routing:environment:${STACK}`, session: "terraform-apply-4242" }]);
    expect(plain(step(job, "apply").output)).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    // The default config steers no group: the clamp after the apply has nothing to do, and says so.
    expect([step(job, "clamp").status, plain(step(job, "clamp").output).trim()]).toEqual(["success", `${STACK} steers no endpoint group: nothing to clamp.`]);
    expect(changes(calls).filter((op) => op === "CreateAccelerator")).toEqual(["CreateAccelerator"]);
    const held = acceleratorsNamed(aws, STACK);
    expect(held).toHaveLength(1);
    expect(configuredShape(held[0])).toEqual(shapeFromModel(loadModel({}).model!.stacks[0], new Map()));
    expect(job.summary).toMatch(new RegExp(`^### Terraform plan for \`${STACK}\`: ✅ plan gate passed\n\n4 to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n`));
    expect(job.summary).toMatch(/\n\*\*Applied:\*\* Apply complete! Resources: 4 added, 0 changed, 0 destroyed\.\n$/);
  });

  it("run again by hand for the stack, re-plans to no changes and changes nothing", async () => {
    const { job, calls } = await run("terraform-apply.yml", "workflow_dispatch", "apply", { stack: STACK });
    expect(job.status).toBe("success");
    expect(plain(step(job, "plan").output)).toContain("No changes. Your infrastructure matches the configuration.");
    expect(changes(calls)).toEqual([]);
    expect(job.summary).toContain("0 to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n\nNo changes.\n");
    expect(job.summary).toMatch(/\*\*Applied:\*\* Apply complete! Resources: 0 added, 0 changed, 0 destroyed\.\n$/);
  });
});

describe("terraform-drift.yml, scheduled", () => {
  it("passes when what AWS holds matches the config, with the plan role from the default branch's ref", async () => {
    const { run: ran, job, calls } = await run("terraform-drift.yml", "schedule", "drift");
    expect([ran.results, explain(ran)]).toEqual([{ stacks: "success", drift: "success" }, expect.any(String)]);
    expect(job.credentials).toEqual([{ role: VARS.TERRAFORM_PLAN_ROLE_ARN, subject: "repo:acme/smart-routing:ref:refs/heads/main", session: "terraform-drift-4242" }]);
    expect(job.summary).toBe(`### \`${STACK}\`: no drift\n\nWhat AWS holds matches the config.\n\n`);
    expect(changes(calls)).toEqual([]);
  });

  it("fails with the drift in its summary when a dial was changed behind Terraform's back, and puts nothing back", async () => {
    const group = groupIn("us-east-1");
    // What the console does: an UpdateEndpointGroup call, signed for the API's region.
    const console = await request(aws.ga.endpoint, "POST", "/", JSON.stringify({ EndpointGroupArn: group.EndpointGroupArn, TrafficDialPercentage: 40 }), {
      authorization: "AWS4-HMAC-SHA256 Credential=AKIACONSOLE/20260101/us-west-2/globalaccelerator/aws4_request, SignedHeaders=host, Signature=0",
      "x-amz-target": "GlobalAccelerator_V20180706.UpdateEndpointGroup",
      "content-type": "application/x-amz-json-1.1",
    });
    expect(console.status).toBe(200);

    const { run: ran, job, calls } = await run("terraform-drift.yml", "schedule", "drift");
    expect(ran.results).toEqual({ stacks: "success", drift: "failure" });
    expect(step(job, "drift").status).toBe("failure");
    expect(job.summary).toMatch(new RegExp(`^### ⚠️ Drift in \`${STACK}\`\n\nWhat AWS holds differs from the config: it was changed outside Terraform`));
    expect(job.summary).toContain("| update | `aws_globalaccelerator_endpoint_group.inference_us-east-1` | traffic dial 40% → 100% |");
    expect(job.annotations).toEqual([`::error title=Drift in ${STACK}::What AWS holds differs from the config; see the job summary.`]);
    // It never applies: the dial is still what the console set.
    expect(changes(calls)).toEqual([]);
    expect(groupIn("us-east-1").TrafficDialPercentage).toBe(40);
    lastDrift = job;
  });
});

let lastDrift: JobInstance;

describe("terraform-apply.yml with a plan that would destroy the accelerator", () => {
  it("stops at the gate: the apply step never runs, and the accelerator, its ARN and its IPs stay", async () => {
    const [before] = acceleratorsNamed(aws, STACK);
    // A refactor that changed the accelerator's address without a moved block, as seen from the state.
    const dir = join(lastDrift.workspace, "cdktf.out", "stacks", STACK);
    const env = { ...runnerEnv(), ...localAwsEnv(aws.s3, aws.ga.endpoint), AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-west-2", CHECKPOINT_DISABLE: "1" };
    // plan-stacks removed the provider it installed (hundreds of MB per stack on a runner): install it again.
    const init = await terraformAsync(["init", "-input=false", "-lockfile=readonly"], { cwd: dir, env });
    expect(init.status).toBe(0);
    const moved = await terraformAsync(["state", "mv", "-lock-timeout=60s", "aws_globalaccelerator_accelerator.accelerator", "aws_globalaccelerator_accelerator.before_refactor"], { cwd: dir, env });
    expect([moved.status, moved.stderr]).toEqual([0, ""]);

    const { run: ran, job, calls } = await run("terraform-apply.yml", "workflow_dispatch", "apply", { stack: STACK });
    expect(ran.results).toEqual({ stacks: "success", apply: "failure", record: "success" });
    expect([step(job, "plan").status, step(job, "gate").status, step(job, "apply").status]).toEqual(["success", "failure", "skipped"]);
    expect(step(job, "gate").output).toContain("aws_globalaccelerator_accelerator.before_refactor: delete: the accelerator is always protected");
    expect(job.summary).toContain("❌ plan gate failed");
    expect(job.summary).toMatch(/\*\*Not applied:\*\* see the log of this job\.\n$/);
    expect(changes(calls)).toEqual([]);
    const [after] = acceleratorsNamed(aws, STACK);
    expect([after.AcceleratorArn, after.Enabled, after.IpSets]).toEqual([before.AcceleratorArn, true, before.IpSets]);
  });
});
