// The cdktf CLI path: `cdktf synth` runs cdktf.json's app (scripts/synth.js) and must write what
// `npm run synth` writes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configFile, ROOT, runSynth } from "./support/run";

function cdktfSynth(outdir: string, config: string) {
  return spawnSync(join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, SMART_ROUTING_CONFIG: config, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "true", CI: "true" },
  });
}

describe("cdktf synth (the CLI, through cdktf.json's app)", () => {
  it("writes the same bytes as npm run synth", () => {
    const direct = runSynth({ SMART_ROUTING_CONFIG: "examples/multi-stack.yaml" });
    const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-cli-")), "cdktf.out");
    const cli = cdktfSynth(outdir, "examples/multi-stack.yaml");
    expect(cli.status).toBe(0);
    for (const stack of ["llm-staging", "llm-prod"]) {
      expect(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")).toBe(direct.stackJson(stack));
    }
    expect(readFileSync(join(outdir, "manifest.json"), "utf8")).toBe(readFileSync(join(direct.outdir, "manifest.json"), "utf8"));
  });

  it("synthesizes over an older synth whose stacks the config no longer has, and no folder of theirs is left", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-cli-")), "cdktf.out");
    expect(runSynth({ SMART_ROUTING_CONFIG: "examples/multi-stack.yaml", CDKTF_OUTDIR: outdir }).status).toBe(0);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["llm-prod", "llm-staging"]);
    const cli = cdktfSynth(outdir, "examples/minimal.yaml");
    expect(cli.stderr).not.toMatch(/ENOENT|Error:/);
    expect(cli.status).toBe(0);
    expect(readdirSync(join(outdir, "stacks"))).toEqual(Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks));
  });

  it("that fails leaves no stack JSON of the earlier synth (the CLI removes nothing after a failed app)", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-cli-")), "cdktf.out");
    expect(cdktfSynth(outdir, "examples/multi-stack.yaml").status).toBe(0);
    const bad = configFile("bad.yaml", readFileSync(join(ROOT, "examples", "multi-stack.yaml"), "utf8").replace(/region: us-east-1/, "region: us-moon-1"));
    const cli = cdktfSynth(outdir, bad);
    expect(cli.status).not.toBe(0);
    expect(cli.stderr).toContain("nothing was synthesized.");
    for (const stack of ["llm-staging", "llm-prod"]) {
      expect(cli.stderr).toContain(`removed ${join(outdir, "stacks", stack, "cdk.tf.json")}: it was synthesized from an earlier config`);
      expect(readdirSync(join(outdir, "stacks", stack))).toEqual([]);
    }
  });
});
