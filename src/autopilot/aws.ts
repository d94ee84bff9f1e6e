// The autopilot's AWS adapters on the AWS SDK v3: the dials (Global Accelerator), what a stack published
// for it (SSM), and its state object beside the Terraform state (S3, read and written with compare-and-swap).
// Endpoints come from the usual environment (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL), which the SDK
// reads itself; credentials from the default chain. Each call is retried by the SDK (throttling and 5xx,
// with backoff); what is still failing after its attempts becomes an AwsCallError naming the call.
import { DescribeAcceleratorCommand, DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from "@aws-sdk/client-global-accelerator";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { z } from "zod";
import { AUTOPILOT } from "../model/contract";
import type { StackModel } from "../model/model";
import type { AutopilotState, DialApi, GroupDescription, GroupHealth, PublishedReader, PublishedStack, StateStore } from "./types";

/** The Global Accelerator API lives in us-west-2 only (API reference: "you must specify the US West (Oregon) Region"). */
export const GLOBAL_ACCELERATOR_REGION = "us-west-2";

/** How each client is built; everything is optional, the SDK's defaults and the environment fill the rest. */
export interface AwsClientOptions {
  /** An endpoint for every call, over the environment's (tests). @default - AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else AWS */
  readonly endpoint?: string;
  /** @default - the SDK's default credential chain */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Attempts per call, the first included (the SDK's standard retry: throttling and 5xx, exponential backoff with jitter). @default 3 */
  readonly maxAttempts?: number;
  /** The environment the S3 endpoint is read from, to choose path-style addressing. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** A call that failed after the SDK's retries, or was refused: which call, on what, and AWS's error. */
export class AwsCallError extends Error {
  constructor(
    readonly operation: string,
    readonly target: string,
    /** AWS's error name (ThrottlingException, InternalFailure, AccessDeniedException ...). */
    readonly code: string,
    readonly attempts: number,
    /** The HTTP status, when an answer came. */
    readonly status: number | undefined,
    readonly detail: string,
  ) {
    super(`${operation} ${target} failed${attempts > 1 ? ` after ${attempts} attempts` : ""}: ${code}${status !== undefined ? ` (HTTP ${status})` : ""}: ${detail}`);
    this.name = "AwsCallError";
  }
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: { statusCode?: number };
}

function callError(operation: string, target: string, err: unknown): AwsCallError {
  const e = (err ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  return new AwsCallError(operation, target, e.name ?? "Error", e.$metadata?.attempts ?? 1, status, e.message || String(err));
}

/** Runs one SDK call; any failure becomes an AwsCallError naming the call. */
async function call<T>(operation: string, target: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw callError(operation, target, err);
  }
}

function clientConfig(options: AwsClientOptions, region: string) {
  return {
    region,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
    // A hung connection must not hang the tick: the next tick tries again.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  };
}

// ---------------------------------------------------------------------------------------------------
// Global Accelerator: the dials.

/**
 * An endpoint group's health, reduced: any endpoint HEALTHY is healthy (Global Accelerator still sends
 * traffic there), every one UNHEALTHY is unhealthy; anything else is unknown: INITIAL (while a change
 * deploys, which every dial write starts) or no endpoints at all.
 */
export function reduceHealth(states: readonly (string | undefined)[]): GroupHealth {
  if (states.some((s) => s === "HEALTHY")) return "healthy";
  if (states.length > 0 && states.every((s) => s === "UNHEALTHY")) return "unhealthy";
  return "unknown";
}

export class GlobalAcceleratorDialApi implements DialApi {
  readonly client: GlobalAcceleratorClient;

  constructor(options: AwsClientOptions = {}) {
    this.client = new GlobalAcceleratorClient(clientConfig(options, GLOBAL_ACCELERATOR_REGION));
  }

  async acceleratorStatus(acceleratorArn: string): Promise<"DEPLOYED" | "IN_PROGRESS"> {
    const out = await call("DescribeAccelerator", acceleratorArn, () => this.client.send(new DescribeAcceleratorCommand({ AcceleratorArn: acceleratorArn })));
    const status = out.Accelerator?.Status;
    if (status !== "DEPLOYED" && status !== "IN_PROGRESS") {
      throw new AwsCallError("DescribeAccelerator", acceleratorArn, "UnexpectedAnswer", 1, 200, `Status ${JSON.stringify(status)} is neither DEPLOYED nor IN_PROGRESS`);
    }
    return status;
  }

  async describeGroup(endpointGroupArn: string): Promise<GroupDescription> {
    const out = await call("DescribeEndpointGroup", endpointGroupArn, () => this.client.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: endpointGroupArn })));
    const dial = out.EndpointGroup?.TrafficDialPercentage;
    if (typeof dial !== "number") {
      throw new AwsCallError("DescribeEndpointGroup", endpointGroupArn, "UnexpectedAnswer", 1, 200, "the answer has no TrafficDialPercentage");
    }
    return { dial, health: reduceHealth((out.EndpointGroup?.EndpointDescriptions ?? []).map((e) => e.HealthState)) };
  }

  /** Closes the client's connections. */
  destroy(): void {
    this.client.destroy();
  }

  /** Writes the dial and nothing else: every other member left out keeps its value (API reference, UpdateEndpointGroup). */
  async setDial(endpointGroupArn: string, dial: number): Promise<void> {
    await call("UpdateEndpointGroup", endpointGroupArn, () =>
      this.client.send(new UpdateEndpointGroupCommand({ EndpointGroupArn: endpointGroupArn, TrafficDialPercentage: dial })),
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// SSM: what the stack published for the autopilot (the aws_ssm_parameter AUTOPILOT.parameterName).

const dial = z.number().min(0).max(100);
const signalSchema = z.union([z.literal("queue"), z.literal("kvCache"), z.strictObject({ query: z.string().min(1) })]);
const settingsSchema = z.strictObject({
  signal: signalSchema,
  lowWatermark: z.number(),
  highWatermark: z.number(),
  minDialPercent: dial,
  maxStepPercent: z.number().positive().max(100),
  holdForSeconds: z.number().nonnegative(),
  settleForSeconds: z.number().nonnegative(),
});
const publishedGroupSchema = z.strictObject({
  key: z.string().min(1),
  listener: z.string().min(1),
  region: z.string().min(1),
  arn: z.string().regex(/^arn:aws[a-z-]*:globalaccelerator::\d{12}:accelerator\/[^/]+\/listener\/[^/]+\/endpoint-group\/[^/]+$/, "is not an endpoint group ARN"),
  ceiling: dial,
  capacity: z.number().positive(),
  metricsLabels: z.record(z.string(), z.string()),
  settings: settingsSchema,
});
export const publishedStackSchema = z.strictObject({
  version: z.literal(1),
  stack: z.string().min(1),
  configHash: z.string().min(1),
  groups: z.array(publishedGroupSchema),
});

/** The issues of a zod parse, one line each: `groups[0].ceiling: Too big: ...`. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "(the value)"}: ${i.message}`).join("; ");
}

/** Parses a published parameter's value; a value that is not a PublishedStack of `stack` throws, saying what is wrong. */
export function parsePublished(stack: string, value: string, where: string): PublishedStack {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (err) {
    throw new Error(`${where} is not JSON: ${(err as Error).message}`);
  }
  const parsed = publishedStackSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${where} is not an autopilot parameter this autopilot reads: ${describeIssues(parsed.error)}`);
  if (parsed.data.stack !== stack) throw new Error(`${where} is stack ${parsed.data.stack}'s, not ${stack}'s`);
  return parsed.data as PublishedStack;
}

export class SsmPublishedReader implements PublishedReader {
  readonly client: SSMClient;

  constructor(options: AwsClientOptions = {}) {
    this.client = new SSMClient(clientConfig(options, AUTOPILOT.parameterRegion));
  }

  destroy(): void {
    this.client.destroy();
  }

  async read(stack: string): Promise<PublishedStack> {
    const name = AUTOPILOT.parameterName(stack);
    const where = `SSM parameter ${name} (${AUTOPILOT.parameterRegion})`;
    let value: string | undefined;
    try {
      value = (await this.client.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
    } catch (err) {
      if ((err as SdkError).name === "ParameterNotFound") {
        throw new Error(`stack ${stack} has published no autopilot parameter (${name} in ${AUTOPILOT.parameterRegion}): apply the stack first`);
      }
      throw callError("GetParameter", name, err);
    }
    if (value === undefined) throw new Error(`${where} has no value`);
    return parsePublished(stack, value, where);
  }
}

// ---------------------------------------------------------------------------------------------------
// S3: the state object (AUTOPILOT.stateKey in the stack's backend bucket), compare-and-swap by ETag.

/** Where a stack's state object is (its Terraform backend's bucket and region), encrypted as the Terraform state is. */
export interface StateLocation {
  readonly bucket: string;
  readonly region: string;
  /** SSE-KMS with this key (the backend's kms_key_id). @default - the bucket's default encryption */
  readonly kmsKeyId?: string;
  /** SSE-S3 (AES256) when no key is given (the backend's encrypt). @default false */
  readonly encrypt?: boolean;
}

/** A stack's state location from its model's backend. */
export function stateLocationOf(stack: Pick<StackModel, "backend">): StateLocation {
  const { bucket, region, encrypt, kmsKeyId } = stack.backend;
  return { bucket, region, encrypt, ...(kmsKeyId !== undefined && { kmsKeyId }) };
}

const epoch = z.number().finite();
const stateSchema = z.strictObject({
  version: z.literal(1),
  lease: z.strictObject({ holder: z.string().min(1), expiresAt: epoch }).optional(),
  writes: z.record(z.string(), z.strictObject({ from: dial, to: dial, at: epoch })),
  pauses: z.record(z.string(), z.strictObject({ reason: z.string(), by: z.string(), at: epoch })),
});

/** What an absent state object reads as. */
export function emptyState(): AutopilotState {
  return { version: 1, writes: {}, pauses: {} };
}

/** S3's answers to a conditional write that did not hold: 412 (the ETag moved, or the object exists), 409 (a concurrent conditional write). */
const LOST_RACE = new Set(["PreconditionFailed", "ConditionalRequestConflict"]);

export class S3StateStore implements StateStore {
  private readonly clients = new Map<string, S3Client>();

  constructor(
    private readonly locate: (stack: string) => StateLocation,
    private readonly options: AwsClientOptions = {},
  ) {}

  private client(region: string): S3Client {
    let client = this.clients.get(region);
    if (client === undefined) {
      const env = this.options.env ?? process.env;
      // A local S3 (moto) answers on one host: address buckets by path there. AWS keeps virtual hosts.
      const local = this.options.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
      client = new S3Client({ ...clientConfig(this.options, region), forcePathStyle: local !== undefined });
      this.clients.set(region, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  /** s3://bucket/key of a stack's state object. */
  where(stack: string): string {
    return `s3://${this.locate(stack).bucket}/${AUTOPILOT.stateKey(stack)}`;
  }

  async read(stack: string): Promise<{ readonly state: AutopilotState; readonly etag?: string }> {
    const { bucket, region } = this.locate(stack);
    const key = AUTOPILOT.stateKey(stack);
    let text: string;
    let etag: string | undefined;
    try {
      const out = await this.client(region).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      text = (await out.Body?.transformToString("utf-8")) ?? "";
      etag = out.ETag;
    } catch (err) {
      if ((err as SdkError).name === "NoSuchKey") return { state: emptyState() };
      throw callError("GetObject", `s3://${bucket}/${key}`, err);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`s3://${bucket}/${key} is not JSON: ${(err as Error).message}`);
    }
    const parsed = stateSchema.safeParse(json);
    if (!parsed.success) throw new Error(`s3://${bucket}/${key} is not an autopilot state object: ${describeIssues(parsed.error)}`);
    return { state: parsed.data as AutopilotState, ...(etag !== undefined && { etag }) };
  }

  async write(stack: string, state: AutopilotState, etag: string | undefined): Promise<{ readonly written: boolean; readonly etag?: string }> {
    const { bucket, region, kmsKeyId, encrypt } = this.locate(stack);
    const key = AUTOPILOT.stateKey(stack);
    try {
      const out = await this.client(region).send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: `${JSON.stringify(state, null, 1)}\n`,
          ContentType: "application/json",
          ...(kmsKeyId !== undefined ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: kmsKeyId } : encrypt === true ? { ServerSideEncryption: "AES256" } : {}),
          // Create only if absent, else replace only the version read: S3's compare-and-swap.
          ...(etag === undefined ? { IfNoneMatch: "*" } : { IfMatch: etag }),
        }),
      );
      return { written: true, ...(out.ETag !== undefined && { etag: out.ETag }) };
    } catch (err) {
      if (LOST_RACE.has((err as SdkError).name ?? "")) return { written: false };
      // If-Match on an object that is gone (deleted since it was read) is 404 NoSuchKey, not 412 (S3 user guide,
      // conditional writes; moto answers the same): the version read is no longer there, a lost race too.
      if (etag !== undefined && (err as SdkError).name === "NoSuchKey") return { written: false };
      throw callError("PutObject", `s3://${bucket}/${key}`, err);
    }
  }
}

// ---------------------------------------------------------------------------------------------------

/** The three adapters for some stacks, built once (each keeps its connections): close them with destroy(). */
export interface AutopilotAws {
  readonly dials: GlobalAcceleratorDialApi;
  readonly published: SsmPublishedReader;
  readonly state: S3StateStore;
  destroy(): void;
}

/** The AWS adapters for these stacks; the state store knows each stack's backend, and refuses a stack it was not given. */
export function autopilotAws(stacks: readonly Pick<StackModel, "name" | "backend">[], options: AwsClientOptions = {}): AutopilotAws {
  const locations = new Map(stacks.map((s) => [s.name, stateLocationOf(s)]));
  const locate = (stack: string): StateLocation => {
    const found = locations.get(stack);
    if (found === undefined) throw new Error(`no backend known for stack ${stack} (known: ${[...locations.keys()].join(", ") || "none"})`);
    return found;
  };
  const dials = new GlobalAcceleratorDialApi(options);
  const published = new SsmPublishedReader(options);
  const state = new S3StateStore(locate, options);
  return {
    dials,
    published,
    state,
    destroy: () => {
      dials.destroy();
      published.destroy();
      state.destroy();
    },
  };
}
