// terraform-apply.yml on pushes to main, run with its own steps in a team's repository (a throwaway git
// repository, checked out with its history as the stacks job asks), real Terraform and provider against
// the local Global Accelerator API and moto, and a stand-in gh that keeps GitHub's deployments: the first
// push applies every stack (none has a recorded apply) through the called workflow
// terraform-apply-stacks.yml, one job per stack in its environment, and records the run's commit per
// stack (one deployment per run); a push that
// changes one stack's dial applies that stack only; a push that changes no stack's output applies nothing;
// and a stack whose apply failed is applied again by the next push, though that push changed nothing of it.
/* eslint-disable @typescript-eslint/no-explicit-any -- configs are edited here as the plain data a YAML file holds */
import { parse, stringify } from "yaml";
import { loadModel } from "../src/app";
import { DEFAULT_CONFIG } from "../src/config/default-config";
import { endpointGroupIn, startLocalAws, type LocalAws } from "./support/deploy";
import { throwawayRepo, type GitRepo } from "./support/git-repo";
import { VARS, explain, fakeGh, localAwsEnv, runWorkflowFile, runnerEnv, step, type WorkflowRun } from "./support/workflows";
import { join } from "node:path";
/* eslint-disable @typescript-eslint/no-require-imports */
const { seedStack } = require("../scripts/lib/moto-fixtures");
/* eslint-enable @typescript-eslint/no-require-imports */

const CONFIG = "models.yaml";
const STACKS = ["models-a", "models-b"];

/** Two copies of the default stack; `dials` sets the first group's dial per stack. */
function config(dials: Record<string, number> = {}): string {
  const stack = DEFAULT_CONFIG.stacks[0] as any;
  return stringify({
    ...DEFAULT_CONFIG,
    stacks: STACKS.map((name) => ({
      ...stack,
      name,
      accelerator: { ...stack.accelerator, name },
      listeners: stack.listeners.map((l: any) => ({ ...l, endpointGroups: l.endpointGroups.map((g: any, i: number) => (i === 0 && dials[name] !== undefined ? { ...g, trafficDialPercentage: dials[name] } : g)) })),
    })),
  });
}

let aws: LocalAws;
let repo: GitRepo;
let gh: ReturnType<typeof fakeGh>;
beforeAll(async () => {
  aws = await startLocalAws(0);
  repo = throwawayRepo({ [CONFIG]: config() });
  for (const stack of loadModel({ SMART_ROUTING_CONFIG: join(repo.dir, CONFIG) }).model!.stacks) await seedStack(aws.s3, stack);
  gh = fakeGh();
});
afterAll(async () => aws?.stop());

function push(sha: string, vars: Record<string, string> = VARS): Promise<WorkflowRun> {
  return runWorkflowFile("terraform-apply.yml", {
    event: "push",
    repository: repo.dir,
    github: { sha, ref: "refs/heads/main", ref_name: "main" },
    vars: { ...vars, SMART_ROUTING_CONFIG: CONFIG },
    awsEnv: localAwsEnv(aws.s3, aws.ga.endpoint),
    env: runnerEnv(gh.env),
    pathDirs: [gh.bin],
  } as any);
}

/** The stacks a run applied (its called workflow's jobs). */
const appliedBy = (run: WorkflowRun) => run.instances.filter((j) => j.environment !== undefined).map((j) => j.environment);
/** The runs' records, newest first: each maps every stack to the commit it was last applied at. */
const recordsOf = () => gh.deployments("acme/smart-routing").filter((d: any) => d.task === "smart-routing:apply");
/** The newest record, as the stacks job reads it. */
const records = () => (recordsOf()[0] as any)?.payload.applied;

