// What scripts/autopilot.js and scripts/autopilot-local.js call in src/: bundled by scripts/build.js into
// dist/autopilot-api.js (apart from dist/cli-api.js, so the other CLIs do not load the AWS SDK), loaded by
// loadAutopilotApi() in scripts/lib/run-bundle.js.
export { loadStacksReporting } from "./app";
export { runCommand, decisionsLine, type AutopilotFlags, type PauseRequest } from "./autopilot/command";
export { realSleep } from "./autopilot/runner";
export { commandContext } from "./autopilot/wiring";
export { startGlobalAcceleratorApi } from "./local-aws/global-accelerator";
export { localEndpointEnvironment } from "./local-aws/terraform-overrides";
export { AUTOPILOT } from "./model/contract";
import { MODEL_SERVERS, type ModelServer, type ModelServerPreset } from "./config/model-servers";

/** A preset's load metrics (series selectors), for the rehearsal's fake servers; undefined when it names none. */
export function presetMetrics(name: string): { readonly waiting?: string; readonly running?: string; readonly kvCache?: string } | undefined {
  const preset: ModelServerPreset | undefined = MODEL_SERVERS[name as ModelServer];
  return preset?.metrics;
}
