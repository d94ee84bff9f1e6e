// What the project's small CLIs (scripts/plan-gate.js, scripts/iam-policy.js)
// use from src/: bundled by esbuild at run time (scripts/lib/tools.js), so
// they start as plain node without a compile step.
export { loadModel } from "./app";
export { readPlan, PlanFormatError } from "./plan-gate/plan-json";
export { reviewPlan, passed } from "./plan-gate/review";
export { renderText, renderMarkdown } from "./plan-gate/render";
export { stackPolicies } from "./iam/policies";
