// The autopilot against real parts, on an injected clock: the local Global Accelerator API (its clock
// the test's), moto (the SSM parameter, the state bucket and object) and a real Prometheus with
// backfilled samples read at the tick's time. A stack's accelerator, listener and groups are made
// through the API as an apply would make them; its parameter is put as the stack publishes it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateAcceleratorCommand, CreateEndpointGroupCommand, CreateListenerCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from "@aws-sdk/client-global-accelerator";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { stringify } from "yaml";
import { AUTOPILOT } from "../../src/model/contract";
import { toModel, type StackModel } from "../../src/model/model";
import { startGlobalAcceleratorApi, type GlobalAcceleratorApi, type RecordedCall } from "../../src/local-aws/global-accelerator";
import type { PublishedGroup, PublishedStack } from "../../src/autopilot/types";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startS3Server, createStateBucket } = require("../../scripts/lib/moto-server");
/* eslint-enable @typescript-eslint/no-require-imports */

export const FAKE_KEYS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

/** A clock the test moves (epoch seconds); the local API reads it too. `real()`: the wall clock, for the smoke test. */
export class Clock {
  constructor(public seconds: number) {}
  now = (): number => this.seconds;
  set(seconds: number): void {
    this.seconds = seconds;
  }
  static real(): Clock {
    const clock = new Clock(0);
    clock.now = () => Date.now() / 1000;
    return clock;
  }
}

export interface Live {
  readonly ga: GlobalAcceleratorApi;
  readonly s3: string;
  readonly clock: Clock;
  /** The environment the autopilot runs with (in this process or as a child): local endpoints, fake keys. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Starts the local Global Accelerator API on `clock` (a change IN_PROGRESS for `deployDelaySeconds` of it) and moto. */
export async function startLive(clock: Clock, deployDelaySeconds = 10): Promise<Live> {
  const moto = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  const ga = await startGlobalAcceleratorApi({ deployDelayMs: deployDelaySeconds * 1000, now: () => clock.now() * 1000 });
  return {
    ga,
    s3: moto.endpoint,
    clock,
    env: (extra = {}) => {
      const cleared = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith("AWS_")).map((k) => [k, undefined]));
      return {
        ...process.env,
        ...cleared,
        AWS_ACCESS_KEY_ID: FAKE_KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: FAKE_KEYS.secretAccessKey,
        AWS_REGION: "us-west-2",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR: ga.endpoint,
        ...extra,
      };
    },
    stop: async () => {
      await ga.stop();
      await moto.stop();
    },
  };
}

/** A config of one stack, three vLLM regions steered on their queue, as a YAML file; returns its path and model. */
export function liveConfig(name: string, options: { labels?: Record<string, string>; settings?: Record<string, unknown>; interval?: string; mode?: "enforce" | "monitor"; prometheus?: string } = {}) {
  const settings = { signal: "queue", lowWatermark: 2, highWatermark: 8, maxStepPercent: 20, settleFor: "30s", holdFor: "1m", ...options.settings };
  const group = (region: string, eip: string, capacity: number) => ({
    region,
    modelServer: "vllm",
    capacity,
    ...(options.labels !== undefined && { metricsLabels: options.labels }),
    autopilot: settings,
    endpoints: [{ type: "eip", id: eip }],
  });
  const config = {
    version: 1,
    stacks: [
      {
        name,
        backend: { bucket: `state-${name}`, region: "us-west-2" },
        accelerator: { name, flowLogs: false },
        demand: { "north-america": 600, europe: 400, asia: 200 },
        autopilot: { prometheus: { url: options.prometheus ?? "http://127.0.0.1:9" }, interval: options.interval ?? "15s", mode: options.mode ?? "enforce", staleAfter: "1m" },
        listeners: [
          {
            name: "chat",
            protocol: "TCP",
            portRanges: [{ fromPort: 443 }],
            endpointGroups: [group("us-east-1", "eipalloc-0a1b2c3d4e5f60701", 700), group("us-west-2", "eipalloc-0b1c2d3e4f5a60711", 600), group("eu-west-1", "eipalloc-0c1d2e3f4a5b60721", 600)],
          },
        ],
      },
    ],
  };
  const file = join(mkdtempSync(join(tmpdir(), "smart-routing-autopilot-")), "config.yaml");
  writeFileSync(file, stringify(config));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { file, model: toModel(config as any).stacks[0] };
}

export function gaClient(live: Live): GlobalAcceleratorClient {
  return new GlobalAcceleratorClient({ region: "us-west-2", endpoint: live.ga.endpoint, credentials: FAKE_KEYS, maxAttempts: 1 });
}

/**
 * Makes the stack's accelerator, listener and groups through the API, its state bucket in moto, and puts
 * its published parameter (ceilings: the config's dials unless given). Returns each group's ARN by key.
 */
