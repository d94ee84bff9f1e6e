// The control law's rails hold for any input (src/autopilot/decide.ts): random dials, ceilings, health,
// signals and their ages, settings, last writes, pauses and accelerator status, on the real routing model
// (two listeners, one with an unsteered group). Whatever it decides:
//  - a hold keeps the dial; a change goes to a dial in [0, ceiling], and is never a raise above the ceiling;
//  - a shed of a dial at or under its ceiling stops at min(minDialPercent, ceiling);
//  - nothing is written while the accelerator is IN_PROGRESS;
//  - every listener that had a healthy group at its ceiling with a ceiling above 0 still has one;
//  - the same input decides the same, whatever order the groups are given in.
import fc from "fast-check";
import { clampDecisions, decide, resetDecisions } from "../src/autopilot/decide";
import type { DecideInput, Decision, GroupHealth, SteeredGroupInput } from "../src/autopilot/types";
import { group, listener, models, NOW, stack, tick } from "./support/autopilot-decide";

const MODEL = models(
  stack("live", [
    listener("chat", [group("us-east-1"), group("us-west-2"), group("eu-west-1")]),
    listener("batch", [group("us-east-1"), group("eu-west-1", { autopilot: undefined }), group("ap-northeast-1")]),
  ]),
)[0];

const dial = fc.oneof(fc.constantFrom(0, 10, 50, 100), fc.integer({ min: 0, max: 1000 }).map((n) => n / 10));
const health = fc.constantFrom<GroupHealth>("healthy", "healthy", "unhealthy", "unknown");

const steeredChange = fc.record(
  {
    dial,
    ceiling: dial,
    health,
    signal: fc.oneof(fc.constant(null), fc.constant(NaN), fc.double({ min: 0, max: 64, noNaN: true })),
    age: fc.integer({ min: -5, max: 400 }),
    acceleratorStatus: fc.constantFrom<"DEPLOYED" | "IN_PROGRESS">("DEPLOYED", "DEPLOYED", "DEPLOYED", "IN_PROGRESS"),
    lastWrite: fc.option(fc.record({ from: dial, to: dial, ago: fc.integer({ min: 0, max: 600 }) }), { nil: undefined }),
    paused: fc.boolean(),
    settings: fc.record({
      lowWatermark: fc.integer({ min: 0, max: 20 }),
      width: fc.integer({ min: 1, max: 20 }),
      minDialPercent: fc.integer({ min: 0, max: 100 }),
      maxStepPercent: fc.integer({ min: 1, max: 100 }),
      holdForSeconds: fc.integer({ min: 0, max: 300 }),
      settleForSeconds: fc.integer({ min: 0, max: 300 }),
    }),
  },
  { requiredKeys: ["dial", "ceiling", "health", "signal", "age", "acceleratorStatus", "paused", "settings"] },
);

type Change = typeof steeredChange extends fc.Arbitrary<infer T> ? T : never;

const KEYS = MODEL.listeners.flatMap((l) => l.endpointGroups.map((g) => `${l.name}/${g.region}`));
const STEERED = MODEL.listeners.flatMap((l) => l.endpointGroups.filter((g) => g.autopilot !== undefined).map((g) => `${l.name}/${g.region}`));

const inputs = fc
  .record({
    steered: fc.tuple(...STEERED.map(() => steeredChange)),
    unsteered: fc.record({ dial, health }),
    signalError: fc.option(fc.constant("connect ECONNREFUSED"), { nil: undefined, freq: 8 }),
  })
  .map(({ steered, unsteered, signalError }): DecideInput => {
    const base = tick(MODEL, { "batch/eu-west-1": unsteered }, signalError === undefined ? {} : { signalError });
    const changes = new Map(STEERED.map((key, i) => [key, steered[i]]));
    return { ...base, steered: base.steered.map((g) => steer(g, changes.get(g.key) as Change)) };
  });

function steer(g: SteeredGroupInput, c: Change): SteeredGroupInput {
  const { lowWatermark, width, ...rest } = c.settings;
  return {
    key: g.key,
    listener: g.listener,
    region: g.region,
    arn: g.arn,
    capacity: g.capacity,
    dial: c.dial,
    ceiling: c.ceiling,
    health: c.health,
    acceleratorStatus: c.acceleratorStatus,
    settings: { ...g.settings, lowWatermark, highWatermark: lowWatermark + width, ...rest },
    ...(c.signal !== null && { signal: { value: c.signal, sampleTime: NOW - c.age } }),
    ...(c.lastWrite !== undefined && { lastWrite: { from: c.lastWrite.from, to: c.lastWrite.to, at: NOW - c.lastWrite.ago } }),
    ...(c.paused && { pause: { by: "prop", reason: "test", at: NOW - 1 } }),
  };
}

