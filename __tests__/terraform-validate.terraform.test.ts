// Real Terraform on the exact JSON users get: `terraform init -backend=false`
// (the provider from the local mirror) and `terraform validate`, for the
// default config and for the full example (4 regions, 2 listeners, all four
// endpoint types, lookups, and a dual-stack second stack).
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSynth } from "./support/run";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { terraformAvailability, terraformEnv, terraformAsync } = require("../scripts/lib/terraform");

const availability = terraformAvailability();
const env = terraformEnv(availability.mirror);

async function validateStack(stackJson: string): Promise<{ valid: boolean; diagnostics: unknown[]; init: string }> {
  const dir = mkdtempSync(join(tmpdir(), "smart-routing-validate-"));
  copyFileSync(stackJson, join(dir, "cdk.tf.json"));
  const init = await terraformAsync(["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env });
  if (init.status !== 0) return { valid: false, diagnostics: [], init: init.stdout + init.stderr };
  const validate = await terraformAsync(["validate", "-json", "-no-color"], { cwd: dir, env });
  const report = JSON.parse(validate.stdout);
  return { valid: report.valid, diagnostics: report.diagnostics, init: init.stdout };
}

describe.each([
  ["the embedded default", undefined, ["smart-routing"]],
  ["examples/full.yaml", "examples/full.yaml", ["ai-models-prod", "ai-models-dualstack"]],
  ["examples/multi-stack.yaml", "examples/multi-stack.yaml", ["llm-staging", "llm-prod"]],
  ["examples/minimal.yaml", "examples/minimal.yaml", ["minimal"]],
])("terraform validate on %s", (_name, config, stacks) => {
  let outdir: string;
  beforeAll(() => {
    const run = runSynth({ SMART_ROUTING_CONFIG: config });
    expect(run).toMatchObject({ status: 0 });
    outdir = run.outdir;
  });

  it(`passes for every stack (${stacks.join(", ")}) with no errors or warnings`, async () => {
    const results = await Promise.all(stacks.map((s) => validateStack(join(outdir, "stacks", s, "cdk.tf.json"))));
    for (const result of results) {
      expect(result).toMatchObject({ valid: true, diagnostics: [] });
      expect(result.init).toContain("hashicorp/aws v5.100.0");
    }
  });
});
