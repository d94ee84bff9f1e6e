// Where Global Accelerator sends the clients of one place among a listener's endpoint groups, and the load
// that leaves on each region. The rules, from the Global Accelerator Developer Guide:
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
// Each metro area of src/config/metros.ts is routed on its own; a geography's shares are its metros' added
// up, weighted by their load where the stack gives the geography one, else by their internet users.
import { GEOGRAPHIES, type Geography } from "../config/limits";
import { METROS, type Metro } from "../config/metros";
import type { DemandConfig } from "../config/types";
import { geographyLoad, metroLoads } from "./clients";
import { byDistanceFrom, kmToRegion, type Point } from "./geography";

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
 * How a share of a place's clients reached its region: the closest group with dial > 0, the share a
 * closer group's dial held back, failover from an unavailable group (dials ignored), failing open (no
 * available group among those tried), or every dial at 0 (dials ignored, as in failover).
 */
export type Via = "closest" | "spill" | "failover" | "fail-open" | "all-dials-zero";

export interface Share {
  readonly region: string;
  /** Of the place's clients, 0-1. */
  readonly fraction: number;
  readonly via: Via;
  /** The group whose dial held a spilled share back, or the unavailable group a failover or fail-open comes from. */
  readonly from?: string;
}

/** How many groups besides the original Global Accelerator tries before it fails open. */
export const FAILOVER_ATTEMPTS = 3;

