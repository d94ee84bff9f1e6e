// Deploying for real in the tests: moto (S3 state, load balancers for lookups) and the local Global
// Accelerator API, a stack synthesized into a folder of its own with the local files beside its
// unchanged cdk.tf.json, and the cdktf CLI or terraform run asynchronously (the API is served from this
// jest process, so nothing here may block it). Also: the Global Accelerator objects a stack model says
// should exist, in the API's own shape, to compare with what the API holds.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadModel } from "../../src/app";
import { DEFAULT_CONFIG } from "../../src/config/default-config";
import { BACKEND_CONFIG_FILE, localEndpointEnvironment, localRehearsalFiles } from "../../src/local-aws/terraform-overrides";
import { startGlobalAcceleratorApi, type GlobalAcceleratorApi, type StateView } from "../../src/local-aws/global-accelerator";
import type { StackModel } from "../../src/model/model";
import { ROOT } from "./run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { terraformAvailability, terraformEnv } = require("../../scripts/lib/terraform");
const { startS3Server } = require("../../scripts/lib/moto-server");
const { seedStack, loadBalancerArn } = require("../../scripts/lib/moto-fixtures");
const { addLocalFiles } = require("../../scripts/lib/local-plan");
/* eslint-enable @typescript-eslint/no-require-imports */

export interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface LocalAws {
  /** moto's endpoint. */
  readonly s3: string;
  readonly ga: GlobalAcceleratorApi;
  /** `<region>/<name>` -> ARN of every load balancer `prepare` created for lookups. */
  readonly loadBalancers: Map<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the Global Accelerator API (IN_PROGRESS for `deployDelayMs`) and moto on free loopback ports;
 * with `shared`, uses that one's moto instead (tests that run at once, each with faults of its own).
 */
export async function startLocalAws(deployDelayMs = 0, shared?: LocalAws): Promise<LocalAws> {
  const s3 = shared ? { endpoint: shared.s3, stop: async () => {} } : await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  const ga = await startGlobalAcceleratorApi({ deployDelayMs });
  return {
    s3: s3.endpoint,
    ga,
    loadBalancers: shared?.loadBalancers ?? new Map(),
    stop: async () => {
      await ga.stop();
      await s3.stop();
    },
  };
}

export interface Deployment {
  readonly stack: string;
  /** The cdktf output folder (cdktf.out). */
  readonly outdir: string;
  /** The stack's folder in it, where cdk.tf.json and the local files are. */
  readonly dir: string;
  readonly model: StackModel;
  /** The environment cdktf and terraform run with: the mirror, and the backend config for cdktf's init. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Synthesizes `config` (undefined: the embedded default) with `npm run synth` into `outdir` (a new folder
 * unless given: synthesizing a changed config into the same folder is how a user deploys a change), writes
 * the local files beside the stack's cdk.tf.json and creates in moto what the stack reads.
 */
export async function prepare(aws: LocalAws, config: unknown, stack: string, outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-deploy-")), "cdktf.out")): Promise<Deployment> {
  let file: string | undefined;
  if (config !== undefined) {
    file = join(mkdtempSync(join(tmpdir(), "smart-routing-config-")), "config.json");
    writeFileSync(file, JSON.stringify(config));
  }
  const synth = await run(process.execPath, ["scripts/synth.js"], { cwd: ROOT, env: { ...process.env, SMART_ROUTING_CONFIG: file, SMART_ROUTING_STRICT: undefined, CDKTF_OUTDIR: outdir } });
  if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stderr}`);
  const model = loadModel({ SMART_ROUTING_CONFIG: file }).model?.stacks.find((s) => s.name === stack);
  if (model === undefined) throw new Error(`the config has no stack ${stack}`);
  const dir = join(outdir, "stacks", stack);
  // As deploy:local does: fake keys in the files, the local endpoints in the environment.
  addLocalFiles(dir, (json: Parameters<typeof localRehearsalFiles>[0]) => localRehearsalFiles(json, aws.s3, {}, "environment"));
  for (const lb of (await seedStack(aws.s3, model, aws.loadBalancers)).loadBalancers) aws.loadBalancers.set(`${lb.region}/${lb.name}`, lb.arn);
  const env = localEndpointEnvironment(
    {
      ...terraformEnv(terraformAvailability().mirror),
      DISABLE_VERSION_CHECK: "true",
      TF_CLI_ARGS_init: `-backend-config=${join(dir, BACKEND_CONFIG_FILE)}`,
      AWS_PROFILE: undefined,
      SMART_ROUTING_CONFIG: undefined,
    },
    aws.s3,
    { globalaccelerator: aws.ga.endpoint },
  );
  return { stack, outdir, dir, model, env };
}

/**
 * Runs a command asynchronously; `onStart` gets the child's pid (to signal it: with `detached` the child
 * leads its own process group, so `process.kill(-pid)` reaches its children too), `onOutput` the output so far.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; detached?: boolean; onStart?: (pid: number) => void; onOutput?: (output: string) => void },
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: options.detached === true });
    if (child.pid !== undefined) options.onStart?.(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      options.onOutput?.(stdout + stderr);
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      options.onOutput?.(stdout + stderr);
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const CDKTF = join(dirname(require.resolve("cdktf-cli/package.json")), "bundle", "bin", "cdktf");

/** The real cdktf CLI on a prepared stack: `cdktf <command> <stack> --auto-approve --skip-synth --skip-provider-lock ...`. */
export function cdktf(d: Deployment, command: "deploy" | "destroy", extra: readonly string[] = []): Promise<Result> {
  const args = [CDKTF, command, d.stack, "--auto-approve", "--skip-synth", "--skip-provider-lock", "--output", d.outdir, "--no-color", ...extra];
  return run(process.execPath, args, { cwd: ROOT, env: d.env });
}

/** terraform in the stack's folder (after cdktf's init, or `init` itself). */
export function terraform(
  d: Deployment,
  args: readonly string[],
  options: { extraEnv?: NodeJS.ProcessEnv; detached?: boolean; onStart?: (pid: number) => void; onOutput?: (output: string) => void } = {},
): Promise<Result> {
  const { extraEnv, ...rest } = options;
  return run(d.env.TERRAFORM_BINARY_NAME || "terraform", args, { cwd: d.dir, env: { ...d.env, ...extraEnv }, ...rest });
}

/** The embedded default config as a stack of its own: `name` is its stack and accelerator name (its state key follows). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function defaultConfigNamed(name: string, change: (stack: any) => void = () => {}): unknown {
  const config = JSON.parse(JSON.stringify(DEFAULT_CONFIG));
  config.stacks[0].name = name;
  config.stacks[0].accelerator.name = name;
  change(config.stacks[0]);
  return config;
}

type Accelerator = StateView["accelerators"][number];

/** What the API holds for one accelerator, reduced to what the config decides, in a stable order. */
export function configuredShape(a: Accelerator) {
  const attributes = a.Attributes as { FlowLogsEnabled?: boolean; FlowLogsS3Bucket?: string; FlowLogsS3Prefix?: string };
  return {
    Name: a.Name,
    Enabled: a.Enabled,
    IpAddressType: a.IpAddressType,
    FlowLogs: attributes.FlowLogsEnabled ? { bucket: attributes.FlowLogsS3Bucket, prefix: attributes.FlowLogsS3Prefix ?? "" } : false,
    Tags: [...(a.Tags as { Key: string; Value: string }[])].sort((x, y) => x.Key.localeCompare(y.Key)),
    Listeners: (a.Listeners as Record<string, unknown>[])
      .map((l) => ({
        Protocol: l.Protocol,
        ClientAffinity: l.ClientAffinity,
        PortRanges: l.PortRanges,
        EndpointGroups: (l.EndpointGroups as Record<string, unknown>[])
          .map((g) => ({
            EndpointGroupRegion: g.EndpointGroupRegion,
            TrafficDialPercentage: g.TrafficDialPercentage,
            HealthCheckProtocol: g.HealthCheckProtocol,
            HealthCheckPort: g.HealthCheckPort,
            ...(g.HealthCheckProtocol !== "TCP" && { HealthCheckPath: g.HealthCheckPath }),
            HealthCheckIntervalSeconds: g.HealthCheckIntervalSeconds,
            ThresholdCount: g.ThresholdCount,
            PortOverrides: [...((g.PortOverrides as { ListenerPort: number }[] | undefined) ?? [])].sort((x, y) => x.ListenerPort - y.ListenerPort),
            Endpoints: (g.EndpointDescriptions as Record<string, unknown>[])
              .map((e) => ({ EndpointId: e.EndpointId, Weight: e.Weight, ClientIPPreservationEnabled: e.ClientIPPreservationEnabled }))
              .sort((x, y) => String(x.EndpointId).localeCompare(String(y.EndpointId))),
          }))
          .sort((x, y) => String(x.EndpointGroupRegion).localeCompare(String(y.EndpointGroupRegion))),
      }))
      .sort((x, y) => `${x.Protocol}${JSON.stringify(x.PortRanges)}`.localeCompare(`${y.Protocol}${JSON.stringify(y.PortRanges)}`)),
  };
}

/**
 * The same shape, from the stack model: what the config says the API should hold, worked out from the
 * model alone (not from the Terraform JSON), with looked-up load balancers' ARNs from moto.
 */
export function shapeFromModel(stack: StackModel, loadBalancers: ReadonlyMap<string, string>): ReturnType<typeof configuredShape> {
  const a = stack.accelerator;
  return {
    Name: a.name,
    Enabled: a.enabled,
    IpAddressType: a.ipAddressType,
    FlowLogs: a.flowLogs === undefined ? false : { bucket: a.flowLogs.bucket, prefix: a.flowLogs.prefix ?? "" },
    Tags: Object.entries(stack.tags)
      .map(([Key, Value]) => ({ Key, Value }))
      .sort((x, y) => x.Key.localeCompare(y.Key)),
    Listeners: stack.listeners
      .map((l) => ({
        Protocol: l.protocol,
        ClientAffinity: l.clientAffinity,
        PortRanges: l.portRanges.map((r) => ({ FromPort: r.fromPort, ToPort: r.toPort })),
        EndpointGroups: l.endpointGroups
          .map((g) => ({
            EndpointGroupRegion: g.region,
            TrafficDialPercentage: g.trafficDialPercentage,
            HealthCheckProtocol: g.healthCheck.protocol,
            HealthCheckPort: g.healthCheck.port,
            ...(g.healthCheck.protocol !== "TCP" && { HealthCheckPath: g.healthCheck.path }),
            HealthCheckIntervalSeconds: g.healthCheck.intervalSeconds,
            ThresholdCount: g.healthCheck.thresholdCount,
            PortOverrides: g.portOverrides.map((o) => ({ ListenerPort: o.listenerPort, EndpointPort: o.endpointPort })).sort((x, y) => x.ListenerPort - y.ListenerPort),
            Endpoints: g.endpoints
              .map((e) => ({
                EndpointId: e.lookup !== undefined ? loadBalancers.get(`${g.region}/${e.lookup.name}`) : e.id,
                Weight: e.weight,
                ClientIPPreservationEnabled: e.clientIpPreservation,
              }))
              .sort((x, y) => String(x.EndpointId).localeCompare(String(y.EndpointId))),
          }))
          .sort((x, y) => x.EndpointGroupRegion.localeCompare(y.EndpointGroupRegion)),
      }))
      .sort((x, y) => `${x.Protocol}${JSON.stringify(x.PortRanges)}`.localeCompare(`${y.Protocol}${JSON.stringify(y.PortRanges)}`)),
  };
}

/** The ARN of every load balancer a stack looks up, as moto holds them (whoever created them). */
export async function lookedUpArns(aws: LocalAws, stack: StackModel): Promise<Map<string, string>> {
  const arns = new Map<string, string>();
  for (const lookup of stack.lookups) arns.set(`${lookup.region}/${lookup.name}`, await loadBalancerArn(aws.s3, lookup.region, lookup.name));
  return arns;
}

/** The accelerators the API holds under a name. */
export function acceleratorsNamed(aws: LocalAws, name: string): Accelerator[] {
  return aws.ga.state().accelerators.filter((a) => a.Name === name);
}

/** An endpoint group as the API holds it. */
export interface EndpointGroupState {
  readonly EndpointGroupArn: string;
  readonly EndpointGroupRegion: string;
  readonly TrafficDialPercentage: number;
}

/** The endpoint group in `region` of the first listener of the accelerator named `name`, as the API holds it. */
export function endpointGroupIn(aws: LocalAws, name: string, region: string): EndpointGroupState {
  const [accelerator] = acceleratorsNamed(aws, name);
  const groups = (accelerator.Listeners as { EndpointGroups: EndpointGroupState[] }[])[0].EndpointGroups;
  const group = groups.find((g) => g.EndpointGroupRegion === region);
  if (group === undefined) throw new Error(`accelerator ${name} has no endpoint group in ${region}`);
  return group;
}

/** The static IPs of an accelerator, from its IP sets. */
export function staticIps(a: Accelerator): string[] {
  return (a.IpSets as { IpAddresses: string[] }[]).flatMap((s) => s.IpAddresses);
}
