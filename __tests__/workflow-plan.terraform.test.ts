// .github/workflows/terraform-plan.yml, its own steps run end to end on pull requests in a team's
// repository (a throwaway git repository of the project; each pull request adds a config, so every stack
// of it is new against the base): the stacks job (synth, the base fetched by SHA, the stacks the pull
// request changes), the removed-stacks check, one plan job per stack here (plan-stacks: real Terraform and
// provider, state in a versioned S3 bucket on moto), and the comment job against a stand-in gh that keeps
// the comments. Only the `uses:` steps that install tools already here and the credentials are replaced;
// the test job (npm test) is what runs this file, so it is left out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadModel } from "../src/app";
import { throwawayRepo } from "./support/git-repo";
import { DEFAULT_CONFIG_FILE, VARS, explain, fakeGh, fileIn, localAwsEnv, plain, runWorkflowFile, runnerEnv, step, type WorkflowRun } from "./support/workflows";
import { ROOT, runSynth } from "./support/run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startS3Server } = require("../scripts/lib/moto-server");
const { seedStack } = require("../scripts/lib/moto-fixtures");
const { MARKER } = require("../scripts/lib/plan-comment");
/* eslint-enable @typescript-eslint/no-require-imports */

const LEAVE_OUT = { test: "the test job runs npm test, which runs this file" };
const pullRequest = (number: number, base: string, sha: string, headSha = sha) => ({
  sha,
  ref: `refs/pull/${number}/merge`,
  ref_name: `${number}/merge`,
  event: { pull_request: { number, head: { sha: headSha }, base: { sha: base }, labels: [] } },
});

let s3: { endpoint: string; stop: () => Promise<void> };
let gh: ReturnType<typeof fakeGh>;
beforeAll(async () => {
  s3 = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  // Someone else's comment that happens to start with the marker is never the one updated.
  gh = fakeGh([{ id: 5, user: { login: "octocat" }, body: `${MARKER}\nquoting the bot`, repo: "acme/smart-routing", issue: 7 }]);
});
afterAll(async () => s3?.stop());

interface PullRequestRun {
  readonly run: WorkflowRun;
  readonly repo: string;
  readonly base: string;
  readonly head: string;
}

/**
 * A pull request that adds the config file `name`: seeds what the stacks of `seeded` (the same config,
 * unless a test wants something missing) read, then runs the plan workflow.
 */
async function planWorkflow(name: string, text: string, pr: number, ghStub = gh, seeded = text): Promise<PullRequestRun> {
  const repo = throwawayRepo({ "seeded.yaml": seeded });
  const base = repo.head();
  const head = repo.commit(`add ${name}`, { [name]: text });
  for (const stack of loadModel({ SMART_ROUTING_CONFIG: join(repo.dir, "seeded.yaml") }).model!.stacks) await seedStack(s3.endpoint, stack);
  const run = await runWorkflowFile("terraform-plan.yml", {
    event: "pull_request",
    repository: repo.dir,
    github: pullRequest(pr, base, head),
    vars: { ...VARS, SMART_ROUTING_CONFIG: name },
    awsEnv: localAwsEnv(s3.endpoint),
    env: runnerEnv(ghStub.env),
    pathDirs: [ghStub.bin],
    skipJobs: LEAVE_OUT,
  });
  return { run, repo: repo.dir, base, head };
}

const DEFAULT = Object.keys(DEFAULT_CONFIG_FILE)[0];
let defaultRun: PullRequestRun;
let fullRun: PullRequestRun;
beforeAll(async () => {
  // Two pull requests' runs at once, as two runners would (2 cores: Terraform waits on I/O and moto).
  [defaultRun, fullRun] = await Promise.all([
    planWorkflow(DEFAULT, Object.values(DEFAULT_CONFIG_FILE)[0], 7),
    planWorkflow("team.yaml", readFileSync(join(ROOT, "examples", "full.yaml"), "utf8"), 8),
  ]);
});