/** The shares of the clients at one point, by region, in the order they were assigned. */
export function route(from: Point, groups: readonly GroupState[]): Share[] {
  const order = byDistanceFrom(from, groups);
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

/**
 * How much nearer the closest group must be for the choice between two to be clear: a runner-up less than
 * this fraction farther is "nearly as close", where network proximity may well choose the other one.
 */
export const NEAR_TIE = 0.1;

export interface RegionDistance {
  readonly region: string;
  readonly km: number;
}

/** A place nearly as close to two groups: the closest and the runner-up, less than NEAR_TIE farther. */
export interface NearTie {
  readonly closest: RegionDistance;
  readonly second: RegionDistance;
}

/**
 * Whether the two groups a client at this point chooses between (those up with a dial above 0; those up,
 * when every dial is 0) are nearly as close as each other.
 */
export function nearTie(from: Point, groups: readonly GroupState[]): NearTie | undefined {
  const up = groups.filter((g) => g.available);
  const choices = up.some((g) => g.dial > 0) ? up.filter((g) => g.dial > 0) : up;
  const [closest, second] = byDistanceFrom(from, choices).map((g) => ({ region: g.region, km: kmToRegion(from, g.region) }));
  // Stryker disable next-line EqualityOperator: a runner-up at exactly 1.1 times the distance is a measure-zero case; > and >= differ only there
  if (second === undefined || second.km > closest.km * (1 + NEAR_TIE)) return undefined;
  return { closest, second };
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

export interface MetroTie extends NearTie {
  readonly metro: Metro;
}

export interface ListenerRouting {
  /** Each geography's clients, by region, largest share first. */
  readonly routes: Readonly<Record<Geography, readonly Share[]>>;
  /** Every group's region, in the listener's order. */
  readonly loads: readonly RegionLoad[];
  /** The metros nearly as close to two groups, most users first. */
  readonly nearTies: readonly MetroTie[];
}

/**
 * Routes every metro, adds each geography's shares up and the demand each region receives: the one
 * computation behind explain, the plan gate's capacity check and the diagram.
 */
export function routeGroups(groups: readonly GroupState[], demand: DemandConfig): ListenerRouting {
  const loadOf = metroLoads(demand);
  const routed = METROS.map((metro) => ({ metro, shares: route(metro, groups), load: loadOf.get(metro) ?? 0 }));
  const routes = Object.fromEntries(
    GEOGRAPHIES.map((g) => {
      // A geography with load is shared out by its metros' load, one without by their internet users.
      const byLoad = geographyLoad(demand, g) > 0;
      const places = routed.filter((r) => r.metro.geography === g).map((r) => ({ weight: byLoad ? r.load : r.metro.users, shares: r.shares }));
      return [g, addUp(places)];
    }),
  ) as Record<Geography, Share[]>;
  const loads = groups.map((group) => {
    let load = 0;
    for (const r of routed) {
      for (const s of r.shares) if (s.region === group.region) load += r.load * s.fraction;
    }
    // A rounding tolerance, so that 0.3 + 0.7 of a demand equal to the capacity is not an overload; without a capacity, none.
    // Stryker disable next-line EqualityOperator: a capacity is above 0 (schema), so > and >= differ only at a load of exactly capacity * (1 + 1e-9), a measure-zero case
    const overloaded = load > (group.capacity ?? Infinity) * (1 + 1e-9);
    return { region: group.region, load, ...(group.capacity !== undefined && { capacity: group.capacity }), down: !group.available, overloaded };
  });
  const nearTies = METROS.flatMap((metro) => {
    const tie = nearTie(metro, groups);
    return tie === undefined ? [] : [{ metro, ...tie }];
  }).sort((a, b) => b.metro.users - a.metro.users);
  return { routes, loads, nearTies };
}

/**
 * The shares of several places added up by their weights, as fractions of the whole: one share per region
 * and way (and group it came from), regions largest first.
 */
export function addUp(places: readonly { readonly weight: number; readonly shares: readonly Share[] }[]): Share[] {
  const total = places.reduce((sum, p) => sum + p.weight, 0);
  const merged = new Map<string, Share>();
  for (const { weight, shares } of places) {
    for (const s of shares) {
      // Stryker disable next-line StringLiteral: the key only tells ways apart, and no group is named like the mutant's text
      const from = s.from ?? "";
      const key = `${s.region}\u0000${s.via}\u0000${from}`;
      // A total of 0 (every weight 0) makes this NaN, which the filter below drops as it drops 0.
      const fraction = (merged.get(key)?.fraction ?? 0) + (s.fraction * weight) / total;
      merged.set(key, { ...s, fraction });
    }
  }
  const regionTotal = new Map<string, number>();
  for (const s of merged.values()) regionTotal.set(s.region, (regionTotal.get(s.region) ?? 0) + s.fraction);
  const total_ = (s: Share) => regionTotal.get(s.region) ?? 0;
  return [...merged.values()]
    .filter((s) => s.fraction > 0)
    .sort((a, b) => total_(b) - total_(a) || a.region.localeCompare(b.region) || b.fraction - a.fraction);
}

/** The regions a routing sends more than their capacity. */
export function overloadsOf(loads: readonly RegionLoad[]): { region: string; load: number; capacity: number }[] {
  // Only a load above a capacity is overloaded, so an overloaded region has one.
  return loads.flatMap((l) => (l.overloaded ? [{ region: l.region, load: l.load, capacity: l.capacity as number }] : []));
}

/** A region serving one client: its share of the client's traffic, how far it is, and how the share got there. */
export interface ClientShare {
  readonly region: string;
  /** 0-1. */
  readonly share: number;
  readonly km: number;
  /** Each way the share reached the region (two when, say, a failover lands where a dial's spill goes). */
  readonly ways: readonly Share[];
}

/** Where one client goes: each region with its share and distance, largest first, and the runner-up. */
export interface ClientRouting {
  readonly servedBy: readonly ClientShare[];
  /** The closest group that is up and serves none of this client's traffic: where it goes next. */
  readonly runnerUp?: RegionDistance;
  readonly nearTie?: NearTie;
}

export function routeClient(client: Point, groups: readonly GroupState[]): ClientRouting {
  const shares = addUp([{ weight: 1, shares: route(client, groups) }]);
  const regions = [...new Set(shares.map((s) => s.region))];
  const servedBy = regions.map((region) => {
    const ways = shares.filter((s) => s.region === region);
    return { region, share: ways.reduce((sum, w) => sum + w.fraction, 0), km: kmToRegion(client, region), ways };
  });
  const next = byDistanceFrom(
    client,
    groups.filter((g) => g.available && !regions.includes(g.region)),
  )[0];
  const tie = nearTie(client, groups);
  return {
    servedBy,
    ...(next !== undefined && { runnerUp: { region: next.region, km: kmToRegion(client, next.region) } }),
    ...(tie !== undefined && { nearTie: tie }),
  };
}
