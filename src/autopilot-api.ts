// What scripts/autopilot.js and scripts/autopilot-local.js call in src/: bundled by scripts/build.js into
// dist/autopilot-api.js (apart from dist/cli-api.js, so the other CLIs do not load the AWS SDK), loaded by
// loadAutopilotApi() in scripts/lib/run-bundle.js.
export { loadStacksReporting } from "./app";
export { runCommand, decisionsLine, type AutopilotFlags, type PauseRequest } from "./autopilot/command";
export { realSleep } from "./autopilot/runner";
export { commandContext } from "./autopilot/wiring";
