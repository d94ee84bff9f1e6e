// Composition root: load the config, build the stacks, synthesize.
import { mkdirSync } from "node:fs";
import { buildApp, loadModelReporting, synthesisApp } from "./src/app";

function main(): number {
  const model = loadModelReporting(process.env);
  if (model === undefined) return 1;
  // cdktf creates only the last folder of its output path; a nested CDKTF_OUTDIR needs its parents.
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  mkdirSync(outdir, { recursive: true });
  buildApp(model, synthesisApp(outdir)).synth();
  return 0;
}

process.exitCode = main();
