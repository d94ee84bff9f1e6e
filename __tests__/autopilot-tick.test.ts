// The tick's own promises, with in-memory adapters and a stand-in control law (the real law is tested in
// autopilot-decide.test.ts, the adapters against their servers, and the whole against real parts in
// autopilot-runner.test.ts): what it reads, that it writes only as the lease holder in enforce mode,
// records an intended write before making it, logs every change, survives a failed write and never
// changes one accelerator twice in a tick.
import { tick, type LogRecord, type TickAdapters } from "../src/autopilot/tick";
import { OTHER_ACCEL, stack, world } from "./support/autopilot-world";

const options = (w: ReturnType<typeof world>, extra: Partial<Parameters<typeof tick>[2]> = {}) => ({
  action: "decide" as const,
  dryRun: false,
  holder: "me",
  now: () => 1_800_000_000,
  log: (r: LogRecord) => w.log.push(r),
  ...extra,
});

describe("one tick", () => {
  it("records the intended write in the state object before it sets the dial, and logs the change as one record", async () => {
    const w = world();
    const result = await tick(stack, w.adapters, options(w));
    expect(result.role).toBe("writer");
    expect(result.leaseHolder).toBe("me");
    const state = w.events.findIndex((e) => e.startsWith("state:{\"chat/us-east-1\""));
    const set = w.events.indexOf("setDial:g0=80");
    expect(state).toBeGreaterThan(-1);
    expect(set).toBeGreaterThan(state);
    expect(w.getState().writes["chat/us-east-1"]).toEqual({ from: 100, to: 80, at: 1_800_000_000 });
    expect(w.log.filter((r) => r.event === "change")).toEqual([
      {
        time: "2027-01-15T08:00:00.000Z",
        event: "change",
        stack: "autopilot-demo",
        group: "chat/us-east-1",
        action: "shed",
        signal: 20,
        sampleAgeSeconds: 1,
        from: 100,
        to: 80,
        ceiling: 100,
        reason: "queue above the high watermark",
        written: true,
      },
    ]);
    expect(result.writes).toEqual([{ key: "chat/us-east-1", from: 100, to: 80 }]);
  });

  it("reads the signals once, at the tick's time, and hands decide every group with its dial, health, signal, last write and accelerator status", async () => {
    const w = world({ dials: { "us-west-2": 60 } });
    await tick(stack, w.adapters, options(w));
    expect(w.reads).toEqual([1_800_000_000]);
    const input = w.inputs[0];
    expect(input.now).toBe(1_800_000_000);
    expect(input.staleAfterSeconds).toBe(10);
    expect(input.signalError).toBeUndefined();
    expect(input.steered.map((g) => [g.key, g.dial, g.health, g.signal?.value, g.acceleratorStatus])).toEqual([
      ["chat/us-east-1", 100, "healthy", 20, "DEPLOYED"],
      ["chat/us-west-2", 60, "healthy", 1, "DEPLOYED"],
      ["chat/eu-west-1", 100, "healthy", 1, "DEPLOYED"],
    ]);
    expect(input.groups.map((g) => [g.key, g.dial])).toEqual([
      ["chat/us-east-1", 100],
      ["chat/us-west-2", 60],
      ["chat/eu-west-1", 100],
    ]);
  });

  it("reads the groups Terraform alone steers too, and hands decide their dial and health as the API reports them", async () => {
    const w = world({ unsteered: { "eu-west-1": { dial: 40, health: "unhealthy" } } });
    await tick(stack, w.adapters, options(w));
    const input = w.inputs[0];
    expect(input.steered.map((g) => g.key)).toEqual(["chat/us-east-1", "chat/us-west-2"]);
    expect(input.groups.map((g) => [g.key, g.dial, g.health])).toEqual([
      ["chat/us-east-1", 100, "healthy"],
      ["chat/us-west-2", 100, "healthy"],
      ["chat/eu-west-1", 40, "unhealthy"],
    ]);
    expect(w.events.filter((e) => e.startsWith("describe:")).sort()).toEqual(["describe:g0", "describe:g1", "describe:g2"]);
  });

  it("asks each accelerator's status once, however many groups it has", async () => {
    const w = world({ accelerators: { "eu-west-1": OTHER_ACCEL } });
    await tick(stack, w.adapters, options(w));
    expect(w.events.filter((e) => e.startsWith("status:")).sort()).toEqual(["status:aaaa", "status:bbbb"]);
  });

  it("is a monitor while another instance holds the lease: decides, says so, writes nothing", async () => {
    const w = world({ leaseHolder: "other" });
    const result = await tick(stack, w.adapters, options(w));
    expect(result.role).toBe("monitor");
    expect(result.leaseHolder).toBe("other");
    expect(result.decisions.find((d) => d.region === "us-east-1")?.to).toBe(80);
    expect(w.events.filter((e) => e.startsWith("setDial") || e.startsWith("state:"))).toEqual([]);
    expect(w.log.find((r) => r.event === "monitor")).toMatchObject({ reason: "the lease is held by other", leaseHolder: "other" });
    expect(w.log.find((r) => r.event === "change")).toMatchObject({ written: false });
  });

  it("in monitor mode claims no lease and writes nothing", async () => {
    const w = world();
    const monitorStack = { ...stack, autopilot: { ...stack.autopilot!, mode: "monitor" as const } };
    const result = await tick(monitorStack, w.adapters, options(w));
    expect(result.role).toBe("monitor");
    expect(w.events.filter((e) => e === "lease" || e.startsWith("setDial") || e.startsWith("state:"))).toEqual([]);
    expect(w.log.find((r) => r.event === "monitor")).toMatchObject({ reason: "mode: monitor (decides, never writes)" });
  });

  it("with --dry-run decides and logs but claims no lease and writes nothing", async () => {
    const w = world();
    const result = await tick(stack, w.adapters, options(w, { dryRun: true }));
    expect(result.role).toBe("dry-run");
    expect(result.decisions.find((d) => d.region === "us-east-1")).toMatchObject({ from: 100, to: 80, action: "shed" });
    expect(w.events.filter((e) => e === "lease" || e.startsWith("setDial") || e.startsWith("state:"))).toEqual([]);
  });

  it("turns a signal reader's failure into signalError for decide, and logs it", async () => {
    const w = world({ signalsFail: true });
    const result = await tick(stack, w.adapters, options(w));
    expect(w.inputs[0].signalError).toBe("connect ECONNREFUSED 127.0.0.1:9090");
    expect(w.inputs[0].steered.every((g) => g.signal === undefined)).toBe(true);
    expect(result.signalError).toBe("connect ECONNREFUSED 127.0.0.1:9090");
    expect(w.log.find((r) => r.event === "signal-error")).toMatchObject({ error: "connect ECONNREFUSED 127.0.0.1:9090" });
  });

  it("logs a failed write and still makes the others (clamp writes every group at once)", async () => {
    const w = world({ failSetDial: "g1" });
    const result = await tick(stack, w.adapters, options(w, { action: "clamp" }));
    expect(w.reads).toEqual([]); // clamp needs no signals
    expect(w.events.filter((e) => e.startsWith("setDial"))).toEqual(["setDial:g0=50", "setDial:g1=50", "setDial:g2=50"]);
    expect(result.writes).toEqual([
      { key: "chat/us-east-1", from: 100, to: 50 },
      { key: "chat/us-west-2", from: 100, to: 50, error: "ThrottlingException: Rate exceeded" },
      { key: "chat/eu-west-1", from: 100, to: 50 },
    ]);
    expect(w.log.filter((r) => r.event === "write-failed")).toEqual([expect.objectContaining({ group: "chat/us-west-2", error: "ThrottlingException: Rate exceeded" })]);
  });

  it("clamp writes even while another instance holds the lease (it carries out the ceilings, which the holder reads too) and records its writes", async () => {
    const w = world({ leaseHolder: "other" });
    const result = await tick(stack, w.adapters, options(w, { action: "clamp" }));
    expect(result.role).toBe("writer");
    expect(w.events).not.toContain("lease");
    expect(w.events.filter((e) => e.startsWith("setDial"))).toHaveLength(3);
    expect(w.getState().lease).toEqual({ holder: "other", expiresAt: 2e9 });
    expect(w.getState().writes["chat/eu-west-1"]).toEqual({ from: 100, to: 50, at: 1_800_000_000 });
  });

  it("reset writes every dial back to its ceiling", async () => {
    const w = world({ dials: { "us-east-1": 30, "eu-west-1": 45 } });
    const result = await tick(stack, w.adapters, options(w, { action: "reset" }));
    expect(result.writes.map((x) => [x.key, x.to])).toEqual([
      ["chat/us-east-1", 100],
      ["chat/eu-west-1", 100],
    ]);
  });

  it("does nothing for a stack that publishes no steered group", async () => {
    const w = world();
    const empty: TickAdapters = { ...w.adapters, published: { read: async () => ({ version: 1, stack: stack.name, configHash: "h", groups: [] }) } };
    const result = await tick(stack, empty, options(w, { action: "clamp" }));
    expect(result.decisions).toEqual([]);
    expect(w.events).toEqual([]);
  });
});
