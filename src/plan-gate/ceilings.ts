// A steered group's dial belongs to the autopilot: Terraform ignores changes of it, so the dial a plan
// shows for such a group is whatever the autopilot last set. What Terraform still decides is the group's
// ceiling, published in the stack's autopilot parameter (ADDRESS.autopilotParameter). Here it is read back
// from a plan: before and after, for the review's details and for the capacity check.
import { ADDRESS, trafficDialKey, VARIABLE } from "../model/contract";
import type { EndpointGroupModel } from "../model/model";
import type { Plan, ResourceChange } from "./plan-json";

/** A published group as far as the gate reads it: its key, its ceiling, and the rest to compare. */
interface PublishedGroupValue {
  readonly key: string;
  readonly ceiling: number;
  readonly [field: string]: unknown;
}

/** The groups of a published value (the parameter's insecure_value), by key; undefined when it is unknown or not ours. */
export function publishedGroups(value: Record<string, unknown> | null | undefined): Map<string, PublishedGroupValue> | undefined {
  const groups = (parsed(value?.insecure_value) as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return undefined;
  return new Map(groups.filter((g): g is PublishedGroupValue => typeof g?.key === "string" && typeof g.ceiling === "number").map((g) => [g.key, g]));
}

/** A JSON text's value; undefined for anything else (a value known only after apply is absent). */
function parsed(text: unknown): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text as string);
  } catch {
    // Not JSON (or absent): no groups to read.
  }
  return value;
}

/** The change of the stack's autopilot parameter in a plan, if it has one. */
export function parameterChange(plan: Plan): ResourceChange | undefined {
  return plan.resource_changes.find((rc) => rc.address === ADDRESS.autopilotParameter);
}

/**
 * A steered group's ceiling as the plan leaves it: the published value's, when the plan knows it (a new
 * group's ARN, and so the whole value, is known only after apply); else the traffic_dials value the plan
 * evaluated for it; else the config's dial.
 */
export function plannedCeiling(group: EndpointGroupModel, plan: Plan): number {
  const key = trafficDialKey(group);
  const published = publishedGroups(parameterChange(plan)?.change.after)?.get(key)?.ceiling;
  if (published !== undefined) return published;
  // traffic_dials is a map(number) that is never null (nullable = false).
  const operators = ((plan.variables?.[VARIABLE.trafficDials] ?? {}) as Record<string, unknown>)[key];
  return typeof operators === "number" ? operators : group.trafficDialPercentage;
}

/**
 * What a change of the parameter does to the steered groups: ceilings, groups steered and no longer
 * steered. For a change that leaves the parameter (not a delete or a forget, which have no `after`).
 */
export function parameterDetails(rc: ResourceChange): string[] {
  const before = publishedGroups(rc.change.before) ?? new Map<string, PublishedGroupValue>();
  const after = publishedGroups(rc.change.after);
  if (after === undefined) return ["ceilings known after apply"];
  const details: string[] = [];
  for (const [key, group] of after) {
    const was = before.get(key);
    if (was === undefined) details.push(`steers ${key} (ceiling ${group.ceiling})`);
    else if (was.ceiling !== group.ceiling) details.push(`${key} ceiling ${was.ceiling} → ${group.ceiling}`);
    // The ARN stays unless the group is replaced, which its own change shows.
    else if (JSON.stringify({ ...was, ceiling: 0, arn: "" }) !== JSON.stringify({ ...group, ceiling: 0, arn: "" })) details.push(`${key} autopilot settings change`);
  }
  for (const key of before.keys()) if (!after.has(key)) details.push(`stops steering ${key}`);
  // Any other change of the config changes its published hash only.
  // Stryker disable next-line OptionalChaining: only a new parameter has no before, and it steers a group, so its details are never empty here
  if (details.length === 0 && rc.change.before?.insecure_value !== (rc.change.after as Record<string, unknown>).insecure_value) details.push("config hash changes");
  return details;
}
