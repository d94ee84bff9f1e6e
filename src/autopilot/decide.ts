// The autopilot's control law: one pure function of what a tick reads (signals with their sample times,
// dials, health, ceilings, the accelerators' status, the autopilot's own last writes, the operators'
// pauses, the routing model, now) to one decision per steered group. Nothing is remembered between ticks,
// so a restart or a second instance taking over decides the same. Every rail is a named rule below, in the
// order they apply; the first that speaks decides.
//
// The law: NS1's watermarks as a deadband around an integral controller. Above the high watermark the dial
// steps down by the share of its traffic that would bring the signal back to the high watermark if the load
// followed the dial (in proportion to the excess), at most maxStepPercent; below the low watermark it steps
// back up toward its ceiling by a smaller step; between them it holds. The dial is the integral: each step
// is added to it, and the gap between the watermarks keeps a steady load from moving it back and forth.
import { moved, picture, routingDemand, withDial, type Load, type Picture, type PlaceInput } from "./predict";
import { acceleratorArnOf, type DecideInput, type Decision, type DialWrite, type SignalSample, type SteeredGroupInput } from "./types";

/**
 * A restore steps at half the shed step. Shedding answers clients waiting now; restoring only gives back
 * room, and a restore that overshoots the high watermark is shed again on the next tick: climbing at half
 * the speed approaches the watermark from below (the loop's gain is lower on the way up than on the way
 * down), so a flat load settles instead of cycling, and a region just recovered is not flooded at once.
 */
const RESTORE_SHARE = 0.5;

/** The API takes floats; a tenth of a point is finer than any load signal, and a grid keeps decisions stable. */
function roundDial(dial: number): number {
  return Math.round(dial * 10) / 10;
}

