// Where the clients a dial change moves go, and how full that leaves each region: the routing model
// `npm run explain` and the plan gate use (groupState, routeGroups), fed with the dials and health read now.
//
// Queue lengths do not add across regions, so loads are compared as utilisation: a group's live load over
// its capacity, taken as its signal over its high watermark (1 = at the high watermark). The high watermark
// is the operator's own statement of where a group is full; the estimate is exact for a signal that grows
// in proportion to load (KV-cache use, running requests) and reads a queue that has not yet formed as idle.
// A group without a live signal has no live utilisation: an unsteered one is estimated on paper (the
// stack's demand routed to it over its capacity, as explain does) when the stack gives demand and the group
// a capacity; anything else is unknown, and no clients are sent to a region whose load is unknown.
//
// The routing model says which clients a dial moves and where they go; how much load they carry is taken
// from the region they leave: each routed unit bound for it carries its live load over its routed demand.
import { GEOGRAPHIES } from "../config/limits";
import type { DemandConfig } from "../config/types";
import { METROS_OF } from "../explain/clients";
import { routeGroups, type GroupState } from "../explain/routing";
import { groupState } from "../explain/scenarios";
import type { StackModel } from "../model/model";
import type { GroupHealth } from "./types";

/** Live load over capacity (1 at the high watermark), and the capacity it is measured against. */
export interface Load {
  readonly utilisation: number;
  readonly capacity: number;
}

/** One endpoint group of a listener as this tick finds it. */
export interface Place {
  readonly key: string;
  readonly state: GroupState;
  readonly health: GroupHealth;
  /** Terraform's dial; an unsteered group's is its dial. */
  readonly ceiling: number;
  /** Undefined when not known. */
  readonly load?: Load;
}

/** A listener's groups and what the routing model sends each (in the demand's unit, same order). */
export interface Picture {
  readonly places: readonly Place[];
  readonly routed: readonly number[];
}

export interface PlaceInput {
  readonly key: string;
  readonly region: string;
  readonly dial: number;
  readonly health: GroupHealth;
  readonly ceiling: number;
  /** A steered group without a live signal has no known load: its signal is missing for a reason. */
  readonly steered: boolean;
  /** From a live signal; undefined without one. */
  readonly live?: Load;
}

/**
 * Where the stack's clients are: its demand, or without one every metro weighted by its internet users
 * (which clients a dial moves only needs their shares, not their unit).
 */
export function routingDemand(stack: StackModel): DemandConfig {
  if (Object.keys(stack.demand).length > 0) return stack.demand;
  return Object.fromEntries(GEOGRAPHIES.map((g) => [g, METROS_OF[g].reduce((sum, m) => sum + m.users, 0)]));
}

/** A listener's groups routed as they are now, each with its live utilisation or, failing that, its paper one. */
export function picture(stack: StackModel, listener: string, groups: readonly PlaceInput[], demand: DemandConfig): Picture {
  // Stryker disable next-line ArrayDeclaration: a listener the config lacks has no groups to find, and a made-up entry is not a group either
  const modelGroups = stack.listeners.find((l) => l.name === listener)?.endpointGroups ?? [];
  const states = groups.map((g): GroupState => {
    const model = modelGroups.find((m) => m.region === g.region);
    // INITIAL (unknown) follows every change to the accelerator: the endpoints served before it, so they
    // are routed as serving; only a group reported unhealthy fails over.
    const failed = g.health === "unhealthy" ? [g.region] : [];
    // A group the config no longer has (the config changed since the apply) is routed from what the API shows.
    if (model === undefined) return { region: g.region, dial: g.dial, available: failed.length === 0 };
    return groupState(model, failed, g.dial);
  });
  const routed = routeGroups(states, demand).loads.map((l) => l.load);
  const paper = Object.keys(stack.demand).length > 0;
  const places = groups.map((g, i): Place => {
    const capacity = states[i].capacity;
    const load = g.live ?? (paper && !g.steered && capacity !== undefined ? { utilisation: routed[i] / capacity, capacity } : undefined);
    return { key: g.key, state: states[i], health: g.health, ceiling: g.ceiling, load };
  });
  return { places, routed };
}

/** The picture after one group's dial changes: the clients it moves land where the routing model sends them. */
export function withDial(before: Picture, index: number, dial: number, demand: DemandConfig): Picture {
  const states = before.places.map((p, i) => (i === index ? { ...p.state, dial } : p.state));
  const routed = routeGroups(states, demand).loads.map((l) => l.load);
  const mover = before.places[index].load;
  const routedBefore = before.routed[index];
  // The moved clients carry the live load per routed unit of the region they leave (or come back to).
  const perUnit = mover === undefined || routedBefore === 0 ? 0 : (mover.utilisation * mover.capacity) / routedBefore;
  const places = before.places.map((p, i): Place => {
    const load = p.load === undefined ? undefined : { utilisation: p.load.utilisation + ((routed[i] - before.routed[i]) * perUnit) / p.load.capacity, capacity: p.load.capacity };
    return { ...p, state: states[i], load };
  });
  return { places, routed };
}

/**
 * The regions whose routed clients differ between two pictures of one listener. Shares are added up in
 * floating point: a share that leaves and comes back (a spill that fails over to where it came from) can
 * differ in the last bits, which is no movement.
 */
export function moved(before: Picture, after: Picture): number[] {
  return before.routed.flatMap((r, i) => (Math.abs(after.routed[i] - r) > 1e-9 * (r + after.routed[i]) ? [i] : []));
}
