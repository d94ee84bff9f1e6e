// Composition root: load the config, build the stacks, synthesize.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildApp, loadModelReporting, staleStackFolders, synthesisApp } from "./src/app";

function main(): number {
  const model = loadModelReporting(process.env);
  if (model === undefined) return 1;
  // cdktf creates only the last folder of its output path; a nested CDKTF_OUTDIR needs its parents.
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  mkdirSync(outdir, { recursive: true });
  const previous = readManifest(join(outdir, "manifest.json"));
  buildApp(model, synthesisApp(outdir)).synth();
  // The cdktf CLI removes every folder of stacks/ the new manifest does not list once this app returns,
  // and fails if one is gone already (cdktf-cli 0.21.0, SynthStack.synth); only it sets this variable.
  if (process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined) return 0;
  // A stack renamed or removed from the config leaves its folder; only the manifest says it is stale.
  for (const folder of staleStackFolders(previous, model.stacks.map((s) => s.name))) {
    rmSync(join(outdir, folder), { recursive: true, force: true });
    process.stdout.write(`removed ${join(outdir, folder)}: its stack is no longer in the config\n`);
  }
  return 0;
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
