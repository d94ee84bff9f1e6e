// Reading the environment and turning a config into stacks: everything main.ts
// composes, kept here so tests can call it without a process of its own.
import { App } from "cdktf";
import { DEFAULT_CONFIG } from "./config/default-config";
import { ConfigFileError, loadConfigFile, type LoadedConfig } from "./config/load";
import { toModel, type RoutingModel, type StackModel } from "./model/model";
import { formatPath } from "./config/show";
import { STACK_NAME } from "./config/limits";
import { RoutingStack } from "./stacks/routing-stack";
import { validateConfig, type ConfigIssue } from "./validation/validate";

export interface Report {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** The config SMART_ROUTING_CONFIG names, or undefined for the embedded default; throws a ConfigFileError. */
function loadConfigOf(env: NodeJS.ProcessEnv): LoadedConfig | undefined {
  const file = env.SMART_ROUTING_CONFIG;
  if (file === undefined) return undefined;
  // Set but empty is a mistake in a script or a CI variable, not a request for the default.
  if (file.trim() === "") {
    throw new ConfigFileError(
      `SMART_ROUTING_CONFIG is set but empty; unset it to use the embedded default config, or set it to a .yaml, .yml or .json file`,
    );
  }
  return loadConfigFile(file);
}

/**
 * Loads (file or embedded default) and validates; returns the model, or every message and no model. A
 * file that cannot be read or parsed is one error in the report (it names the file, line and column).
 */
export function loadModel(env: NodeJS.ProcessEnv): { model?: RoutingModel; report: Report } {
  const strict = STRICT.get((env.SMART_ROUTING_STRICT ?? "").trim().toLowerCase());
  if (strict === undefined) {
    const error = `SMART_ROUTING_STRICT must be 1 or true (warnings become errors), or 0, false or unset, received ${JSON.stringify(env.SMART_ROUTING_STRICT)}`;
    return { report: { errors: [error], warnings: [] } };
  }
  return modelFrom(() => loadConfigOf(env), strict);
}

/** A value of SMART_ROUTING_STRICT nobody would misread; any other is an error, not quietly "off". */
const STRICT = new Map([["", false], ["0", false], ["false", false], ["1", true], ["true", true]]);

/**
 * What loadModel does once it knows where the config comes from: `read` returns a loaded config (or
 * undefined for the embedded default) or throws a ConfigFileError, which becomes the report's error.
 */
export function modelFrom(read: () => LoadedConfig | undefined, strict: boolean): { model?: RoutingModel; report: Report } {
  let loaded: LoadedConfig | undefined;
  try {
    loaded = read();
  } catch (err) {
    if (err instanceof ConfigFileError) return { report: { errors: [err.message], warnings: [] } };
    throw err;
  }
  const result = validateConfig(loaded ? loaded.data : DEFAULT_CONFIG);
  // In a file, messages come in the file's order and name their line.
  const render = (issues: readonly ConfigIssue[]) =>
    issues
      .map((issue, index) => ({ issue, index, at: loaded?.locate(issue.path) }))
      .sort((a, b) => compareLocations(a.at, b.at) || a.index - b.index)
      .map(({ issue, at }) => `${formatPath(issue.path)}: ${issue.message}${at ? ` (${at})` : ""}`);
  if (!result.ok) return { report: { errors: render(result.errors), warnings: [] } };
  const warnings = render(result.warnings);
  if (strict && warnings.length > 0) {
    return { report: { errors: warnings.map((w) => `${w} [strict: SMART_ROUTING_STRICT=1]`), warnings: [] } };
  }
  return { model: toModel(result.config), report: { errors: [], warnings } };
}

/**
 * loadModel for a command line: writes every warning and error to stderr as `warning: ...` /
 * `error: ...` lines and returns the model, or undefined when nothing may be built.
 */
export function loadModelReporting(env: NodeJS.ProcessEnv, write: (text: string) => unknown = (text) => process.stderr.write(text)): RoutingModel | undefined {
  const loaded = loadModel(env);
  for (const w of loaded.report.warnings) write(`warning: ${w}\n`);
  for (const e of loaded.report.errors) write(`error: ${e}\n`);
  if (loaded.model === undefined) write(`${loaded.report.errors.length} error(s); nothing was synthesized.\n`);
  return loaded.model;
}

function compareLocations(a: string | undefined, b: string | undefined): number {
  const lineCol = (at: string | undefined) => (at?.match(/:(\d+):(\d+)$/)?.slice(1) ?? ["0", "0"]).map(Number);
  const [[la, ca], [lb, cb]] = [lineCol(a), lineCol(b)];
  return la - lb || ca - cb;
}

/** The stacks named on a command line (all when none is named), or an error naming the known stacks. */
export function selectStacks(model: RoutingModel, names: readonly string[]): { stacks: StackModel[]; error?: undefined } | { error: string } {
  const known = model.stacks.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    return { error: `no stack named ${unknown.map((n) => JSON.stringify(n)).join(", ")} in this config; its stacks are: ${known.join(", ")}` };
  }
  return { stacks: names.length === 0 ? [...model.stacks] : model.stacks.filter((s) => names.includes(s.name)) };
}

