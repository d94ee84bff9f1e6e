// The local AWS API (moto) and Terraform working folders for the plan tests: one server per test file,
// each folder initialized once against its S3 backend, plans run with -refresh=false (no Global
// Accelerator API here) and read back as JSON.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../../src/app";
import { BACKEND_CONFIG_FILE, localEndpointEnvironment, localRehearsalFiles } from "../../src/local-aws/terraform-overrides";
import type { StackModel } from "../../src/model/model";
import { runSynth } from "./run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { terraformAvailability, terraformEnv, terraform, terraformAsync } = require("../../scripts/lib/terraform");
const { startS3Server, request } = require("../../scripts/lib/moto-server");
const { seedStack } = require("../../scripts/lib/moto-fixtures");
const { prepareWorkdir } = require("../../scripts/lib/local-plan");
/* eslint-enable @typescript-eslint/no-require-imports */

export { terraformAsync, request, startS3Server };
export const env: NodeJS.ProcessEnv = terraformEnv(terraformAvailability().mirror);

export interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Each working folder's environment: the local endpoints come from it, not from an endpoints block (see initWorkdir). */
const folderEnvironments = new Map<string, NodeJS.ProcessEnv>();

/** The environment terraform runs with in a folder initWorkdir made (else the plain one). */
export function envFor(dir: string): NodeJS.ProcessEnv {
  return folderEnvironments.get(dir) ?? env;
}

export function tf(dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Result {
  return terraform(args, { cwd: dir, env: { ...envFor(dir), ...extraEnv } });
}

export interface SynthesizedStack {
  /** The folder of its cdk.tf.json. */
  readonly dir: string;
  readonly model: StackModel;
}

/** Synthesizes a config (undefined: the embedded default) into a folder of its own; returns one stack of it. */
export function synthStack(stack: string, config?: unknown): SynthesizedStack {
  let file: string | undefined;
  if (config !== undefined) {
    file = join(mkdtempSync(join(tmpdir(), "smart-routing-config-")), "config.json");
    writeFileSync(file, JSON.stringify(config));
  }
  const run = runSynth({ SMART_ROUTING_CONFIG: file });
  if (run.status !== 0) throw new Error(`synth failed: ${run.stderr}`);
  const model = loadModel({ SMART_ROUTING_CONFIG: file }).model?.stacks.find((s) => s.name === stack);
  if (model === undefined) throw new Error(`the config has no stack ${stack}`);
  return { dir: join(run.outdir, "stacks", stack), model };
}

/** A working folder for a synthesized stack against the server, seeded and initialized; returns it. */
export async function initWorkdir(stack: SynthesizedStack, endpoint: string): Promise<string> {
  const workdir = join(mkdtempSync(join(tmpdir(), "smart-routing-plan-")), "stack");
  // As plan:local does: fake keys in the files, the endpoint in the environment (an endpoints block costs the
  // provider seconds per configured provider in every command).
  prepareWorkdir(stack.dir, workdir, (json: Parameters<typeof localRehearsalFiles>[0]) => localRehearsalFiles(json, endpoint, {}, "environment"));
  folderEnvironments.set(workdir, localEndpointEnvironment(env, endpoint));
  await seedStack(endpoint, stack.model);
  const init = tf(workdir, ["init", "-input=false", "-no-color", "-lockfile=readonly", `-backend-config=${BACKEND_CONFIG_FILE}`]);
  if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stdout}${init.stderr}`);
  return workdir;
}

/** plan -refresh=false -out, then show -json; the plan JSON and the plan run's output. */
export function planJson(workdir: string): { plan: Result; json: string } {
  const plan = tf(workdir, ["plan", "-input=false", "-no-color", "-refresh=false", "-out=tfplan"]);
  if (plan.status !== 0) return { plan, json: "" };
  const show = tf(workdir, ["show", "-json", "-no-color", "tfplan"]);
  if (show.status !== 0) throw new Error(`terraform show failed: ${show.stderr}`);
  // SMART_ROUTING_RECORD_PLANS=<dir> keeps each plan for the gate's fixtures (__tests__/fixtures/plans).
  const record = process.env.SMART_ROUTING_RECORD_PLANS;
  if (record) writeFileSync(join(record, `${expect.getState().currentTestName?.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.json`), show.stdout);
  return { plan, json: show.stdout };
}

export async function putObject(endpoint: string, bucket: string, key: string, body: string): Promise<void> {
  const put = await request(endpoint, "PUT", `/${bucket}/${key}`, body);
  if (put.status !== 200) throw new Error(`PUT ${key}: ${put.status} ${put.body}`);
}

/** Every version and delete marker of keys under a prefix, oldest first per key: { key, versionId, deleteMarker }. */
export async function objectVersions(endpoint: string, bucket: string, prefix: string): Promise<{ key: string; versionId: string; deleteMarker: boolean }[]> {
  const listed = await request(endpoint, "GET", `/${bucket}?versions&prefix=${encodeURIComponent(prefix)}`);
  const entries = [...listed.body.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)].map((m) => ({
    key: /<Key>([^<]*)<\/Key>/.exec(m[2])?.[1] ?? "",
    versionId: /<VersionId>([^<]*)<\/VersionId>/.exec(m[2])?.[1] ?? "",
    deleteMarker: m[1] === "DeleteMarker",
  }));
  return entries;
}
