// Plans whose final configuration is valid but that no single apply is sure to reach. Terraform applies
// resources that do not depend on each other in parallel, in no set order (sibling listeners, the groups of
// different listeners), and a resource only after those it depends on (a listener after its accelerator, a
// group after its listener); the Global Accelerator API checks every call against what exists at that
// moment. So when one change takes something another change gives up (a port range, an endpoint port, a slot
// under a quota), the apply fails half-way whenever the taker goes first. Validation sees only the final
// config; only a plan sees the old values beside the new. Each finding ends with the two-step recipe.
import { MAX_ENDPOINT_GROUPS, MAX_LISTENERS } from "../config/limits";
import { RESOURCE_TYPE } from "../model/contract";
import type { Plan, ResourceChange } from "./plan-json";

type Values = Record<string, unknown> | null;
interface Range {
  readonly from: number;
  readonly to: number;
}
interface Override {
  readonly listenerPort: number;
  readonly endpointPort: number;
}

const { accelerator: ACCELERATOR, listener: LISTENER, endpointGroup: ENDPOINT_GROUP } = RESOURCE_TYPE;

function list(values: Values, key: string): Record<string, unknown>[] {
  const v = values?.[key];
  // Stryker disable next-line ArrayDeclaration: an element that is not an object reads as NaN ports, which match nothing
  return Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
}

const rangesOf = (values: Values): Range[] => list(values, "port_range").map((r) => ({ from: Number(r.from_port), to: Number(r.to_port) }));
const overridesOf = (values: Values): Override[] =>
  list(values, "port_override").map((o) => ({ listenerPort: Number(o.listener_port), endpointPort: Number(o.endpoint_port) }));
const showRange = (r: Range) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`);
const overlap = (a: Range, b: Range) => a.from <= b.to && b.from <= a.to;
const inRange = (port: number, r: Range) => port >= r.from && port <= r.to;
const has = (rc: ResourceChange, action: string) => rc.change.actions.includes(action as never);
/** Whether the resource is created, or changed in place or replaced (a no-op, a read or a forget writes nothing). */
const writes = (rc: ResourceChange) => has(rc, "create") || has(rc, "update");
/** The listener an endpoint group belongs to: its name up to the first "_" (`<listener>_<region>`; listener names hold none). */
const listenerOf = (group: ResourceChange) => `${LISTENER}.${group.name.split("_")[0]}`;

// The findings below compare what a change writes with what the others held before the plan. The plan's final
// config is valid (validation holds it: no two listeners of a protocol overlap, no endpoint port is mapped from
// two listener ports or lies in a listener's ranges), so whatever of the old values a new one meets, the old
// owner gives up in the same apply; which of the two calls comes first is up to Terraform.

// A listener that takes ports of its protocol that another listener holds until the same apply.
function portRangeConflicts(listeners: readonly ResourceChange[]): string[] {
  const takes = (x: ResourceChange, y: ResourceChange): Range[] => {
    if (x === y || !writes(x) || x.change.after!.protocol !== y.change.before?.protocol) return [];
    const held = rangesOf(y.change.before);
    return rangesOf(x.change.after).filter((r) => held.some((h) => overlap(r, h)));
  };
  return listeners.flatMap((x, i) =>
    listeners.flatMap((y, j) => {
      const taken = takes(x, y);
      const back = takes(y, x);
      // A swap is one finding, at the first of the two.
      // Stryker disable next-line EqualityOperator: at j === i, y is x, and a listener takes nothing from itself, so taken is empty either way
      if (taken.length === 0 || (back.length > 0 && j < i)) return [];
      const protocol = String(x.change.after!.protocol);
      const [what, first] =
        back.length > 0
          ? [
              `${x.address} and ${y.address} swap ${protocol} ports (${x.address} takes ${taken.map(showRange).join(", ")}, ${y.address} takes ${back.map(showRange).join(", ")})`,
              "first a config in which both move to ports that neither uses now",
            ]
          : [
              `${x.address} takes ${protocol} ${taken.map(showRange).join(", ")}, which ${y.address} gives up in the same apply`,
              `first a config in which ${y.address} has given them up and ${x.address} does not take them yet`,
            ];
      return [
        `${what}: Terraform changes listeners in parallel, in no set order, and the API refuses a port range that another listener of the protocol still holds (InvalidPortRangeException), so the apply can fail half-way. Apply it in two steps: ${first}, then this one.`,
      ];
    }),
  );
}

// An override onto an endpoint port that another group maps from another listener port, or that is in the
// ranges of another listener, until the same apply changes that group or listener. (A group's own old
// overrides go in the same call as its new ones, and its own listener is changed before it: a dependency.)
function endpointPortConflicts(groups: readonly ResourceChange[], listeners: readonly ResourceChange[]): string[] {
  return groups.filter(writes).flatMap((g) =>
    overridesOf(g.change.after).flatMap((o) => {
      const fromGroups = groups
        .filter((h) => h !== g)
        .flatMap((h) => overridesOf(h.change.before).filter((p) => p.endpointPort === o.endpointPort && p.listenerPort !== o.listenerPort).map((p) => `which ${h.address} maps from listener port ${p.listenerPort}`));
      const fromListeners = listeners
        .filter((y) => y.address !== listenerOf(g))
        .flatMap((y) => rangesOf(y.change.before).filter((r) => inRange(o.endpointPort, r)).map((r) => `which is in ${y.address}'s port range ${showRange(r)}`));
      return [...fromGroups, ...fromListeners].map(
        (holder) =>
          `${g.address} overrides listener port ${o.listenerPort} onto endpoint port ${o.endpointPort}, ${holder} until the same apply changes that: Terraform changes them in no set order, and the API refuses such an override (InvalidArgumentException), so the apply can fail half-way. Apply it in two steps: first a config without this override, then this one.`,
      );
    }),
  );
}