/** Each listener's groups as the decisions leave them: dial, ceiling (an unsteered group's is its dial) and health. */
function after(input: DecideInput, decisions: readonly Decision[]) {
  const to = new Map(decisions.map((d) => [`${d.listener}/${d.region}`, d.to]));
  const steered = new Map(input.steered.map((g) => [g.key, g]));
  return KEYS.map((key) => {
    const observed = input.groups.find((g) => g.key === key);
    const s = steered.get(key);
    if (s === undefined) return { key, listener: observed?.listener, healthy: observed?.health === "healthy", ceiling: observed?.dial ?? 0, before: observed?.dial ?? 0, after: observed?.dial ?? 0 };
    return { key, listener: s.listener, healthy: s.health === "healthy", ceiling: s.ceiling, before: s.dial, after: to.get(key) };
  });
}

function checkRails(input: DecideInput, decisions: readonly Decision[]): void {
  expect(decisions.map((d) => `${d.listener}/${d.region}`)).toEqual(input.steered.map((g) => g.key));
  decisions.forEach((d, i) => {
    const g = input.steered[i];
    expect(d.from).toBe(g.dial);
    expect(d.ceiling).toBe(g.ceiling);
    if (d.action === "hold") expect(d.to).toBe(d.from);
    else {
      expect(d.action).toBe(d.to < d.from ? "shed" : "restore");
      expect(d.to).not.toBe(d.from);
      expect(d.to).toBeGreaterThanOrEqual(0);
      expect(d.to).toBeLessThanOrEqual(d.ceiling);
      expect(g.acceleratorStatus).toBe("DEPLOYED");
    }
    if (d.action === "shed" && d.from <= d.ceiling) expect(d.to).toBeGreaterThanOrEqual(Math.min(g.settings.minDialPercent, g.ceiling));
    expect(d.reason.length).toBeGreaterThan(0);
  });
}

function checkInvariant(input: DecideInput, decisions: readonly Decision[]): void {
  const groups = after(input, decisions);
  for (const l of MODEL.listeners) {
    const mine = groups.filter((g) => g.listener === l.name);
    const had = mine.some((g) => g.healthy && g.ceiling > 0 && g.before === g.ceiling);
    const has = mine.some((g) => g.healthy && g.ceiling > 0 && g.after === g.ceiling);
    if (had) expect(has).toBe(true);
  }
}

describe("the control law's rails, for any input", () => {
  it("decide keeps every dial within its ceiling and floor, writes nothing while IN_PROGRESS, and keeps every listener a healthy group at its ceiling", () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const decisions = decide(input);
        checkRails(input, decisions);
        checkInvariant(input, decisions);
      }),
      { numRuns: 300 },
    );
  });

  it("decide is the same whatever order the groups are given in", () => {
    fc.assert(
      fc.property(inputs, fc.infiniteStream(fc.nat()), (input, order) => {
        const keyed = [...input.steered].map((g) => ({ g, k: order.next().value as number })).sort((a, b) => a.k - b.k);
        const shuffled = { ...input, steered: keyed.map((x) => x.g), groups: [...input.groups].reverse() };
        const byKey = (ds: readonly Decision[]) => Object.fromEntries(ds.map((d) => [`${d.listener}/${d.region}`, d]));
        expect(byKey(decide(shuffled))).toEqual(byKey(decide(input)));
      }),
      { numRuns: 100 },
    );
  });

  it("clamp and reset keep the same rails, and leave every steered dial at or under its ceiling once DEPLOYED", () => {
    fc.assert(
      fc.property(inputs, (input) => {
        for (const law of [clampDecisions, resetDecisions]) {
          const decisions = law(input);
          checkRails(input, decisions);
          checkInvariant(input, decisions);
          decisions.forEach((d, i) => {
            if (input.steered[i].acceleratorStatus === "DEPLOYED") expect(d.to).toBeLessThanOrEqual(d.ceiling);
          });
        }
        // Reset ends every dial at its ceiling; clamp raises none.
        resetDecisions(input).forEach((d, i) => {
          if (input.steered[i].acceleratorStatus === "DEPLOYED") expect(d.to).toBe(d.ceiling);
        });
        for (const d of clampDecisions(input)) expect(d.to).toBeLessThanOrEqual(d.from);
      }),
      { numRuns: 200 },
    );
  });
});

describe("the inputs", () => {
  it("reach every action of decide, so the rails above are tried on sheds and restores too", () => {
    const actions = new Set(fc.sample(inputs, { numRuns: 300, seed: 16 }).flatMap((input) => decide(input).map((d) => d.action)));
    expect([...actions].sort()).toEqual(["hold", "restore", "shed"]);
  });
});
