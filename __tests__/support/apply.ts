// Applying a whole config for real: every stack synthesized as `npm run synth` writes it, its load balancers
// and hosted zone seeded in moto, then `terraform init`, `apply` and a second `plan -detailed-exitcode` with
// the real provider against a Global Accelerator API of the config's own (one account: the stacks of a config
// meet there, as they would in AWS). Optionally a second config of the same stacks on top: planned, reviewed
// by the plan gate, applied, planned again. What went wrong comes back as text a person can act on: the
// step, terraform's last lines, and every call the API refused.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document } from "yaml";
import { readPlan } from "../../src/plan-gate/plan-json";
import { reviewPlan } from "../../src/plan-gate/review";
import { prepare, startLocalAws, terraform, type Deployment, type LocalAws } from "./deploy";

export interface ConfigRun {
  /** One line per problem: `<stack>: <step> ...`, with terraform's output and the API's refusals. */
  readonly failures: readonly string[];
  /** Per stack, the gate's ordering findings on the change, when one was applied (a failure there is expected). */
  readonly gateFindings: Readonly<Record<string, readonly string[]>>;
  /** Per stack, the known differences a plan after the change still showed (see knownDifferences). */
  readonly known: Readonly<Record<string, string>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
interface PlanJson {
  resource_changes?: { mode: string; type: string; change: { actions: string[]; before: Loose; after: Loose } }[];
  output_changes?: Record<string, { actions: string[] }>;
}

const flowLogsOn = (stack: Loose) => stack.accelerator.flowLogs !== undefined && stack.accelerator.flowLogs !== false;
const ipAddressType = (stack: Loose) => stack.accelerator.ipAddressType ?? "IPV4";

/**
 * Why a plan right after applying a change may still differ, when it is for one of two known reasons and for
 * nothing else; undefined otherwise. Both come from Terraform and the provider, not from the config:
 * - the change turned flow logs off: the provider sends only FlowLogsEnabled false, and the API keeps the bucket
 *   and prefix it had (the local API's assumption: the API reference does not say), so the plan shows them
 *   going to null again;
 * - the change switched ipAddressType in place: hashicorp/aws 5.100.0 plans dual_stack_dns_name and ip_sets as
 *   unchanged, so the outputs built from them (dual_stack_dns_name, static_ips) catch up only on the next apply.
 */
export function knownDifferences(plan: PlanJson, before: Loose, after: Loose): string | undefined {
  const changed = (plan.resource_changes ?? []).filter((rc) => rc.mode === "managed" && rc.change.actions.some((a) => a !== "no-op" && a !== "read"));
  const outputs = Object.entries(plan.output_changes ?? {}).filter(([, o]) => o.actions.some((a) => a !== "no-op")).map(([name]) => name);
  const reasons: string[] = [];
  if (changed.length > 0) {
    const [rc] = changed;
    const keys = Object.keys({ ...rc.change.before, ...rc.change.after }).filter((k) => JSON.stringify(rc.change.before?.[k]) !== JSON.stringify(rc.change.after?.[k]));
    const kept = rc.change.before?.attributes?.[0];
    const flowLogsKept =
      changed.length === 1 && rc.type === "aws_globalaccelerator_accelerator" && keys.join() === "attributes" && kept?.flow_logs_enabled === false && flowLogsOn(before) && !flowLogsOn(after);
    if (!flowLogsKept) return undefined;
    reasons.push(`the API kept the flow-log bucket and prefix after flow logs were turned off (${kept.flow_logs_s3_bucket}/${kept.flow_logs_s3_prefix})`);
  }
  if (outputs.length > 0) {
    if (!outputs.every((o) => o === "dual_stack_dns_name" || o === "static_ips") || ipAddressType(before) === ipAddressType(after)) return undefined;
    reasons.push(`the outputs ${outputs.join(", ")} catch up only on the next apply after ipAddressType went from ${ipAddressType(before)} to ${ipAddressType(after)}`);
  }
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}

const tail = (text: string, lines = 30) => text.trimEnd().split("\n").slice(-lines).join("\n");

/** Every call the API refused so far, as `Operation: Exception: message`. */
function refusals(aws: LocalAws): string[] {
  return aws.ga
    .calls()
    .filter((c) => c.status >= 400)
    .map((c) => {
      const body = c.response as { Message?: string; message?: string } | undefined;
      return `${c.operation}: ${c.errorType}: ${body?.Message ?? body?.message ?? ""}`;
    });
}

async function step(d: Deployment, name: string, args: string[], ok: (status: number | null) => boolean = (s) => s === 0): Promise<string | undefined> {
  // Options before the plan file: terraform takes no option after a positional argument.
  const result = await terraform(d, [args[0], "-input=false", "-no-color", ...args.slice(1)]);
  return ok(result.status) ? undefined : `${d.stack}: ${name} failed (exit ${result.status}):\n${tail(result.stdout + result.stderr)}`;
}

/** Synthesizes `config` for each of its stacks into one cdktf.out (in turn: each synth writes every stack). */
async function prepareAll(aws: LocalAws, config: { stacks: { name: string }[] }, outdir?: string): Promise<Deployment[]> {
  const deployments: Deployment[] = [];
  for (const stack of config.stacks) deployments.push(await prepare(aws, config, stack.name, outdir ?? deployments[0]?.outdir));
  return deployments;
}

/**
 * Applies every stack of `config` at once; with `change`, then applies that config of the same stacks on top.
 * `moto` is shared; the Global Accelerator API is the run's own, and stopped at the end.
 */
export async function applyConfig(moto: LocalAws, config: { stacks: { name: string }[] }, change?: { stacks: { name: string }[] }): Promise<ConfigRun> {
  const aws = await startLocalAws(0, moto);
  const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-apply-")), "cdktf.out");
  const gateFindings: Record<string, string[]> = {};
  const known: Record<string, string> = {};
  try {
    const first = await prepareAll(aws, config, outdir);
    const applied = await Promise.all(
      first.map(async (d) => {
        for (const [name, args] of [
          ["init", ["init"]],
          ["apply", ["apply", "-auto-approve"]],
          ["second plan (it must find no changes)", ["plan", "-detailed-exitcode"]],
        ] as const) {
          const failed = await step(d, name, [...args]);
          if (failed !== undefined) return failed;
        }
        return undefined;
      }),
    );
    const failures = applied.filter((f): f is string => f !== undefined);
    if (failures.length > 0 || change === undefined) return { failures: withRefusals(failures, aws), gateFindings, known };

    const second = await prepareAll(aws, change, outdir);
    const changed = await Promise.all(
      second.map(async (d) => {
        const planned = await step(d, "plan of the change", ["plan", "-out=change.tfplan"]);
        if (planned !== undefined) return planned;
        const shown = await terraform(d, ["show", "-json", "-no-color", "change.tfplan"]);
        const findings = reviewPlan(readPlan(shown.stdout, "change.tfplan"), { allowDestroy: d.model.allowDestroy }).problems;
        gateFindings[d.stack] = [...findings];
        const failed = await step(d, "apply of the change", ["apply", "change.tfplan"]);
        // The plan gate refuses a change that no single apply is sure to reach: there, a failure is expected, but
        // only the one it names (the exception in its findings), not any failure at all.
        const predicted = [...new Set(findings.flatMap((f) => /\((\w+Exception)\)/.exec(f)?.[1] ?? []))];
        if (failed !== undefined) return predicted.some((e) => failed.includes(e)) ? undefined : `${failed}\n(the plan gate predicted ${predicted.join(" or ") || "no failure"})`;
        const again = await step(d, "plan after the change (it must find no changes)", ["plan", "-detailed-exitcode"]);
        if (again === undefined) return undefined;
        await terraform(d, ["plan", "-input=false", "-no-color", "-out=after.tfplan"]);
        const after = JSON.parse((await terraform(d, ["show", "-json", "-no-color", "after.tfplan"])).stdout || "{}");
        const stackOf = (c: { stacks: { name: string }[] }) => c.stacks.find((x) => x.name === d.stack);
        const reason = knownDifferences(after, stackOf(config), stackOf(change));
        if (reason === undefined) return again;
        known[d.stack] = reason;
        return undefined;
      }),
    );
    return { failures: withRefusals(changed.filter((f): f is string => f !== undefined), aws), gateFindings, known };
  } finally {
    await aws.ga.stop();
  }
}

function withRefusals(failures: string[], aws: LocalAws): string[] {
  if (failures.length === 0) return failures;
  const refused = refusals(aws);
  return [...failures, refused.length > 0 ? `the Global Accelerator API refused:\n  ${refused.join("\n  ")}` : "the Global Accelerator API refused no call"];
}

/** A config as YAML, for a failure report a person can paste into a file and deploy:local. */
export function asYaml(config: unknown): string {
  return new Document(config).toString({ lineWidth: 0 });
}
