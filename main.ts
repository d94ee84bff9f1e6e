// Composition root: load the config, build the stacks, synthesize.
import { App } from "cdktf";
import { mkdirSync } from "node:fs";
import { buildApp, loadModelReporting } from "./src/app";

function main(): number {
  const model = loadModelReporting(process.env);
  if (model === undefined) return 1;
  // cdktf creates only the last folder of its output path; a nested CDKTF_OUTDIR needs its parents.
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  mkdirSync(outdir, { recursive: true });
  buildApp(model, new App({ stackTraces: false, outdir })).synth();
  return 0;
}

process.exitCode = main();
