// The autopilot's control law (src/autopilot/decide.ts) on its own: pure inputs built on the real routing
// model (small configs through toModel), one decision per steered group, every rail as its own test.
// The configs keep routing plain: North America's clients are closest to us-east-1 or us-west-2, and what
// us-east-1's dial holds back spills to us-west-2 (its next closest); Europe's go to eu-west-1.
// Watermarks 4 and 16 (utilisation = signal / 16), floor 10, step 20, hold 120 s, settle 60 s.
// GIVEN one tick's input, WHEN decide runs, THEN ...
import { clampDecisions, decide, resetDecisions } from "../src/autopilot/decide";
import type { Decision } from "../src/autopilot/types";
import { routeGroups } from "../src/explain/routing";
import { groupState } from "../src/explain/scenarios";
import { chat, group, listener, models, NOW, of, QUEUE, stack, tick, type GroupChange } from "./support/autopilot-decide";

const E = "chat/us-east-1";
const W = "chat/us-west-2";
const EU = "chat/eu-west-1";

/** A group on an accelerator of its own (a stack has one; several changes in one tick need several). */
function alone(n: number) {
  return { arn: `arn:aws:globalaccelerator::123456789012:accelerator/acc-${n}/listener/l${n}/endpoint-group/g${n}` };
}

/** from -> to, action: reason, for one group. */
function line(d: Decision): string {
  return `${d.from} -> ${d.to} ${d.action}: ${d.reason}`;
}

describe("the deadband", () => {
  it("sheds a saturated region by the share that brings it back to its high watermark, capped at maxStepPercent", () => {
    // 24 against 16: a third of its traffic would do; the step is capped at 20.
    const d = decide(tick(chat(), { [E]: { signal: 24 } }));
    expect(line(of(d, E))).toBe("100 -> 80 shed: signal 24 above its high watermark 16: shed toward us-west-2 (highest predicted utilisation 150% -> 120%)");
    expect(of(d, E)).toMatchObject({ signal: 24, sampleAgeSeconds: 10, ceiling: 100 });
    expect(line(of(d, W))).toBe("100 -> 100 hold: signal 8 between its watermarks (4 to 16)");
  });

  it("steps in proportion to the excess below the cap, rounded to a tenth", () => {
    // 18 against 16: 100 * 2 / 18 = 11.1.
    expect(of(decide(tick(chat(), { [E]: { signal: 18 } })), E).to).toBe(88.9);
    // Twice the excess, twice the step.
    expect(of(decide(tick(chat(), { [E]: { signal: 20 } })), E).to).toBe(80);
    // The same excess from a lower dial: the step is a share of what the dial lets through.
    expect(of(decide(tick(chat(), { [E]: { signal: 18, dial: 50, lastWrite: { from: 60, to: 50, at: NOW - 600 } } })), E).to).toBe(44.4);
  });

  it("caps the step at the group's maxStepPercent", () => {
    const model = chat({}, [group("us-east-1", { autopilot: { ...QUEUE, maxStepPercent: 5 } }), group("us-west-2"), group("eu-west-1")]);
    expect(of(decide(tick(model, { [E]: { signal: 40 } })), E).to).toBe(95);
  });

  it("holds a step that rounds to no change", () => {
    expect(line(of(decide(tick(chat(), { [E]: { signal: 16.005 } })), E))).toBe("100 -> 100 hold: signal 16.005 above its high watermark 16, but a step of 0.031 rounds to no change");
  });

  it("holds between the watermarks, at both edges", () => {
    for (const signal of [4, 16]) {
      expect(line(of(decide(tick(chat(), { [E]: { signal, dial: 50 } })), E))).toBe(`50 -> 50 hold: signal ${signal} between its watermarks (4 to 16)`);
    }
  });

  it("restores below the low watermark by half the step, toward the ceiling and never past it", () => {
    expect(line(of(decide(tick(chat(), { [E]: { signal: 2, dial: 50 } })), E))).toBe(
      "50 -> 60 restore: signal 2 below its low watermark 4: stepped up toward its ceiling 100 (predicted 15% of its high watermark)",
    );
    expect(of(decide(tick(chat(), { [E]: { signal: 2, dial: 95 } })), E).to).toBe(100);
    const model = chat({}, [group("us-east-1", { trafficDialPercentage: 70 }), group("us-west-2"), group("eu-west-1")]);
    expect(of(decide(tick(model, { [E]: { signal: 2, dial: 65 } })), E).to).toBe(70);
    expect(line(of(decide(tick(model, { [E]: { signal: 2 } })), E))).toBe("70 -> 70 hold: signal 2 below its low watermark 4, at its ceiling");
  });

  it("restores from a dial of 0, where the routing model sends it no clients yet", () => {
    const model = chat({}, [group("us-east-1", { autopilot: { ...QUEUE, minDialPercent: 0 } }), group("us-west-2"), group("eu-west-1")]);
    const d = of(decide(tick(model, { [E]: { signal: 0, dial: 0, lastWrite: { from: 5, to: 0, at: NOW - 600 } } })), E);
    expect(line(d)).toBe("0 -> 10 restore: signal 0 below its low watermark 4: stepped up toward its ceiling 100 (predicted 0% of its high watermark)");
  });

  it("predicts a restore from where the restores before it in the same tick leave the listener", () => {
    // us-east-1 (19%) restores first and takes back the clients it had spilled to us-west-2, which then
    // starts from less than its signal says (13% alone).
    const shed = { dial: 50, lastWrite: { from: 60, to: 50, at: NOW - 600 } };
    const d = decide(tick(chat(), { [E]: { ...shed, ...alone(1), signal: 3 }, [W]: { ...shed, ...alone(2), signal: 2 } }));
    expect(of(d, E).reason).toBe("signal 3 below its low watermark 4: stepped up toward its ceiling 100 (predicted 22% of its high watermark)");
    expect(of(d, W).reason).toBe("signal 2 below its low watermark 4: stepped up toward its ceiling 100 (predicted 10% of its high watermark)");
  });

  it("restores by half of the group's own maxStepPercent", () => {
    const model = chat({}, [group("us-east-1", { autopilot: { ...QUEUE, maxStepPercent: 6 } }), group("us-west-2"), group("eu-west-1")]);
    expect(of(decide(tick(model, { [E]: { signal: 2, dial: 50 } })), E).to).toBe(53);
  });

  it("restores only as far as keeps the group under its high watermark, and not at all when any step fills it", () => {
    const narrow = { ...QUEUE, lowWatermark: 15.995 };
    const model = chat({}, [group("us-east-1", { autopilot: narrow }), group("us-west-2"), group("eu-west-1")]);
    // 15 of 16 at dial 50: 10 more points would fill it, a smaller step does not.
    const d = of(decide(tick(model, { [E]: { signal: 15, dial: 50 } })), E);
    expect(d.action).toBe("restore");
    expect(d.to).toBeGreaterThan(50);
    expect(d.to).toBeLessThan(60);
    expect(d.reason).toMatch(/^signal 15 below its low watermark 15.995: stepped up toward its ceiling 100 \(predicted 9\d% of its high watermark\)$/);
    // 15.99 of 16: even a tenth of a point more would fill it.
    expect(line(of(decide(tick(model, { [E]: { signal: 15.99, dial: 50 } })), E))).toBe(
      "50 -> 50 hold: signal 15.99 below its low watermark 15.995, but restoring would fill it (predicted 120% of its high watermark)",
    );
  });
});

