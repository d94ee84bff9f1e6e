// What a steered group changes in the synthesized stack, and what it leaves alone: its endpoint group
// ignores changes of its dial (and no other group does), and the stack publishes one SSM parameter for the
// autopilot whose ceilings are the operators' traffic_dials lookups, never the dial attribute. A stack
// without a steered group synthesizes exactly as before. (That the value Terraform evaluates is what the
// autopilot reads is shown against moto in autopilot-plan.terraform.test.ts.)
// GIVEN the valid test config, WHEN groups are steered, THEN ...
import { loadModel } from "../src/app";
import { canonicalJson, configHash } from "../src/model/config-hash";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { PROMETHEUS, steer, synthOne, synthStacks, validConfig } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const GROUPS = ["inference_us-west-1", "inference_us-east-1", "streaming_ap-northeast-1"];

/** The lifecycle of each endpoint group, by name. */
function lifecycles(json: Json): Record<string, unknown> {
  return Object.fromEntries(GROUPS.map((name) => [name, json.resource.aws_globalaccelerator_endpoint_group[name].lifecycle]));
}

/** validConfig() with the last group of the first listener and the group of the second steered. */
function twoSteered(): Json {
  const config = steer(validConfig(), 0, 1);
  return steer(config, 1, 0, { signal: { query: 'avg by (region) (x{model="a\\\\b"})' } });
}

describe("a steered group's endpoint group", () => {
  it("ignores changes of its traffic dial, in any listener and at the last position; an unsteered group does not", () => {
    expect(lifecycles(JSON.parse(synthOne(twoSteered())))).toEqual({
      "inference_us-west-1": undefined,
      "inference_us-east-1": { ignore_changes: ["traffic_dial_percentage"] },
      "streaming_ap-northeast-1": { ignore_changes: ["traffic_dial_percentage"] },
    });
  });

  it("is still created at the dial Terraform sets: the operators' lookup, the config's value as default", () => {
    const group = JSON.parse(synthOne(twoSteered())).resource.aws_globalaccelerator_endpoint_group["inference_us-east-1"];
    expect(group.traffic_dial_percentage).toBe('${lookup(var.traffic_dials, "inference/us-east-1", 25)}');
  });
});