describe.each([
  ["the default config", () => defaultRun, DEFAULT, 7, ["smart-routing"]],
  ["examples/full.yaml", () => fullRun, "team.yaml", 8, ["ai-models-prod", "ai-models-dualstack"]],
])("terraform-plan.yml on a pull request that adds %s", (_name, pr, config, number, stacks) => {
  const run = () => pr().run;
  const plans = () => run().instances.filter((j) => j.jobId === "plan");

  it("runs the stacks job once, the removed-stacks check, and one plan job per new stack, each green", () => {
    expect([run().results, explain(run())]).toEqual([{ test: "skipped", stacks: "success", removed: "success", plan: "success", comment: "success" }, expect.any(String)]);
    expect(run().needs.stacks.outputs).toEqual({ matrix: JSON.stringify({ include: stacks.map((s) => ({ job: s, stacks: s })) }), count: String(stacks.length), removed: "[]", acknowledged: "false", base: pr().base });
    expect(plans().map((j) => j.matrix)).toEqual(stacks.map((stack) => ({ job: stack, stacks: stack })));
    const changes = step(run().instances.find((j) => j.jobId === "stacks")!, "changes").output;
    for (const stack of stacks) expect(changes).toContain(`stacks: ${stack}: new stack\n`);
  });

  it("inits with the committed lock file read-only, plans, and gates the plan JSON, with the plan role from OIDC", () => {
    for (const job of plans()) {
      const stack = String(job.matrix?.stacks);
      const output = plain(step(job, "plan").output);
      expect(output).toContain("Terraform has been successfully initialized!");
      expect(output).toMatch(/\nPlan: \d+ to add, 0 to change, 0 to destroy\.\n/);
      expect(JSON.parse(fileIn(job, `plans/${stack}/result.json`)!)).toMatchObject({ stack, status: "passed", exitCodes: { init: 0, plan: 0, show: 0, gate: 0 } });
      expect(fileIn(job, `cdktf.out/stacks/${stack}/.terraform.lock.hcl`)).toBe(readFileSync(join(ROOT, "terraform", ".terraform.lock.hcl"), "utf8"));
      // The plan JSON holds sensitive values unredacted: it stays out of the artifact.
      expect(fileIn(job, `plans/${stack}/plan.json`)).toBeUndefined();
      expect(job.credentials).toEqual([{ role: VARS.TERRAFORM_PLAN_ROLE_ARN, subject: "repo:acme/smart-routing:pull_request", session: `terraform-plan-pr-${number}` }]);
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    }
  });

  it("plans the synthesized JSON unchanged: the local endpoints come only from the environment, never from a file", () => {
    const reference = runSynth({ SMART_ROUTING_CONFIG: join(pr().repo, config) });
    for (const job of plans()) {
      const stack = String(job.matrix?.stacks);
      expect(fileIn(job, `cdktf.out/stacks/${stack}/cdk.tf.json`)).toBe(reference.stackJson(stack));
      expect(fileIn(job, `cdktf.out/stacks/${stack}/smart_routing_local_override.tf.json`)).toBeUndefined();
    }
  });

  it("puts the stack's gate Markdown in its job summary", () => {
    for (const job of plans()) {
      expect(job.summary).toMatch(new RegExp(`^### Terraform plan for \`${job.matrix?.stacks}\`: ✅ plan gate passed\n\n\\d+ to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n`));
      expect(job.summary).toContain("| create | `aws_globalaccelerator_accelerator.accelerator` |  |");
    }
  });

  it("comments once on the pull request: the table of the planned stacks, then each one's summary", () => {
    const comments = gh.state().comments.filter((c) => c.issue === number && c.user.login === "github-actions[bot]");
    expect(comments).toHaveLength(1);
    const body = comments[0].body;
    expect(body.startsWith(`${MARKER}\n## Terraform plan of ${stacks.length} of ${stacks.length} stack${stacks.length === 1 ? "" : "s"} at ${pr().head} (base ${pr().base})\n`)).toBe(true);
    for (const stack of stacks) expect(body).toMatch(new RegExp(`^\\| \`${stack}\` \\| ✅ passed \\| \\d+ \\| 0 \\| 0 \\| 0 \\| – \\|$`, "m"));
    for (const job of plans()) expect(body).toContain(job.summary.trim());
    expect(body.endsWith("[The run](https://github.com/acme/smart-routing/actions/runs/4242)\n")).toBe(true);
  });
});

