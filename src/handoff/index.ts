// What the hand-off scripts (scripts/package.js, scripts/diagram.js) use from the TypeScript side.
import { App } from "cdktf";
import { buildApp } from "../app";
import type { RoutingModel, StackModel } from "../config/model";

export { loadModelReporting } from "../app";
export { routingDiagram } from "./diagram";
export { repairCdktfHcl } from "./hcl";
export { backendExample, packageReadme, BACKEND_EXAMPLE, HCL_FILE, JSON_FILE } from "./readme";

/** The stacks named on the command line (all when none is named), or an error naming the known stacks. */
export function selectStacks(model: RoutingModel, names: readonly string[]): { stacks: StackModel[] } | { error: string } {
  const known = model.stacks.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    return { error: `no stack named ${unknown.map((n) => JSON.stringify(n)).join(", ")} in this config; its stacks are: ${known.join(", ")}` };
  }
  return { stacks: names.length === 0 ? [...model.stacks] : model.stacks.filter((s) => names.includes(s.name)) };
}

/** Synthesizes every stack into outdir, exactly as `npm run synth` does (cdktf.out/stacks/<stack>/cdk.tf.json). */
export function synthInto(model: RoutingModel, outdir: string): void {
  buildApp(model, new App({ outdir, stackTraces: false })).synth();
}
