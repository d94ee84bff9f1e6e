// How validation words what zod finds: a missing field, a wrong type, an unknown key (with the keys allowed
// where it stands, which for an endpoint depend on its type), a missing or unknown endpoint type, a map key
// with several problems; and parseConfig, which throws every error at once. The rules' own messages are in
// validation.test.ts and rules-positions.test.ts.
// GIVEN the valid test config, WHEN one change is made, THEN exactly this error.
import type { z } from "zod";
import { formatPath } from "../src/config/show";
import { genericMessage } from "../src/validation/schema";
import { ConfigError, parseConfig, validateConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;

const G0 = "stacks[0].listeners[0].endpointGroups[0]";
const G1 = "stacks[0].listeners[0].endpointGroups[1]";
const group = (c: Config, g = 0) => c.stacks[0].listeners[0].endpointGroups[g];

function errorsOf(change: (c: Config) => void): string[] {
  const config = validConfig();
  change(config);
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map((e) => `${formatPath(e.path)}: ${e.message}`);
}

describe("a missing field", () => {
  it.each([
    ["a port range's fromPort", (c: Config) => delete c.stacks[0].listeners[0].portRanges[0].fromPort, "stacks[0].listeners[0].portRanges[0].fromPort"],
    ["a port override's endpointPort", (c: Config) => delete group(c).portOverrides[0].endpointPort, `${G0}.portOverrides[0].endpointPort`],
    ["a listener's protocol", (c: Config) => delete c.stacks[0].listeners[1].protocol, "stacks[0].listeners[1].protocol"],
  ])("is required: %s", (_name, change, path) => {
    expect(errorsOf(change)).toEqual([`${path}: is required`]);
  });

  it("is required with the values allowed when it is an endpoint's type", () => {
    expect(errorsOf((c) => delete group(c, 1).endpoints[1].type)).toEqual([`${G1}.endpoints[1].type: is required (one of "eip", "instance", "alb", "nlb")`]);
  });
});

describe("a value of the wrong type", () => {
  it.each([
    ["a mapping", (c: Config) => (c.stacks[0].backend = "acme-terraform-state"), 'stacks[0].backend: must be a mapping, received "acme-terraform-state"'],
    ["a list", (c: Config) => (c.stacks[0].listeners = { name: "inference" }), 'stacks[0].listeners: must be a list, received {"name":"inference"}'],
    ["a string", (c: Config) => (c.stacks[0].name = 7), "stacks[0].name: must be a string, received 7"],
    ["a boolean", (c: Config) => (c.stacks[0].accelerator.enabled = "yes"), 'stacks[0].accelerator.enabled: must be a boolean, received "yes"'],
  ])("says it must be %s and what it received", (_name, change, error) => {
    expect(errorsOf(change)).toEqual([error]);
  });
});

describe("an unknown key", () => {
  it.each([
    ["an ALB", (c: Config) => (group(c, 1).endpoints[0].wieght = 3), `${G1}.endpoints[0].wieght`, 'did you mean "weight"? allowed: type, id, lookup, weight, clientIpPreservation'],
    ["an NLB that comes after an ALB", (c: Config) => (group(c, 1).endpoints[1].lookups = 3), `${G1}.endpoints[1].lookups`, 'did you mean "lookup"? allowed: type, id, lookup, weight, clientIpPreservation'],
    ["an instance", (c: Config) => (group(c).endpoints[1].lookup = { name: "x" }), `${G0}.endpoints[1].lookup`, "allowed: type, id, weight, clientIpPreservation"],
  ])("on %s lists the keys of its type", (_name, change, path, allowed) => {
    expect(errorsOf(change)).toEqual([`${path}: is not a known key; ${allowed}`]);
  });

  it.each([
    ["flow logs, which may also be false", (c: Config) => (c.stacks[0].accelerator.flowLogs = { bucket: "acme-flow-logs", prefx: "ga/" }), "stacks[0].accelerator.flowLogs.prefx", 'did you mean "prefix"? allowed: bucket, prefix'],
    ["a port override in a list", (c: Config) => (group(c).portOverrides[0].listenPort = 443), `${G0}.portOverrides[0].listenPort`, 'did you mean "listenerPort"? allowed: listenerPort, endpointPort'],
    ["a health check", (c: Config) => (group(c).healthCheck.timeout = 5), `${G0}.healthCheck.timeout`, "allowed: protocol, port, path, intervalSeconds, thresholdCount"],
    ["a load balancer lookup", (c: Config) => (group(c, 1).endpoints[1].lookup.arn = "x"), `${G1}.endpoints[1].lookup.arn`, "allowed: name"],
  ])("in %s lists the keys allowed there, suggesting a close one", (_name, change, path, allowed) => {
    expect(errorsOf(change)).toEqual([`${path}: is not a known key; ${allowed}`]);
  });
});

describe("an unknown endpoint type", () => {
  it("lists the types allowed, for a later endpoint of a later group", () => {
    expect(errorsOf((c) => (group(c, 1).endpoints[1].type = "gwlb"))).toEqual([`${G1}.endpoints[1].type: must be one of "eip", "instance", "alb", "nlb", received "gwlb"`]);
  });
});

describe("a map key with several problems", () => {
  it("lists each of them", () => {
    const key = `\${team}${"k".repeat(130)}`;
    const shown = `${JSON.stringify(key).slice(0, 77)}...`;
    expect(errorsOf((c) => (c.stacks[0].tags = { [key]: "v" }))).toEqual([
      `stacks[0].tags[${JSON.stringify(key)}]: is not an allowed key: must be at most 128 characters long, received ${shown}; must not contain "\${" or "%{", which Terraform would read as an expression, received ${shown}`,
    ]);
  });
});

describe("a health-check path", () => {
  it("of 256 characters is refused with the limit", () => {
    const path = `/${"h".repeat(255)}`;
    expect(errorsOf((c) => (group(c).healthCheck.path = path))).toEqual([`${G0}.healthCheck.path: must be at most 255 characters, received ${JSON.stringify(path).slice(0, 77)}...`]);
  });

  it("of 255 characters is accepted", () => {
    expect(errorsOf((c) => (group(c).healthCheck.path = `/${"h".repeat(254)}`))).toEqual([]);
  });
});

describe("parseConfig", () => {
  it("returns the config and its warnings when it is valid", () => {
    const config = validConfig();
    delete config.stacks[0].accelerator.flowLogs;
    const { config: parsed, warnings } = parseConfig(config);
    expect(parsed.stacks[0].name).toBe("test");
    expect(warnings.map((w) => formatPath(w.path))).toEqual(["stacks[0].accelerator.flowLogs"]);
  });

  it("throws a ConfigError with every error, one line each, and the errors themselves", () => {
    const config = validConfig();
    config.version = 2;
    config.stacks[0].listeners[1].protocol = "SCTP";
    let thrown: unknown;
    try {
      parseConfig(config);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.name).toBe("ConfigError");
    expect(error.message).toBe('version: must be 1, received 2\nstacks[0].listeners[1].protocol: must be one of "TCP", "UDP", received "SCTP"');
    expect(error.issues).toEqual([
      { path: ["version"], message: "must be 1, received 2" },
      { path: ["stacks", 0, "listeners", 1, "protocol"], message: 'must be one of "TCP", "UDP", received "SCTP"' },
    ]);
  });
});

describe("the wording of zod's generic issues", () => {
  // The parse-level messages, for every schema without its own wording: each issue as zod raises it.
  const message = (issue: Record<string, unknown>) => genericMessage(issue as unknown as z.core.$ZodRawIssue);

  it.each([
    ["a missing value", { code: "invalid_type", expected: "string", input: undefined }, "is required"],
    ["an object expected", { code: "invalid_type", expected: "object", input: 3 }, "must be a mapping, received 3"],
    ["an array expected", { code: "invalid_type", expected: "array", input: "a" }, 'must be a list, received "a"'],
    ["a type that starts with a vowel", { code: "invalid_type", expected: "int", input: "a" }, 'must be an int, received "a"'],
    ["a type that starts with a consonant", { code: "invalid_type", expected: "number", input: "a" }, 'must be a number, received "a"'],
    ["one value allowed", { code: "invalid_value", values: [1], input: 2 }, "must be 1, received 2"],
    ["several values allowed", { code: "invalid_value", values: ["a", "b"], input: "c" }, 'must be one of "a", "b", received "c"'],
    ["a string too short", { code: "too_small", origin: "string", minimum: 1, input: "" }, 'must be at least 1 character long, received ""'],
    ["a string too long", { code: "too_big", origin: "string", maximum: 3, input: "abcd" }, 'must be at most 3 characters long, received "abcd"'],
    ["a list too short", { code: "too_small", origin: "array", minimum: 1, input: [] }, "must have at least 1 item, received 0"],
    ["a list too long", { code: "too_big", origin: "array", maximum: 2, input: [1, 2, 3] }, "must have at most 2 items, received 3"],
  ])("words %s", (_name, issue, expected) => {
    expect(message(issue)).toBe(expected);
  });

  it.each([
    ["a number too small", { code: "too_small", origin: "number", minimum: 1, input: 0 }],
    ["a number too big", { code: "too_big", origin: "number", maximum: 1, input: 2 }],
    ["a string of the wrong format", { code: "invalid_format", origin: "string", format: "regex", input: "x" }],
    ["a custom issue", { code: "custom", input: "x" }],
  ])("leaves %s to the field's own wording", (_name, issue) => {
    expect(message(issue)).toBeUndefined();
  });
});
