// The part of `terraform show -json <planfile>` the gate reads (format 1.x,
// Terraform's documented JSON output format), and a reader that refuses
// anything else with a clear message: a gate that misreads its input passes.
import { ADDRESS } from "../model/contract";
import type { StackModel } from "../model/model";

export type Action = "no-op" | "create" | "read" | "update" | "delete" | "forget";

export interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly Action[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
}

export interface Plan {
  readonly format_version: string;
  readonly resource_changes: readonly ResourceChange[];
  readonly errored: boolean;
  /** The addresses the plan's configuration declares at its root (`configuration.root_module.resources`). */
  readonly configured: readonly string[];
  /** The root module's input variables as the plan evaluated them (`variables.<name>.value`). */
  readonly variables?: Readonly<Record<string, unknown>>;
}

export class PlanFormatError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = "PlanFormatError";
  }
}

const KNOWN_ACTIONS: readonly string[] = ["no-op", "create", "read", "update", "delete", "forget"];

/** Parses plan JSON text; `source` names it in errors (a file name). */
export function readPlan(text: string, source: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PlanFormatError(source, `is not JSON (${(err as Error).message}); expected the output of terraform show -json <planfile>`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new PlanFormatError(source, `must be a JSON object (terraform show -json <planfile>), received ${data === null ? "null" : Array.isArray(data) ? "a list" : typeof data}`);
  }
  const plan = data as Record<string, unknown>;
  if (plan.format_version === undefined) {
    throw new PlanFormatError(source, "has no format_version, so it is not the output of terraform show -json <planfile>");
  }
  if (typeof plan.format_version !== "string" || !/^1\./.test(plan.format_version)) {
    throw new PlanFormatError(source, `has format_version ${JSON.stringify(plan.format_version)}; this gate reads format 1.x of terraform show -json`);
  }
  if (!("planned_values" in plan)) {
    const what = "values" in plan ? "is a state (terraform show -json without a plan file)" : "has no planned_values";
    throw new PlanFormatError(source, `${what}, not a plan; run terraform plan -out=tfplan && terraform show -json tfplan`);
  }
  const changes = plan.resource_changes ?? [];
  if (!Array.isArray(changes)) throw new PlanFormatError(source, "resource_changes must be a list");
  changes.forEach((rc: Partial<ResourceChange>, i) => {
    const actions = rc?.change?.actions;
    if (typeof rc?.address !== "string" || typeof rc.type !== "string" || !Array.isArray(actions)) {
      throw new PlanFormatError(source, `resource_changes[${i}] has no address, type or change.actions`);
    }
    const unknown = actions.find((a) => !KNOWN_ACTIONS.includes(a));
    // An action this gate does not know could be a destroy under a new name: refuse rather than guess.
    if (unknown !== undefined) throw new PlanFormatError(source, `resource_changes[${i}] (${rc.address}) has action ${JSON.stringify(unknown)}, which this gate does not know`);
  });
  return {
    format_version: plan.format_version,
    resource_changes: changes as ResourceChange[],
    errored: plan.errored === true,
    configured: configuredAddresses(plan.configuration),
    variables: variableValues(plan.variables),
  };
}

function variableValues(variables: unknown): Record<string, unknown> {
  if (typeof variables !== "object" || variables === null) return {};
  return Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, (v as { value?: unknown } | null)?.value]));
}

function configuredAddresses(configuration: unknown): string[] {
  const resources = (configuration as { root_module?: { resources?: unknown } } | undefined)?.root_module?.resources;
  if (!Array.isArray(resources)) return [];
  return resources.map((r: { address?: unknown }) => r?.address).filter((a): a is string => typeof a === "string");
}

/**
 * Why the plan is not of this stack, or undefined when its configuration declares every listener and
 * endpoint group the stack has. A plan of another stack (a wrong --stack or SMART_ROUTING_CONFIG) would
 * otherwise be reviewed as if the stack's groups were all gone, and pass.
 */
export function planOfAnotherStack(plan: Plan, stack: StackModel): string | undefined {
  const expected = stack.listeners.flatMap((l) => [ADDRESS.listener(l.name), ...l.endpointGroups.map((g) => ADDRESS.endpointGroup(g))]);
  const missing = expected.filter((address) => !plan.configured.includes(address));
  if (missing.length === 0) return undefined;
  const shown = missing.slice(0, 3).join(", ") + (missing.length > 3 ? ` and ${missing.length - 3} more` : "");
  return `is not a plan of stack ${stack.name}: its configuration declares no ${shown}; check --stack and SMART_ROUTING_CONFIG`;
}