describe("terraform-apply.yml on pushes to main", () => {
  let first: string;
  it("applies every stack on the first push (none has a recorded apply), each in its environment, and records the commit", async () => {
    first = repo.git("rev-parse", "HEAD").trim();
    const run = await push(first);
    expect([run.results, explain(run)]).toEqual([{ stacks: "success", apply: "success", record: "success" }, expect.any(String)]);
    expect(appliedBy(run).sort()).toEqual(STACKS);
    for (const job of run.instances.filter((j) => j.environment !== undefined)) {
      expect(job.credentials).toEqual([{ role: VARS.TERRAFORM_APPLY_ROLE_ARN, subject: `repo:acme/smart-routing:environment:${job.environment}`, session: "terraform-apply-4242" }]);
      expect(job.concurrency).toBe(`terraform-apply-${job.environment}`);
    }
    expect(records()).toEqual({ "models-a": first, "models-b": first });
  });

  it("applies only the stack whose dial a push changed, and records it", async () => {
    const second = repo.commit("models-b at 40%", { [CONFIG]: config({ "models-b": 40 }) });
    const run = await push(second);
    expect([run.results, explain(run)]).toEqual([{ stacks: "success", apply: "success", record: "success" }, expect.any(String)]);
    expect(appliedBy(run)).toEqual(["models-b"]);
    expect(endpointGroupIn(aws, "models-b", "us-west-1").TrafficDialPercentage).toBe(40);
    expect(records()).toEqual({ "models-a": first, "models-b": second });
    // One record per run that applied something, at that run's commit.
    expect(recordsOf().map((d: any) => [d.sha, d.environment])).toEqual([
      [second, "smart-routing-applies"],
      [first, "smart-routing-applies"],
    ]);
  });

  it("applies nothing on a push that changes no stack's output", async () => {
    const third = repo.commit("docs only", { "NOTES.md": "nothing Terraform reads\n" });
    const run = await push(third);
    expect(run.results).toEqual({ stacks: "success", apply: "skipped", record: "success" });
    expect(step(run.instances.find((j) => j.jobId === "record")!, "record").output).toBe("Nothing was applied and no stack was removed: nothing to record.\n");
    expect(appliedBy(run)).toEqual([]);
  });

  it("applies a stack whose apply failed on the next push, though that push changed nothing of it", async () => {
    const before = records();
    const fourth = repo.commit("models-a at 30%", { [CONFIG]: config({ "models-a": 30, "models-b": 40 }) });
    // The stack's environment lost its role variable: its job fails before Terraform runs, nothing is recorded.
    const { TERRAFORM_APPLY_ROLE_ARN: _unset, ...withoutRole } = VARS;
    const failed = await push(fourth, withoutRole);
    expect(failed.results).toEqual({ stacks: "success", apply: "failure", record: "success" });
    expect(appliedBy(failed)).toEqual(["models-a"]);
    expect(records()).toEqual(before);
    expect(endpointGroupIn(aws, "models-a", "us-west-1").TrafficDialPercentage).toBe(100);

    const fifth = repo.commit("docs again", { "NOTES.md": "still nothing Terraform reads\n" });
    const run = await push(fifth);
    expect([run.results, explain(run)]).toEqual([{ stacks: "success", apply: "success", record: "success" }, expect.any(String)]);
    expect(appliedBy(run)).toEqual(["models-a"]);
    expect(endpointGroupIn(aws, "models-a", "us-west-1").TrafficDialPercentage).toBe(30);
    expect(records()).toEqual({ ...before, "models-a": fifth });
  });

  it("warns once about a stack the config no longer has, and drops it from the record", async () => {
    const current = parse(config({ "models-a": 30, "models-b": 40 }));
    const onlyA = stringify({ ...current, stacks: current.stacks.slice(0, 1) });
    const sixth = repo.commit("models-b removed (acknowledged in its pull request)", { [CONFIG]: onlyA });
    const run = await push(sixth);
    expect([run.results, explain(run)]).toEqual([{ stacks: "success", apply: "skipped", record: "success" }, expect.any(String)]);
    const stacksJob = run.instances.find((j) => j.jobId === "stacks")!;
    expect(stacksJob.annotations).toEqual([expect.stringMatching(/^::warning title=Stack removed: models-b::models-b is no longer in the config; its accelerator, static IP addresses and state \(last applied at [0-9a-f]{40}\) are not managed by this workflow any more\.$/)]);
    expect(Object.keys(records())).toEqual(["models-a"]);

    const seventh = repo.commit("docs once more", { "NOTES.md": "and again\n" });
    const again = await push(seventh);
    expect(again.instances.find((j) => j.jobId === "stacks")!.annotations).toEqual([]);
  });
});