describe("the pull request's comment", () => {
  const ours = () => gh.state().comments.filter((c) => c.issue === 7 && c.user.login === "github-actions[bot]");

  it("is updated in place on the next push, never someone else's comment that quotes the marker", async () => {
    const id = ours()[0].id;
    const again = await runWorkflowFile("terraform-plan.yml", {
      event: "pull_request",
      repository: defaultRun.repo,
      github: pullRequest(7, defaultRun.base, defaultRun.head, "3".repeat(40)),
      vars: { ...VARS, SMART_ROUTING_CONFIG: DEFAULT },
      env: runnerEnv(gh.env),
      pathDirs: [gh.bin],
      skipJobs: { ...LEAVE_OUT, removed: "ran with the stacks job before" },
      // The stacks and plan jobs as they ran for the default config; only the comment job runs again.
      reuse: { stacks: defaultRun.run.needs.stacks, plan: defaultRun.run.needs.plan },
      artifacts: defaultRun.run.artifacts,
    });
    expect(again.results.comment).toBe("success");
    expect(ours().map((c) => c.id)).toEqual([id]);
    expect(gh.state().calls.filter((c) => c.method !== "GET").slice(-1)).toEqual([{ method: "PATCH", endpoint: `repos/acme/smart-routing/issues/comments/${id}` }]);
    expect(gh.state().comments.find((c) => c.id === 5)?.body).toBe(`${MARKER}\nquoting the bot`);
    expect(ours()[0].body).toContain(`at ${"3".repeat(40)} (base ${defaultRun.base})`);
  });
});

describe("terraform-plan.yml when a stack cannot be planned", () => {
  it("fails that stack's job, says so in its summary and in the comment, and still plans the others", async () => {
    const failing = fakeGh();
    // multi-stack.yaml's stacks as in the file, except that the first one's state bucket does not exist.
    const original = readFileSync(join(ROOT, "examples", "multi-stack.yaml"), "utf8");
    const { run } = await planWorkflow("two.yaml", original.replace(/bucket: acme-terraform-state/, "bucket: no-such-state-bucket"), 9, failing, original);
    expect(run.results).toEqual({ test: "skipped", stacks: "success", removed: "success", plan: "failure", comment: "success" });
    const [staging, prod] = ["llm-staging", "llm-prod"].map((s) => run.instances.find((j) => j.matrix?.stacks === s)!);
    expect([staging.status, step(staging, "plan").status]).toEqual(["failure", "failure"]);
    expect(step(staging, "plan").output).toContain("no-such-state-bucket");
    expect(JSON.parse(fileIn(staging, "plans/llm-staging/result.json")!)).toMatchObject({ status: "no-plan", exitCodes: { plan: null } });
    expect(staging.summary).toBe("### Terraform plan for `llm-staging`: ❌ no plan\n\nTerraform failed before the plan gate could run; see the log of this job.\n\n");
    expect(prod.status).toBe("success");
    const body = failing.state().comments[0].body;
    // The failing stack leads the table and the details.
    expect(body).toMatch(/^\| `llm-staging` \| ❌ no plan \|/m);
    expect(body.indexOf("| `llm-staging` |")).toBeLessThan(body.indexOf("| `llm-prod` |"));
    expect(body.indexOf(staging.summary.trim())).toBeLessThan(body.indexOf("### Terraform plan for `llm-prod`"));
  });
});