/** A signal or an age, shortened for a person to read. */
function short(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

function percent(utilisation: number): string {
  return `${Math.round(utilisation * 100)}%`;
}

type Draft = Omit<Decision, "to" | "action" | "reason">;

function draft(input: Pick<DecideInput, "now" | "model">, g: SteeredGroupInput): Draft {
  return {
    stack: input.model.name,
    listener: g.listener,
    region: g.region,
    signal: g.signal?.value ?? null,
    sampleAgeSeconds: g.signal === undefined ? null : input.now - g.signal.sampleTime,
    from: g.dial,
    ceiling: g.ceiling,
  };
}

function hold(d: Draft, reason: string): Decision {
  return { ...d, to: d.from, action: "hold", reason };
}

function change(d: Draft, to: number, reason: string): Decision {
  // Stryker disable next-line EqualityOperator: a change always moves the dial (every caller checks), so to never equals from here
  return { ...d, to, action: to < d.from ? "shed" : "restore", reason };
}

/**
 * A dial above its ceiling (an operator's drain to 0, a lowered traffic_dials value, a console raise) is
 * lowered to the ceiling at once, before every other rule: the ceiling is Terraform's dial, which
 * ignore_changes stops Terraform from writing, so the autopilot writes it on Terraform's behalf, whatever
 * its pause, the settle window (which guards against reacting to the autopilot's own change, not an
 * operator's order) or its signal. Not while the accelerator is IN_PROGRESS: no write goes to an
 * accelerator being deployed, this one included (the issue's rule has no exception, and a second change
 * queued behind a deployment is one the API may reject or apply late); it waits for DEPLOYED, minutes at
 * most, and the next tick (or --clamp run again) writes it.
 */
function toCeiling(d: Draft, g: SteeredGroupInput, why: string): Decision {
  if (g.acceleratorStatus === "IN_PROGRESS") return hold(d, `${why}: written once the accelerator is DEPLOYED (it is IN_PROGRESS; nothing is written to it until then)`);
  return change(d, g.ceiling, why);
}

function aboveCeiling(g: SteeredGroupInput): string {
  return `above its ceiling ${g.ceiling}${g.ceiling === 0 ? " (drained by the operator)" : ""}: lowered to it at once`;
}

/**
 * A dial that is neither what the autopilot last wrote nor what it found before that write (a write whose
 * answer was lost) was set by someone else: a console or CLI drain is an operator's decision, left alone
 * until they resume. Without a record of its own writes the autopilot cannot tell, and takes the dial as
 * its starting point (a new stack, or a ceiling raised since the last write).
 */
function changedOutside(g: SteeredGroupInput): boolean {
  return g.lastWrite !== undefined && g.dial !== g.lastWrite.to && g.dial !== g.lastWrite.from;
}

/** Why the group has no usable sample this tick, or undefined when it has one. */
function noData(input: DecideInput, g: SteeredGroupInput): string | undefined {
  if (input.signalError !== undefined) return `no signal (${input.signalError})`;
  if (g.signal === undefined) return "no sample (the series is missing)";
  if (!Number.isFinite(g.signal.value)) return `the signal is ${g.signal.value}, not a number`;
  const age = input.now - g.signal.sampleTime;
  if (age > input.staleAfterSeconds) return `the sample is ${short(age)}s old (stale after ${input.staleAfterSeconds}s)`;
  return undefined;
}

function restoreStep(g: SteeredGroupInput): number {
  return g.settings.maxStepPercent * RESTORE_SHARE;
}

/** The rules that come before the signal: the ceiling, the operators, the API, the settle window, missing data. */
function beforeTheSignal(input: DecideInput, g: SteeredGroupInput): Decision | undefined {
  const d = draft(input, g);
  if (g.dial > g.ceiling) return toCeiling(d, g, aboveCeiling(g));
  if (g.pause !== undefined) return hold(d, `paused by ${g.pause.by} at ${new Date(g.pause.at * 1000).toISOString()}: ${g.pause.reason}`);
  if (changedOutside(g)) return hold(d, `changed outside the autopilot (console or CLI): left alone until resumed (it last wrote ${(g.lastWrite as DialWrite).to}, the dial is ${g.dial})`);
  if (g.acceleratorStatus === "IN_PROGRESS") return hold(d, "the accelerator is IN_PROGRESS: nothing is written until it is DEPLOYED");
  // A dial applies to new connections only and takes time to reach every edge location: the signal does not show a change yet.
  if (g.lastWrite !== undefined && input.now < g.lastWrite.at + g.settings.settleForSeconds) {
    return hold(d, `settling: changed ${short(input.now - g.lastWrite.at)}s ago, left alone for ${g.settings.settleForSeconds}s after each change`);
  }
  const missing = noData(input, g);
  if (missing === undefined) return undefined;
  // Missing data is not zero load: the dial holds for holdFor, counted from the last sample; without one, from the
  // autopilot's last shed (the last time it acted on data against an overload, and a time every instance reads
  // the same after a restart or a takeover). After a raise (a restore, or a step of this very walk back) there
  // is no shed to protect, so the walk goes on one step per settle window; a short outage moves little, and
  // without data control goes back to Terraform's dials.
  const shedAt = g.lastWrite !== undefined && g.lastWrite.to < g.lastWrite.from ? g.lastWrite.at : -Infinity;
  const since = g.signal?.sampleTime ?? shedAt;
  const left = since + g.settings.holdForSeconds - input.now;
  if (left > 0) return hold(d, `${missing}: held ${short(left)}s more, then walked back to its ceiling`);
  if (g.dial === g.ceiling) return hold(d, `${missing}: at its ceiling`);
  return change(d, Math.min(g.ceiling, roundDial(g.dial + restoreStep(g))), `${missing}: walking back toward its ceiling ${g.ceiling} (without data the dial returns to Terraform's)`);
}

/** Every group of one listener, steered or not, as the routing model takes them. */
function placesOf(input: DecideInput, listener: string): PlaceInput[] {
  const steered = input.steered.filter((g) => g.listener === listener);
  const keys = new Set(steered.map((g) => g.key));
  // An unsteered group is Terraform's alone: its dial is its ceiling.
  const others = input.groups
    .filter((g) => g.listener === listener && !keys.has(g.key))
    .map((g): PlaceInput => ({ key: g.key, region: g.region, dial: g.dial, health: g.health, ceiling: g.dial, steered: false }));
  // By key, so that the decisions do not depend on the order the groups were read in.
  return [
    ...others,
    ...steered.map(
      (g): PlaceInput => ({
        key: g.key,
        region: g.region,
        dial: g.dial,
        health: g.health,
        ceiling: g.ceiling,
        steered: true,
        ...(noData(input, g) === undefined && { live: { utilisation: utilisation(g), capacity: g.capacity } }),
      }),
    ),
  ].sort((a, b) => a.key.localeCompare(b.key));
}

/** The value of a sample known to be there (the rules before the signal have let the group through). */
function valueOf(g: SteeredGroupInput): number {
  return (g.signal as SignalSample).value;
}

/** Load over capacity, 1 at the high watermark (see predict.ts). */
function utilisation(g: SteeredGroupInput): number {
  return valueOf(g) / g.settings.highWatermark;
}

/** A group that keeps its listener served: healthy, at its ceiling, and the ceiling above 0. */
function servesAtCeiling(p: Picture["places"][number]): boolean {
  return p.health === "healthy" && p.ceiling > 0 && p.state.dial === p.ceiling;
}

/** The highest utilisation among places of known load (a shed that touches one of unknown load is held before). */
function highest(p: Picture, indexes: readonly number[]): number {
  return Math.max(...indexes.map((i) => (p.places[i].load as Load).utilisation));
}

interface Working {
  readonly input: DecideInput;
  readonly demand: ReturnType<typeof routingDemand>;
  readonly pictures: Map<string, Picture>;
}

function pictureOf(w: Working, listener: string): Picture {
  const known = w.pictures.get(listener);
  if (known !== undefined) return known;
  const made = picture(w.input.model, listener, placesOf(w.input, listener), w.demand);
  w.pictures.set(listener, made);
  return made;
}

function regions(p: Picture, indexes: readonly number[]): string {
  return indexes.map((i) => p.places[i].state.region).join(", ");
}

function indexOf(p: Picture, g: SteeredGroupInput): number {
  return p.places.findIndex((place) => place.key === g.key);
}

/** A decision, and the listener as it leaves it when it changes the dial. */
interface Outcome {
  readonly decision: Decision;
  readonly after?: Picture;
}

function stay(d: Draft, reason: string): Outcome {
  return { decision: hold(d, reason) };
}

/** Above the high watermark: shed, where it helps and the rails allow it. */
function shed(w: Working, g: SteeredGroupInput, d: Draft): Outcome {
  const s = valueOf(g);
  const high = g.settings.highWatermark;
  const said = `signal ${short(s)} above its high watermark ${high}`;
  const floor = Math.min(g.settings.minDialPercent, g.ceiling);
  if (g.dial <= floor) return stay(d, `${said}, but the dial is at its floor ${floor}`);
  if (g.health === "unknown") return stay(d, `${said}, but its health is unknown (INITIAL or no answer): not shed until the API reads it healthy`);
  if (g.health === "unhealthy") return stay(d, `${said}, but it is unhealthy: its clients fail over already, whatever its dial`);
  const before = pictureOf(w, g.listener);
  const index = indexOf(before, g);
  const others = before.places.filter((_, i) => i !== index);
  if (g.dial === g.ceiling && !others.some(servesAtCeiling)) {
    return stay(d, `${said}, but it is the last healthy group of listener ${g.listener} at its ceiling: kept there, so the listener always has one`);
  }
  const up = others.filter((p) => p.state.available);
  if (up.every((p) => p.load !== undefined && p.load.utilisation > 1)) {
    const where = up.length === 0 ? `no other region of listener ${g.listener} is up` : `every other region of listener ${g.listener} is above its high watermark: ${up.map((p) => `${p.state.region} ${percent((p.load as Load).utilisation)}`).join(", ")}`;
    return stay(d, `${said}: no headroom anywhere: add capacity (${where})`);
  }
  // The share of its traffic that brings the signal back to the high watermark if the load follows the dial.
  const step = Math.min(g.settings.maxStepPercent, (g.dial * (s - high)) / s);
  let tried = step;
  let first: { after: Picture; receivers: number[] } | undefined;
  // The largest of the step and its halves that lowers the highest predicted utilisation of the regions it
  // touches: a smaller shed that helps is better than none, and one that overloads a neighbour is no help.
  for (;;) {
    const to = Math.max(floor, roundDial(g.dial - tried));
    if (to >= g.dial) break;
    const after = withDial(before, index, to, w.demand);
    const involved = moved(before, after);
    // Stryker disable next-line EqualityOperator: the involved regions' routed clients changed, so none is equal and >= is >
    const receivers = involved.filter((i) => after.routed[i] > before.routed[i]);
    // Only receivers in practice: besides the shedding group's own, a region's clients fall only when a shed
    // takes the dial to 0 (by rounding from 0.1 with a floor of 0), and a region of unknown load stops it too.
    const unknown = involved.filter((i) => after.places[i].load === undefined);
    if (unknown.length > 0) return stay(d, `${said}, but its clients would go to ${regions(before, unknown)}, whose load is unknown (no live signal)`);
    if (highest(after, involved) < highest(before, involved)) {
      return { decision: change(d, to, `${said}: shed toward ${regions(before, receivers)} (highest predicted utilisation ${percent(highest(before, involved))} -> ${percent(highest(after, involved))})`), after };
    }
    first ??= { after, receivers };
    tried /= 2;
  }
  if (first === undefined) return stay(d, `${said}, but a step of ${short(step)} rounds to no change`);
  const { after, receivers } = first;
  const full = receivers.map((i) => `${before.places[i].state.region} ${percent((after.places[i].load as Load).utilisation)}`).join(", ");
  return stay(d, `${said}, but shedding would not lower the highest predicted utilisation: ${receivers.length === 0 ? "no other region would take its clients" : `the regions that would take its clients have no room (${full} predicted)`}`);
}

/** Below the low watermark: step back up toward the ceiling while the group itself is not full. */
function restore(w: Working, g: SteeredGroupInput, d: Draft): Outcome {
  const said = `signal ${short(valueOf(g))} below its low watermark ${g.settings.lowWatermark}`;
  if (g.dial === g.ceiling) return stay(d, `${said}, at its ceiling`);
  const before = pictureOf(w, g.listener);
  const index = indexOf(before, g);
  let predicted: number | undefined;
  // The step and its halves, largest first: the first that keeps the group under its high watermark (a
  // restore that fills it would be shed again next tick).
  for (let tried = restoreStep(g); ; tried /= 2) {
    const to = Math.min(g.ceiling, roundDial(g.dial + tried));
    if (to <= g.dial) break;
    const after = withDial(before, index, to, w.demand);
    const u = (after.places[index].load as Load).utilisation;
    // Stryker disable next-line EqualityOperator: a prediction of exactly the high watermark is a measure-zero case; < and <= differ only there
    if (u < 1) return { decision: change(d, to, `${said}: stepped up toward its ceiling ${g.ceiling} (predicted ${percent(u)} of its high watermark)`), after };
    predicted ??= u;
  }
  return stay(d, `${said}, but restoring would fill it (predicted ${percent(predicted as number)} of its high watermark)`);
}

/**
 * One decision per steered group, in the order given. Pure: the same input gives the same decisions.
 *
 * At most one change per accelerator per tick: a write puts the accelerator IN_PROGRESS, and nothing is
 * written to it again before it reads DEPLOYED. Which one goes first: a dial above its ceiling, then the
 * signal's rules with the fullest group first (its clients wait longest), then the walk back of groups
 * without data; the others on that accelerator hold and say why. Each decision sees the change made before
 * it, so every prediction is of a change that is actually written.
 */
export function decide(input: DecideInput): Decision[] {
  const w: Working = { input, demand: routingDemand(input.model), pictures: new Map() };
  const first = input.steered.map((g) => beforeTheSignal(input, g));
  // Stryker disable next-line ArrayDeclaration: every index is set below, whatever the array starts with
  const decisions: Decision[] = [];
  const busy = new Map<string, string>();
  const settle = (i: number, outcome: Outcome): void => {
    const g = input.steered[i];
    const { decision, after } = outcome;
    const accelerator = acceleratorArnOf(g.arn);
    const other = busy.get(accelerator);
    if (decision.to === decision.from) decisions[i] = decision;
    else if (other !== undefined) {
      decisions[i] = hold(draft(input, g), `waits: ${other} changes on the same accelerator this tick (was: ${decision.action} to ${decision.to}, ${decision.reason})`);
    } else {
      decisions[i] = decision;
      busy.set(accelerator, g.key);
      const p = pictureOf(w, g.listener);
      w.pictures.set(g.listener, after ?? withDial(p, indexOf(p, g), decision.to, w.demand));
    }
  };
  // By key, so that the decisions do not depend on the order the groups were read in.
  const byKey = input.steered.map((_, i) => i).sort((a, b) => input.steered[a].key.localeCompare(input.steered[b].key));
  // Stryker disable next-line EqualityOperator: a hold (to equal to from) settles the same in either pass: it takes no accelerator
  const gated = (shedding: boolean) => byKey.filter((i) => first[i] !== undefined && (first[i] as Decision).to < (first[i] as Decision).from === shedding);
  for (const i of gated(true)) settle(i, { decision: first[i] as Decision });
  // The signal's rules, the fullest group first: each sees the clients the ones before it moved, and the one
  // whose clients wait longest goes first (ties by key: the order the groups were read in changes nothing).
  const order = byKey.filter((i) => first[i] === undefined).sort((a, b) => utilisation(input.steered[b]) - utilisation(input.steered[a]));
  for (const i of order) {
    const g = input.steered[i];
    const d = draft(input, g);
    const s = valueOf(g);
    if (s > g.settings.highWatermark) settle(i, shed(w, g, d));
    else if (s < g.settings.lowWatermark) settle(i, restore(w, g, d));
    else settle(i, stay(d, `signal ${short(s)} between its watermarks (${g.settings.lowWatermark} to ${g.settings.highWatermark})`));
  }
  for (const i of gated(false)) settle(i, { decision: first[i] as Decision });
  return decisions;
}

type LawInput = Pick<DecideInput, "now" | "model" | "steered">;

/** `--clamp`: every steered dial above its ceiling lowered to it, everything else held. No signal needed. */
export function clampDecisions(input: LawInput): Decision[] {
  return input.steered.map((g) => {
    const d = draft(input, g);
    if (g.dial > g.ceiling) return toCeiling(d, g, aboveCeiling(g));
    return hold(d, `at or below its ceiling ${g.ceiling}`);
  });
}

/**
 * `--reset`: every steered dial back to its ceiling, paused or changed outside the autopilot included: the
 * operator asked for it by name. The write is recorded as the autopilot's own, so a dial changed outside
 * it is steered again afterwards.
 */
export function resetDecisions(input: LawInput): Decision[] {
  return input.steered.map((g) => {
    const d = draft(input, g);
    if (g.dial === g.ceiling) return hold(d, `at its ceiling ${g.ceiling}`);
    return toCeiling(d, g, `reset to its ceiling ${g.ceiling}`);
  });
}
