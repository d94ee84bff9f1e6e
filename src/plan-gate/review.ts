// What a plan does, resource by resource, and whether it may go ahead: a plan
// must never delete or replace the accelerator (its static IPs would be gone
// for ever), nor a listener or endpoint group unless the stack's allowDestroy
// says so. Terraform's prevent_destroy does not cover an address that changed
// or a resource removed from the config; this check looks at the actions, so it
// does.
import type { DestroyAllowance } from "../config/types";
import { ADDRESS, RESOURCE_TYPE } from "../model/contract";
import { parameterDetails } from "./ceilings";
import { orderingConflicts } from "./ordering";
import type { Plan, ResourceChange } from "./plan-json";

export type ChangeKind = "create" | "update" | "replace" | "delete" | "move" | "forget";

export interface Change {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /** Set when the resource moved here from another address (a `moved` block). */
  readonly movedFrom?: string;
  /** Human-readable details: dial and weight changes, changed attributes, why it is replaced. */
  readonly details: readonly string[];
}

export interface Violation {
  readonly address: string;
  readonly kind: "delete" | "replace";
  readonly reason: string;
}

export interface Review {
  readonly changes: readonly Change[];
  readonly violations: readonly Violation[];
  /** Problems that fail the gate besides violations (an errored plan, changes no single apply can make). */
  readonly problems: readonly string[];
}

export interface GatePolicy {
  /** From the stack's allowDestroy. @default [] */
  readonly allowDestroy: readonly DestroyAllowance[];
}

const { accelerator: ACCELERATOR, listener: LISTENER, endpointGroup: ENDPOINT_GROUP } = RESOURCE_TYPE;

const ALLOWANCE_BY_TYPE: Readonly<Record<string, DestroyAllowance>> = {
  [LISTENER]: "listeners",
  [ENDPOINT_GROUP]: "endpointGroups",
};

export function reviewPlan(plan: Plan, policy: GatePolicy): Review {
  // Data sources need no filter: Terraform plans them only with read or no-op, which are no change.
  const changes = plan.resource_changes.flatMap((rc) => toChange(rc) ?? []);
  const violations = changes.flatMap((c) => violationOf(c, changes, policy) ?? []);
  const problems = [
    ...(plan.errored ? ["Terraform reported an error while planning: the plan is incomplete and cannot be reviewed"] : []),
    // A valid final config that no single apply is sure to reach fails half-way through the apply.
    ...orderingConflicts(plan),
  ];
  return { changes, violations, problems };
}

export function passed(review: Review): boolean {
  return review.violations.length === 0 && review.problems.length === 0;
}

function kindOf(rc: ResourceChange): ChangeKind | undefined {
  const actions = rc.change.actions;
  // Terraform's documented rule: "delete" in the list means the object is destroyed (delete, or replace either way round).
  if (actions.includes("delete")) return actions.includes("create") ? "replace" : "delete";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  if (actions.includes("forget")) return "forget";
  return rc.previous_address !== undefined && rc.previous_address !== rc.address ? "move" : undefined;
}

function toChange(rc: ResourceChange): Change | undefined {
  const kind = kindOf(rc);
  if (kind === undefined) return undefined;
  const movedFrom = rc.previous_address !== rc.address ? rc.previous_address : undefined;
  const isParameter = rc.address === ADDRESS.autopilotParameter;
  // Stryker disable next-line ArrayDeclaration: a type without traffic attributes has none named as the mutant's either
  // The provider mirrors the parameter's insecure_value into its (sensitive) value: both are shown as ceilings.
  const shownElsewhere = isParameter ? ["insecure_value", "value"] : (TRAFFIC_ATTRIBUTES[rc.type] ?? []);
  const details = [
    // Terraform gives replace_paths only with a replace.
    ...replaceReason(rc),
    // A deleted group has no traffic settings left; a forgotten one keeps its own in AWS, untouched.
    ...(rc.type === ENDPOINT_GROUP && kind !== "delete" && kind !== "forget" ? endpointGroupDetails(rc) : []),
    // The autopilot's parameter: the ceilings Terraform now sets for the steered groups, whose dials it ignores.
    ...(isParameter && kind !== "delete" && kind !== "forget" ? parameterDetails(rc) : []),
    // The dial and weights are listed above; any other attribute by name.
    ...(kind === "update" ? changedAttributes(rc, shownElsewhere) : []),
  ];
  return { address: rc.address, type: rc.type, kind, ...(movedFrom !== undefined && { movedFrom }), details };
}