describe("headroom: shed only where it lowers the highest predicted utilisation", () => {
  it("holds when the region that would take the clients has no room, and does not load it", () => {
    // us-east-1 and us-west-2 both at 150%, eu-west-1 nearly idle: each one's clients would spill to the other.
    const d = decide(tick(chat(), { [E]: { signal: 24 }, [W]: { signal: 24 }, [EU]: { signal: 1.6 } }));
    expect(line(of(d, E))).toBe(
      "100 -> 100 hold: signal 24 above its high watermark 16, but shedding would not lower the highest predicted utilisation: the regions that would take its clients have no room (us-west-2 180% predicted)",
    );
    expect(of(d, W).to).toBe(100);
    expect(of(d, W).reason).toBe(
      "signal 24 above its high watermark 16, but shedding would not lower the highest predicted utilisation: the regions that would take its clients have no room (eu-west-1 10%, us-east-1 180% predicted)",
    );
    expect(line(of(d, EU))).toBe("100 -> 100 hold: signal 1.6 below its low watermark 4, at its ceiling");
  });

  it("sheds less when the full step would overload the neighbour, as long as the smaller step helps", () => {
    // us-west-2 at 125%: a 20-point shed from us-east-1 (150%) would put it at 155%; half of that helps.
    const d = decide(tick(chat(), { [E]: { signal: 24 }, [W]: { signal: 20 } }));
    expect(line(of(d, E))).toBe("100 -> 90 shed: signal 24 above its high watermark 16: shed toward us-west-2 (highest predicted utilisation 150% -> 140%)");
  });

  it("says 'no headroom anywhere: add capacity' when every region of the listener is above its high watermark", () => {
    const d = decide(tick(chat(), { [E]: { signal: 24 }, [W]: { signal: 20 }, [EU]: { signal: 16.5 } }));
    expect(line(of(d, E))).toBe(
      "100 -> 100 hold: signal 24 above its high watermark 16: no headroom anywhere: add capacity (every other region of listener chat is above its high watermark: eu-west-1 103%, us-west-2 125%)",
    );
    // The last group of the list too.
    expect(of(d, EU).reason).toBe(
      "signal 16.5 above its high watermark 16: no headroom anywhere: add capacity (every other region of listener chat is above its high watermark: us-east-1 150%, us-west-2 125%)",
    );
    expect(d.every((x) => x.action === "hold")).toBe(true);
  });

  it("says 'no headroom anywhere' when no other region of the listener is up", () => {
    const d = decide(tick(chat(), { [E]: { signal: 24, dial: 80, lastWrite: { from: 100, to: 80, at: NOW - 600 } }, [W]: { health: "unhealthy" }, [EU]: { health: "unhealthy" } }));
    expect(of(d, E).reason).toBe("signal 24 above its high watermark 16: no headroom anywhere: add capacity (no other region of listener chat is up)");
  });

  it("does not send clients to a region whose load is unknown: a steered one without a live signal", () => {
    const d = decide(tick(chat(), { [E]: { signal: 24 }, [W]: { signal: null } }));
    expect(line(of(d, E))).toBe("100 -> 100 hold: signal 24 above its high watermark 16, but its clients would go to us-west-2, whose load is unknown (no live signal)");
  });

  it("names every region of unknown load the clients would go to, and looks past one that takes none", () => {
    // Without demand us-east-1's clients spill to both; eu-west-1 comes first by key.
    const d = decide(tick(chat({ demand: undefined }), { [E]: { signal: 24 }, [W]: { signal: null }, [EU]: { signal: null } }));
    expect(of(d, E).reason).toBe("signal 24 above its high watermark 16, but its clients would go to eu-west-1, us-west-2, whose load is unknown (no live signal)");
    // With the stack's demand none go to eu-west-1: its unknown load does not stop the shed.
    expect(of(decide(tick(chat(), { [E]: { signal: 24 }, [EU]: { signal: null } })), E)).toMatchObject({ action: "shed", to: 80 });
  });

  it("does not send clients to an unsteered region when the stack gives no demand to estimate it from", () => {
    const groups = [group("us-east-1"), group("us-west-2", { autopilot: undefined }), group("eu-west-1")];
    const d = decide(tick(chat({ demand: undefined }, groups), { [E]: { signal: 24 } }));
    expect(of(d, E).reason).toBe("signal 24 above its high watermark 16, but its clients would go to us-west-2, whose load is unknown (no live signal)");
  });

  it("estimates an unsteered region from the stack's demand over its capacity, as explain does", () => {
    // North America's 200 over us-east-1 and us-west-2: us-west-2's paper share is well under its capacity of 300.
    const groups = [group("us-east-1"), group("us-west-2", { autopilot: undefined, capacity: 300 }), group("eu-west-1")];
    const d = decide(tick(chat({}, groups), { [E]: { signal: 24 } }));
    expect(of(d, E)).toMatchObject({ to: 80, action: "shed" });
    expect(of(d, E).reason).toMatch(/^signal 24 above its high watermark 16: shed toward us-west-2 \(highest predicted utilisation 150% -> 120%\)$/);
    // Full on paper: no room.
    const full = [group("us-east-1"), group("us-west-2", { autopilot: undefined, capacity: 10 }), group("eu-west-1")];
    expect(of(decide(tick(chat({}, full), { [E]: { signal: 24 } })), E).reason).toBe(
      "signal 24 above its high watermark 16, but shedding would not lower the highest predicted utilisation: the regions that would take its clients have no room (us-west-2 788% predicted)",
    );
  });

  it("does not send clients to an unsteered region without a capacity, even with the stack's demand", () => {
    const groups = [group("us-east-1"), group("us-west-2", { autopilot: undefined, capacity: undefined }), group("eu-west-1")];
    expect(of(decide(tick(chat({}, groups), { [E]: { signal: 24 } })), E).reason).toBe(
      "signal 24 above its high watermark 16, but its clients would go to us-west-2, whose load is unknown (no live signal)",
    );
  });

  it("predicts where the clients go without demand too, by internet users", () => {
    const d = decide(tick(chat({ demand: undefined }), { [E]: { signal: 24 } }));
    expect(line(of(d, E))).toBe("100 -> 80 shed: signal 24 above its high watermark 16: shed toward eu-west-1, us-west-2 (highest predicted utilisation 150% -> 120%)");
  });

  it("holds when lowering the dial moves no clients: no other group is dialled up to take them", () => {
    const groups = [group("us-east-1"), group("us-west-2", { autopilot: undefined, trafficDialPercentage: 0 })];
    const d = decide(tick(chat({}, groups), { [E]: { signal: 24, dial: 90, lastWrite: { from: 100, to: 90, at: NOW - 600 } } }));
    expect(line(of(d, E))).toBe(
      "90 -> 90 hold: signal 24 above its high watermark 16, but shedding would not lower the highest predicted utilisation: no other region would take its clients",
    );
  });

  it("decides regions of equal utilisation in the order of their keys, whatever order they are given in", () => {
    const shed = { dial: 50, lastWrite: { from: 60, to: 50, at: NOW - 600 } };
    const input = tick(chat(), { [E]: { ...shed, signal: 2 }, [W]: { ...shed, signal: 2 } });
    const reversed = decide({ ...input, steered: [...input.steered].reverse() });
    expect(of(reversed, E)).toEqual(of(decide(input), E));
    expect(of(reversed, W)).toEqual(of(decide(input), W));
  });

  it("counts a region exactly at its high watermark as having room to share, not as over it", () => {
    const d = decide(tick(chat(), { [E]: { signal: 24 }, [W]: { signal: 16 }, [EU]: { signal: 16 } }));
    expect(of(d, E)).toMatchObject({ action: "shed", to: 80 });
  });

  it("starts from the dials the rules before the signal set: a neighbour drained this tick takes no clients", () => {
    const model = chat({}, [group("us-east-1"), group("us-west-2", { trafficDialPercentage: 0 }), group("eu-west-1")]);
    const d = decide(tick(model, { [E]: { signal: 24 }, [W]: { dial: 100, signal: 1 } }));
    expect(line(of(d, W))).toBe("100 -> 0 shed: above its ceiling 0 (drained by the operator): lowered to it at once");
    // The drain takes the accelerator this tick; what us-east-1 would do next shows where it starts from.
    expect(of(d, E).reason).toMatch(/^waits: chat\/us-west-2 changes on the same accelerator this tick \(was: shed to 80, signal 24 above its high watermark 16: shed toward eu-west-1 \(/);
    expect(of(d, E).to).toBe(100);
  });

  it("holds when what its dial holds back fails over back to it: the next group is dialled up but unhealthy", () => {
    // Global Accelerator sends the held-back share to us-west-2, which fails it over to the closest group up: us-east-1.
    const expected = "100 -> 100 hold: signal 24 above its high watermark 16, but shedding would not lower the highest predicted utilisation: no other region would take its clients";
    expect(line(of(decide(tick(chat(), { [E]: { signal: 24 }, [W]: { health: "unhealthy" } })), E))).toBe(expected);
    // The same in a larger unit: sums that differ in their last bits are no movement, whatever their size.
    const large = chat({ demand: { "north-america": 2e8, europe: 1e8 } });
    expect(line(of(decide(tick(large, { [E]: { signal: 24 }, [W]: { health: "unhealthy" } })), E))).toBe(expected);
  });

  it("lets the fullest region shed first, and the next one sees the clients it moved", () => {
    const input = tick(chat(), { [E]: { signal: 24, ...alone(1) }, [W]: { signal: 20, ...alone(2) } });
    const d = decide(input);
    // us-west-2 (125%) decides after us-east-1 (150%) sent it clients: it starts from 140%.
    expect(of(d, W).reason).toMatch(/^signal 20 above its high watermark 16: shed toward .*\(highest predicted utilisation 140% -> \d+%\)$/);
    // In the input's order the other way round, the same.
    const reversed = decide({ ...input, steered: [...input.steered].reverse() });
    expect(of(reversed, W)).toEqual(of(d, W));
    expect(of(reversed, E)).toEqual(of(d, E));
  });
});

describe("missing and stale data: held for holdFor, then walked back to the ceiling", () => {
  const shedBefore = (ago: number) => ({ dial: 60, lastWrite: { from: 80, to: 60, at: NOW - ago } });

  it("holds a stale sample for holdFor counted from the sample's time, then walks back by the restore step", () => {
    // 90 s old (stale after 60): 30 s of the 120 s hold left.
    expect(line(of(decide(tick(chat(), { [E]: { ...shedBefore(600), signal: 24, age: 90 } })), E))).toBe(
      "60 -> 60 hold: the sample is 90s old (stale after 60s): held 30s more, then walked back to its ceiling",
    );
    expect(line(of(decide(tick(chat(), { [E]: { ...shedBefore(600), signal: 24, age: 120 } })), E))).toBe(
      "60 -> 70 restore: the sample is 120s old (stale after 60s): walking back toward its ceiling 100 (without data the dial returns to Terraform's)",
    );
    // Exactly at staleAfter it is still fresh.
    expect(of(decide(tick(chat(), { [E]: { ...shedBefore(600), signal: 8, age: 60 } })), E).reason).toBe("signal 8 between its watermarks (4 to 16)");
    expect(of(decide(tick(chat(), { [E]: { ...shedBefore(600), signal: 8, age: 61 } })), E).reason).toBe(
      "the sample is 61s old (stale after 60s): held 59s more, then walked back to its ceiling",
    );
  });

  it("holds a missing sample for holdFor counted from the autopilot's last shed", () => {
    expect(line(of(decide(tick(chat(), { [E]: { ...shedBefore(100), signal: null } })), E))).toBe(
      "60 -> 60 hold: no sample (the series is missing): held 20s more, then walked back to its ceiling",
    );
    expect(of(decide(tick(chat(), { [E]: { ...shedBefore(120), signal: null } })), E)).toMatchObject({ to: 70, action: "restore", signal: null, sampleAgeSeconds: null });
  });

  it("walks back at once without a sample or a shed of its own to count from", () => {
    expect(line(of(decide(tick(chat(), { [E]: { dial: 60, signal: null } })), E))).toBe(
      "60 -> 70 restore: no sample (the series is missing): walking back toward its ceiling 100 (without data the dial returns to Terraform's)",
    );
    // Its last write a raise (or no move at all): only the settle window counts.
    expect(of(decide(tick(chat(), { [E]: { dial: 60, signal: null, lastWrite: { from: 50, to: 60, at: NOW - 60 } } })), E).to).toBe(70);
    expect(of(decide(tick(chat(), { [E]: { dial: 60, signal: null, lastWrite: { from: 60, to: 60, at: NOW - 60 } } })), E).to).toBe(70);
  });

  it("walks all the way back, one step per settle window, never past the ceiling, then holds there", () => {
    const model = chat({}, [group("us-east-1", { trafficDialPercentage: 95 }), group("us-west-2"), group("eu-west-1")]);
    let dial = 60;
    let lastWrite = { from: 80, to: 60, at: NOW - 1000 };
    const seen: string[] = [];
    for (let t = 0; t < 20; t++) {
      const now = NOW + t * 15;
      const d = of(decide(tick(model, { [E]: { dial, lastWrite, signal: null } }, { now })), E);
      if (d.to !== d.from) {
        seen.push(`${now - NOW}: ${d.from} -> ${d.to}`);
        lastWrite = { from: d.from, to: d.to, at: now };
        dial = d.to;
      }
    }
    // Every 60 s (the settle window), 10 points (half the step), up to the ceiling of 95.
    expect(seen).toEqual(["0: 60 -> 70", "60: 70 -> 80", "120: 80 -> 90", "180: 90 -> 95"]);
    expect(line(of(decide(tick(model, { [E]: { dial, lastWrite, signal: null } }, { now: NOW + 600 })), E))).toBe("95 -> 95 hold: no sample (the series is missing): at its ceiling");
  });

  it("treats an unreadable Prometheus as no data for every group, counted from each one's sample or write", () => {
    const input = tick(chat(), { [E]: { ...shedBefore(90), signal: null }, [W]: { dial: 70, signal: null }, [EU]: { signal: null } }, { signalError: "connect ECONNREFUSED 127.0.0.1:9090" });
    const d = decide(input);
    expect(line(of(d, E))).toBe("60 -> 60 hold: no signal (connect ECONNREFUSED 127.0.0.1:9090): held 30s more, then walked back to its ceiling");
    expect(line(of(d, W))).toBe(
      "70 -> 80 restore: no signal (connect ECONNREFUSED 127.0.0.1:9090): walking back toward its ceiling 100 (without data the dial returns to Terraform's)",
    );
    expect(line(of(d, EU))).toBe("100 -> 100 hold: no signal (connect ECONNREFUSED 127.0.0.1:9090): at its ceiling");
    // A sample that is there anyway is not used, but its time still counts.
    const withSample = decide(tick(chat(), { [E]: { ...shedBefore(600), signal: 24, age: 30 } }, { signalError: "bad_data" }));
    expect(of(withSample, E).reason).toBe("no signal (bad_data): held 90s more, then walked back to its ceiling");
  });

  it("treats a signal that is not a number as no data", () => {
    expect(of(decide(tick(chat(), { [E]: { ...shedBefore(600), signal: NaN, age: 5 } })), E).reason).toBe("the signal is NaN, not a number: held 115s more, then walked back to its ceiling");
    expect(of(decide(tick(chat(), { [E]: { ...shedBefore(600), signal: Infinity, age: 5 } })), E).reason).toBe(
      "the signal is Infinity, not a number: held 115s more, then walked back to its ceiling",
    );
  });
});

describe("the API and the settle window", () => {
  it("writes nothing while the accelerator is IN_PROGRESS", () => {
    const d = decide(tick(chat(), { [E]: { signal: 24, acceleratorStatus: "IN_PROGRESS" }, [W]: { signal: 2, dial: 50, acceleratorStatus: "IN_PROGRESS" } }));
    expect(line(of(d, E))).toBe("100 -> 100 hold: the accelerator is IN_PROGRESS: nothing is written until it is DEPLOYED");
    expect(line(of(d, W))).toBe("50 -> 50 hold: the accelerator is IN_PROGRESS: nothing is written until it is DEPLOYED");
  });

  it("leaves a group alone for settleFor after each change, and decides again once it has passed", () => {
    const at = (ago: number) => ({ signal: 24, dial: 80, lastWrite: { from: 100, to: 80, at: NOW - ago } });
    expect(line(of(decide(tick(chat(), { [E]: at(59) })), E))).toBe("80 -> 80 hold: settling: changed 59s ago, left alone for 60s after each change");
    expect(of(decide(tick(chat(), { [E]: at(60) })), E).action).toBe("shed");
    const model = chat({}, [group("us-east-1", { autopilot: { ...QUEUE, settleFor: "5m" } }), group("us-west-2"), group("eu-west-1")]);
    expect(of(decide(tick(model, { [E]: at(299) })), E).reason).toBe("settling: changed 299s ago, left alone for 300s after each change");
    expect(of(decide(tick(model, { [E]: at(300) })), E).action).toBe("shed");
  });
});

describe("one change per accelerator per tick", () => {
  it("writes a dial above its ceiling first, then the fullest group's shed, then restores and walks back; the others wait and say why", () => {
    const model = chat({}, [group("us-east-1"), group("us-west-2", { trafficDialPercentage: 50 }), group("eu-west-1")]);
    const shed = { dial: 50, lastWrite: { from: 60, to: 50, at: NOW - 600 } };
    const all = { [E]: { signal: 24 }, [W]: { dial: 100 }, [EU]: { ...shed, signal: null } };
    const d = decide(tick(model, all));
    expect(d.map(line)).toEqual([
      "100 -> 100 hold: waits: chat/us-west-2 changes on the same accelerator this tick (was: shed to 80, signal 24 above its high watermark 16: shed toward us-west-2 (highest predicted utilisation 173% -> 150%))",
      "100 -> 50 shed: above its ceiling 50: lowered to it at once",
      "50 -> 50 hold: waits: chat/us-west-2 changes on the same accelerator this tick (was: restore to 60, no sample (the series is missing): walking back toward its ceiling 100 (without data the dial returns to Terraform's))",
    ]);
    // Without the clamp, the shed; without either, the walk back.
    expect(decide(tick(model, { ...all, [W]: { dial: 50 } })).map((x) => x.action)).toEqual(["shed", "hold", "hold"]);
    expect(decide(tick(model, { ...all, [W]: { dial: 50 }, [E]: { signal: 8 } })).map((x) => x.action)).toEqual(["hold", "hold", "restore"]);
    // On accelerators of their own, all three.
    const apart = decide(tick(model, { [E]: { ...all[E], ...alone(1) }, [W]: { ...all[W], ...alone(2) }, [EU]: { ...all[EU], ...alone(3) } }));
    expect(apart.map((x) => x.action)).toEqual(["shed", "shed", "restore"]);
  });

  it("takes dials above their ceilings in the order of their keys", () => {
    const model = chat({}, [group("us-east-1", { trafficDialPercentage: 50 }), group("us-west-2", { trafficDialPercentage: 50 }), group("eu-west-1")]);
    const d = decide(tick(model, { [E]: { dial: 100 }, [W]: { dial: 100 } }));
    expect(d.map((x) => `${x.region} ${x.action}`)).toEqual(["us-east-1 shed", "us-west-2 hold", "eu-west-1 hold"]);
  });
});

describe("ceilings: Terraform's dial is never exceeded", () => {
  it("lowers a dial above its ceiling at once, paused, settling or changed outside the autopilot alike", () => {
    const model = chat({}, [group("us-east-1", { trafficDialPercentage: 60 }), group("us-west-2"), group("eu-west-1")]);
    const expected = "100 -> 60 shed: above its ceiling 60: lowered to it at once";
    expect(line(of(decide(tick(model, { [E]: { dial: 100, signal: 2 } })), E))).toBe(expected);
    expect(line(of(decide(tick(model, { [E]: { dial: 100, pause: { by: "alice", reason: "test", at: NOW }, lastWrite: { from: 10, to: 20, at: NOW - 1 } } })), E))).toBe(expected);
    expect(line(of(clampDecisions(tick(model, { [E]: { dial: 100 } })), E))).toBe(expected);
  });

  it("clamps an operator's drain (ceiling 0) and never raises it, whatever the signal or missing data", () => {
    const model = chat({}, [group("us-east-1", { trafficDialPercentage: 0 }), group("us-west-2"), group("eu-west-1")]);
    expect(line(of(decide(tick(model, { [E]: { dial: 40, signal: 24 } })), E))).toBe("40 -> 0 shed: above its ceiling 0 (drained by the operator): lowered to it at once");
    expect(line(of(decide(tick(model, { [E]: { dial: 0, signal: 0 } })), E))).toBe("0 -> 0 hold: signal 0 below its low watermark 4, at its ceiling");
    expect(line(of(decide(tick(model, { [E]: { dial: 0, signal: null } })), E))).toBe("0 -> 0 hold: no sample (the series is missing): at its ceiling");
    expect(of(resetDecisions(tick(model, { [E]: { dial: 0 } })), E).to).toBe(0);
  });

  it("waits for DEPLOYED to lower a dial above its ceiling", () => {
    const model = chat({}, [group("us-east-1", { trafficDialPercentage: 0 }), group("us-west-2"), group("eu-west-1")]);
    const expected = "40 -> 40 hold: above its ceiling 0 (drained by the operator): lowered to it at once: written once the accelerator is DEPLOYED (it is IN_PROGRESS; nothing is written to it until then)";
    expect(line(of(decide(tick(model, { [E]: { dial: 40, acceleratorStatus: "IN_PROGRESS" } })), E))).toBe(expected);
    expect(line(of(clampDecisions(tick(model, { [E]: { dial: 40, acceleratorStatus: "IN_PROGRESS" } })), E))).toBe(expected);
  });
});

describe("operators", () => {
  it("holds a paused group and says who paused it, when and why", () => {
    const pause = { by: "alice@example.com", reason: "load test in us-east-1", at: NOW - 3600 };
    expect(line(of(decide(tick(chat(), { [E]: { signal: 24, pause } })), E))).toBe(
      "100 -> 100 hold: paused by alice@example.com at 2026-12-03T11:13:20.000Z: load test in us-east-1",
    );
  });

  it("leaves a dial changed outside the autopilot alone until resumed, and never undoes it", () => {
    const lastWrite = { from: 100, to: 80, at: NOW - 600 };
    for (const signal of [2, 24, null]) {
      expect(line(of(decide(tick(chat(), { [E]: { signal, dial: 30, lastWrite } })), E))).toBe(
        "30 -> 30 hold: changed outside the autopilot (console or CLI): left alone until resumed (it last wrote 80, the dial is 30)",
      );
    }
  });

  it("takes the dial it wrote, or the one it found before a write whose answer was lost, as its own", () => {
    const lastWrite = { from: 100, to: 80, at: NOW - 600 };
    expect(of(decide(tick(chat(), { [E]: { signal: 2, dial: 80, lastWrite } })), E).action).toBe("restore");
    expect(of(decide(tick(chat(), { [E]: { signal: 24, dial: 100, lastWrite } })), E).action).toBe("shed");
  });
});

describe("health: every listener keeps a healthy group at its ceiling", () => {
  it("never sheds the last healthy group at its ceiling, whatever the others' health", () => {
    for (const health of ["unhealthy", "unknown"] as const) {
      const d = decide(tick(chat(), { [E]: { signal: 24 }, [W]: { health }, [EU]: { health } }));
      expect(line(of(d, E))).toBe(
        "100 -> 100 hold: signal 24 above its high watermark 16, but it is the last healthy group of listener chat at its ceiling: kept there, so the listener always has one",
      );
    }
  });

  it("counts only groups at their ceiling with a ceiling above 0", () => {
    const below = { dial: 50, lastWrite: { from: 60, to: 50, at: NOW - 600 } };
    expect(of(decide(tick(chat(), { [E]: { signal: 24 }, [W]: below, [EU]: below })), E).reason).toMatch(/but it is the last healthy group of listener chat/);
    const drained = chat({}, [group("us-east-1"), group("us-west-2", { trafficDialPercentage: 0 }), group("eu-west-1", { trafficDialPercentage: 0 })]);
    expect(of(decide(tick(drained, { [E]: { signal: 24 } })), E).reason).toMatch(/but it is the last healthy group of listener chat/);
    // One other at its ceiling is enough.
    expect(of(decide(tick(chat(), { [E]: { signal: 24 }, [W]: below })), E).action).toBe("shed");
  });

  it("counts an unsteered healthy group as at its ceiling", () => {
    const groups = [group("us-east-1"), group("us-west-2", { autopilot: undefined, capacity: 300 })];
    expect(of(decide(tick(chat({}, groups), { [E]: { signal: 24 } })), E).action).toBe("shed");
    expect(of(decide(tick(chat({}, groups), { [E]: { signal: 24 }, [W]: { dial: 0 } })), E).reason).toMatch(/but it is the last healthy group of listener chat/);
  });

  it("never sheds every group: two full regions shed in one tick keep one at its ceiling", () => {
    // Both shed-worthy, eu-west-1 with room but shed earlier: the first to shed leaves the other the last one at its ceiling.
    const eu = { dial: 50, signal: 1, lastWrite: { from: 60, to: 50, at: NOW - 600 } };
    const d = decide(tick(chat(), { [E]: { signal: 24 }, [W]: { signal: 17 }, [EU]: eu }));
    expect(d.map((x) => x.action)).toEqual(["shed", "hold", "hold"]);
    expect(of(d, EU).reason).toMatch(/^waits: chat\/us-east-1 changes on the same accelerator this tick \(was: restore to 60, /);
    expect(of(d, W).reason).toBe(
      "signal 17 above its high watermark 16, but it is the last healthy group of listener chat at its ceiling: kept there, so the listener always has one",
    );
  });

  it("does not shed a group whose health is unknown (INITIAL or no answer) or unhealthy", () => {
    expect(line(of(decide(tick(chat(), { [E]: { signal: 24, health: "unknown" } })), E))).toBe(
      "100 -> 100 hold: signal 24 above its high watermark 16, but its health is unknown (INITIAL or no answer): not shed until the API reads it healthy",
    );
    expect(line(of(decide(tick(chat(), { [E]: { signal: 24, health: "unhealthy" } })), E))).toBe(
      "100 -> 100 hold: signal 24 above its high watermark 16, but it is unhealthy: its clients fail over already, whatever its dial",
    );
  });

  it("routes clients to a neighbour of unknown health as serving (INITIAL follows every change), but restores regardless of health", () => {
    const below = { dial: 50, lastWrite: { from: 60, to: 50, at: NOW - 600 } };
    expect(of(decide(tick(chat(), { [E]: { signal: 24 }, [W]: { health: "unknown" } })), E)).toMatchObject({ action: "shed", to: 80 });
    expect(of(decide(tick(chat(), { [E]: { ...below, signal: 2, health: "unknown" } })), E)).toMatchObject({ action: "restore", to: 60 });
    expect(of(decide(tick(chat(), { [E]: { ...below, signal: 2, health: "unhealthy" } })), E)).toMatchObject({ action: "restore", to: 60 });
  });
});

describe("the floor", () => {
  it("never sheds below minDialPercent, and holds there", () => {
    const at = (dial: number) => ({ signal: 48, dial, lastWrite: { from: 30, to: dial, at: NOW - 600 } });
    expect(of(decide(tick(chat(), { [E]: at(15) })), E).to).toBe(10);
    expect(line(of(decide(tick(chat(), { [E]: at(10) })), E))).toBe("10 -> 10 hold: signal 48 above its high watermark 16, but the dial is at its floor 10");
  });

  it("takes the ceiling as the floor when it is lower", () => {
    const model = chat({}, [group("us-east-1", { trafficDialPercentage: 5 }), group("us-west-2"), group("eu-west-1")]);
    expect(of(decide(tick(model, { [E]: { signal: 48 } })), E).reason).toBe("signal 48 above its high watermark 16, but the dial is at its floor 5");
  });
});

describe("clamp and reset", () => {
  it("clamp lowers only the dials above their ceilings and holds every other, without a signal", () => {
    const model = chat({}, [group("us-east-1", { trafficDialPercentage: 50 }), group("us-west-2"), group("eu-west-1", { trafficDialPercentage: 30 })]);
    const d = clampDecisions(tick(model, { [E]: { dial: 80, signal: null }, [W]: { dial: 40, signal: null }, [EU]: { dial: 30, signal: null } }));
    expect(d.map(line)).toEqual([
      "80 -> 50 shed: above its ceiling 50: lowered to it at once",
      "40 -> 40 hold: at or below its ceiling 100",
      "30 -> 30 hold: at or below its ceiling 30",
    ]);
    expect(d[0]).toMatchObject({ stack: "live", listener: "chat", region: "us-east-1", signal: null, sampleAgeSeconds: null, ceiling: 50 });
  });

  it("reset puts every steered dial back to its ceiling, paused or changed outside alike, and holds those already there", () => {
    const model = chat({}, [group("us-east-1", { trafficDialPercentage: 50 }), group("us-west-2"), group("eu-west-1")]);
    const pause = { by: "bob", reason: "x", at: NOW };
    const d = resetDecisions(tick(model, { [E]: { dial: 80 }, [W]: { dial: 40, pause }, [EU]: { dial: 100 } }));
    expect(d.map(line)).toEqual(["80 -> 50 shed: reset to its ceiling 50", "40 -> 100 restore: reset to its ceiling 100", "100 -> 100 hold: at its ceiling 100"]);
    expect(line(resetDecisions(tick(model, { [W]: { dial: 40, acceleratorStatus: "IN_PROGRESS" } }))[1])).toBe(
      "40 -> 40 hold: reset to its ceiling 100: written once the accelerator is DEPLOYED (it is IN_PROGRESS; nothing is written to it until then)",
    );
  });
});

describe("every position", () => {
  const two = () =>
    models(
      stack("first", [listener("chat", [group("us-east-1"), group("us-west-2")])]),
      stack("second", [listener("chat", [group("us-east-1"), group("us-west-2")]), listener("batch", [group("eu-west-1"), group("us-east-1"), group("us-west-2")])]),
    );

  it("decides for the second stack, the second listener and its last group, each in its own listener", () => {
    const second = two()[1];
    const d = decide(tick(second, { "batch/us-west-2": { signal: 24 }, "chat/us-east-1": { signal: 2, dial: 50 } }));
    expect(d.map((x) => `${x.stack} ${x.listener}/${x.region} ${x.action}`)).toEqual([
      "second chat/us-east-1 hold",
      "second chat/us-west-2 hold",
      "second batch/eu-west-1 hold",
      "second batch/us-east-1 hold",
      "second batch/us-west-2 shed",
    ]);
    // One accelerator: the shed goes first, the restore waits for the next tick.
    expect(of(d, "chat/us-east-1").reason).toMatch(/^waits: batch\/us-west-2 changes on the same accelerator this tick \(was: restore to 60, /);
    // batch/us-west-2's clients go to batch's groups, not chat's.
    expect(of(d, "batch/us-west-2").reason).toBe("signal 24 above its high watermark 16: shed toward eu-west-1, us-east-1 (highest predicted utilisation 150% -> 120%)");
  });

  it("guards the last healthy group per listener: chat's healthy group does not count for batch", () => {
    const second = two()[1];
    const d = decide(tick(second, { "batch/us-west-2": { signal: 24 }, "batch/eu-west-1": { health: "unhealthy" }, "batch/us-east-1": { health: "unhealthy" } }));
    expect(of(d, "batch/us-west-2").reason).toMatch(/the last healthy group of listener batch at its ceiling/);
  });

  it("applies every rule to the last group of a listener too", () => {
    const second = two()[1];
    const last = "batch/us-west-2";
    const pause = { by: "carol", reason: "why", at: NOW };
    expect(of(decide(tick(second, { [last]: { pause } })), last).reason).toMatch(/^paused by carol/);
    expect(of(decide(tick(second, { [last]: { acceleratorStatus: "IN_PROGRESS" } })), last).reason).toMatch(/IN_PROGRESS/);
    expect(of(decide(tick(second, { [last]: { dial: 101 } })), last).to).toBe(100);
    expect(of(clampDecisions(tick(second, { [last]: { dial: 101 } })), last).to).toBe(100);
    expect(of(resetDecisions(tick(second, { [last]: { dial: 50 } })), last).to).toBe(100);
    expect(of(decide(tick(second, { [last]: { signal: null, dial: 50 } })), last).to).toBe(60);
  });

  it("reads each listener's own groups from the model: the same region in another listener is another group", () => {
    // batch's us-west-2 is unsteered and small (full on paper); chat's is steered and has room.
    const model = models(
      stack("live", [
        listener("chat", [group("us-east-1"), group("us-west-2")]),
        listener("batch", [group("us-east-1"), group("us-west-2", { autopilot: undefined, capacity: 10 })]),
      ]),
    )[0];
    const d = decide(tick(model, { "batch/us-east-1": { signal: 24 } }));
    expect(of(d, "batch/us-east-1").reason).toBe(
      "signal 24 above its high watermark 16: no headroom anywhere: add capacity (every other region of listener batch is above its high watermark: us-west-2 541%)",
    );
    expect(of(d, "chat/us-east-1").action).toBe("hold");
  });

  it("routes a listener the config does not have from what the API shows", () => {
    const input = tick(chat(), { [E]: { signal: 24 } });
    const other = models(stack("live", [listener("other", [group("us-east-1")])]))[0];
    expect(of(decide({ ...input, model: other }), E)).toMatchObject({ stack: "live", action: "shed", to: 80 });
  });

  it("routes a group the config does not have (changed since the apply) from what the API shows", () => {
    const model = chat();
    const input = tick(model, { [E]: { signal: 24 } });
    // us-west-2 is in the API but not in this config: it still takes us-east-1's spill, its load unknown.
    const d = decide({ ...input, model: chat({}, [group("us-east-1"), group("eu-west-1")]), steered: input.steered.filter((g) => g.key !== W) });
    expect(of(d, E).reason).toBe("signal 24 above its high watermark 16, but its clients would go to us-west-2, whose load is unknown (no live signal)");
    // Reported unhealthy, it serves none of them: what us-east-1's dial holds back fails over to us-east-1 itself.
    const unhealthy = { ...input, groups: input.groups.map((g) => (g.key === W ? { ...g, health: "unhealthy" as const } : g)) };
    const away = decide({ ...unhealthy, model: chat({}, [group("us-east-1"), group("eu-west-1")]), steered: input.steered.filter((g) => g.key !== W) });
    expect(of(away, E).reason).toBe(
      "signal 24 above its high watermark 16, but shedding would not lower the highest predicted utilisation: no other region would take its clients",
    );
  });
});

describe("a flat load: the dials settle without oscillating", () => {
  /**
   * A plant where load follows the dials: every tick the routing model routes the demand (scaled by the
   * tick's load factor) with the dials as they are, and each group's queue signal is its load over its
   * capacity, 16 (the high watermark) at full. Ticks every 15 s; every change is recorded as the runner does.
   */
  function simulate(model: ReturnType<typeof chat>, factorAt: (tick: number) => number, ticks: number) {
    const dials = new Map(model.listeners[0].endpointGroups.map((g) => [`chat/${g.region}`, g.trafficDialPercentage]));
    const writes = new Map<string, { from: number; to: number; at: number }>();
    const history: Record<string, number[]> = Object.fromEntries([...dials.keys()].map((k) => [k, [] as number[]]));
    const signals: Record<string, number[]> = Object.fromEntries([...dials.keys()].map((k) => [k, [] as number[]]));
    let writeCount = 0;
    for (let t = 0; t < ticks; t++) {
      const now = NOW + t * 15;
      const groups = model.listeners[0].endpointGroups;
      const factor = factorAt(t);
      const demand = Object.fromEntries(Object.entries(model.demand).map(([g, v]) => [g, (v as number) * factor]));
      const loads = routeGroups(
        groups.map((g) => groupState(g, [], dials.get(`chat/${g.region}`))),
        demand,
      ).loads;
      const changes: Record<string, GroupChange> = {};
      groups.forEach((g, i) => {
        const key = `chat/${g.region}`;
        const signal = (16 * loads[i].load) / (g.capacity ?? 1);
        signals[key].push(signal);
        changes[key] = { dial: dials.get(key), signal, age: 5, ...(writes.has(key) && { lastWrite: writes.get(key) }) };
      });
      for (const d of decide(tick(model, changes, { now }))) {
        const key = `${d.listener}/${d.region}`;
        history[key].push(d.to);
        if (d.to !== d.from) {
          writeCount++;
          writes.set(key, { from: d.from, to: d.to, at: now });
          dials.set(key, d.to);
        }
      }
    }
    return { history, signals, writeCount };
  }

  /** How many times a dial's movement turns around (down then up, or up then down). */
  function reversals(dials: readonly number[]): number {
    const moves = dials.slice(1).map((d, i) => Math.sign(d - dials[i])).filter((s) => s !== 0);
    return moves.slice(1).filter((s, i) => s !== moves[i]).length;
  }

  // us-east-1 takes more of North America than it can serve; its neighbours have room.
  const model = () => chat({}, [group("us-east-1", { capacity: 80 }), group("us-west-2", { capacity: 200 }), group("eu-west-1", { capacity: 200 })]);

  it("sheds a saturated region under a flat load until it is under its high watermark, then writes nothing, never reversing", () => {
    const { history, signals, writeCount } = simulate(model(), () => 1, 200);
    expect(signals[E][0]).toBeGreaterThan(16);
    expect(history[E].at(-1)).toBeLessThan(100);
    for (const key of [E, W, EU]) {
      expect(reversals(history[key])).toBe(0);
      // Settled: the last 150 ticks write nothing, and every region is under its high watermark (within a
      // step that rounds to no change).
      expect(new Set(history[key].slice(50)).size).toBe(1);
      expect(signals[key].at(-1)).toBeLessThan(16.1);
    }
    expect(writeCount).toBeLessThan(10);
  });

  it("restores a region once its load clears, reversing each dial at most once, and ends at the ceiling", () => {
    // Saturated for 60 ticks (15 minutes), then the load falls to a tenth (under the low watermark even at
    // the ceiling) and stays there.
    const { history, signals } = simulate(model(), (t) => (t < 60 ? 1 : 0.1), 300);
    expect(Math.min(...history[E])).toBeLessThan(100);
    for (const key of [E, W, EU]) {
      expect(reversals(history[key])).toBeLessThanOrEqual(1);
      expect(history[key].at(-1)).toBe(100);
      expect(new Set(history[key].slice(200)).size).toBe(1);
    }
    expect(reversals(history[E])).toBe(1);
    expect(signals[E].at(-1)).toBeLessThan(4);
  });

  it("counts reversals as turns of direction, ignoring holds", () => {
    expect(reversals([100, 80, 80, 70, 70])).toBe(0);
    expect(reversals([100, 80, 90, 100])).toBe(1);
    expect(reversals([100, 80, 90, 80])).toBe(2);
  });
});
