// .github/workflows/terraform-plan.yml, its own steps run end to end on a pull request: the stacks job, one
// plan job per stack of `npm run -s stacks -- --json` (in parallel, real Terraform and provider, state in
// a versioned S3 bucket on moto), and the comment job, against a stand-in gh that keeps the comments.
// Only the `uses:` steps that install tools already here and the credentials are replaced; the test job
// (npm test) is what runs this file, so it is left out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadModel } from "../src/app";
import { DEFAULT_CONFIG_FILE, VARS, explain, fakeGh, fileIn, localAwsEnv, plain, runWorkflowFile, runnerEnv, step, type WorkflowRun } from "./support/workflows";
import { ROOT, runSynth } from "./support/run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startS3Server } = require("../scripts/lib/moto-server");
const { seedStack } = require("../scripts/lib/moto-fixtures");
/* eslint-enable @typescript-eslint/no-require-imports */

const LEAVE_OUT = { test: "the test job runs npm test, which runs this file" };
const pullRequest = (number: number, sha: string) => ({ event: { pull_request: { number, head: { sha } } }, ref: `refs/pull/${number}/merge`, ref_name: `${number}/merge` });

let s3: { endpoint: string; stop: () => Promise<void> };
let gh: ReturnType<typeof fakeGh>;
beforeAll(async () => {
  s3 = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  // Someone else's comment that happens to start with the marker is never the one updated.
  gh = fakeGh([{ id: 5, user: { login: "octocat" }, body: "<!-- smart-routing: terraform plan -->\nquoting the bot", repo: "acme/smart-routing", issue: 7 }]);
});
afterAll(async () => s3?.stop());

/** Seeds what the config's stacks read, then runs the plan workflow for a pull request. */
async function planWorkflow(config: string, extraFiles: Record<string, string>, pr: number, sha: string): Promise<WorkflowRun> {
  const file = extraFiles[config] !== undefined ? undefined : join(ROOT, config);
  const model = file === undefined ? loadModel({}).model! : loadModel({ SMART_ROUTING_CONFIG: file }).model!;
  for (const stack of model.stacks) await seedStack(s3.endpoint, stack);
  return runWorkflowFile("terraform-plan.yml", {
    event: "pull_request",
    github: pullRequest(pr, sha),
    vars: { ...VARS, SMART_ROUTING_CONFIG: config },
    extraFiles,
    awsEnv: localAwsEnv(s3.endpoint),
    env: runnerEnv(gh.env),
    pathDirs: [gh.bin],
    skipJobs: LEAVE_OUT,
  });
}

/** The default config is written as the user's config file: examples/ holds no copy of it. */
const DEFAULT = "smart-routing.yaml";
const SHA = { default: "1".repeat(40), full: "2".repeat(40) };
let defaultRun: WorkflowRun;
let fullRun: WorkflowRun;
beforeAll(async () => {
  // Two pull requests' runs at once, as two runners would (2 cores: Terraform waits on I/O and moto).
  [defaultRun, fullRun] = await Promise.all([
    planWorkflow(DEFAULT, DEFAULT_CONFIG_FILE, 7, SHA.default),
    planWorkflow("examples/full.yaml", {}, 8, SHA.full),
  ]);
});

describe.each([
  ["the default config", () => defaultRun, DEFAULT, 7, SHA.default, ["smart-routing"]],
  ["examples/full.yaml", () => fullRun, "examples/full.yaml", 8, SHA.full, ["ai-models-prod", "ai-models-dualstack"]],
])("terraform-plan.yml on a pull request, for %s", (_name, run, config, pr, sha, stacks) => {
  const plans = () => run().instances.filter((j) => j.jobId === "plan");

  it("runs the stacks job once and one plan job per stack `npm run stacks` lists, each green", () => {
    expect([run().results, explain(run())]).toEqual([{ test: "skipped", stacks: "success", plan: "success", comment: "success" }, expect.any(String)]);
    expect(run().instances.filter((j) => j.jobId === "stacks").map((j) => j.outputs)).toEqual([{ stacks: JSON.stringify(stacks) }]);
    expect(plans().map((j) => j.matrix)).toEqual(stacks.map((stack) => ({ stack })));
  });

  it("inits with the committed lock file read-only, plans, and gates the plan JSON, with the plan role from OIDC", () => {
    for (const job of plans()) {
      const stack = String(job.matrix?.stack);
      expect(plain(step(job, "init").output)).toContain("Terraform has been successfully initialized!");
      expect(plain(step(job, "plan").output)).toMatch(/\nPlan: \d+ to add, 0 to change, 0 to destroy\.\n/);
      expect(step(job, "gate").output).toContain(`Plan for ${stack}: `);
      expect(step(job, "gate").output).toMatch(/plan-gate: passed\n$/);
      expect(JSON.parse(fileIn(job, "plan.json")!).resource_changes.length).toBeGreaterThan(0);
      expect(fileIn(job, `cdktf.out/stacks/${stack}/.terraform.lock.hcl`)).toBe(readFileSync(join(ROOT, "terraform", ".terraform.lock.hcl"), "utf8"));
      expect(job.credentials).toEqual([{ role: VARS.TERRAFORM_PLAN_ROLE_ARN, subject: "repo:acme/smart-routing:pull_request", session: `terraform-plan-pr-${pr}` }]);
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    }
  });

  it("plans the synthesized JSON unchanged: the local endpoints come only from the environment, never from a file", () => {
    const reference = runSynth({ SMART_ROUTING_CONFIG: join(run().instances[0].workspace, config) });
    for (const job of plans()) {
      const stack = String(job.matrix?.stack);
      expect(fileIn(job, `cdktf.out/stacks/${stack}/cdk.tf.json`)).toBe(reference.stackJson(stack));
      expect(fileIn(job, `cdktf.out/stacks/${stack}/smart_routing_local_override.tf.json`)).toBeUndefined();
    }
  });

  it("puts the stack's gate Markdown in its job summary", () => {
    for (const job of plans()) {
      expect(job.summary).toMatch(new RegExp(`^### Terraform plan for \`${job.matrix?.stack}\`: ✅ plan gate passed\n\n\\d+ to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n`));
      expect(job.summary).toContain("| create | `aws_globalaccelerator_accelerator.accelerator` |  |");
    }
  });

  it("comments once on the pull request with every stack's summary, in the order of the stacks", () => {
    const comments = gh.state().comments.filter((c) => c.issue === pr && c.user.login === "github-actions[bot]");
    expect(comments).toHaveLength(1);
    const header = `<!-- smart-routing: terraform plan -->\n## Terraform plan of ${stacks.length} stack(s) at ${sha}\n\n`;
    const sections = plans().map((j) => `${j.summary}\n`).join("");
    expect(comments[0].body).toBe(`${header}${sections}[The run](https://github.com/acme/smart-routing/actions/runs/4242)\n`);
  });
});

