// The plan gate's capacity check: the dials and weights a plan leaves (the config's, or the operators'
// -var overrides that Terraform has already put into each endpoint group's planned values), routed with
// every region healthy, against each group's capacity and the stack's demand.
// The configs here keep routing plain (North America's clients closest to us-east-1, Europe's to eu-west-1,
// every group big enough when all serve), so each test's overload follows from the plan alone: a group
// drained, emptied or removed sends its clients to the other one.
// GIVEN a stack with demand and capacity and a plan of it, WHEN the gate checks capacity, THEN ...
import { toModel } from "../src/model/model";
import { reviewCapacity } from "../src/plan-gate/capacity";
import { readPlan } from "../src/plan-gate/plan-json";
import { parseConfig } from "../src/validation/validate";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;

/** Two listeners with capacity (chat, batch) and one without (admin); demand from two geographies. */
function config(): Config {
  const group = (region: string, capacity: number | undefined, ids: string[]) => ({
    region,
    ...(capacity !== undefined && { capacity }),
    endpoints: ids.map((id) => ({ type: "instance", id })),
  });
  return {
    version: 1,
    stacks: [
      {
        name: "llm",
        backend: { bucket: "acme-terraform-state", region: "us-west-2" },
        accelerator: { name: "llm", flowLogs: false },
        demand: { "north-america": 600, europe: 300 },
        listeners: [
          { name: "admin", protocol: "TCP", portRanges: [{ fromPort: 22 }], endpointGroups: [group("us-east-1", undefined, ["i-0000000e"])] },
          { name: "chat", protocol: "TCP", portRanges: [{ fromPort: 443 }], endpointGroups: [group("us-east-1", 700, ["i-0000000a", "i-0000000b"]), group("eu-west-1", 500, ["i-0000000c"])] },
          { name: "batch", protocol: "TCP", portRanges: [{ fromPort: 8443 }], endpointGroups: [group("us-east-1", 1000, ["i-0000000d"]), group("eu-west-1", 400, ["i-0000000f"])] },
        ],
      },
    ],
  };
}

const stackOf = (c: Config) => toModel(parseConfig(c).config).stacks[0];

interface Planned {
  readonly dial?: number;
  /** Endpoint IDs with their planned weight; undefined: known only after apply. */
  readonly weights?: Record<string, number | undefined>;
  /** The plan deletes the group. */
  readonly deleted?: true;
}

/** A plan that creates every endpoint group of the config, as given per `<listener>_<region>`, or as configured. */
function planOf(c: Config, groups: Record<string, Planned | "absent"> = {}) {
  const changes = c.stacks[0].listeners.flatMap((l: Config) =>
    l.endpointGroups.flatMap((g: Config) => {
      const name = `${l.name}_${g.region}`;
      const given = groups[name] ?? {};
      if (given === "absent") return [];
      const weights = given.weights ?? Object.fromEntries(g.endpoints.map((ep: Config) => [ep.id, ep.weight ?? 128]));
      const after = {
        endpoint_group_region: g.region,
        ...(given.dial !== undefined ? { traffic_dial_percentage: given.dial } : {}),
        endpoint_configuration: Object.entries(weights).map(([endpoint_id, weight]) => ({ endpoint_id, ...(weight !== undefined && { weight }) })),
      };
      return [
        {
          address: `aws_globalaccelerator_endpoint_group.${name}`,
          mode: "managed",
          type: "aws_globalaccelerator_endpoint_group",
          name,
          change: given.deleted ? { actions: ["delete"], before: after, after: null } : { actions: ["create"], before: null, after },
        },
      ];
    }),
  );
  return readPlan(JSON.stringify({ format_version: "1.2", planned_values: {}, resource_changes: changes }), "plan.json");
}


