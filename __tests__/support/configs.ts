// Fixtures: a valid config to start each test from, and one place that synthesizes.
import { Testing } from "cdktf";
import { buildApp } from "../../src/app";
import { toModel } from "../../src/model/model";
import { formatPath } from "../../src/config/show";
import { parseConfig, validateConfig } from "../../src/validation/validate";

export const ALB_USE1 = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/vllm-use1/50dc6c495c0c9188";
export const NLB_USE1 = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/tgi-use1/f234470eafcee810";

/** A fresh, valid, mutable config: two listeners, three regions, all four endpoint types, one lookup. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function validConfig(): any {
  return {
    version: 1,
    stacks: [
      {
        name: "test",
        backend: { bucket: "acme-terraform-state", region: "us-west-2" },
        accelerator: { name: "test-accelerator", flowLogs: false },
        listeners: [
          {
            name: "inference",
            protocol: "TCP",
            portRanges: [{ fromPort: 443 }],
            endpointGroups: [
              {
                region: "us-west-1",
                healthCheck: { protocol: "HTTP", port: 8000, path: "/health", intervalSeconds: 10, thresholdCount: 2 },
                portOverrides: [{ listenerPort: 443, endpointPort: 8443 }],
                endpoints: [
                  { type: "eip", id: "eipalloc-0123456789abcdef0" },
                  { type: "instance", id: "i-0123456789abcdef0", weight: 64 },
                ],
              },
              {
                region: "us-east-1",
                trafficDialPercentage: 25,
                endpoints: [
                  { type: "alb", id: ALB_USE1 },
                  { type: "nlb", lookup: { name: "triton-use1" }, weight: 200 },
                ],
              },
            ],
          },
          {
            name: "streaming",
            protocol: "UDP",
            portRanges: [{ fromPort: 9000, toPort: 9010 }],
            clientAffinity: "SOURCE_IP",
            endpointGroups: [{ region: "ap-northeast-1", endpoints: [{ type: "instance", id: "i-0fedcba9" }] }],
          },
        ],
      },
    ],
  };
}

/** A Prometheus query API for the autopilot's stack settings. */
export const PROMETHEUS = { url: "http://prometheus.monitoring:9090" };

/**
 * Makes validConfig()'s first stack steer one group: the stack's autopilot block, a capacity on every
 * group of the listener, the vLLM preset on the group (it has a queue metric) and the group's autopilot
 * block (queue, watermarks 4 and 16), with `more` merged into it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function steer(config: any, listener = 0, group = 0, more: Record<string, unknown> = {}): any {
  const stack = config.stacks[0];
  stack.autopilot ??= { prometheus: { ...PROMETHEUS } };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  stack.listeners[listener].endpointGroups.forEach((g: any, i: number) => (g.capacity ??= 100 * (i + 1)));
  const steered = stack.listeners[listener].endpointGroups[group];
  steered.modelServer ??= "vllm";
  steered.autopilot = { signal: "queue", lowWatermark: 4, highWatermark: 16, ...more };
  return config;
}

/** Synthesizes every stack of a config with cdktf's Testing helpers; returns each stack's JSON text by name. */
/** The warnings of validConfig() after `change`, as printed (`<path>: <message>`); an error fails the test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function warningsOf(change: (config: any) => void): string[] {
  const config = validConfig();
  change(config);
  const result = validateConfig(config);
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.warnings.map((w) => `${formatPath(w.path)}: ${w.message}`);
}

export function synthStacks(config: unknown): Record<string, string> {
  const app = buildApp(toModel(parseConfig(config).config), Testing.app());
  return Object.fromEntries(
    app.node.children.map((stack) => [stack.node.id, Testing.synth(stack as Parameters<typeof Testing.synth>[0])]),
  );
}

/** Synthesizes a one-stack config and returns the stack's JSON text. */
export function synthOne(config: unknown): string {
  const stacks = Object.values(synthStacks(config));
  if (stacks.length !== 1) throw new Error(`expected one stack, got ${stacks.length}`);
  return stacks[0];
}
