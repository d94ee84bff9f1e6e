// The synth command as users run it: exit codes, messages on stderr, and no
// output at all for a bad config.
import { existsSync } from "node:fs";
import { configFile, ONE_STACK_YAML, runSynth } from "./support/run";

const BAD = ONE_STACK_YAML.replace(
  "region: us-east-1\n            endpoints: [{ type: eip, id: eipalloc-0123abcd }]",
  "region: us-moon-1\n            healthCheck: { intervalSeconds: 20 }\n            endpoints:\n              - { type: eip, id: eip-12345678, weight: 300 }",
);

describe("npm run synth", () => {
  it("writes the default config's stack when SMART_ROUTING_CONFIG is not set, silently", () => {
    // GIVEN no config file WHEN synth runs THEN the embedded default is written and nothing is printed
    const run = runSynth();
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(JSON.parse(run.stackJson("smart-routing") ?? "{}")).toHaveProperty("resource.aws_globalaccelerator_accelerator.accelerator");
  });

  it("writes every stack of a config file", () => {
    const run = runSynth({ SMART_ROUTING_CONFIG: "examples/full.yaml" });
    expect(run.status).toBe(0);
    expect(run.stackJson("ai-models-prod")).toBeDefined();
    expect(run.stackJson("ai-models-dualstack")).toBeDefined();
  });

  it("prints every error of a bad config with its path and line, exits 1, and writes nothing", () => {
    const file = configFile("bad.yaml", BAD);
    const run = runSynth({ SMART_ROUTING_CONFIG: file });
    expect(run.status).toBe(1);
    expect(run.stderr.split("\n")).toEqual([
      expect.stringMatching(/^error: stacks\[0\]\.listeners\[0\]\.endpointGroups\[0\]\.region: must be a region Global Accelerator supports \(.*\), received "us-moon-1" \(.*bad\.yaml:11:13\)$/),
      `error: stacks[0].listeners[0].endpointGroups[0].healthCheck.intervalSeconds: must be 10 or 30 (the API allows no other value), received 20 (${file}:12:28)`,
      `error: stacks[0].listeners[0].endpointGroups[0].endpoints[0].id: must be an Elastic IP allocation ID ("eipalloc-" and 8 or 17 hex digits), received "eip-12345678" (${file}:14:30)`,
      `error: stacks[0].listeners[0].endpointGroups[0].endpoints[0].weight: must be an integer from 0 to 255, received 300 (${file}:14:48)`,
      "4 error(s); nothing was synthesized.",
      "",
    ]);
    expect(existsSync(run.outdir)).toBe(false);
  });

  it("names the file, line and column of a YAML syntax error", () => {
    const file = configFile("broken.yaml", "version: 1\nstacks:\n  - name: [unclosed\n");
    const run = runSynth({ SMART_ROUTING_CONFIG: file });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: invalid YAML: `));
    expect(existsSync(run.outdir)).toBe(false);
  });

  it("names the file of a config it cannot read", () => {
    const run = runSynth({ SMART_ROUTING_CONFIG: "does-not-exist.yaml" });
    expect(run).toMatchObject({ status: 1, stderr: "error: does-not-exist.yaml: cannot read the file (ENOENT)\n1 error(s); nothing was synthesized.\n" });
  });

  it("prints warnings and still synthesizes; SMART_ROUTING_STRICT=1 makes them errors", () => {
    const file = configFile("warn.yaml", BAD.replace("flowLogs: false", "enabled: true").replace(/region: us-moon-1\n.*\n.*\n.*/, "region: us-east-1\n            endpoints:\n              - { type: eip, id: eipalloc-0123abcd }"));
    const warned = runSynth({ SMART_ROUTING_CONFIG: file });
    expect(warned.status).toBe(0);
    expect(warned.stderr).toBe(
      `warning: stacks[0].accelerator.flowLogs: flow logs are off; set flowLogs: { bucket } to record traffic (the log files go under a folder named like the stack unless you give a prefix), or flowLogs: false to silence this warning (${file}:5:5)\n`,
    );
    expect(warned.stackJson("prod")).toBeDefined();

    const strict = runSynth({ SMART_ROUTING_CONFIG: file, SMART_ROUTING_STRICT: "1" });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/^error: stacks\[0\]\.accelerator\.flowLogs: flow logs are off; .* \[strict: SMART_ROUTING_STRICT=1\]\n/);
    expect(existsSync(strict.outdir)).toBe(false);
    expect(runSynth({ SMART_ROUTING_CONFIG: file, SMART_ROUTING_STRICT: "true" }).status).toBe(1);
    expect(runSynth({ SMART_ROUTING_CONFIG: file, SMART_ROUTING_STRICT: "0" }).status).toBe(0);
  });

  it("refuses a SMART_ROUTING_STRICT it cannot read rather than taking it as off", () => {
    const run = runSynth({ SMART_ROUTING_STRICT: "yes" });
    expect(run).toMatchObject({
      status: 1,
      stderr: 'error: SMART_ROUTING_STRICT must be 1 or true (warnings become errors), or 0, false or unset, received "yes"\n1 error(s); nothing was synthesized.\n',
    });
    expect(existsSync(run.outdir)).toBe(false);
  });

  it("reads JSON configs and reports their errors with lines too", () => {
    const file = configFile("config.json", JSON.stringify({ version: 1, stacks: [{ name: "x", backend: { bucket: "acme-terraform-state", region: "us-west-2" } }] }, null, 2));
    const run = runSynth({ SMART_ROUTING_CONFIG: file });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error: stacks[0].accelerator: is required (${file}:4:5)`);
    expect(run.stderr).toContain(`error: stacks[0].listeners: is required (${file}:4:5)`);
  });

  it("synthesizes a renamed listener on a machine without Terraform (cdktf's own version check is skipped)", () => {
    // GIVEN a valid config whose listener was renamed (moved blocks) WHEN synth runs with no terraform on PATH
    const file = configFile("renamed.yaml", ONE_STACK_YAML.replace("- name: inference", "- name: inference\n        renamedFrom: inference-v1"));
    const run = runSynth({ SMART_ROUTING_CONFIG: file, PATH: "/nonexistent" });
    // THEN it writes the stack with its moved block; Terraform checks required_version where it runs
    expect(run).toMatchObject({ status: 0, stderr: "" });
    const json = JSON.parse(run.stackJson("prod") ?? "{}");
    expect(json.moved).toEqual(expect.arrayContaining([expect.objectContaining({ from: "aws_globalaccelerator_listener.inference-v1" })]));
    expect(json.terraform.required_version).toBe(">= 1.10.0");
  });

  it("rejects a config file whose extension it does not know", () => {
    const file = configFile("config.toml", "version = 1\n");
    const run = runSynth({ SMART_ROUTING_CONFIG: file });
    expect(run).toMatchObject({ status: 1, stderr: `error: ${file}: the extension must be one of .yaml, .yml, .json, received ".toml"\n1 error(s); nothing was synthesized.\n` });
  });
});
