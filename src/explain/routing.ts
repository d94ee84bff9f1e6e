// Where Global Accelerator sends the clients of one geography among a listener's endpoint groups, and the
// load that leaves on each region. The rules, from the Global Accelerator Developer Guide:
//  - a client goes to the closest endpoint group, choosing the original group with the dials in mind
//    ("the nearest endpoint group might not be the original endpoint group ... Global Accelerator considers
//    traffic dial settings when it chooses the original endpoint group", about-endpoints-endpoint-weights);
//  - a dial applies "only to traffic that is already directed to the endpoint group"; the share it holds
//    back goes to the next closest group, whole: in the guide's two-Region example (both dials at 50%) the
//    next group serves all of the other coast's held-back half (about-endpoint-groups-traffic-dial);
//  - a group with no healthy endpoint of weight > 0 fails over to the closest group that has one, and "for
//    this failover, Global Accelerator ignores the traffic dial setting", so a group at dial 0 takes it;
//  - after the three closest groups, it "routes traffic to a random endpoint in the endpoint group that is
//    closest to the client. That is, it fails open."
// Where the guide is silent this model chooses, and the output says so: a held-back share with no other
// group at dial > 0 stays where it is; with every dial at 0 clients are routed as in failover.
import type { Geography } from "../config/limits";
import { byDistanceFrom } from "./geography";

/** One endpoint group as a scenario leaves it. */
export interface GroupState {
  readonly region: string;
  /** The traffic dial, 0-100. */
  readonly dial: number;
  /** Healthy with an endpoint of weight > 0: a failed region, or every weight at 0, makes it unavailable. */
  readonly available: boolean;
  /** In the unit of the stack's demand. @default - unknown */
  readonly capacity?: number;
}

/**
 * How a share of a geography's clients reached its region: the closest group with dial > 0, the share a
 * closer group's dial held back, failover from an unavailable group (dials ignored), failing open (no
 * available group among those tried), or every dial at 0 (dials ignored, as in failover).
 */
export type Via = "closest" | "spill" | "failover" | "fail-open" | "all-dials-zero";

export interface Share {
  readonly region: string;
  /** Of the geography's clients, 0-1. */
  readonly fraction: number;
  readonly via: Via;
  /** The group whose dial held a spilled share back, or the unavailable group a failover or fail-open comes from. */
  readonly from?: string;
}

/** How many groups besides the original Global Accelerator tries before it fails open. */
export const FAILOVER_ATTEMPTS = 3;

/** The shares of one geography's clients, by region, in the order they were assigned. */
export function route(geography: Geography, groups: readonly GroupState[]): Share[] {
  const order = byDistanceFrom(geography, groups);
  if (order.length === 0) return [];
  const dialed = order.filter((g) => g.dial > 0);
  if (dialed.length === 0) return deliver(order[0], 1, "all-dials-zero", order);
  const [primary, next] = dialed;
  const kept = primary.dial / 100;
  // With no other group at dial > 0, nothing takes the held-back share: it is modelled as staying.
  if (next === undefined || kept >= 1) return deliver(primary, 1, "closest", order);
  return [...deliver(primary, kept, "closest", order), ...deliver(next, 1 - kept, "spill", order, primary.region)];
}

/** A share bound for its original group: served there, or failed over, or failed open. */
function deliver(original: GroupState, fraction: number, via: Via, order: readonly GroupState[], heldBackBy?: string): Share[] {
  if (original.available) return [{ region: original.region, fraction, via, ...(heldBackBy !== undefined && { from: heldBackBy }) }];
  const tried = order.filter((g) => g !== original).slice(0, FAILOVER_ATTEMPTS);
  const target = tried.find((g) => g.available);
  if (target !== undefined) return [{ region: target.region, fraction, via: "failover", from: original.region }];
  return [{ region: order[0].region, fraction, via: "fail-open", from: original.region }];
}

export interface RegionLoad {
  readonly region: string;
  /** The demand sent to this region (0 without demand). */
  readonly load: number;
  readonly capacity?: number;
  /** Unavailable: what fails open to it is not served. */
  readonly down: boolean;
  /** load > capacity. */
  readonly overloaded: boolean;
}

export interface ListenerRouting {
  readonly routes: Readonly<Record<Geography, readonly Share[]>>;
  /** Every group's region, in the listener's order. */
  readonly loads: readonly RegionLoad[];
}

/** Routes every geography and adds up the demand each region receives. */
export function routeListener(groups: readonly GroupState[], demand: Readonly<Partial<Record<Geography, number>>>, geographies: readonly Geography[]): ListenerRouting {
  const routes = Object.fromEntries(geographies.map((g) => [g, route(g, groups)])) as Record<Geography, Share[]>;
  const loads = groups.map((group) => {
    const load = geographies.reduce(
      (sum, g) => sum + (demand[g] ?? 0) * routes[g].filter((s) => s.region === group.region).reduce((f, s) => f + s.fraction, 0),
      0,
    );
    // A rounding tolerance, so that 0.3 + 0.7 of a demand equal to the capacity is not an overload.
    const overloaded = group.capacity !== undefined && load > group.capacity * (1 + 1e-9);
    return { region: group.region, load, ...(group.capacity !== undefined && { capacity: group.capacity }), down: !group.available, overloaded };
  });
  return { routes, loads };
}

/** The regions a routing sends more than their capacity. */
export function overloadsOf(loads: readonly RegionLoad[]): { region: string; load: number; capacity: number }[] {
  return loads.flatMap((l) => (l.overloaded && l.capacity !== undefined ? [{ region: l.region, load: l.load, capacity: l.capacity }] : []));
}