describe("the pull request's comment", () => {
  const ours = () => gh.state().comments.filter((c) => c.issue === 7 && c.user.login === "github-actions[bot]");

  it("is updated in place on the next push, never someone else's comment that quotes the marker", async () => {
    const id = ours()[0].id;
    const again = await runWorkflowFile("terraform-plan.yml", {
      event: "pull_request",
      github: pullRequest(7, "3333333333333333333333333333333333333333"),
      vars: { ...VARS, SMART_ROUTING_CONFIG: DEFAULT },
      env: runnerEnv(gh.env),
      pathDirs: [gh.bin],
      skipJobs: LEAVE_OUT,
      // The stacks and plan jobs as they ran for the default config; only the comment job runs again.
      reuse: { stacks: defaultRun.needs.stacks, plan: defaultRun.needs.plan },
      artifacts: defaultRun.artifacts,
    });
    expect(again.results.comment).toBe("success");
    expect(ours().map((c) => c.id)).toEqual([id]);
    expect(gh.state().calls.filter((c) => c.method !== "GET").slice(-1)).toEqual([{ method: "PATCH", endpoint: `repos/acme/smart-routing/issues/comments/${id}` }]);
    expect(gh.state().comments.find((c) => c.id === 5)?.body).toBe("<!-- smart-routing: terraform plan -->\nquoting the bot");
    const summary = defaultRun.instances.find((j) => j.jobId === "plan")!.summary;
    expect(ours()[0].body).toBe(
      `<!-- smart-routing: terraform plan -->\n## Terraform plan of 1 stack(s) at 3333333333333333333333333333333333333333\n\n${summary}\n[The run](https://github.com/acme/smart-routing/actions/runs/4242)\n`,
    );
  });
});

describe("terraform-plan.yml when a stack cannot be planned", () => {
  it("fails that stack's job, says so in its summary and in the comment, and still plans the others", async () => {
    const config = {
      "two.yaml": readFileSync(join(ROOT, "examples", "multi-stack.yaml"), "utf8").replace(/bucket: acme-terraform-state/, "bucket: no-such-state-bucket"),
    };
    // multi-stack.yaml's stacks as in the file, except that the first one's state bucket does not exist.
    for (const stack of loadModel({ SMART_ROUTING_CONFIG: join(ROOT, "examples", "multi-stack.yaml") }).model!.stacks) await seedStack(s3.endpoint, stack);
    const failing = fakeGh();
    const run = await runWorkflowFile("terraform-plan.yml", {
      event: "pull_request",
      github: pullRequest(9, "4444444444444444444444444444444444444444"),
      vars: { ...VARS, SMART_ROUTING_CONFIG: "two.yaml" },
      extraFiles: config,
      awsEnv: localAwsEnv(s3.endpoint),
      env: runnerEnv(failing.env),
      pathDirs: [failing.bin],
      skipJobs: LEAVE_OUT,
    });
    expect(run.results).toEqual({ test: "skipped", stacks: "success", plan: "failure", comment: "success" });
    const [staging, prod] = ["llm-staging", "llm-prod"].map((s) => run.instances.find((j) => j.matrix?.stack === s)!);
    expect([staging.status, step(staging, "init").status, step(staging, "plan").status]).toEqual(["failure", "failure", "skipped"]);
    expect(step(staging, "init").output).toContain("no-such-state-bucket");
    expect(staging.summary).toBe("### Terraform plan for `llm-staging`: ❌ no plan\n\nTerraform failed before the plan gate could run; see the log of this job.\n");
    expect(prod.status).toBe("success");
    const body = failing.state().comments[0].body;
    expect(body).toContain(`${staging.summary}\n### Terraform plan for \`llm-prod\`: ✅ plan gate passed`);
  });
});
