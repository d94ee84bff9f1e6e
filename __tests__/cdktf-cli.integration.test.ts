// The cdktf CLI path: `cdktf synth` runs cdktf.json's app (scripts/synth.js) and must write what
// `npm run synth` writes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runSynth } from "./support/run";

describe("cdktf synth (the CLI, through cdktf.json's app)", () => {
  it("writes the same bytes as npm run synth", () => {
    const direct = runSynth({ SMART_ROUTING_CONFIG: "examples/multi-stack.yaml" });
    const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-cli-")), "cdktf.out");
    const cli = spawnSync(join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, SMART_ROUTING_CONFIG: "examples/multi-stack.yaml", CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "true", CI: "true" },
    });
    expect(cli.status).toBe(0);
    for (const stack of ["llm-staging", "llm-prod"]) {
      expect(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")).toBe(direct.stackJson(stack));
    }
    expect(readFileSync(join(outdir, "manifest.json"), "utf8")).toBe(readFileSync(join(direct.outdir, "manifest.json"), "utf8"));
  });
});