describe("the autopilot's parameter", () => {
  const json = JSON.parse(synthOne(twoSteered()));
  const parameter = json.resource.aws_ssm_parameter?.autopilot;
  const value: string = parameter?.insecure_value ?? "";

  it("is one aws_ssm_parameter named autopilot, /smart-routing/<stack>/autopilot, a String, on the default provider (us-west-2)", () => {
    expect(Object.keys(json.resource.aws_ssm_parameter)).toEqual(["autopilot"]);
    expect(parameter).toMatchObject({ name: "/smart-routing/test/autopilot", type: "String" });
    expect(parameter.provider).toBeUndefined();
    expect(parameter.value).toBeUndefined();
  });

  it("is Terraform's jsonencode of the stack, its config hash, each steered group in order, then the others", () => {
    const hash = configHash(toModel(parseConfig(twoSteered()).config).stacks[0]);
    expect(value).toMatch(new RegExp(`^\\$\\{jsonencode\\(\\{"version" = 1, "stack" = "test", "configHash" = "${hash}", "groups" = \\[.*\\], "others" = \\[.*\\]\\}\\)\\}$`));
    const [groups, others] = value.split('"others" = ');
    expect([...groups.matchAll(/"key" = "([^"]+)"/g)].map((m) => m[1])).toEqual(["inference/us-east-1", "streaming/ap-northeast-1"]);
    expect([...others.matchAll(/"key" = "([^"]+)"/g)].map((m) => m[1])).toEqual(["inference/us-west-1"]);
  });

  it("lists the groups Terraform alone steers with their ARN and the dial Terraform sets, so the autopilot reads their health too", () => {
    const dial: string = json.resource.aws_globalaccelerator_endpoint_group["inference_us-west-1"].traffic_dial_percentage;
    expect(value.split('"others" = ')[1]).toBe(
      `[{"key" = "inference/us-west-1", "listener" = "inference", "region" = "us-west-1", "arn" = aws_globalaccelerator_endpoint_group.inference_us-west-1.arn, "ceiling" = ${dial.slice(2, -1)}}]})}`,
    );
  });

  it("takes each ceiling from exactly the expression the group's dial is set from, and each ARN from the group", () => {
    for (const name of ["inference_us-east-1", "streaming_ap-northeast-1"]) {
      const dial: string = json.resource.aws_globalaccelerator_endpoint_group[name].traffic_dial_percentage;
      const expression = dial.slice(2, -1);
      expect(value).toContain(`"arn" = aws_globalaccelerator_endpoint_group.${name}.arn, "ceiling" = ${expression},`);
    }
  });

  it("never reads the dial attribute, which the autopilot moves", () => {
    expect(value).not.toContain(".traffic_dial_percentage");
  });

  it("writes capacity, metrics labels and the settings with their defaults, a query's quotes and backslash escaped for HCL", () => {
    expect(value).toContain(
      '"capacity" = 200, "metricsLabels" = {}, "settings" = {"signal" = "queue", "lowWatermark" = 4, "highWatermark" = 16, "minDialPercent" = 10, "maxStepPercent" = 20, "holdForSeconds" = 120, "settleForSeconds" = 60}',
    );
    expect(value).toContain('"settings" = {"signal" = {"query" = "avg by (region) (x{model=\\"a\\\\\\\\b\\"})"}');
  });

  it("is in the one stack of several that steers a group, the second", () => {
    const config = validConfig();
    config.stacks.push({ ...structuredClone(config.stacks[0]), name: "other" });
    config.stacks[1].autopilot = { prometheus: PROMETHEUS };
    config.stacks[1].listeners[1].endpointGroups[0] = { ...config.stacks[1].listeners[1].endpointGroups[0], capacity: 5, modelServer: "sglang", autopilot: { signal: "kvCache", lowWatermark: 0.5, highWatermark: 0.9 } };
    const stacks = synthStacks(config);
    expect(JSON.parse(stacks.test).resource.aws_ssm_parameter).toBeUndefined();
    expect(JSON.parse(stacks.other).resource.aws_ssm_parameter.autopilot.name).toBe("/smart-routing/other/autopilot");
  });
});

describe("a stack without a steered group", () => {
  it("synthesizes exactly as before, with an autopilot block that steers nothing too: no parameter, no lifecycle", () => {
    const plain = synthOne(validConfig());
    const config = validConfig();
    config.stacks[0].autopilot = { prometheus: PROMETHEUS };
    config.stacks[0].listeners[0].endpointGroups[0].metricsLabels = { model: "llama" };
    expect(synthOne(config)).toBe(plain);
    expect(JSON.parse(plain).resource.aws_ssm_parameter).toBeUndefined();
    expect(Object.values(lifecycles(JSON.parse(plain)))).toEqual([undefined, undefined, undefined]);
  });
});

describe("configHash", () => {
  const modelOf = (config: Json) => toModel(parseConfig(config).config).stacks[0];

  it("is the sha256 of the model as canonical JSON: the same whatever the order of the config's keys", () => {
    const config = twoSteered();
    const reordered = JSON.parse(JSON.stringify(config, (_key, v) => (v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)));
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(config));
    expect(configHash(modelOf(reordered))).toBe(configHash(modelOf(config)));
    expect(configHash(modelOf(config))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with a steered group's setting, and with any other part of the stack", () => {
    const base = configHash(modelOf(twoSteered()));
    const higher = twoSteered();
    higher.stacks[0].listeners[0].endpointGroups[1].autopilot.highWatermark = 17;
    const dial = twoSteered();
    dial.stacks[0].listeners[0].endpointGroups[0].trafficDialPercentage = 99;
    expect(new Set([base, configHash(modelOf(higher)), configHash(modelOf(dial))]).size).toBe(3);
  });

  it("writes canonical JSON with sorted keys, lists in order, and undefined members left out", () => {
    expect(canonicalJson({ b: [2, undefined, { d: 1, c: "x" }], a: undefined, c: null })).toBe('{"b":[2,null,{"c":"x","d":1}],"c":null}');
  });

  it("is the hash of the model the app loads, as the autopilot loads it", () => {
    const stack = loadModel({}).model!.stacks[0];
    expect(configHash(stack)).toBe(configHash(JSON.parse(JSON.stringify(stack))));
  });
});
