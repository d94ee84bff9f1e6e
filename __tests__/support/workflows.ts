// Running the repository's GitHub Actions workflows here (scripts/lib/workflow-run.js), against the local
// AWS APIs: what a runner and GitHub provide comes from outside the workflows, as the environment of the
// steps (the local endpoints, the backend's local settings via TF_CLI_ARGS_init, the Terraform CLI config of
// this machine) and as a stand-in `gh` (support/fake-gh.js) that keeps comments and deployments in a file.
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { DEFAULT_CONFIG } from "../../src/config/default-config";
import { backendConfig } from "../../src/local-aws/terraform-overrides";
import { ROOT } from "./run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { runWorkflow } = require("../../scripts/lib/workflow-run");
const { terraformAvailability, terraformEnv } = require("../../scripts/lib/terraform");
/* eslint-enable @typescript-eslint/no-require-imports */

export const WORKFLOWS = join(ROOT, ".github", "workflows");

export interface StepResult {
  readonly name: string;
  readonly id?: string;
  readonly status: "success" | "failure" | "skipped";
  readonly output: string;
  readonly note?: string;
}

/** The job (and its matrix entry) that called the workflow a job instance belongs to. */
export interface Caller {
  readonly jobId: string;
  /** As GitHub's UI names it: "apply (1)". */
  readonly label: string;
  readonly matrix?: Record<string, unknown>;
  /** The file of the calling workflow. */
  readonly workflow: string;
  /** The caller's own caller, for a workflow called by a called workflow. */
  readonly caller?: Caller;
}

export interface JobInstance {
  readonly jobId: string;
  /** As GitHub's UI names it: "plan (a)", "plan a" for `name: plan ${{ matrix.stack }}", "apply (1) / apply a" in a called workflow. */
  readonly label: string;
  readonly matrix?: Record<string, unknown>;
  /** Set for a job of a called workflow: the job that called it. */
  readonly caller?: Caller;
  readonly workspace: string;
  readonly environment?: string;
  readonly concurrency: unknown;
  readonly permissions: unknown;
  readonly status: "success" | "failure" | "skipped";
  readonly steps: StepResult[];
  readonly summary: string;
  readonly outputs: Record<string, string>;
  readonly annotations: string[];
  readonly credentials: { role: string; subject: string; session: string }[];
}

export interface WorkflowRun {
  readonly instances: JobInstance[];
  readonly results: Record<string, string>;
  readonly needs: Record<string, { result: string; outputs: Record<string, string> }>;
  readonly artifacts: string;
}

/** The repository variables a user sets; SMART_ROUTING_CONFIG names a file of the checkout. */
export const VARS = {
  TERRAFORM_PLAN_ROLE_ARN: "arn:aws:iam::123456789012:role/terraform-plan",
  TERRAFORM_APPLY_ROLE_ARN: "arn:aws:iam::123456789012:role/terraform-apply",
};

/** The embedded default config as a file of the user's repository (the workflows refuse to plan the embedded one). */
export const DEFAULT_CONFIG_FILE = { "smart-routing.yaml": stringify(DEFAULT_CONFIG) };

/** What the stand-in for configure-aws-credentials exports besides the fake keys: where the local APIs are. */
export function localAwsEnv(s3: string, globalAccelerator?: string): Record<string, string> {
  const file = join(mkdtempSync(join(tmpdir(), "smart-routing-backend-")), "local.tfbackend");
  writeFileSync(file, `${backendConfig(s3)}\n`);
  return {
    AWS_ENDPOINT_URL: s3,
    ...(globalAccelerator !== undefined && { AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR: globalAccelerator }),
    AWS_EC2_METADATA_DISABLED: "true",
    // The S3 backend's local settings (path-style, skip flags) for every terraform init of the run.
    TF_CLI_ARGS_init: `-backend-config=${file}`,
  };
}

/** The environment of a runner here: PATH, HOME, and this machine's Terraform CLI config (its provider mirror, if any). */
export function runnerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { TF_CLI_CONFIG_FILE } = terraformEnv(terraformAvailability().mirror);
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8", TF_CLI_CONFIG_FILE, ...extra };
}

export interface GitHubComment {
  readonly id: number;
  readonly user: { login: string };
  readonly body: string;
  readonly repo: string;
  readonly issue: number;
}

/** A deployment status, as GET .../deployments/{id}/statuses answers it. */
export interface GitHubDeploymentStatus {
  readonly id: number;
  readonly state: "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";
  readonly description: string;
  readonly environment: string;
  readonly log_url: string;
  readonly environment_url: string;
}

/** A deployment, as GET /repos/{owner}/{repo}/deployments answers it, with its statuses (newest first). */
export interface GitHubDeployment {
  readonly id: number;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly environment: string;
  readonly original_environment: string;
  readonly description: string;
  readonly payload: unknown;
  readonly transient_environment: boolean;
  readonly production_environment: boolean;
  readonly statuses: GitHubDeploymentStatus[];
}

/** A deployment made before the run: its repository, commit and environment, and its statuses, oldest first. */
export interface DeploymentSeed {
  readonly repo: string;
  readonly sha: string;
  readonly environment: string;
  readonly task?: string;
  readonly ref?: string;
  readonly description?: string;
  readonly payload?: unknown;
  readonly transient_environment?: boolean;
  readonly production_environment?: boolean;
  readonly statuses?: { state: GitHubDeploymentStatus["state"]; description?: string; environment?: string }[];
}

