// The exact bytes `npm run synth` writes for the embedded default and for every example in examples/
// (found, not listed): code may move, but no Terraform address, value or metadata path may change
// unless a commit says so and updates these snapshots on purpose.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runSynth } from "./support/run";

const examples = readdirSync(join(ROOT, "examples"))
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort()
  .map((f) => `examples/${f}`);

describe.each([undefined, ...examples])("npm run synth of %s", (config) => {
  it("writes exactly the snapshotted cdk.tf.json for every stack", () => {
    const run = runSynth({ SMART_ROUTING_CONFIG: config });
    expect(run.stderr.replace(/^warning: .*\n/gm, "")).toBe("");
    expect(run.status).toBe(0);
    const stacks = readdirSync(join(run.outdir, "stacks")).sort();
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      expect(readFileSync(join(run.outdir, "stacks", stack, "cdk.tf.json"), "utf8")).toMatchSnapshot(stack);
    }
  });
});