describe("the gate's capacity check", () => {
  it("lists each group of every listener with capacity, with the dial the plan leaves, and finds no overload when every group serves", () => {
    const c = config();
    expect(reviewCapacity(planOf(c, { "chat_us-east-1": { dial: 100 }, "chat_eu-west-1": { dial: 100 }, "batch_us-east-1": { dial: 100 }, "batch_eu-west-1": { dial: 75 } }), stackOf(c))).toEqual({
      checked: true,
      strict: false,
      groups: ["chat/us-east-1: dial 100", "chat/eu-west-1: dial 100", "batch/us-east-1: dial 100", "batch/eu-west-1: dial 75"],
      overloads: [],
    });
  });

  it("takes the config's dial where the plan's is known only after apply", () => {
    const c = config();
    c.stacks[0].listeners[2].endpointGroups[1].trafficDialPercentage = 40;
    expect(reviewCapacity(planOf(c), stackOf(c)).groups).toEqual(["chat/us-east-1: dial 100", "chat/eu-west-1: dial 100", "batch/us-east-1: dial 100", "batch/eu-west-1: dial 40"]);
  });

  it("finds the overload a drained group causes on the last listener: its clients go to the other group", () => {
    const c = config();
    expect(reviewCapacity(planOf(c, { "batch_us-east-1": { dial: 0 } }), stackOf(c), true)).toEqual({
      checked: true,
      strict: true,
      groups: ["chat/us-east-1: dial 100", "chat/eu-west-1: dial 100", "batch/us-east-1: dial 0", "batch/eu-west-1: dial 100"],
      overloads: [{ listener: "batch", region: "eu-west-1", load: expect.closeTo(900, 6), capacity: 400 }],
    });
  });

  it("takes a group whose planned weights are all 0 as serving no one, and one with a weight above 0 as serving", () => {
    const c = config();
    const emptied = reviewCapacity(planOf(c, { "chat_us-east-1": { weights: { "i-0000000a": 0, "i-0000000b": 0 } } }), stackOf(c));
    expect(emptied.groups[0]).toBe("chat/us-east-1: dial 100, every weight 0");
    expect(emptied.overloads).toEqual([{ listener: "chat", region: "eu-west-1", load: expect.closeTo(900, 6), capacity: 500 }]);
    const oneLeft = reviewCapacity(planOf(c, { "chat_us-east-1": { weights: { "i-0000000a": 0, "i-0000000b": 1 } } }), stackOf(c));
    expect([oneLeft.groups[0], oneLeft.overloads]).toEqual(["chat/us-east-1: dial 100", []]);
  });

  it("takes a weight known only after apply as serving", () => {
    const c = config();
    const review = reviewCapacity(planOf(c, { "chat_us-east-1": { weights: { "i-0000000a": undefined, "i-0000000b": 0 } } }), stackOf(c));
    expect([review.groups[0], review.overloads]).toEqual(["chat/us-east-1: dial 100", []]);
  });

  it("takes the config's weights where the plan does not list the group's endpoints", () => {
    const c = config();
    const plan = planOf(c);
    const withoutEndpoints = (weights: number[]) => {
      const changes = plan.resource_changes.map((rc) =>
        rc.address.endsWith("chat_us-east-1") ? { ...rc, change: { ...rc.change, after: { endpoint_group_region: "us-east-1" } } } : rc,
      );
      c.stacks[0].listeners[1].endpointGroups[0].endpoints.forEach((ep: Config, i: number) => (ep.weight = weights[i]));
      return reviewCapacity({ ...plan, resource_changes: changes }, stackOf(c));
    };
    expect(withoutEndpoints([0, 0]).overloads).toEqual([{ listener: "chat", region: "eu-west-1", load: expect.closeTo(900, 6), capacity: 500 }]);
    expect(withoutEndpoints([0, 5]).overloads).toEqual([]);
  });

  it("takes a group the plan deletes, or does not have, as taking no traffic", () => {
    const c = config();
    const deleted = reviewCapacity(planOf(c, { "chat_us-east-1": { deleted: true } }), stackOf(c));
    expect(deleted.groups[0]).toBe("chat/us-east-1: not in the plan, no traffic");
    expect(deleted.overloads).toEqual([{ listener: "chat", region: "eu-west-1", load: expect.closeTo(900, 6), capacity: 500 }]);
    const absent = reviewCapacity(planOf(c, { "chat_us-east-1": "absent" }), stackOf(c));
    expect(absent.groups[0]).toBe("chat/us-east-1: not in the plan, no traffic");
    expect(absent.overloads).toEqual([{ listener: "chat", region: "eu-west-1", load: expect.closeTo(900, 6), capacity: 500 }]);
  });

  it("checks nothing when the stack gives demand but no group has a capacity", () => {
    const c = config();
    for (const l of c.stacks[0].listeners) for (const g of l.endpointGroups) delete g.capacity;
    expect(reviewCapacity(planOf(c, { "chat_us-east-1": { dial: 0 } }), stackOf(c), true)).toEqual({ checked: false, strict: true, groups: [], overloads: [] });
  });

  it("checks nothing when groups have a capacity but the stack gives no demand", () => {
    const c = config();
    delete c.stacks[0].demand;
    expect(reviewCapacity(planOf(c, { "chat_us-east-1": { dial: 0 } }), stackOf(c))).toEqual({ checked: false, strict: false, groups: [], overloads: [] });
  });
});

