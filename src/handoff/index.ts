// What the hand-off scripts (scripts/package.js, scripts/diagram.js) use from the TypeScript side.
import { buildApp, synthesisApp } from "../app";
import type { RoutingModel } from "../model/model";

export { loadModelReporting, selectStacks } from "../app";
export { routingDiagram } from "./diagram";
export { repairCdktfHcl } from "./hcl";
export { backendExample, packageReadme, BACKEND_EXAMPLE, HCL_FILE, JSON_FILE } from "./readme";

/** Synthesizes every stack into outdir, exactly as `npm run synth` does (cdktf.out/stacks/<stack>/cdk.tf.json). */
export function synthInto(model: RoutingModel, outdir: string): void {
  buildApp(model, synthesisApp(outdir)).synth();
}
