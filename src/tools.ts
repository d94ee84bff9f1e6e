// What the project's plain-node CLIs use from src/ (plan-gate, iam-policy, plan:local, package, diagram,
// schema): bundled with main.ts by scripts/build.js into dist/tools.js, rebuilt only when a source changes.
export { loadModel } from "./app";
export { readPlan, PlanFormatError } from "./plan-gate/plan-json";
export { reviewPlan, passed } from "./plan-gate/review";
export { renderText, renderMarkdown } from "./plan-gate/render";
export { stackPolicies } from "./iam/policies";
export * from "./handoff";
export { configJsonSchemaText } from "./config/json-schema";
