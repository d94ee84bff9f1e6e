// Real Terraform on the exact JSON users get: `terraform init -backend=false`
// (the provider from the local mirror) and `terraform validate`, for the
// default config and every example, including the full one (4 regions,
// 2 listeners, all four endpoint types, lookups, and a dual-stack stack).
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runSynth } from "./support/run";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { terraformAvailability, terraformEnv, terraformAsync } = require("../scripts/lib/terraform");

const env = terraformEnv(terraformAvailability().mirror);

interface Validation {
  readonly init: { status: number; output: string };
  readonly report?: { valid: boolean; error_count: number; warning_count: number; diagnostics: unknown[] };
}

async function validateStack(stackJson: string): Promise<Validation> {
  const dir = mkdtempSync(join(tmpdir(), "smart-routing-validate-"));
  copyFileSync(stackJson, join(dir, "cdk.tf.json"));
  const init = await terraformAsync(["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env });
  const initResult = { status: init.status, output: init.stdout + init.stderr };
  if (init.status !== 0) return { init: initResult };
  const validate = await terraformAsync(["validate", "-json", "-no-color"], { cwd: dir, env });
  return { init: initResult, report: JSON.parse(validate.stdout) };
}

/** Runs jobs with at most `limit` at once: validate is CPU-bound (it loads the provider's schema). */
async function pool<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await job(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// The default and every example in examples/, found rather than listed; each stack of each.
const CONFIGS = [undefined, ...readdirSync(join(ROOT, "examples")).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => `examples/${f}`)];
const synthesized = CONFIGS.map((config) => {
  const run = runSynth({ SMART_ROUTING_CONFIG: config });
  if (run.status !== 0) throw new Error(`synth of ${config ?? "the default"} failed:\n${run.stderr}`);
  const stacks = readdirSync(join(run.outdir, "stacks")).sort();
  const name = config ?? "the embedded default";
  return { config: name, stacks: stacks.map((stack) => ({ key: `${name}/${stack}`, stack, file: join(run.outdir, "stacks", stack, "cdk.tf.json") })) };
});
const cases = synthesized.flatMap(({ config, stacks }) => stacks.map(({ stack }) => ({ config, stack })));
const results = new Map<string, Validation>();

beforeAll(async () => {
  const files = synthesized.flatMap(({ stacks }) => stacks);
  // A control: the same harness must see an error that only the provider's schema catches.
  const broken = join(mkdtempSync(join(tmpdir(), "smart-routing-broken-")), "cdk.tf.json");
  const json = JSON.parse(readFileSync(files[0].file, "utf8"));
  json.resource.aws_globalaccelerator_endpoint_group["inference_us-west-1"].endpoint_configuration[0].weight = 300;
  writeFileSync(broken, JSON.stringify(json));
  files.push({ key: "broken-control", stack: "broken-control", file: broken });
  const validations = await pool(files, Math.max(2, cpus().length), (f) => validateStack(f.file));
  files.forEach((f, i) => results.set(f.key, validations[i]));
});

it("the harness sees what Terraform rejects: a weight of 300 is an error", () => {
  const report = results.get("broken-control")!.report!;
  expect(report).toMatchObject({ valid: false, error_count: 1 });
  expect(JSON.stringify(report.diagnostics)).toContain("expected endpoint_configuration.0.weight to be in the range (0 - 255), got 300");
});

describe.each(cases)("terraform validate on $config, stack $stack", ({ config, stack }) => {
  it("installs hashicorp/aws 5.100.0 and finds no error and no warning", () => {
    const result = results.get(`${config}/${stack}`)!;
    expect(result.init).toMatchObject({ status: 0, output: expect.stringContaining("hashicorp/aws v5.100.0") });
    expect(result.report).toEqual({ format_version: "1.0", valid: true, error_count: 0, warning_count: 0, diagnostics: [] });
  });
});