function violationOf(change: Change, all: readonly Change[], policy: GatePolicy): Violation | undefined {
  if (change.kind !== "delete" && change.kind !== "replace") return undefined;
  if (change.type === ACCELERATOR) {
    const created = all.filter((c) => c.type === ACCELERATOR && c.kind === "create").map((c) => c.address);
    const renamed =
      change.kind === "delete" && created.length > 0
        ? ` The plan also creates ${created.join(", ")}: if the address changed in a refactor, add a moved block from ${change.address}.`
        : "";
    return {
      address: change.address,
      kind: change.kind,
      reason: `the accelerator is always protected: ${change.kind === "delete" ? "deleting" : "replacing"} it loses its static IP addresses for ever.${renamed}`,
    };
  }
  const allowance = ALLOWANCE_BY_TYPE[change.type];
  if (allowance === undefined || policy.allowDestroy.includes(allowance)) return undefined;
  return {
    address: change.address,
    kind: change.kind,
    reason: `${allowance} are protected for this stack (allowDestroy does not list "${allowance}"); if a rename caused it, set renamedFrom on the listener so Terraform moves it instead.`,
  };
}

function replaceReason(rc: ResourceChange): string[] {
  const paths = (rc.change.replace_paths ?? []).map((p) => p.join("."));
  return paths.length > 0 ? [`replaced because ${paths.join(", ")} cannot change in place`] : [];
}

/** The attributes a change shows as traffic settings (the dial and the weights), by resource type. */
const TRAFFIC_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  [ENDPOINT_GROUP]: ["traffic_dial_percentage", "endpoint_configuration"],
};

/**
 * Top-level attributes whose value differs. Terraform leaves a value still unknown out of `after` (and
 * marks it in after_unknown), so an attribute that becomes unknown counts as changed too.
 */
function changedAttributes(rc: ResourceChange, shownElsewhere: readonly string[]): string[] {
  const before = rc.change.before ?? {};
  const after = rc.change.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = keys.filter((k) => !shownElsewhere.includes(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return changed.length > 0 ? [`changes ${changed.join(", ")}`] : [];
}

interface EndpointState {
  readonly endpoint_id?: string;
  readonly weight?: number;
}

// Stryker disable OptionalChaining: a group's details are read only from values the plan has (after for a new
// group; before and after for an update), never from the null of a deleted or a new one
function endpointsOf(value: Record<string, unknown> | null): EndpointState[] {
  const list = value?.endpoint_configuration;
  return Array.isArray(list) ? (list as EndpointState[]) : [];
}

function dial(value: Record<string, unknown> | null): string {
  return typeof value?.traffic_dial_percentage === "number" ? `${value.traffic_dial_percentage}%` : "(known after apply)";
}
// Stryker restore OptionalChaining

/** The traffic settings a reviewer looks for first: the dial and each endpoint's weight. */
function endpointGroupDetails(rc: ResourceChange): string[] {
  const { before, after } = rc.change;
  // A group the plan creates, alone or in a replace, is shown whole.
  const isNew = rc.change.actions.includes("create");
  const label = (ep: EndpointState, i: number) => ep.endpoint_id ?? `endpoint ${i + 1} (id known after apply)`;
  if (isNew) {
    const weights = endpointsOf(after).map((ep, i) => `${label(ep, i)} ${ep.weight ?? "?"}`);
    return [`traffic dial ${dial(after)}`, `weights: ${weights.length > 0 ? weights.join(", ") : "(known after apply)"}`];
  }
  const details: string[] = [];
  if (dial(before) !== dial(after)) details.push(`traffic dial ${dial(before)} → ${dial(after)}`);
  const old = new Map(endpointsOf(before).map((ep) => [ep.endpoint_id, ep]));
  const now = endpointsOf(after);
  now.forEach((ep, i) => {
    const was = old.get(ep.endpoint_id);
    if (was === undefined) details.push(`adds ${label(ep, i)} (weight ${ep.weight ?? "?"})`);
    else if (was.weight !== ep.weight) details.push(`weight of ${label(ep, i)} ${was.weight ?? "?"} → ${ep.weight ?? "?"}`);
  });
  const kept = new Set(now.map((ep) => ep.endpoint_id));
  for (const [id, ep] of old) if (!kept.has(id)) details.push(`removes ${id} (weight ${ep.weight ?? "?"})`);
  return details;
}
