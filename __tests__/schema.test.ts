// The JSON Schema for editors: committed, current, and in agreement with the
// validator on the examples.
import Ajv2020 from "ajv/dist/2020";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { configJsonSchemaText } from "../src/validation/json-schema";
import { validateConfig } from "../src/validation/validate";
import { steer, validConfig } from "./support/configs";

const ROOT = join(__dirname, "..");
const committed = readFileSync(join(ROOT, "schema", "smart-routing.schema.json"), "utf8");
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(committed));

describe("schema/smart-routing.schema.json", () => {
  it("is what `npm run schema` writes now (run it after changing src/config/schema.ts)", () => {
    expect(committed).toBe(configJsonSchemaText());
  });

  it("offers only real values as defaults: each default is valid where it stands (prose belongs in description)", () => {
    // Editors complete a default as a value, so a default such as "the listener's first port" on an
    // integer field would write an invalid config.
    const defaults: Array<{ at: string; schema: Record<string, unknown> }> = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) node.forEach((child, i) => walk(child, `${at}/${i}`));
      else if (typeof node === "object" && node !== null) {
        if ("default" in node) defaults.push({ at, schema: node as Record<string, unknown> });
        for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`);
      }
    };
    walk(JSON.parse(committed), "#");
    expect(defaults.length).toBeGreaterThan(10);
    const ajv = new Ajv2020({ strict: false });
    const invalid = defaults.filter(({ schema }) => {
      const { default: value, ...rest } = schema;
      return !ajv.validate(rest, value);
    });
    expect(invalid.map((d) => `${d.at}: ${JSON.stringify(d.schema.default)}`)).toEqual([]);
  });

  it.each(readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")))("accepts examples/%s, as the validator does", (file) => {
    const config = parse(readFileSync(join(ROOT, "examples", file), "utf8"));
    expect(validateConfig(config).ok).toBe(true);
    expect(validate(config)).toBe(true);
  });

  it("accepts a stack that steers a group, with metrics labels and a query of its own, as the validator does", () => {
    const config = steer(validConfig(), 0, 0, { signal: { query: 'avg by (region) (vllm:num_requests_waiting{model="llama"})' }, minDialPercent: 0, maxStepPercent: 100, holdFor: "2m", settleFor: "1m" });
    Object.assign(config.stacks[0].autopilot, { interval: "15s", mode: "monitor", staleAfter: "1m" });
    config.stacks[0].listeners[0].endpointGroups[0].metricsLabels = { model: "llama" };
    expect(validateConfig(config)).toMatchObject({ ok: true, warnings: [] });
    expect(validate(config)).toBe(true);
  });

  it.each([
    ["a duration without a unit", (c: ReturnType<typeof validConfig>) => (c.stacks[0].autopilot.interval = "15")],
    ["a Prometheus URL without a scheme", (c: ReturnType<typeof validConfig>) => (c.stacks[0].autopilot.prometheus.url = "prometheus:9090")],
    ["an unknown signal", (c: ReturnType<typeof validConfig>) => (c.stacks[0].listeners[0].endpointGroups[0].autopilot.signal = "latency")],
    ["an empty query", (c: ReturnType<typeof validConfig>) => (c.stacks[0].listeners[0].endpointGroups[0].autopilot.signal = { query: "" })],
    ["a maxStepPercent of 0", (c: ReturnType<typeof validConfig>) => (c.stacks[0].listeners[0].endpointGroups[0].autopilot.maxStepPercent = 0)],
    ["a metrics label named region", (c: ReturnType<typeof validConfig>) => (c.stacks[0].listeners[0].endpointGroups[0].metricsLabels = { region: "us-west-1" })],
    ["a metrics label name with a hyphen", (c: ReturnType<typeof validConfig>) => (c.stacks[0].listeners[0].endpointGroups[0].metricsLabels = { "model-name": "x" })],
  ])("rejects %s in the autopilot's settings, as the validator does", (_name, change) => {
    const config = steer(validConfig());
    change(config);
    expect(validateConfig(config).ok).toBe(false);
    expect(validate(config)).toBe(false);
  });

  it("rejects an unknown key, a wrong enum value and an out-of-range weight, as the validator does", () => {
    for (const change of [
      (c: ReturnType<typeof validConfig>) => (c.stacks[0].listeners[0].protocl = "TCP"),
      (c: ReturnType<typeof validConfig>) => (c.stacks[0].listeners[0].protocol = "HTTP"),
      (c: ReturnType<typeof validConfig>) => (c.stacks[0].listeners[0].endpointGroups[0].endpoints[0].weight = 256),
      (c: ReturnType<typeof validConfig>) => (c.stacks[0].listeners[0].endpointGroups[0].healthCheck.intervalSeconds = 20),
    ]) {
      const config = validConfig();
      change(config);
      expect(validateConfig(config).ok).toBe(false);
      expect(validate(config)).toBe(false);
    }
  });
});