/**
 * A stand-in `gh` on PATH for `gh api` (support/fake-gh.js): issue comments and deployments with their
 * statuses, kept in a JSON file with every call. It needs GH_TOKEN, as gh does. With `repository` (a git
 * repository), the refs of new deployments are checked in it; without, only full commit SHAs are refs.
 */
export function fakeGh(seed: GitHubComment[] = [], options: { deployments?: DeploymentSeed[]; repository?: string } = {}) {
  const bin = mkdtempSync(join(tmpdir(), "smart-routing-fake-gh-"));
  const stateFile = join(bin, "state.json");
  const created = "2026-01-01T00:00:00Z";
  let statusId = 1;
  const deployments = (options.deployments ?? []).map((d, index) => ({
    repo: d.repo,
    id: index + 1,
    node_id: `DE_seed${index + 1}`,
    sha: d.sha,
    ref: d.ref ?? d.sha,
    task: d.task ?? "deploy",
    payload: d.payload ?? "",
    original_environment: d.environment,
    environment: d.environment,
    description: d.description ?? "",
    creator: { login: "github-actions[bot]", id: 41898282, type: "Bot" },
    created_at: created,
    updated_at: created,
    transient_environment: d.transient_environment ?? false,
    production_environment: d.production_environment ?? d.environment === "production",
  }));
  const statuses = (options.deployments ?? []).flatMap((d, index) =>
    (d.statuses ?? []).map((s) => ({
      repo: d.repo,
      deployment_id: index + 1,
      id: statusId++,
      node_id: `DES_seed${statusId}`,
      state: s.state,
      creator: { login: "github-actions[bot]", id: 41898282, type: "Bot" },
      description: s.description ?? "",
      environment: s.environment ?? d.environment,
      target_url: "",
      log_url: "",
      environment_url: "",
      created_at: created,
      updated_at: created,
    })),
  );
  writeFileSync(stateFile, JSON.stringify({ comments: seed, nextId: 1001, calls: [], deployments, statuses, nextDeploymentId: deployments.length + 1, nextStatusId: statusId }));
  copyFileSync(join(__dirname, "fake-gh.js"), join(bin, "gh"));
  chmodSync(join(bin, "gh"), 0o755);
  const read = () => JSON.parse(readFileSync(stateFile, "utf8"));
  return {
    bin,
    env: { FAKE_GH_STATE: stateFile, ...(options.repository !== undefined && { FAKE_GH_REPOSITORY: options.repository }) },
    state: (): { comments: GitHubComment[]; calls: { method: string; endpoint: string }[] } => read(),
    /** The deployments of a repository (owner/name), newest first, each with its statuses, newest first. */
    deployments: (repo: string): GitHubDeployment[] => {
      const { deployments: all, statuses: every } = read() as { deployments: (GitHubDeployment & { repo: string })[]; statuses: (GitHubDeploymentStatus & { deployment_id: number })[] };
      return all
        .filter((d) => d.repo === repo)
        .sort((a, b) => b.id - a.id)
        .map(({ repo: _repo, ...d }) => ({
          ...d,
          statuses: every
            .filter((s) => s.deployment_id === d.id)
            .sort((a, b) => b.id - a.id)
            .map(({ id, state, description, environment, log_url, environment_url }) => ({ id, state, description, environment, log_url, environment_url })),
        }));
    },
  };
}

export interface RunOptions {
  readonly event: string;
  readonly vars?: Record<string, string>;
  readonly inputs?: Record<string, unknown>;
  readonly secrets?: Record<string, string>;
  /** A git repository: each actions/checkout clones it at github.sha (default: its HEAD) with the step's fetch-depth. */
  readonly repository?: string;
  readonly github?: Record<string, unknown>;
  readonly awsEnv?: Record<string, string>;
  readonly env?: NodeJS.ProcessEnv;
  readonly extraFiles?: Record<string, string>;
  readonly skipJobs?: Record<string, string>;
  readonly pathDirs?: string[];
  readonly reuse?: WorkflowRun["needs"];
  readonly artifacts?: string;
}

/** Runs a workflow of .github/workflows here. */
export function runWorkflowFile(name: string, options: RunOptions): Promise<WorkflowRun> {
  return runWorkflow(join(WORKFLOWS, name), { root: ROOT, ...options, env: options.env ?? runnerEnv() });
}

/** A step of a job instance by its id, or fails the test naming the steps there are. */
export function step(job: JobInstance, id: string): StepResult {
  const found = job.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`${job.label} has no step ${id}; its steps: ${job.steps.map((s) => s.id ?? s.name).join(", ")}`);
  return found;
}

/** What a failed run says, for a test's failure message. */
export function explain(run: WorkflowRun): string {
  return run.instances
    .map((j) => `${j.label}: ${j.status}\n${[...j.annotations.filter((a) => a.startsWith("::error")).map((a) => `  ${a}`), ...j.steps.map((s) => `  ${s.status} ${s.name}${s.status === "failure" ? `\n${s.output.slice(-4000)}` : ""}`)].join("\n")}`)
    .join("\n");
}

/** Output without the ANSI colours Terraform writes (GitHub's log shows them; tests read the text). */
export const plain = (output: string) => output.replace(/\x1b\[[0-9;]*m/g, "");

export const fileIn = (job: JobInstance, file: string) => (existsSync(join(job.workspace, file)) ? readFileSync(join(job.workspace, file), "utf8") : undefined);