describe("the gate's capacity check of steered groups", () => {
  // A steered group's planned dial is the one the autopilot last set (Terraform ignores changes of it); the
  // plan decides its ceiling, published in the autopilot's parameter: capacity is checked at the ceiling.
  /** Steers `<listener>_<region>` groups of config(): the stack's autopilot block and each group's own. */
  const steered = (...names: string[]) => {
    const c = config();
    c.stacks[0].autopilot = { prometheus: { url: "http://prometheus:9090" } };
    for (const l of c.stacks[0].listeners) {
      for (const g of l.endpointGroups) {
        if (names.includes(`${l.name}_${g.region}`)) Object.assign(g, { modelServer: "vllm", autopilot: { signal: "queue", lowWatermark: 4, highWatermark: 16 } });
      }
    }
    return c;
  };
  /** The plan with the parameter's change added (after: the ceilings by key; undefined: known after apply) and variables. */
  const withParameter = (plan: ReturnType<typeof planOf>, ceilings: Record<string, number> | undefined, variables: Record<string, unknown> = {}) => ({
    ...plan,
    variables,
    resource_changes: [
      ...plan.resource_changes,
      {
        address: "aws_ssm_parameter.autopilot",
        mode: "managed" as const,
        type: "aws_ssm_parameter",
        name: "autopilot",
        change: {
          actions: ["update" as const],
          before: null,
          after: ceilings === undefined ? { type: "String" } : { type: "String", insecure_value: JSON.stringify({ groups: Object.entries(ceilings).map(([key, ceiling]) => ({ key, ceiling })) }) },
        },
      },
    ],
  });

  it("checks a group at its published ceiling, not at the dial the autopilot set: a shed group is no overload of its neighbour", () => {
    const c = steered("chat_eu-west-1", "batch_eu-west-1");
    const plan = withParameter(planOf(c, { "chat_eu-west-1": { dial: 0 }, "batch_eu-west-1": { dial: 20 } }), { "chat/eu-west-1": 100, "batch/eu-west-1": 100 });
    expect(reviewCapacity(plan, stackOf(c), true)).toEqual({
      checked: true,
      strict: true,
      groups: ["chat/us-east-1: dial 100", "chat/eu-west-1: ceiling 100", "batch/us-east-1: dial 100", "batch/eu-west-1: ceiling 100"],
      overloads: [],
    });
    // The same plan read at the dials would overload chat/us-east-1 (as an unsteered group at 0 does above).
    const unsteered = config();
    expect(reviewCapacity(planOf(unsteered, { "chat_eu-west-1": { dial: 0 } }), stackOf(unsteered)).overloads).toEqual([{ listener: "chat", region: "us-east-1", load: expect.closeTo(900, 6), capacity: 700 }]);
  });

  it("finds the overload a ceiling of 0 causes on the first group of a later listener, whatever dial the autopilot left it", () => {
    const c = steered("chat_us-east-1", "batch_us-east-1");
    const plan = withParameter(planOf(c, { "chat_us-east-1": { dial: 0 }, "batch_us-east-1": { dial: 100 } }), { "chat/us-east-1": 100, "batch/us-east-1": 0 });
    const review = reviewCapacity(plan, stackOf(c), true);
    expect(review.groups).toEqual(["chat/us-east-1: ceiling 100", "chat/eu-west-1: dial 100", "batch/us-east-1: ceiling 0", "batch/eu-west-1: dial 100"]);
    expect(review.overloads).toEqual([{ listener: "batch", region: "eu-west-1", load: expect.closeTo(900, 6), capacity: 400 }]);
  });

  it("takes the traffic_dials value the plan evaluated when the published value is known only after apply, else the config's dial", () => {
    const c = steered("chat_eu-west-1", "batch_eu-west-1");
    c.stacks[0].listeners[2].endpointGroups[1].trafficDialPercentage = 30;
    const plan = withParameter(planOf(c, { "chat_eu-west-1": { dial: 100 }, "batch_eu-west-1": { dial: 100 } }), undefined, { traffic_dials: { "chat/eu-west-1": 0 } });
    const review = reviewCapacity(plan, stackOf(c));
    expect(review.groups).toEqual(["chat/us-east-1: dial 100", "chat/eu-west-1: ceiling 0", "batch/us-east-1: dial 100", "batch/eu-west-1: ceiling 30"]);
    expect(review.overloads).toEqual([{ listener: "chat", region: "us-east-1", load: expect.closeTo(900, 6), capacity: 700 }]);
  });

  it("takes the traffic_dials value for a group the known published value leaves out, and the config's dial for a plan without variables", () => {
    const c = steered("chat_eu-west-1");
    const plan = withParameter(planOf(c, { "chat_eu-west-1": { dial: 100 } }), { "batch/eu-west-1": 100 }, { traffic_dials: { "chat/eu-west-1": 25 } });
    expect(reviewCapacity(plan, stackOf(c)).groups[1]).toBe("chat/eu-west-1: ceiling 25");
    c.stacks[0].listeners[1].endpointGroups[1].trafficDialPercentage = 35;
    expect(reviewCapacity({ ...plan, variables: undefined }, stackOf(c)).groups[1]).toBe("chat/eu-west-1: ceiling 35");
  });

  it("takes the config's dial as the ceiling without the parameter and without variables", () => {
    const c = steered("chat_us-east-1");
    c.stacks[0].listeners[1].endpointGroups[0].trafficDialPercentage = 0;
    const review = reviewCapacity(planOf(c, { "chat_us-east-1": { dial: 100 } }), stackOf(c));
    expect(review.groups[0]).toBe("chat/us-east-1: ceiling 0");
    expect(review.overloads).toEqual([{ listener: "chat", region: "eu-west-1", load: expect.closeTo(900, 6), capacity: 500 }]);
  });
});
