// A stack's life in CI, rehearsed with real Terraform and the real provider, with every AWS call it
// makes recorded per phase: plan (init, a plan of the new stack, a plan of the deployed one with its
// change, a plan of its destroy), apply (the saved plans applied: the create, then the change) and destroy
// (the saved destroy plan applied). Global Accelerator calls come from the local API's own record (it
// keeps the signing scope), the rest (S3 state and lock, DynamoDB lock, STS, ELB lookups, Route 53,
// Shield, SSM) from a recording proxy in front of moto. The backend asks STS for the account as CI's does: the rehearsal
// files skip that, which would hide calls a real run makes.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { startGlobalAcceleratorApi } from "../../src/local-aws/global-accelerator";
import { BACKEND_CONFIG_FILE } from "../../src/local-aws/terraform-overrides";
import type { StackModel } from "../../src/model/model";
import { startAwsRecorder } from "./aws-recorder";
import { defaultConfigNamed, prepare, terraform, type Deployment, type LocalAws } from "./deploy";
import { fromGlobalAccelerator, fromWire, shieldTagTracker, type AwsCall } from "./iam-requests";
import { ROOT } from "./run";

export const PHASES = ["plan", "apply", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

export interface LaneSpec {
  /** A config file under the project root, or undefined for the embedded default. */
  readonly config: string | undefined;
  readonly stack: string;
  /** How the lane's stack differs from its config file's before anything runs; omitted, it is the file's. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly start?: (stack: any) => void;
  /** What the apply phase changes once the stack exists; omitted, the apply phase only creates it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly change?: (stack: any) => void;
}

export interface RecordedLane {
  readonly model: StackModel;
  /** The model after the change (the config the destroy ran with, protection aside). */
  readonly changedModel: StackModel;
  readonly calls: Readonly<Record<Phase, readonly AwsCall[]>>;
  /** Each Terraform command and how long it took, for the report. */
  readonly steps: readonly { readonly phase: Phase; readonly command: string; readonly ms: number }[];
}

/** The config a lane starts from, as an object (the embedded default's stack keeps its name), before its `start`. */
function configOf(spec: LaneSpec): Record<string, unknown> {
  if (spec.config === undefined) return defaultConfigNamed(spec.stack) as Record<string, unknown>;
  return parse(readFileSync(join(ROOT, spec.config), "utf8")) as Record<string, unknown>;
}

/** The config with the lane's stack edited (a deep copy). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function edited(config: Record<string, unknown>, stack: string, edit: (stack: any) => void): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config));
  edit(copy.stacks.find((s: { name: string }) => s.name === stack));
  return copy;
}

/** The config a lane runs with first: its file's, or the embedded default's, with its `start` made. */
export function laneConfig(spec: LaneSpec): Record<string, unknown> {
  return spec.start === undefined ? configOf(spec) : edited(configOf(spec), spec.stack, spec.start);
}

/** The backend-config file as CI's backend has it: without the skips that keep the backend from asking STS. */
function likeCi(d: Deployment): Deployment {
  const file = join(d.dir, BACKEND_CONFIG_FILE);
  const lines = readFileSync(file, "utf8").split("\n");
  writeFileSync(file, lines.filter((line) => !/^skip_(credentials_validation|requesting_account_id)\b/.test(line)).join("\n"));
  return d;
}

/**
 * Runs one stack's plan, apply and destroy against moto (`moto`: its endpoint, shared; each lane has a
 * recording proxy of its own in front of it) and a Global Accelerator API of the lane's own, and returns
 * the calls of each phase. `loadBalancers` is shared between lanes that seed moto (several may look up one).
 */
export async function recordLane(moto: string, spec: LaneSpec, loadBalancers: Map<string, string>): Promise<RecordedLane> {
  const recorder = await startAwsRecorder(moto);
  const ga = await startGlobalAcceleratorApi({ deployDelayMs: 0 });
  const aws: LocalAws = { s3: recorder.endpoint, ga, loadBalancers, stop: async () => {} };
  const calls: Record<Phase, AwsCall[]> = { plan: [], apply: [], destroy: [] };
  const steps: { phase: Phase; command: string; ms: number }[] = [];
  // Shield's aws:ResourceTag: the tags each protection has, followed through the lane's calls in order.
  const withTags = shieldTagTracker();
  try {
    const original = laneConfig(spec);
    let d = likeCi(await prepare(aws, original, spec.stack));
    const model = d.model;
    const step = async (phase: Phase, [command, ...args]: string[]) => {
      const [wire, accelerator, started] = [recorder.calls().length, ga.calls().length, Date.now()];
      const result = await terraform(d, [command, "-input=false", "-no-color", ...args]);
      if (result.status !== 0) throw new Error(`terraform ${command} of ${spec.stack} failed:\n${result.stdout}${result.stderr}`);
      steps.push({ phase, command: `terraform ${[command, ...args].join(" ")}`, ms: Date.now() - started });
      calls[phase].push(...recorder.calls().slice(wire).map((c) => withTags(fromWire(c))), ...ga.calls().slice(accelerator).map(fromGlobalAccelerator));
    };
    // As CI runs them: a saved plan is applied, so an apply's own calls are those of its apply walk (a
    // `terraform apply` without a plan file first makes the calls of a plan, which the plan phase has).
    await step("plan", ["init", "-lockfile=readonly"]);
    await step("plan", ["plan", "-lock-timeout=5m", "-out=tfplan"]);
    await step("apply", ["apply", "tfplan"]);
    const changed = spec.change === undefined ? original : edited(original, spec.stack, spec.change);
    // prevent_destroy is Terraform's own: turning it off for the destroy calls nothing.
    d = likeCi(await prepare(aws, edited(changed, spec.stack, (s) => (s.accelerator.protectFromDestroy = false)), spec.stack, d.outdir));
    // A plan of the deployed stack reads every resource back: with a change, it plans that change.
    if (spec.change !== undefined) {
      await step("plan", ["plan", "-lock-timeout=5m", "-out=tfplan"]);
      await step("apply", ["apply", "tfplan"]);
    }
    // The destroy as CI would run it: planned (which reads every resource back too, so a lane without a
    // change needs no plan of its own for that), then the saved plan applied.
    await step("plan", ["plan", "-destroy", "-lock-timeout=5m", "-out=tfplan"]);
    await step("destroy", ["apply", "tfplan"]);
    return { model, changedModel: d.model, calls, steps };
  } finally {
    await ga.stop();
    await recorder.stop();
  }
}

/** phase -> service -> the operations called, each list sorted: the shape of the committed file. */
export type OperationsByPhase = Record<Phase, Record<string, string[]>>;

/** The operations the phases of some recorded lanes call, by service (services and operations sorted). */
export function operationsByPhase(lanes: readonly Pick<RecordedLane, "calls">[]): OperationsByPhase {
  const result = {} as OperationsByPhase;
  for (const phase of PHASES) {
    const byService: Record<string, Set<string>> = {};
    for (const call of lanes.flatMap((l) => l.calls[phase])) (byService[call.service] ??= new Set()).add(call.operation);
    result[phase] = Object.fromEntries(Object.keys(byService).sort().map((service) => [service, [...byService[service]].sort()]));
  }
  return result;
}

/** What the recorded operations add to the committed ones, and what they no longer call, one line each. */
export function operationDifferences(recorded: OperationsByPhase, committed: OperationsByPhase, file: string): string[] {
  const names = (ops: OperationsByPhase) => PHASES.flatMap((p) => Object.entries(ops[p] ?? {}).flatMap(([service, list]) => list.map((op) => `${p}: ${service}:${op}`)));
  const [now, before] = [names(recorded), names(committed)];
  return [
    ...now.filter((n) => !before.includes(n)).map((n) => `${n} is called, and ${file} does not list it: map it in __tests__/support/iam-requests.ts, check the roles, then list it`),
    ...before.filter((n) => !now.includes(n)).map((n) => `${n} is listed in ${file}, and no longer called`),
  ];
}
