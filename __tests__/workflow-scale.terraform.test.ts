// CI at internet scale, proven by running the workflows' own steps (scripts/lib/workflow-run.js) in a
// team's repository: a throwaway git repository holding the project and a 300-stack config, checked out
// shallow as a runner does, each pull request a real commit against a real base. A pull request that
// changes one stack's dial plans exactly that stack (real Terraform and provider against moto, one job)
// and comments on it; one that changes a default in the code plans every stack that takes it and no
// other; one that changes the provider lock file plans all 300 in at most 256 jobs covering each once; a
// removed stack fails its check until acknowledged; the drift and apply workflows cover every stack in
// at most 256 jobs, apply in batches of at most 256; and 1,000 stacks' results give a comment within
// GitHub's 65,536 characters. Only the jobs a test is about run; the rest are left out and say why.
/* eslint-disable @typescript-eslint/no-explicit-any -- configs are edited here as the plain data a YAML file holds */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadModel } from "../src/app";
import { fleetConfig, throwawayRepo, type GitRepo } from "./support/git-repo";
import { VARS, explain, fakeGh, fileIn, localAwsEnv, runWorkflowFile, runnerEnv, step, type WorkflowRun } from "./support/workflows";
import { ROOT } from "./support/run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startS3Server } = require("../scripts/lib/moto-server");
const { seedStack } = require("../scripts/lib/moto-fixtures");
const { expandMatrix, substitute } = require("../scripts/lib/workflow-run");
const { COMMENT_LIMIT, MARKER } = require("../scripts/lib/plan-comment");
/* eslint-enable @typescript-eslint/no-require-imports */

const CONFIG = "fleet.yaml";
const LEFT_OUT = { test: "the test job runs npm test, which runs this file" };
const names = (n: number, pick: (i: number) => boolean = () => true) =>
  Array.from({ length: n }, (_, i) => `fleet-${String(i).padStart(3, "0")}`).filter((_, i) => pick(i));

/** Even stacks name the health check's threshold; odd ones take the code's default. */
const explicitEven = (s: any[]) => s.forEach((stack, i) => i % 2 === 0 && stack.listeners[0].endpointGroups.forEach((g: any) => (g.healthCheck = { thresholdCount: 3 })));
// fleet-137 is planned with real Terraform: its provider admits moto's account.
const fleet = (change: (s: any[]) => void = () => {}) => fleetConfig(300, (s) => (explicitEven(s), (s[137].allowedAccountIds = ["123456789012"]), change(s)));

const pullRequest = (number: number, base: string, head: string, labels: string[] = []) => ({
  sha: head,
  ref: `refs/pull/${number}/merge`,
  ref_name: `${number}/merge`,
  event: { pull_request: { number, head: { sha: head }, base: { sha: base }, labels: labels.map((name) => ({ name })) } },
});

/** The jobs a matrix job expands to, from the outputs its needs gave. */
function matrixOf(file: string, job: string, run: WorkflowRun): Record<string, string>[] {
  const workflow = parse(readFileSync(join(ROOT, ".github", "workflows", file), "utf8"));
  return expandMatrix(substitute(workflow.jobs[job].strategy.matrix, { contexts: { needs: run.needs } }), job);
}
const stacksIn = (jobs: Record<string, string>[]) => jobs.flatMap((j) => j.stacks.split(" "));

let s3: { endpoint: string; stop: () => Promise<void> };
let repo: GitRepo;
let base: string;
beforeAll(async () => {
  s3 = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  repo = throwawayRepo({ [CONFIG]: fleet() });
  base = repo.git("rev-parse", "HEAD").trim();
});
afterAll(async () => s3?.stop());

/** A pull request's head: a branch from the base with these files changed, committed. */
function branch(name: string, files: Record<string, string>): string {
  repo.git("checkout", "-q", "-b", name, base);
  const head = repo.commit(name, files);
  repo.git("checkout", "-q", "main");
  return head;
}

function planWorkflow(pr: ReturnType<typeof pullRequest>, gh: ReturnType<typeof fakeGh>, skip: Record<string, string> = {}) {
  return runWorkflowFile("terraform-plan.yml", {
    event: "pull_request",
    repository: repo.dir,
    github: pr,
    vars: { ...VARS, SMART_ROUTING_CONFIG: CONFIG },
    awsEnv: localAwsEnv(s3.endpoint),
    env: runnerEnv(gh.env),
    pathDirs: [gh.bin],
    skipJobs: { ...LEFT_OUT, ...skip },
  } as any);
}

