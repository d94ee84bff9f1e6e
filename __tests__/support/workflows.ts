// Running the repository's GitHub Actions workflows here (scripts/lib/workflow-run.js), against the local
// AWS APIs: what a runner and GitHub provide comes from outside the workflows, as the environment of the
// steps (the local endpoints, the backend's local settings via TF_CLI_ARGS_init, the Terraform CLI config of
// this machine) and as a stand-in `gh` that keeps pull-request comments in a file.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

export interface JobInstance {
  readonly jobId: string;
  readonly label: string;
  readonly matrix?: Record<string, unknown>;
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

/**
 * A stand-in `gh` on PATH for `gh api` on issue comments: GET (with --paginate and --jq, through the real
 * jq), POST and PATCH, kept in a JSON file with every call. It needs GH_TOKEN, as gh does.
 */
export function fakeGh(seed: GitHubComment[] = []) {
  const bin = mkdtempSync(join(tmpdir(), "smart-routing-fake-gh-"));
  const stateFile = join(bin, "state.json");
  writeFileSync(stateFile, JSON.stringify({ comments: seed, nextId: 1001, calls: [] }));
  writeFileSync(join(bin, "gh"), FAKE_GH);
  chmodSync(join(bin, "gh"), 0o755);
  return {
    bin,
    env: { FAKE_GH_STATE: stateFile },
    state: (): { comments: GitHubComment[]; calls: { method: string; endpoint: string }[] } => JSON.parse(readFileSync(stateFile, "utf8")),
  };
}

const FAKE_GH = `#!/usr/bin/env node
const fs = require("fs");
const { spawnSync } = require("child_process");
const file = process.env.FAKE_GH_STATE;
const state = JSON.parse(fs.readFileSync(file, "utf8"));
const die = (m) => { process.stderr.write(m + "\\n"); process.exit(1); };
if (!process.env.GH_TOKEN) die("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.");
const args = process.argv.slice(2);
if (args[0] !== "api") die("fake gh: only gh api is faked, received " + args.join(" "));
let method, endpoint, jq;
const fields = {};
for (let i = 1; i < args.length; i++) {
  const a = args[i];
  if (a === "--method" || a === "-X") method = args[++i];
  else if (a === "--paginate") continue;
  else if (a === "--jq" || a === "-q") jq = args[++i];
  else if (a === "-F" || a === "--field") {
    const [key, ...rest] = args[++i].split("=");
    const value = rest.join("=");
    fields[key] = value.startsWith("@") ? fs.readFileSync(value.slice(1), "utf8") : value;
  } else if (endpoint === undefined) endpoint = a;
  else die("fake gh: unexpected argument " + a);
}
method = method || (Object.keys(fields).length > 0 ? "POST" : "GET"); // gh api: fields make a POST
state.calls.push({ method, endpoint });
const list = /^repos\\/([^/]+\\/[^/]+)\\/issues\\/(\\d+)\\/comments$/.exec(endpoint);
const one = /^repos\\/([^/]+\\/[^/]+)\\/issues\\/comments\\/(\\d+)$/.exec(endpoint);
let out;
if (method === "GET" && list) {
  out = state.comments.filter((c) => c.repo === list[1] && c.issue === Number(list[2])).map(({ id, user, body }) => ({ id, user, body }));
} else if (method === "POST" && list) {
  out = { id: state.nextId++, user: { login: "github-actions[bot]" }, body: fields.body, repo: list[1], issue: Number(list[2]) };
  state.comments.push(out);
} else if (method === "PATCH" && one) {
  out = state.comments.find((c) => c.repo === one[1] && c.id === Number(one[2]));
  if (!out) die("gh: Not Found (HTTP 404)");
  out.body = fields.body;
} else die("fake gh: no fake for " + method + " " + endpoint);
fs.writeFileSync(file, JSON.stringify(state));
const json = JSON.stringify(out);
if (jq === undefined) process.stdout.write(json + "\\n");
else {
  const r = spawnSync("jq", ["-r", jq], { input: json, encoding: "utf8" });
  if (r.status !== 0) die(r.stderr);
  process.stdout.write(r.stdout);
}
`;

export interface RunOptions {
  readonly event: string;
  readonly vars?: Record<string, string>;
  readonly inputs?: Record<string, string>;
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
    .map((j) => `${j.label}: ${j.status}\n${j.steps.map((s) => `  ${s.status} ${s.name}${s.status === "failure" ? `\n${s.output.slice(-4000)}` : ""}`).join("\n")}`)
    .join("\n");
}

/** Output without the ANSI colours Terraform writes (GitHub's log shows them; tests read the text). */
export const plain = (output: string) => output.replace(/\x1b\[[0-9;]*m/g, "");

export const fileIn = (job: JobInstance, file: string) => (existsSync(join(job.workspace, file)) ? readFileSync(join(job.workspace, file), "utf8") : undefined);
