// `npm run explain` as users run it: every example, --markdown, --client and --json (the check:
// Seattle's client in us-west-2, and in us-east-1 with us-west-2 failed), its errors; and the arguments
// it checks against the config.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../src/app";
import { explainSelection } from "../src/explain/options";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";
import { configFile, ROOT } from "./support/run";

describe("the arguments of explain", () => {
  const model = loadModel({ SMART_ROUTING_CONFIG: "examples/full.yaml" }).model!;

  it("select the stacks named and the regions given with --fail, repeated or comma-separated", () => {
    const selected = explainSelection(model, ["ai-models-prod"], ["us-east-1,eu-west-1", "us-east-1"]);
    expect(selected).toMatchObject({ failed: ["us-east-1", "eu-west-1"] });
    expect(selected.error ?? selected.stacks.map((s) => s.name)).toEqual(["ai-models-prod"]);
    expect(explainSelection(model, ["ai-models-prod"], [" us-east-1 , eu-west-1"])).toEqual({ stacks: [model.stacks[0]], failed: ["us-east-1", "eu-west-1"] });
  });

  it("select every stack, and fail nothing, when neither is named", () => {
    expect(explainSelection(model, [], undefined)).toEqual({ stacks: model.stacks });
  });

  it("do not suggest --fail for a region that is also a stack's name", () => {
    const config = validConfig();
    config.stacks[0].name = "eu-west-1";
    const regional = toModel(parseConfig(config).config);
    expect(explainSelection(regional, ["eu-west-1", "us-east-1"], undefined)).toEqual({
      error: 'no stack named "us-east-1" in this config; its stacks are: eu-west-1 (to fail a region, give --fail us-east-1)',
    });
    expect(explainSelection(regional, ["us-west-1", "us-east-1"], undefined)).toEqual({
      error: 'no stack named "us-west-1", "us-east-1" in this config; its stacks are: eu-west-1 (to fail a region, give --fail us-west-1 --fail us-east-1)',
    });
    // With a second stack too: a region is left out when any stack has its name, not only when every stack has.
    config.stacks.push({ ...structuredClone(config.stacks[0]), name: "other", accelerator: { ...config.stacks[0].accelerator, name: "other-accelerator" } });
    const two = toModel(parseConfig(config).config);
    expect(two.stacks.map((s) => s.name)).toEqual(["eu-west-1", "other"]);
    expect(explainSelection(two, ["eu-west-1", "us-east-1"], undefined)).toEqual({
      error: 'no stack named "us-east-1" in this config; its stacks are: eu-west-1, other (to fail a region, give --fail us-east-1)',
    });
  });

  it.each([
    ["an unknown stack", ["prod"], undefined, 'no stack named "prod" in this config; its stacks are: ai-models-prod, ai-models-dualstack'],
    ["a region where a stack belongs", ["eu-west-1"], undefined, 'no stack named "eu-west-1" in this config; its stacks are: ai-models-prod, ai-models-dualstack (to fail a region, give --fail eu-west-1)'],
    ["a region Global Accelerator does not support", [], ["us-moon-1"], '--fail "us-moon-1" is not a region Global Accelerator supports'],
    ["a region one selected stack has no group in", [], ["eu-west-1"], "--fail eu-west-1: stack ai-models-dualstack has no endpoint group there (its regions: eu-central-1, us-west-2); name the stack to explain"],
  ])("refuse %s with one clear message", (_name, names, fail, message) => {
    expect(explainSelection(model, names, fail)).toEqual({ error: message });
  });
});

const TWO_REGIONS = (dial = 100) => `version: 1
stacks:
  - name: web
    backend: { bucket: acme-terraform-state, region: us-west-2 }
    accelerator: { name: web, flowLogs: false }
    listeners:
      - name: api
        protocol: TCP
        portRanges: [{ fromPort: 443 }]
        endpointGroups:
          - { region: us-west-2, trafficDialPercentage: ${dial}, endpoints: [{ type: eip, id: eipalloc-0123abcd }] }
          - { region: us-east-1, endpoints: [{ type: eip, id: eipalloc-0123abce }] }
`;

