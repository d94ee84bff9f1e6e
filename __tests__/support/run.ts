// Running the real synth process, as users do, into a folder of the test's own.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..");

export interface SynthRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly outdir: string;
  /** The stack's cdk.tf.json text, or undefined if it was not written. */
  stackJson(stack: string): string | undefined;
}

/** Runs `node scripts/synth.js` (what `npm run synth` runs) with a config file and an output folder of its own. */
export function runSynth(env: Record<string, string | undefined> = {}): SynthRun {
  const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-synth-")), "cdktf.out");
  const result = spawnSync(process.execPath, ["scripts/synth.js"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, SMART_ROUTING_CONFIG: undefined, SMART_ROUTING_STRICT: undefined, CDKTF_OUTDIR: outdir, ...env },
  });
  return {
    status: result.status,
    stderr: result.stderr,
    outdir,
    stackJson: (stack) => {
      const file = join(outdir, "stacks", stack, "cdk.tf.json");
      return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    },
  };
}