describe("terraform-plan.yml on a pull request against a 300-stack config", () => {
  it("plans exactly the stack whose dial it changes, in one job, with real Terraform, and comments on that stack", async () => {
    const head = branch("dial", { [CONFIG]: fleet((s) => (s[137].listeners[0].endpointGroups[0].trafficDialPercentage = 60)) });
    const stack = loadModel({ SMART_ROUTING_CONFIG: join(repo.dir, CONFIG) }).model!.stacks.find((s) => s.name === "fleet-137")!;
    await seedStack(s3.endpoint, stack);
    const gh = fakeGh();
    const run = await planWorkflow(pullRequest(11, base, head), gh);
    expect([run.results, explain(run)]).toEqual([{ test: "skipped", stacks: "success", removed: "success", plan: "success", comment: "success" }, expect.any(String)]);
    expect(run.needs.stacks.outputs).toMatchObject({ count: "1", removed: "[]" });
    const plans = run.instances.filter((j) => j.jobId === "plan");
    expect(plans.map((j) => j.matrix)).toEqual([{ job: "fleet-137", stacks: "fleet-137" }]);
    expect(JSON.parse(fileIn(plans[0], "plans/fleet-137/result.json")!)).toMatchObject({ stack: "fleet-137", status: "passed" });
    expect(step(plans[0], "plan").output).toContain("fleet-137");
    expect(plans[0].summary).toMatch(/^### Terraform plan for `fleet-137`: ✅ plan gate passed\n/);
    const comments = gh.state().comments.filter((c) => c.issue === 11);
    expect(comments).toHaveLength(1);
    expect(comments[0].body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(comments[0].body).toContain("`fleet-137`");
    expect(comments[0].body).not.toMatch(/fleet-(?!137)\d{3}/);
  });

  it("plans every stack a default changed in the code affects and no other, in one job each", async () => {
    const file = "src/config/defaults.ts";
    const head = branch("default", { [file]: repo.read(file).replace("thresholdCount: 3 }", "thresholdCount: 2 }") });
    const run = await planWorkflow(pullRequest(12, base, head), fakeGh(), { plan: "150 plans: the stacks job's matrix is the point", comment: "needs the plans" });
    expect([run.results.stacks, explain(run)]).toEqual(["success", expect.any(String)]);
    const jobs = matrixOf("terraform-plan.yml", "plan", run);
    expect(stacksIn(jobs)).toEqual(names(300, (i) => i % 2 === 1));
    expect(jobs).toHaveLength(150);
  });

  it("plans all 300 stacks in at most 256 jobs, each stack once, when the provider lock file changes", async () => {
    const lock = "terraform/.terraform.lock.hcl";
    const head = branch("lock", { [lock]: `${repo.read(lock)}\n` });
    const run = await planWorkflow(pullRequest(13, base, head), fakeGh(), { plan: "300 plans: the stacks job's matrix is the point", comment: "needs the plans" });
    const jobs = matrixOf("terraform-plan.yml", "plan", run);
    expect(jobs.length).toBe(256);
    expect(stacksIn(jobs)).toEqual(names(300));
  });

  it("fails the removed-stacks check for a removed stack until the label remove-stacks acknowledges it, and says so in the comment", async () => {
    const head = branch("remove", { [CONFIG]: fleet((s) => s.splice(299, 1)) });
    const gh = fakeGh();
    const run = await planWorkflow(pullRequest(14, base, head), gh);
    expect([run.results, explain(run)]).toEqual([{ test: "skipped", stacks: "success", removed: "failure", plan: "skipped", comment: "success" }, expect.any(String)]);
    const check = run.instances.find((j) => j.jobId === "removed")!;
    expect(check.annotations).toEqual([expect.stringMatching(/^::error title=Stacks removed::This pull request removes fleet-299 from the config\. .*add the label remove-stacks to this pull request\.$/)]);
    const body = gh.state().comments.find((c) => c.issue === 14)!.body;
    expect(body).toContain("fleet-299");

    const acknowledged = await planWorkflow(pullRequest(14, base, head, ["remove-stacks"]), gh);
    expect(acknowledged.results).toMatchObject({ stacks: "success", removed: "success", comment: "success" });
    expect(acknowledged.instances.find((j) => j.jobId === "removed")!.steps[0].output).toBe("Removed, acknowledged with the label remove-stacks: fleet-299\n");
  });
});

describe("terraform-drift.yml on a 300-stack config", () => {
  it("checks every stack, in at most 256 jobs covering each stack once", async () => {
    const run = await runWorkflowFile("terraform-drift.yml", {
      event: "schedule",
      repository: repo.dir,
      github: { sha: base },
      vars: { ...VARS, SMART_ROUTING_CONFIG: CONFIG },
      skipJobs: { drift: "300 drift checks: the matrix is the point" },
    } as any);
    const jobs = matrixOf("terraform-drift.yml", "drift", run);
    expect(jobs.length).toBe(256);
    expect(stacksIn(jobs)).toEqual(names(300));
  });
});

describe("terraform-apply.yml on a 300-stack config with no apply recorded", () => {
  it("applies every stack, one job each, in batches of at most 256", async () => {
    const gh = fakeGh();
    const run = await runWorkflowFile("terraform-apply.yml", {
      event: "push",
      repository: repo.dir,
      github: { sha: base },
      vars: { ...VARS, SMART_ROUTING_CONFIG: CONFIG },
      env: runnerEnv(gh.env),
      pathDirs: [gh.bin],
      skipJobs: { apply: "300 applies: the batches are the point" },
    } as any);
    expect([run.results.stacks, explain(run)]).toEqual(["success", expect.any(String)]);
    const batches = matrixOf("terraform-apply.yml", "apply", run);
    expect(batches.map((b) => [b.batch, JSON.parse(b.stacks).length])).toEqual([
      ["1", 256],
      ["2", 44],
    ]);
    expect(batches.flatMap((b) => JSON.parse(b.stacks))).toEqual(names(300));
  });
});

describe("the pull-request comment for 1,000 stacks", () => {
  it("fits GitHub's limit, leads with the table, puts failing and destructive plans first, and counts what it left out", async () => {
    // 1,000 stacks' results as plan-stacks leaves them, from the gate's own rendering of real plans.
    const artifacts = join(repo.dir, "..", `artifacts-${Date.now()}`);
    const planned = Array.from({ length: 1000 }, (_, i) => `fleet-${String(i).padStart(4, "0")}`);
    const kinds = ["passed", "passed", "failed", "passed", "no-plan"] as const;
    planned.forEach((stack, i) => {
      const kind = kinds[i % kinds.length];
      const dir = join(artifacts, `plans-${Math.floor(i / 4)}`, stack);
      mkdirSync(dir, { recursive: true });
      const counts = kind === "failed" ? { create: 0, update: 1, replace: 1, delete: 0, move: 0 } : { create: 4, update: 0, replace: 0, delete: 0, move: 0 };
      const summary =
        kind === "no-plan"
          ? `### Terraform plan for \`${stack}\`: ❌ no plan\n\nTerraform failed before the plan gate could run; see the log of this job.\n`
          : `### Terraform plan for \`${stack}\`: ${kind === "failed" ? "❌ plan gate failed" : "✅ plan gate passed"}\n\n${"| create | `aws_globalaccelerator_endpoint_group.inference_us-east-1` |  |\n".repeat(8)}`;
      writeFileSync(join(dir, "summary.md"), summary);
      writeFileSync(join(dir, "result.json"), JSON.stringify({ stack, status: kind, counts: kind === "no-plan" ? null : counts, destructive: kind === "failed", capacityWarnings: [] }));
    });
    writeFileSync(join(artifacts, "changes.json"), JSON.stringify({ changed: planned.map((name) => ({ name, reason: "new stack", base })), removed: [], total: 1000, acknowledged: false }));
    mkdirSync(join(artifacts, "stack-changes"));
    writeFileSync(join(artifacts, "stack-changes", "changes.json"), readFileSync(join(artifacts, "changes.json")));
    const gh = fakeGh();
    const head = repo.git("rev-parse", "HEAD").trim();
    const run = await runWorkflowFile("terraform-plan.yml", {
      event: "pull_request",
      repository: repo.dir,
      github: pullRequest(15, base, head),
      vars: { ...VARS, SMART_ROUTING_CONFIG: CONFIG },
      env: runnerEnv(gh.env),
      pathDirs: [gh.bin],
      skipJobs: { ...LEFT_OUT, removed: "not about removals" },
      reuse: { stacks: { result: "success", outputs: { count: "1000", removed: "[]", acknowledged: "false", matrix: "{}" } }, plan: { result: "failure", outputs: {} } },
      artifacts,
    } as any);
    expect([run.results.comment, explain(run)]).toEqual(["success", expect.any(String)]);
    const body = gh.state().comments.find((c) => c.issue === 15)!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    // The table comes before any stack's details.
    const table = body.indexOf("| Stack | Verdict | Create | Update | Replace | Delete | Capacity warnings |");
    expect(table).toBeGreaterThan(0);
    expect(table).toBeLessThan(body.indexOf("### Terraform plan for"));
    // The failing rows (failed, no plan) first, in the config's order, then the ones that passed.
    const rows = [...body.matchAll(/^\| `(fleet-\d{4})` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]);
    const failing = planned.filter((_, i) => ["failed", "no-plan"].includes(kinds[i % kinds.length]));
    expect(rows.slice(0, 400)).toEqual(failing.map((stack) => [stack, kinds[planned.indexOf(stack) % kinds.length] === "failed" ? "❌ failed" : "❌ no plan"]));
    expect(rows.slice(400).every((r) => r[1] === "✅ passed")).toBe(true);
    // Nothing lost silently: the details shown and the count left out add up to every stack.
    const shown = body.match(/^### Terraform plan for /gm)!.length;
    const left = /Left out to fit GitHub's limit of 65,536 characters per comment: (?:([\d,]+) table rows? \(the last in the order above\) and )?the details of ([\d,]+) stacks?/.exec(body)!;
    expect(Number((left[1] ?? "0").replace(/,/g, "")) + rows.length).toBe(1000);
    expect(Number(left[2].replace(/,/g, "")) + shown).toBe(1000);
  });
});