export async function deployStack(live: Live, model: StackModel, ceilings: Record<string, number> = {}): Promise<Map<string, string>> {
  const client = gaClient(live);
  const accelerator = (await client.send(new CreateAcceleratorCommand({ Name: model.accelerator.name, IdempotencyToken: `${model.name}-a` }))).Accelerator?.AcceleratorArn;
  const arns = new Map<string, string>();
  for (const l of model.listeners) {
    const listener = (await client.send(new CreateListenerCommand({ AcceleratorArn: accelerator, Protocol: l.protocol, PortRanges: l.portRanges.map((p) => ({ FromPort: p.fromPort, ToPort: p.toPort })), IdempotencyToken: `${model.name}-${l.name}` }))).Listener?.ListenerArn;
    for (const g of l.endpointGroups) {
      const made = await client.send(
        new CreateEndpointGroupCommand({
          ListenerArn: listener,
          EndpointGroupRegion: g.region,
          TrafficDialPercentage: g.trafficDialPercentage,
          EndpointConfigurations: g.endpoints.map((e) => ({ EndpointId: "id" in e ? e.id : "", Weight: e.weight })),
          IdempotencyToken: `${model.name}-${l.name}-${g.region}`,
        }),
      );
      arns.set(`${l.name}/${g.region}`, made.EndpointGroup?.EndpointGroupArn ?? "");
    }
  }
  client.destroy();
  await createStateBucket(live.s3, model.backend.bucket, model.backend.region);
  await publish(live, model, arns, ceilings);
  return arns;
}

/** Puts the stack's parameter as Terraform publishes it (ceilings: the config's dials unless given). */
export async function publish(live: Live, model: StackModel, arns: Map<string, string>, ceilings: Record<string, number> = {}): Promise<void> {
  const groups: PublishedGroup[] = model.listeners.flatMap((l) =>
    l.endpointGroups.flatMap((g) => {
      const key = `${l.name}/${g.region}`;
      return g.autopilot === undefined
        ? []
        : [{ key, listener: l.name, region: g.region, arn: arns.get(key) ?? "", ceiling: ceilings[key] ?? g.trafficDialPercentage, capacity: g.capacity ?? 0, metricsLabels: g.metricsLabels, settings: g.autopilot }];
    }),
  );
  const value: PublishedStack = { version: 1, stack: model.name, configHash: "test", groups };
  const ssm = new SSMClient({ region: AUTOPILOT.parameterRegion, endpoint: live.s3, credentials: FAKE_KEYS });
  await ssm.send(new PutParameterCommand({ Name: AUTOPILOT.parameterName(model.name), Value: JSON.stringify(value), Type: "String", Overwrite: true }));
  ssm.destroy();
}

/** Sets a dial as an operator would in the console. */
export async function setDialByHand(live: Live, arn: string, dial: number): Promise<void> {
  const client = gaClient(live);
  await client.send(new UpdateEndpointGroupCommand({ EndpointGroupArn: arn, TrafficDialPercentage: dial }));
  client.destroy();
}

/** Every dial the API holds now, by endpoint group ARN. */
export function dialsOf(live: Live): Map<string, number> {
  const dials = new Map<string, number>();
  type View = { Listeners: { EndpointGroups: { EndpointGroupArn: string; TrafficDialPercentage: number }[] }[] };
  for (const a of live.ga.state().accelerators as unknown as View[]) for (const l of a.Listeners) for (const g of l.EndpointGroups) dials.set(g.EndpointGroupArn, g.TrafficDialPercentage);
  return dials;
}

/** The UpdateEndpointGroup calls that went through, in order. */
export function dialWrites(calls: readonly RecordedCall[]): { arn: string; dial: number }[] {
  return calls
    .filter((c) => c.operation === "UpdateEndpointGroup" && c.status === 200)
    .map((c) => {
      const request = c.request as { EndpointGroupArn: string; TrafficDialPercentage: number };
      return { arn: request.EndpointGroupArn, dial: request.TrafficDialPercentage };
    });
}

/**
 * The calls that broke "nothing is written to an accelerator IN_PROGRESS": an UpdateEndpointGroup after
 * another on the same accelerator with no DescribeAccelerator reading DEPLOYED between them.
 */
export function writesWhileInProgress(calls: readonly RecordedCall[]): RecordedCall[] {
  const busy = new Set<string>();
  const broken: RecordedCall[] = [];
  for (const c of calls) {
    if (c.status !== 200) continue;
    if (c.operation === "DescribeAccelerator") {
      const out = c.response as { Accelerator?: { AcceleratorArn: string; Status: string } };
      if (out.Accelerator?.Status === "DEPLOYED") busy.delete(out.Accelerator.AcceleratorArn);
    }
    if (c.operation === "UpdateEndpointGroup") {
      const arn = (c.request as { EndpointGroupArn: string }).EndpointGroupArn;
      const accelerator = arn.slice(0, arn.indexOf("/listener/"));
      if (busy.has(accelerator)) broken.push(c);
      busy.add(accelerator);
    }
  }
  return broken;
}

/** How many times a sequence of dials turns from falling to rising or back. */
export function reversals(dials: readonly number[]): number {
  let last = 0;
  let turns = 0;
  for (let i = 1; i < dials.length; i++) {
    const direction = Math.sign(dials[i] - dials[i - 1]);
    if (direction === 0) continue;
    if (last !== 0 && direction !== last) turns++;
    last = direction;
  }
  return turns;
}

/** OpenMetrics lines of vLLM's waiting and running gauges for one region: `waiting(t)` per replica every 5 s over [from, to]. */
export function vllmSeries(labels: Record<string, string>, waiting: (t: number) => number | undefined, from: number, to: number): { waiting: string; running: string } {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  let w = "";
  let r = "";
  for (let t = from; t <= to; t += 5) {
    const value = waiting(t);
    if (value === undefined) continue;
    w += `vllm:num_requests_waiting{${l},instance="a"} ${value} ${t}\n`;
    r += `vllm:num_requests_running{${l},instance="a"} 8 ${t}\n`;
  }
  return { waiting: w, running: r };
}