describe("npm run explain", () => {
  const explain = (args: string[], config?: string) =>
    spawnSync(process.execPath, ["scripts/explain.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, SMART_ROUTING_CONFIG: config } });
  const examples = [undefined, ...readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")).sort().map((f) => `examples/${f}`)];
  const twoRegions = configFile("two-regions.yaml", TWO_REGIONS());
  const servedBy = (run: { stdout: string }) => JSON.parse(run.stdout).listeners.map((l: { servedBy: { region: string; share: number }[] }) => l.servedBy.map((s) => [s.region, s.share]));

  it.each(examples)("prints the normal and every single-failure scenario of every listener of %s", (config) => {
    const run = explain([], config);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const stack of loadModel({ SMART_ROUTING_CONFIG: config }).model!.stacks) {
      for (const listener of stack.listeners) {
        const section = run.stdout.split(`${stack.name}, listener ${listener.name} (`)[1]?.split(/\n\S/)[0] ?? "";
        expect(section).toMatch(/\n {2}normal operation: every region healthy/);
        for (const group of listener.endpointGroups) expect(section).toContain(`\n  ${group.region} failed\n`);
      }
    }
  });

  it("writes the same scenarios as Markdown with --markdown", () => {
    const file = join(mkdtempSync(join(tmpdir(), "explain-")), "explain.md");
    const run = explain(["ai-models-prod", "--fail", "us-east-1", "--markdown", file], "examples/full.yaml");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("\n  us-east-1 failed\n");
    expect(run.stdout).not.toContain("us-west-1 failed");
    expect(readFileSync(file, "utf8")).toContain("#### us-east-1 failed\n\n| Geography | Demand | Served by |");
  });

  it("puts Seattle's client in us-west-2, and in us-east-1 with us-west-2 failed (--client=<lat>,<lon> --json)", () => {
    const normal = explain(["--client=47.61,-122.33", "--json"], twoRegions);
    expect([normal.status, normal.stderr]).toEqual([0, ""]);
    expect(servedBy(normal)).toEqual([[["us-west-2", 1]]]);
    expect(JSON.parse(normal.stdout).listeners[0]).toMatchObject({ stack: "web", listener: "api", runnerUp: { region: "us-east-1" } });
    const failed = explain(["--client=47.61,-122.33", "--fail", "us-west-2", "--json"], twoRegions);
    expect(servedBy(failed)).toEqual([[["us-east-1", 1]]]);
    expect(JSON.parse(failed.stdout).scenario).toEqual({ title: "us-west-2 failed", failed: ["us-west-2"] });
  });

  it("splits a client's traffic by a dial of 50, largest share first", () => {
    const run = explain(["--client", "Seattle", "--json"], configFile("dial-50.yaml", TWO_REGIONS(50)));
    expect(servedBy(run)).toEqual([
      [
        ["us-east-1", 0.5],
        ["us-west-2", 0.5],
      ],
    ]);
  });

  it("takes a southern point after a space (-33.87,151.21, Sydney) and a western one (40.71,-74.01, New York)", () => {
    const sydney = explain(["--client", "-33.87,151.21"], twoRegions);
    expect([sydney.status, sydney.stderr]).toEqual([0, ""]);
    expect(sydney.stdout).toContain("\nclient: -33.87, 151.21 (nearest metro of the table: Sydney, oceania, 0 km)\n");
    expect(sydney.stdout).toMatch(/\n {2}normal operation, the config's dials: us-west-2 \d+ km; runner-up us-east-1 \d+ km\n/);
    const newYork = explain(["web", "--client", "40.71,-74.01", "--json"], twoRegions);
    expect(servedBy(newYork)).toEqual([[["us-east-1", 1]]]);
    expect(JSON.parse(newYork.stdout).client).toMatchObject({ lat: 40.71, lon: -74.01, nearestMetro: { name: "New York City" } });
  });

  it("prints the scenarios as one JSON document with --json", () => {
    const run = explain(["--json"], twoRegions);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.listeners[0].scenarios.map((s: { title: string }) => s.title)).toEqual([
      "normal operation: every region healthy (the config's dials are all 100)",
      "us-west-2 failed",
      "us-east-1 failed",
    ]);
  });

  it("prints its usage with --help", () => {
    const run = explain(["--help"]);
    expect(run.stdout).toBe(
      "usage: npm run explain -- [stack ...] [--fail <region>]... [--client <lat>,<lon>|<metro name>] [--json] [--markdown <file>]\n(see help, the command reference, and README.md)\n",
    );
    expect(run.status).toBe(0);
  });

  it.each<[string, string[], string | undefined, string]>([
    ["an unknown stack", ["prod"], undefined, 'explain: no stack named "prod" in this config; its stacks are: smart-routing\n'],
    ["an unknown region", ["--fail", "us-moon-1"], undefined, 'explain: --fail "us-moon-1" is not a region Global Accelerator supports\n'],
    ["a region the stack has no group in", ["--fail", "eu-west-1"], undefined, "explain: --fail eu-west-1: stack smart-routing has no endpoint group there (its regions: us-east-1, us-west-1); name the stack to explain\n"],
    ["an unknown flag", ["--region", "eu-west-1"], undefined, "explain: Unknown option '--region'."],
    ["--fail without a region", ["--fail"], undefined, "explain: Option '--fail <value>' argument missing"],
    ["an unknown metro", ["--client", "Gotham"], undefined, 'explain: --client "Gotham" is not a metro area of the table; give <lat>,<lon> in decimal degrees, north and east positive (47.61,-122.33 is Seattle), or the name of a metro area of src/config/metros.ts ("Seattle", "sao paulo")\n'],
    ["malformed coordinates", ["--client=47.61,-122.33,1"], undefined, 'explain: --client "47.61,-122.33,1" is neither coordinates nor a metro name; give <lat>,<lon>'],
    ["a latitude out of range", ["--client", "-95,10"], undefined, 'explain: --client "-95,10": the latitude must be from -90 to 90, received -95; give <lat>,<lon>'],
    ["two clients", ["--client", "Seattle", "--client", "Tokyo"], undefined, "explain: give --client once (received 2); run explain once per client\n"],
    ["--client with --markdown", ["--client", "Seattle", "--markdown", "x.md"], undefined, "explain: --markdown writes the scenario tables; it does not go with --client\n"],
    ["--client without a value", ["--client"], undefined, "explain: Option '--client <value>' argument missing"],
  ])("exits 2 on %s with a clear message and no stack trace", (_name, args, config, message) => {
    const run = explain(args, config);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr.split("\n").filter((l) => l !== "").length).toBeLessThanOrEqual(2);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