// A dual-stack accelerator takes no Elastic IP endpoints, and Terraform changes the accelerator before its
// endpoint groups: the switch is refused while a group still holds one, every time.
function dualStackConflicts(accelerators: readonly ResourceChange[], groups: readonly ResourceChange[]): string[] {
  return accelerators
    .filter((a) => a.change.before !== null && a.change.before.ip_address_type !== "DUAL_STACK" && a.change.after?.ip_address_type === "DUAL_STACK")
    .flatMap((a) =>
      groups.flatMap((g) => {
        const eips = list(g.change.before, "endpoint_configuration").map((e) => String(e.endpoint_id)).filter((id) => id.startsWith("eipalloc-"));
        return eips.length === 0
          ? []
          : [
              `${a.address} becomes DUAL_STACK while ${g.address} still has Elastic IP endpoints (${eips.join(", ")}): Terraform changes the accelerator before its endpoint groups, and the API refuses a dual-stack accelerator with Elastic IP endpoints (InvalidArgumentException), so the apply fails half-way. Apply it in two steps: first a config that removes the Elastic IP endpoints and keeps ipAddressType IPV4, then this one.`,
            ];
      }),
    );
}

// Creates that may run before the deletes that make room for them: the quota counts what exists at the time.
// The final config keeps the quota (validation), so going over it on the way means some deletes come too.
function quotaConflicts(changes: readonly ResourceChange[], what: string, quota: number): string[] {
  const existing = changes.filter((rc) => rc.change.before !== null).length;
  // A replace deletes first (Terraform's default order), so only a pure create adds one.
  const created = changes.filter((rc) => has(rc, "create") && !has(rc, "delete")).length;
  const deleted = changes.filter((rc) => has(rc, "delete") && !has(rc, "create")).length;
  return existing + created > quota
    ? [
        `the plan creates ${created} ${what} and deletes ${deleted} of the ${existing} there are: Terraform creates and deletes them in parallel, in no set order, and the API refuses more than ${quota} ${what} per accelerator (LimitExceededException), so the apply can fail half-way. Apply it in two steps: first a config without the new ${what} (the deletes), then this one.`,
      ]
    : [];
}

/** Why the plan cannot be applied in one go; empty when it can. */
export function orderingConflicts(plan: Plan): string[] {
  const managed = plan.resource_changes.filter((rc) => rc.mode === "managed");
  const ofType = (type: string) => managed.filter((rc) => rc.type === type);
  const [accelerators, listeners, groups] = [ofType(ACCELERATOR), ofType(LISTENER), ofType(ENDPOINT_GROUP)];
  return [
    ...portRangeConflicts(listeners),
    ...endpointPortConflicts(groups, listeners),
    ...dualStackConflicts(accelerators, groups),
    ...quotaConflicts(listeners, "listeners", MAX_LISTENERS),
    ...quotaConflicts(groups, "endpoint groups", MAX_ENDPOINT_GROUPS),
  ];
}
