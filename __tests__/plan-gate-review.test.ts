// The plan gate's review, change by change: what each kind of Terraform action is called, which of them
// fail the gate (for every kind of resource and every allowDestroy), and the details a reviewer reads for
// each. Each test is one small plan in the shape of `terraform show -json` (format 1.2, as Terraform 1.11
// writes it: values still unknown are left out of `after` and marked in `after_unknown`).
// GIVEN a plan with one or a few resource changes, WHEN the gate reviews it, THEN ...
import { readPlan } from "../src/plan-gate/plan-json";
import { passed, reviewPlan, type GatePolicy } from "../src/plan-gate/review";

const ACCELERATOR = "aws_globalaccelerator_accelerator.accelerator";
const LISTENER = "aws_globalaccelerator_listener.inference";
const GROUP = "aws_globalaccelerator_endpoint_group.inference_us-east-1";

type Actions = readonly string[];
interface ChangeFields {
  readonly before?: Record<string, unknown> | null;
  readonly after?: Record<string, unknown> | null;
  readonly after_unknown?: Record<string, unknown>;
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  readonly previous_address?: string;
  readonly mode?: "managed" | "data";
}

/** One entry of resource_changes, as Terraform writes it. */
function rc(address: string, actions: Actions, fields: ChangeFields = {}) {
  const { previous_address, mode = "managed", ...change } = fields;
  const [type, name] = address.replace(/^data\./, "").split(".");
  return {
    address,
    ...(previous_address !== undefined && { previous_address }),
    mode,
    type,
    name,
    change: { actions, before: null, after: null, after_unknown: {}, ...change },
  };
}

