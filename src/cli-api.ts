// What the project's plain-node CLIs in scripts/ call in src/ (plan-gate, iam-policy, plan:local, package,
// diagram, schema, docs, explain): bundled with main.ts by scripts/build.js into dist/cli-api.js, rebuilt only when a
// source changes, and loaded by loadCliApi() in scripts/lib/run-bundle.js.
export { loadModel, loadModelReporting, loadStacksReporting } from "./app";
export { clientJson, explainClient, explainJson, explainSelection, explainStack, parseClient, renderClientText, renderExplainMarkdown, renderExplainText } from "./explain";
export { planOfAnotherStack, readPlan, PlanFormatError } from "./plan-gate/plan-json";
export { reviewPlan, passed } from "./plan-gate/review";
export { renderText, renderMarkdown, gatePassed } from "./plan-gate/render";
export { reviewCapacity } from "./plan-gate/capacity";
export { stackPolicies } from "./iam/policies";
export * from "./handoff";
export { configJsonSchemaText } from "./validation/json-schema";
export { configReferenceMarkdown } from "./docs/config-reference";
export { selectStack } from "./app";
export { checkIamArguments, iamOptionsFor } from "./iam/options";
export { localRehearsalFiles, localEndpointEnvironment, BACKEND_CONFIG_FILE } from "./local-aws/terraform-overrides";
export { startGlobalAcceleratorApi } from "./local-aws/global-accelerator";
export { main as globalAcceleratorApiMain } from "./local-aws/global-accelerator";
export { DEFAULT_CONFIG } from "./config/default-config";
