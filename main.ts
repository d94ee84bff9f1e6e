// Composition root: load the config, build the stacks, synthesize.
import { buildApp, loadModelReporting } from "./src/app";

function main(): number {
  const model = loadModelReporting(process.env);
  if (model === undefined) return 1;
  buildApp(model).synth();
  return 0;
}

process.exitCode = main();
