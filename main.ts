// Composition root: load the config, build the stacks, synthesize.
import { App } from "cdktf";
import { mkdirSync } from "node:fs";
import { buildApp, loadModel } from "./src/app";
import { ConfigFileError } from "./src/config/load";

function main(): number {
  let loaded;
  try {
    loaded = loadModel(process.env);
  } catch (err) {
    if (err instanceof ConfigFileError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  for (const w of loaded.report.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const e of loaded.report.errors) process.stderr.write(`error: ${e}\n`);
  if (loaded.model === undefined) {
    process.stderr.write(`${loaded.report.errors.length} error(s); nothing was synthesized.\n`);
    return 1;
  }
  // cdktf creates only the last folder of its output path; a nested CDKTF_OUTDIR needs its parents.
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  mkdirSync(outdir, { recursive: true });
  buildApp(loaded.model, new App({ stackTraces: false, outdir })).synth();
  return 0;
}

process.exitCode = main();
