// Stack-level guarantees: the default config's whole JSON, the Terraform
// addresses of a multi-listener, multi-region config, and determinism.
import { App } from "cdktf";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, loadModel } from "../src/app";
import { DEFAULT_CONFIG } from "../src/config/default-config";
import { synthOne, synthStacks, validConfig } from "./support/configs";
import { runSynth } from "./support/run";

/** Every Terraform address in a synthesized stack, sorted. */
function addresses(stackJson: string): string[] {
  const json = JSON.parse(stackJson);
  const of = (block: Record<string, Record<string, unknown>> = {}, prefix = "") =>
    Object.entries(block).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${prefix}${type}.${name}`));
  return [...of(json.resource), ...of(json.data, "data.")].sort();
}

describe("the embedded default config", () => {
  it("synthesizes to exactly this Terraform JSON", () => {
    expect(JSON.parse(synthOne(DEFAULT_CONFIG))).toMatchSnapshot();
  });
});

describe("Terraform addresses", () => {
  it("come only from the stack's names: accelerator, listener names, <listener>_<region>, <region>_<lb name>", () => {
    const config = validConfig();
    config.stacks[0].listeners[1].endpointGroups.push({ region: "eu-west-1", endpoints: [{ type: "nlb", lookup: { name: "vllm-euw1" } }] });
    expect(addresses(synthOne(config))).toEqual([
      "aws_globalaccelerator_accelerator.accelerator",
      "aws_globalaccelerator_endpoint_group.inference_us-east-1",
      "aws_globalaccelerator_endpoint_group.inference_us-west-1",
      "aws_globalaccelerator_endpoint_group.streaming_ap-northeast-1",
      "aws_globalaccelerator_endpoint_group.streaming_eu-west-1",
      "aws_globalaccelerator_listener.inference",
      "aws_globalaccelerator_listener.streaming",
      "data.aws_lb.eu-west-1_vllm-euw1",
      "data.aws_lb.us-east-1_triton-use1",
    ]);
  });

  it("do not change when listeners and groups are reordered", () => {
    const config = validConfig();
    const reordered = validConfig();
    reordered.stacks[0].listeners.reverse();
    reordered.stacks[0].listeners[1].endpointGroups.reverse();
    expect(addresses(synthOne(reordered))).toEqual(addresses(synthOne(config)));
  });

  it("contain no hash suffix, whatever the construct nesting", () => {
    for (const address of addresses(synthOne(validConfig()))) expect(address).not.toMatch(/_[0-9A-F]{8}$/);
  });
});

describe("several stacks from one config", () => {
  it("each get their own state key and their own resources", () => {
    const config = validConfig();
    config.stacks.push({ ...config.stacks[0], name: "prod" });
    const stacks = synthStacks(config);
    expect(Object.keys(stacks)).toEqual(["test", "prod"]);
    expect(JSON.parse(stacks.test).terraform.backend.s3.key).toBe("smart-routing/test.tfstate");
    expect(JSON.parse(stacks.prod).terraform.backend.s3.key).toBe("smart-routing/prod.tfstate");
  });
});

describe("synth output", () => {
  const first = runSynth({ SMART_ROUTING_CONFIG: "examples/full.yaml" });
  const second = runSynth({ SMART_ROUTING_CONFIG: "examples/full.yaml" });
  const files = (outdir: string) =>
    (readdirSync(outdir, { recursive: true }) as string[])
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => [f, readFileSync(join(outdir, f), "utf8")]);

  it("is byte-identical across two runs", () => {
    expect(first.status).toBe(0);
    expect(files(second.outdir)).toEqual(files(first.outdir));
  });

  it("holds no absolute path, user name or timestamp", () => {
    for (const [, text] of files(first.outdir)) {
      expect(text).not.toContain(first.outdir);
      expect(text).not.toContain(process.cwd());
      expect(text).not.toMatch(/\/(home|root|tmp|Users)\//);
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });
});

describe("the bundled synth (dist/main.js)", () => {
  // The bundle replaces two cdktf internals (see scripts/build.js); this proves the output is unchanged.
  it.each(["examples/full.yaml", "examples/multi-stack.yaml"])("writes the same bytes as the TypeScript sources for %s", (config) => {
    const bundled = runSynth({ SMART_ROUTING_CONFIG: config });
    expect(bundled.status).toBe(0);
    const outdir = mkdtempSync(join(tmpdir(), "smart-routing-source-"));
    const { model } = loadModel({ SMART_ROUTING_CONFIG: config });
    buildApp(model!, new App({ stackTraces: false, outdir })).synth();
    const stacks = readdirSync(join(outdir, "stacks"));
    expect(stacks.length).toBeGreaterThan(1);
    for (const stack of stacks) {
      expect(bundled.stackJson(stack)).toBe(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
    }
    expect(readFileSync(join(bundled.outdir, "manifest.json"), "utf8")).toBe(readFileSync(join(outdir, "manifest.json"), "utf8"));
  });
});