/** The plan of these changes, read as the gate reads a file. */
function planOf(...changes: ReturnType<typeof rc>[]) {
  return readPlan(JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", planned_values: {}, resource_changes: changes }), "plan.json");
}

const NOTHING: GatePolicy = { allowDestroy: [] };
const review = (policy: GatePolicy, ...changes: ReturnType<typeof rc>[]) => reviewPlan(planOf(...changes), policy);
const changesOf = (...changes: ReturnType<typeof rc>[]) => review(NOTHING, ...changes).changes;

/** An endpoint group's attributes as the provider plans them. */
const group = (dial: number | undefined, endpoints: readonly { endpoint_id?: string; weight?: number }[], more: Record<string, unknown> = {}) => ({
  endpoint_group_region: "us-east-1",
  health_check_port: 443,
  ...(dial !== undefined && { traffic_dial_percentage: dial }),
  endpoint_configuration: endpoints.map((ep) => ({ client_ip_preservation_enabled: false, ...ep })),
  ...more,
});

describe("the kind of each change", () => {
  it.each([
    ["create", ["create"], "create"],
    ["update", ["update"], "update"],
    ["delete", ["delete"], "delete"],
    ["delete then create", ["delete", "create"], "replace"],
    ["create then delete (create_before_destroy)", ["create", "delete"], "replace"],
    ["forget (a removed block with destroy = false)", ["forget"], "forget"],
  ])("calls the actions %s a %s", (_name, actions, kind) => {
    expect(changesOf(rc(LISTENER, actions, { before: {}, after: {} })).map((c) => c.kind)).toEqual([kind]);
  });

  it.each([
    ["no-op", ["no-op"]],
    ["read", ["read"]],
  ])("leaves out a resource whose action is %s and that did not move", (_name, actions) => {
    expect(changesOf(rc(LISTENER, actions, { before: { name: "x" }, after: { name: "x" } }))).toEqual([]);
  });

  it("leaves out a data source Terraform reads while it plans or applies", () => {
    expect(changesOf(rc("data.aws_lb.us-east-1_vllm-use1", ["read"], { mode: "data", after: {} }), rc("data.aws_route53_zone.zone", ["no-op"], { mode: "data", before: {}, after: {} }))).toEqual([]);
  });

  it("calls a resource that only moved a move, with the address it moved from", () => {
    expect(changesOf(rc(LISTENER, ["no-op"], { previous_address: "aws_globalaccelerator_listener.inference-v1", before: {}, after: {} }))).toStrictEqual([
      { address: LISTENER, type: "aws_globalaccelerator_listener", kind: "move", movedFrom: "aws_globalaccelerator_listener.inference-v1", details: [] },
    ]);
  });

  it("calls a resource that moved and changes an update, and still says where it moved from", () => {
    const changes = changesOf(
      rc(LISTENER, ["update"], { previous_address: "aws_globalaccelerator_listener.inference-v1", before: { client_affinity: "NONE" }, after: { client_affinity: "SOURCE_IP" } }),
    );
    expect(changes).toStrictEqual([
      { address: LISTENER, type: "aws_globalaccelerator_listener", kind: "update", movedFrom: "aws_globalaccelerator_listener.inference-v1", details: ["changes client_affinity"] },
    ]);
  });

  it("does not call a resource whose previous address is its own a move", () => {
    expect(changesOf(rc(LISTENER, ["no-op"], { previous_address: LISTENER, before: {}, after: {} }))).toEqual([]);
    expect(changesOf(rc(LISTENER, ["update"], { previous_address: LISTENER, before: { client_affinity: "NONE" }, after: { client_affinity: "SOURCE_IP" } }))).toStrictEqual([
      { address: LISTENER, type: "aws_globalaccelerator_listener", kind: "update", details: ["changes client_affinity"] },
    ]);
  });

  it("keeps the plan's order of changes", () => {
    const changes = changesOf(rc(LISTENER, ["create"], { after: {} }), rc(ACCELERATOR, ["update"], { before: { enabled: true }, after: { enabled: false } }), rc(GROUP, ["no-op"]));
    expect(changes.map((c) => `${c.kind} ${c.address}`)).toEqual([`create ${LISTENER}`, `update ${ACCELERATOR}`]);
  });
});

describe("the accelerator", () => {
  it("may never be deleted, whatever allowDestroy says: its static IP addresses would be gone for ever", () => {
    expect(review({ allowDestroy: ["listeners", "endpointGroups"] }, rc(ACCELERATOR, ["delete"], { before: {} })).violations).toEqual([
      { address: ACCELERATOR, kind: "delete", reason: "the accelerator is always protected: deleting it loses its static IP addresses for ever." },
    ]);
  });

  it("may never be replaced, and a replace is not taken for a renamed address", () => {
    const result = review(
      NOTHING,
      rc(ACCELERATOR, ["create", "delete"], { before: {}, after: {}, replace_paths: [["ip_addresses"]] }),
      rc("aws_globalaccelerator_accelerator.other", ["create"], { after: {} }),
    );
    expect(result.violations).toEqual([
      { address: ACCELERATOR, kind: "replace", reason: "the accelerator is always protected: replacing it loses its static IP addresses for ever." },
    ]);
  });

  it("deleted while the plan creates others at new addresses: points to the moved block, naming every new address", () => {
    const old = "aws_globalaccelerator_accelerator.Networking_accelerator_5596A0AB";
    const result = review(
      NOTHING,
      rc(old, ["delete"], { before: {} }),
      rc("aws_globalaccelerator_accelerator.a", ["create"], { after: {} }),
      rc("aws_globalaccelerator_accelerator.b", ["create"], { after: {} }),
    );
    expect(result.violations).toEqual([
      {
        address: old,
        kind: "delete",
        reason: `the accelerator is always protected: deleting it loses its static IP addresses for ever. The plan also creates aws_globalaccelerator_accelerator.a, aws_globalaccelerator_accelerator.b: if the address changed in a refactor, add a moved block from ${old}.`,
      },
    ]);
  });

  it("passes when it is created, updated, moved or forgotten (a removed block with destroy = false keeps it in AWS)", () => {
    for (const change of [
      rc(ACCELERATOR, ["create"], { after: {} }),
      rc(ACCELERATOR, ["update"], { before: { enabled: true }, after: { enabled: false } }),
      rc(ACCELERATOR, ["no-op"], { previous_address: "aws_globalaccelerator_accelerator.old", before: {}, after: {} }),
      rc(ACCELERATOR, ["forget"], { before: {} }),
    ]) {
      const result = review(NOTHING, change);
      expect([change.change.actions, passed(result), result.violations]).toEqual([change.change.actions, true, []]);
    }
  });
});

describe("listeners and endpoint groups", () => {
  const listenerReason = 'listeners are protected for this stack (allowDestroy does not list "listeners"); if a rename caused it, set renamedFrom on the listener so Terraform moves it instead.';
  const groupReason = 'endpointGroups are protected for this stack (allowDestroy does not list "endpointGroups"); if a rename caused it, set renamedFrom on the listener so Terraform moves it instead.';

  it.each([
    ["a deleted listener", LISTENER, ["delete"], "delete", listenerReason],
    ["a replaced listener", LISTENER, ["delete", "create"], "replace", listenerReason],
    ["a deleted endpoint group", GROUP, ["delete"], "delete", groupReason],
    ["a replaced endpoint group", GROUP, ["create", "delete"], "replace", groupReason],
  ])("fail the gate as %s when allowDestroy is empty, naming the allowance that would let it through", (_name, address, actions, kind, reason) => {
    const result = review(NOTHING, rc(address, actions, { before: group(100, []), after: actions.includes("create") ? group(100, []) : null }));
    expect(result.violations).toEqual([{ address, kind, reason }]);
    expect(passed(result)).toBe(false);
  });

  it("are each let through by their own allowance only", () => {
    const changes = [rc(LISTENER, ["delete"], { before: {} }), rc(GROUP, ["delete"], { before: group(100, []) })];
    expect(review({ allowDestroy: ["listeners"] }, ...changes).violations.map((v) => v.address)).toEqual([GROUP]);
    expect(review({ allowDestroy: ["endpointGroups"] }, ...changes).violations.map((v) => v.address)).toEqual([LISTENER]);
    expect(review({ allowDestroy: ["endpointGroups", "listeners"] }, ...changes).violations).toEqual([]);
  });
});

describe("other resources", () => {
  it("may be deleted or replaced without an allowance: a DNS record, a Shield protection", () => {
    const result = review(
      NOTHING,
      rc("aws_route53_record.A_api_example_com", ["delete"], { before: {} }),
      rc("aws_shield_protection.accelerator", ["delete", "create"], { before: {}, after: {} }),
    );
    expect(result.changes.map((c) => `${c.kind} ${c.address}`)).toEqual(["delete aws_route53_record.A_api_example_com", "replace aws_shield_protection.accelerator"]);
    expect(result.violations).toEqual([]);
    expect(passed(result)).toBe(true);
  });
});

describe("an errored plan", () => {
  it("fails the gate even when no change is destructive", () => {
    const plan = readPlan(JSON.stringify({ format_version: "1.2", planned_values: {}, errored: true, resource_changes: [rc(LISTENER, ["create"], { after: {} })] }), "p");
    const result = reviewPlan(plan, NOTHING);
    expect(result.problems).toEqual(["Terraform reported an error while planning: the plan is incomplete and cannot be reviewed"]);
    expect(result.violations).toEqual([]);
    expect(passed(result)).toBe(false);
  });
});

describe("the details of a replace", () => {
  it("name every attribute that forces it, nested ones by their path", () => {
    expect(changesOf(rc(ACCELERATOR, ["delete", "create"], { before: {}, after: {}, replace_paths: [["ip_addresses"], ["attributes", 0, "flow_logs_enabled"]] }))[0].details).toEqual([
      "replaced because ip_addresses, attributes.0.flow_logs_enabled cannot change in place",
    ]);
  });

  it("say nothing about why when the plan does not say (terraform plan -replace)", () => {
    expect(changesOf(rc(LISTENER, ["delete", "create"], { before: {}, after: {} }))[0].details).toEqual([]);
  });
});

describe("the details of an update", () => {
  it("name each top-level attribute that changes, in alphabetical order, and none that stays", () => {
    const before = { port_range: [{ from_port: 443, to_port: 443 }], client_affinity: "NONE", protocol: "TCP" };
    const after = { protocol: "TCP", client_affinity: "SOURCE_IP", port_range: [{ from_port: 443, to_port: 444 }] };
    expect(changesOf(rc(LISTENER, ["update"], { before, after }))[0].details).toEqual(["changes client_affinity, port_range"]);
  });

  it("count an attribute that becomes unknown until apply as changed", () => {
    const before = { enabled: true, tags_all: { team: "ai" }, name: "a" };
    const after = { enabled: true, name: "a" };
    expect(changesOf(rc(ACCELERATOR, ["update"], { before, after, after_unknown: { tags_all: true } }))[0].details).toEqual(["changes tags_all"]);
  });

  it("count an attribute that the plan adds or removes as changed", () => {
    expect(changesOf(rc(ACCELERATOR, ["update"], { before: { name: "a" }, after: { name: "a", tags: { team: "ai" } } }))[0].details).toEqual(["changes tags"]);
    expect(changesOf(rc(ACCELERATOR, ["update"], { before: { name: "a", tags: { team: "ai" } }, after: { name: "a" } }))[0].details).toEqual(["changes tags"]);
  });

  it("name nothing when no attribute differs", () => {
    expect(changesOf(rc(LISTENER, ["update"], { before: { protocol: "TCP" }, after: { protocol: "TCP" } }))[0].details).toEqual([]);
  });
});

describe("the details of an endpoint group", () => {
  it("created: its dial and each endpoint's weight, an endpoint whose ID is known after apply by its position", () => {
    const after = group(25, [{ endpoint_id: "eipalloc-0a1b2c3d", weight: 64 }, { weight: 200 }]);
    expect(changesOf(rc(GROUP, ["create"], { after }))[0].details).toEqual(["traffic dial 25%", "weights: eipalloc-0a1b2c3d 64, endpoint 2 (id known after apply) 200"]);
  });

  it("created with a dial and a weight known only after apply: says so", () => {
    const after = group(undefined, [{ endpoint_id: "i-0123abcd" }]);
    expect(changesOf(rc(GROUP, ["create"], { after, after_unknown: { traffic_dial_percentage: true } }))[0].details).toEqual([
      "traffic dial (known after apply)",
      "weights: i-0123abcd ?",
    ]);
  });

  it("created with endpoints known only after apply: says so", () => {
    const after = { endpoint_group_region: "us-east-1", traffic_dial_percentage: 100 };
    expect(changesOf(rc(GROUP, ["create"], { after, after_unknown: { endpoint_configuration: true } }))[0].details).toEqual(["traffic dial 100%", "weights: (known after apply)"]);
  });

  it("replaced: why, then its new dial and weights, as for a new group", () => {
    const before = group(100, [{ endpoint_id: "i-0123abcd", weight: 128 }]);
    const after = group(50, [{ endpoint_id: "i-0123abcd", weight: 10 }]);
    expect(changesOf(rc(GROUP, ["create", "delete"], { before, after, replace_paths: [["endpoint_group_region"]] }))[0].details).toEqual([
      "replaced because endpoint_group_region cannot change in place",
      "traffic dial 50%",
      "weights: i-0123abcd 10",
    ]);
  });

  it("updated: the dial that changes, each weight that changes, each endpoint added or removed, and any other attribute", () => {
    const before = group(100, [
      { endpoint_id: "eipalloc-0a1b2c3d", weight: 128 },
      { endpoint_id: "i-0000000c", weight: 5 },
      { endpoint_id: "i-0000000a", weight: 7 },
    ]);
    const after = group(
      0,
      [
        { endpoint_id: "i-0000000a", weight: 7 },
        { endpoint_id: "eipalloc-0a1b2c3d", weight: 0 },
        { endpoint_id: "i-0000000b", weight: 10 },
      ],
      { health_check_port: 8443 },
    );
    expect(changesOf(rc(GROUP, ["update"], { before, after }))[0].details).toEqual([
      "traffic dial 100% → 0%",
      "weight of eipalloc-0a1b2c3d 128 → 0",
      "adds i-0000000b (weight 10)",
      "removes i-0000000c (weight 5)",
      "changes health_check_port",
    ]);
  });

  it("updated with weights known only after apply: shows them as ?", () => {
    const before = group(100, [{ endpoint_id: "i-0000000a", weight: 7 }, { endpoint_id: "i-0000000c" }, { endpoint_id: "i-0000000d" }]);
    const after = group(100, [{ endpoint_id: "i-0000000a" }, { endpoint_id: "i-0000000d", weight: 3 }, { endpoint_id: "i-0000000b" }]);
    expect(changesOf(rc(GROUP, ["update"], { before, after }))[0].details).toEqual([
      "weight of i-0000000a 7 → ?",
      "weight of i-0000000d ? → 3",
      "adds i-0000000b (weight ?)",
      "removes i-0000000c (weight ?)",
    ]);
  });

  it("updated with the same dial and weights: names only what else changes", () => {
    const endpoints = [{ endpoint_id: "i-0000000a", weight: 7 }];
    expect(changesOf(rc(GROUP, ["update"], { before: group(40, endpoints), after: group(40, endpoints, { threshold_count: 5 }) }))[0].details).toEqual(["changes threshold_count"]);
  });

  it("deleted: nothing but the deletion (no dial or weights to go to)", () => {
    expect(changesOf(rc(GROUP, ["delete"], { before: group(100, [{ endpoint_id: "i-0000000a", weight: 7 }]) }))[0].details).toEqual([]);
  });

  it("forgotten: nothing but the forget, since the group stays in AWS as it is", () => {
    expect(changesOf(rc(GROUP, ["forget"], { before: group(100, [{ endpoint_id: "i-0000000a", weight: 7 }]) }))[0].details).toEqual([]);
  });
});

describe("the details of the autopilot's parameter", () => {
  const PARAMETER = "aws_ssm_parameter.autopilot";
  const settings = { signal: "queue", lowWatermark: 4, highWatermark: 16 };
  /** The parameter's attributes as the provider plans them: its value, jsonencoded by Terraform (keys sorted). */
  const parameter = (groups: readonly [key: string, ceiling: number, more?: Record<string, unknown>][], hash = "a1") => {
    const value = JSON.stringify({
      configHash: hash,
      groups: groups.map(([key, ceiling, more]) => ({ arn: `arn:${key}`, capacity: 400, ceiling, key, settings, ...more })),
      stack: "llm",
      version: 1,
    });
    // The provider mirrors insecure_value into value.
    return { name: "/smart-routing/llm/autopilot", type: "String", insecure_value: value, value };
  };

  it("updated: each ceiling that changes, at any position, with the groups it starts and stops steering", () => {
    const before = parameter([["chat/us-east-1", 100], ["chat/eu-west-1", 100], ["batch/us-east-1", 60], ["batch/eu-west-1", 80]]);
    const after = parameter([["chat/us-east-1", 100], ["chat/eu-west-1", 100], ["batch/us-east-1", 60], ["batch/eu-west-1", 0], ["batch/ap-south-1", 50]]);
    expect(changesOf(rc(PARAMETER, ["update"], { before, after }))[0].details).toEqual(["batch/eu-west-1 ceiling 80 → 0", "steers batch/ap-south-1 (ceiling 50)"]);
    const fewer = parameter([["chat/us-east-1", 40], ["batch/eu-west-1", 80]]);
    expect(changesOf(rc(PARAMETER, ["update"], { before, after: fewer }))[0].details).toEqual(["chat/us-east-1 ceiling 100 → 40", "stops steering chat/eu-west-1", "stops steering batch/us-east-1"]);
  });

  it("updated: a group whose settings change though its ceiling does not, and a change of the config hash alone", () => {
    const before = parameter([["chat/us-east-1", 100], ["chat/eu-west-1", 90]]);
    const after = parameter([["chat/us-east-1", 100], ["chat/eu-west-1", 90, { capacity: 300 }]], "b2");
    expect(changesOf(rc(PARAMETER, ["update"], { before, after }))[0].details).toEqual(["chat/eu-west-1 autopilot settings change"]);
    expect(changesOf(rc(PARAMETER, ["update"], { before, after: parameter([["chat/us-east-1", 100], ["chat/eu-west-1", 90]], "b2") }))[0].details).toEqual(["config hash changes"]);
  });

  it("created: each group it steers with its ceiling, or, with groups created too, ceilings known after apply", () => {
    expect(changesOf(rc(PARAMETER, ["create"], { after: parameter([["chat/us-east-1", 75]]) }))[0].details).toEqual(["steers chat/us-east-1 (ceiling 75)"]);
    const unknown = { name: "/smart-routing/llm/autopilot", type: "String" };
    expect(changesOf(rc(PARAMETER, ["create"], { after: unknown, after_unknown: { insecure_value: true } }))[0].details).toEqual(["ceilings known after apply"]);
  });

  it("deleted or forgotten: nothing but that (no group is steered any more)", () => {
    const before = parameter([["chat/us-east-1", 100]]);
    expect(changesOf(rc(PARAMETER, ["delete"], { before }))[0].details).toEqual([]);
    expect(changesOf(rc(PARAMETER, ["forget"], { before }))[0].details).toEqual([]);
  });

  it("names any other attribute that changes, and reads a value that is not the autopilot's as ceilings known after apply", () => {
    const before = parameter([["chat/us-east-1", 100]]);
    expect(changesOf(rc(PARAMETER, ["update"], { before, after: { ...before, description: "x" } }))[0].details).toEqual(["changes description"]);
    expect(changesOf(rc(PARAMETER, ["update"], { before, after: { ...before, insecure_value: "not json" } }))[0].details).toEqual(["ceilings known after apply"]);
    expect(changesOf(rc(PARAMETER, ["update"], { before, after: { ...before, insecure_value: '{"groups":{}}' } }))[0].details).toEqual(["ceilings known after apply"]);
    expect(changesOf(rc(PARAMETER, ["update"], { before, after: { ...before, insecure_value: "null" } }))[0].details).toEqual(["ceilings known after apply"]);
  });

  it("reads only the groups that have a key and a ceiling", () => {
    const after = { ...parameter([]), insecure_value: JSON.stringify({ groups: [null, { key: "chat/us-east-1" }, { ceiling: 5 }, { key: 7, ceiling: 5 }, { key: "chat/eu-west-1", ceiling: "5" }, { key: "batch/eu-west-1", ceiling: 40 }] }) };
    expect(changesOf(rc(PARAMETER, ["create"], { after }))[0].details).toEqual(["steers batch/eu-west-1 (ceiling 40)"]);
  });

  it("are not read from another SSM parameter", () => {
    const before = parameter([["chat/us-east-1", 100]]);
    const after = parameter([["chat/us-east-1", 50]]);
    expect(changesOf(rc("aws_ssm_parameter.other", ["update"], { before, after }))[0].details).toEqual(["changes insecure_value, value"]);
  });
});
