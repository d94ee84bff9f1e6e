// Composition root: load the config, build the stacks, synthesize.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildApp, loadModelReporting, staleStackFolders, synthesisApp, synthesizedStackFiles } from "./src/app";

function main(): number {
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const previous = readManifest(join(outdir, "manifest.json"));
  const model = loadModelReporting(process.env);
  if (model === undefined) {
    removeStackFiles(outdir, synthesizedStackFiles(previous));
    return 1;
  }
  // cdktf creates only the last folder of its output path; a nested CDKTF_OUTDIR needs its parents.
  mkdirSync(outdir, { recursive: true });
  try {
    buildApp(model, synthesisApp(outdir)).synth();
  } catch (err) {
    process.stderr.write(`error: synthesizing into ${outdir} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    // Some stacks may be new and some old: none of them is this config.
    const written = model.stacks.map((s) => `stacks/${s.name}/cdk.tf.json`);
    removeStackFiles(outdir, [...new Set([...synthesizedStackFiles(previous), ...written])]);
    return 1;
  }
  // The cdktf CLI removes every folder of stacks/ the new manifest does not list once this app returns,
  // and fails if one is gone already (cdktf-cli 0.21.0, SynthStack.synth); only it sets this variable.
  // (After a failed app it removes nothing, so the failures above clean up under the CLI too.)
  if (process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined) return 0;
  // A stack renamed or removed from the config leaves its folder; only the manifest says it is stale.
  for (const folder of staleStackFolders(previous, model.stacks.map((s) => s.name))) {
    rmSync(join(outdir, folder), { recursive: true, force: true });
    process.stdout.write(`removed ${join(outdir, folder)}: its stack is no longer in the config\n`);
  }
  return 0;
}

/**
 * After a failed synth: removes the stack files an earlier synth wrote (the folders, and whatever else is
 * in them, stay), so that no `terraform plan` or `cdktf deploy --skip-synth` takes them for this config.
 */
function removeStackFiles(outdir: string, files: readonly string[]): void {
  for (const file of files) {
    const path = join(outdir, file);
    if (!existsSync(path)) continue;
    rmSync(path, { force: true });
    process.stderr.write(`removed ${path}: it was synthesized from an earlier config\n`);
  }
}

/** The previous synth's manifest, or undefined when there is none (or it is not JSON). */
function readManifest(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

process.exitCode = main();
