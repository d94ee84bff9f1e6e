// The gate's capacity check: the traffic dials and weights a plan would leave (the config's, or the
// operators' -var overrides, which Terraform has already evaluated into each endpoint group's planned
// values; for a group the autopilot steers, its ceiling, the most it may be given), routed as `npm run
// explain` routes them, every region healthy, against the groups' capacity and the stack's demand. An overload is printed; with --capacity-strict it fails the gate.
import { groupState, overloadsOf, routeGroups } from "../explain";
import { ADDRESS } from "../model/contract";
import type { EndpointGroupModel, StackModel } from "../model/model";
import { plannedCeiling } from "./ceilings";
import type { Plan, ResourceChange } from "./plan-json";

export interface CapacityOverload {
  readonly listener: string;
  readonly region: string;
  readonly load: number;
  readonly capacity: number;
}

export interface CapacityReview {
  /** Whether the stack has demand and capacity to check; without them there is nothing to say. */
  readonly checked: boolean;
  /** --capacity-strict: an overload fails the gate. */
  readonly strict: boolean;
  /** Each group as the plan leaves it: `<listener>/<region>` with its dial, or why it takes no traffic. */
  readonly groups: readonly string[];
  readonly overloads: readonly CapacityOverload[];
}

interface PlannedGroup {
  readonly traffic_dial_percentage?: unknown;
  readonly endpoint_configuration?: readonly { readonly weight?: unknown }[];
}

/**
 * The dial and availability the plan leaves a group with; undefined when the plan removes it or lacks it.
 * A steered group's planned dial is only the one the autopilot last set (Terraform ignores changes of it):
 * its ceiling is what the plan decides, and what the autopilot may go up to, so capacity is checked there.
 */
function planned(group: EndpointGroupModel, plan: Plan, changes: ReadonlyMap<string, ResourceChange>): { dial: number; weighted: boolean; steered: boolean } | undefined {
  const after = changes.get(ADDRESS.endpointGroup(group))?.change.after as PlannedGroup | null | undefined;
  if (after === null || after === undefined) return undefined;
  const steered = group.autopilot !== undefined;
  const dial = steered ? plannedCeiling(group, plan) : typeof after.traffic_dial_percentage === "number" ? after.traffic_dial_percentage : group.trafficDialPercentage;
  const endpoints = after.endpoint_configuration;
  // Weights are known at plan time (each is a lookup of a variable); one that is not is taken as serving.
  const weighted = Array.isArray(endpoints)
    ? endpoints.some((ep) => typeof ep.weight !== "number" || ep.weight > 0)
    : group.endpoints.some((ep) => ep.weight > 0);
  return { dial, weighted, steered };
}

export function reviewCapacity(plan: Plan, stack: StackModel, strict = false): CapacityReview {
  // Stryker disable next-line MethodExpression: validation gives a capacity to every group of a listener or to none (capacityOnEveryGroup)
  const listeners = stack.listeners.filter((l) => l.endpointGroups.some((g) => g.capacity !== undefined));
  if (Object.keys(stack.demand).length === 0 || listeners.length === 0) return { checked: false, strict, groups: [], overloads: [] };
  // Only endpoint groups are looked up: a data source's address ("data. ...") is never one.
  const changes = new Map(plan.resource_changes.map((rc) => [rc.address, rc]));
  const groups: string[] = [];
  const overloads = listeners.flatMap((listener) => {
    const states = listener.endpointGroups.map((group) => {
      const left = planned(group, plan, changes);
      const key = `${listener.name}/${group.region}`;
      groups.push(left === undefined ? `${key}: not in the plan, no traffic` : `${key}: ${left.steered ? "ceiling" : "dial"} ${left.dial}${left.weighted ? "" : ", every weight 0"}`);
      // A group the plan removes, or whose every weight is 0, takes no traffic, as a failed one.
      // Stryker disable next-line ArrayDeclaration: available is given here, so no region needs to be failed for groupState
      return { ...groupState(group, [], left?.dial ?? 0), available: left !== undefined && left.weighted };
    });
    return overloadsOf(routeGroups(states, stack.demand).loads).map((o) => ({ listener: listener.name, ...o }));
  });
  return { checked: true, strict, groups, overloads };
}

/** Whether the capacity check lets the plan through: always, unless strict and something is overloaded. */
export function capacityPassed(review: CapacityReview | undefined): boolean {
  return review === undefined || !review.strict || review.overloads.length === 0;
}
