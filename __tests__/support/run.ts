// Running the real synth process, as users do, into a folder of the test's own.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, existsSync, symlinkSync, writeFileSync } from "node:fs";
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

/** A valid config of one stack as YAML text, for tests that change a line of it. */
export const ONE_STACK_YAML = `version: 1
stacks:
  - name: prod
    backend: { bucket: acme-terraform-state, region: us-west-2 }
    accelerator: { name: prod, flowLogs: false }
    listeners:
      - name: inference
        protocol: TCP
        portRanges: [{ fromPort: 443 }]
        endpointGroups:
          - region: us-east-1
            endpoints: [{ type: eip, id: eipalloc-0123abcd }]
`;

/** Writes a config file of that name into a new folder of its own; returns its path. */
export function configFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "smart-routing-config-")), name);
  writeFileSync(file, text);
  return file;
}

/**
 * A copy of the project's sources in a new folder (node_modules linked), for running a command that writes
 * into the project itself (dist/, schema/, reports/, bench/results/) where no other test sees it.
 */
export function projectCopy(extra: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), "smart-routing-copy-"));
  for (const entry of ["main.ts", "src", "scripts", "package.json", "package-lock.json", ...extra]) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}
