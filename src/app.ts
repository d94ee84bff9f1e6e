// Reading the environment and turning a config into stacks: everything main.ts
// composes, kept here so tests can call it without a process of its own.
import { App } from "cdktf";
import { DEFAULT_CONFIG } from "./config/default-config";
import { loadConfigFile, type LoadedConfig } from "./config/load";
import { toModel, type RoutingModel } from "./config/model";
import { formatPath } from "./config/show";
import { RoutingStack } from "./stacks/routing-stack";
import { validateConfig, type ConfigIssue } from "./validation/validate";

export interface Report {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** Loads (file or embedded default) and validates; returns the model, or every message and no model. */
export function loadModel(env: NodeJS.ProcessEnv): { model?: RoutingModel; report: Report } {
  const file = env.SMART_ROUTING_CONFIG;
  const loaded: LoadedConfig | undefined = file ? loadConfigFile(file) : undefined;
  const result = validateConfig(loaded ? loaded.data : DEFAULT_CONFIG);
  const render = (issue: ConfigIssue) => {
    const at = loaded?.locate(issue.path);
    return `${formatPath(issue.path)}: ${issue.message}${at ? ` (${at})` : ""}`;
  };
  if (!result.ok) return { report: { errors: result.errors.map(render), warnings: [] } };
  const warnings = result.warnings.map(render);
  if (env.SMART_ROUTING_STRICT === "1" && warnings.length > 0) {
    return { report: { errors: warnings.map((w) => `${w} [strict: SMART_ROUTING_STRICT=1]`), warnings: [] } };
  }
  return { model: toModel(result.config), report: { errors: [], warnings } };
}

/** Builds one RoutingStack per config stack in an app; nothing is written until app.synth(). */
export function buildApp(model: RoutingModel, app: App = new App({ stackTraces: false })): App {
  for (const stack of model.stacks) new RoutingStack(app, stack);
  return app;
}