type SelectedStacks =
  | { model: RoutingModel; stacks: StackModel[]; error?: undefined; configError?: undefined }
  | { configError: true; model?: undefined; stacks?: undefined; error?: undefined }
  | { error: string; model?: undefined; stacks?: undefined; configError?: undefined };

/**
 * What every command that takes stack names starts with: loadModelReporting, then selectStacks. The
 * model and the stacks; or `configError` when the config cannot be used (its errors are printed: exit 1);
 * or the `error` of a name the config does not have (the command reports it: exit 2).
 */
export function loadStacksReporting(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  write: (text: string) => unknown = (text) => process.stderr.write(text),
): SelectedStacks {
  const model = loadModelReporting(env, write);
  if (model === undefined) return { configError: true };
  const selected = selectStacks(model, names);
  return selected.error !== undefined ? { error: selected.error } : { model, stacks: selected.stacks };
}

/** For commands that work on one stack: the one named (by `option`), or the config's only stack. */
export function selectStack(model: RoutingModel, name: string | undefined, option: string): { stack: StackModel; error?: undefined } | { error: string } {
  const selected = selectStacks(model, name === undefined ? [] : [name]);
  if (selected.error !== undefined) return { error: selected.error };
  if (selected.stacks.length > 1) return { error: `this config has several stacks (${selected.stacks.map((s) => s.name).join(", ")}); name one with ${option}` };
  return { stack: selected.stacks[0] };
}

/**
 * The App every synth writes with (npm run synth, cdktf synth, package). Its validations are skipped: the
 * only one that can fail checks the version of a terraform binary on the machine that synthesizes (for
 * a renamed listener's moved blocks), so a valid config failed with a stack trace where Terraform is not
 * installed, though the JSON is often planned elsewhere; the output's own required_version (>= 1.10.0)
 * is checked by Terraform wherever it runs.
 */
export function synthesisApp(outdir?: string): App {
  return new App({ stackTraces: false, skipValidation: true, ...(outdir !== undefined && { outdir }) });
}

/** Builds one RoutingStack per config stack in an app; nothing is written until app.synth(). */
export function buildApp(model: RoutingModel, app: App = synthesisApp()): App {
  for (const stack of model.stacks) new RoutingStack(app, stack);
  return app;
}

/**
 * The stack folders a synth leaves behind from the previous one (`cdktf.out/stacks/<name>`, relative to
 * the output folder): those the previous manifest listed whose stack the config no longer has (renamed
 * or removed). cdktf writes live stacks and the manifest, and deletes nothing, so without this a loop
 * over the stack folders would plan a ghost. Only folders a manifest of ours listed, in the one shape
 * cdktf writes, are named: anything else in the folder is never touched.
 */
export function staleStackFolders(previousManifest: unknown, liveStacks: readonly string[]): string[] {
  const stacks = (previousManifest as { stacks?: unknown } | undefined)?.stacks;
  if (stacks === null || typeof stacks !== "object") return [];
  return Object.values(stacks as Record<string, unknown>).flatMap((entry) => {
    const { name, workingDirectory } = (entry ?? {}) as { name?: unknown; workingDirectory?: unknown };
    if (typeof name !== "string" || !STACK_NAME.test(name) || liveStacks.includes(name)) return [];
    return workingDirectory === `stacks/${name}` ? [workingDirectory] : [];
  });
}

/**
 * The stack files (relative to the output folder) a manifest of ours says a synth wrote: each stack's
 * `cdk.tf.json`, or `cdk.tf` from `cdktf synth --hcl`. A synth that fails removes them, so that a later
 * `terraform plan` in a stack folder cannot take an earlier config's JSON for the current one. Only paths
 * in the one shape cdktf writes are named, whatever the manifest says.
 */
export function synthesizedStackFiles(manifest: unknown): string[] {
  const stacks = (manifest as { stacks?: unknown } | undefined)?.stacks;
  if (stacks === null || typeof stacks !== "object") return [];
  return Object.values(stacks as Record<string, unknown>).flatMap((entry) => {
    const { name, synthesizedStackPath } = (entry ?? {}) as { name?: unknown; synthesizedStackPath?: unknown };
    if (typeof name !== "string" || !STACK_NAME.test(name)) return [];
    return [`stacks/${name}/cdk.tf.json`, `stacks/${name}/cdk.tf`].includes(synthesizedStackPath as string) ? [synthesizedStackPath as string] : [];
  });
}
