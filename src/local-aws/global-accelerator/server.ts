// The Global Accelerator API on loopback, over the wire protocol the AWS SDKs speak (AWS JSON 1.1):
// POST / with X-Amz-Target: GlobalAccelerator_V20180706.<Operation>, JSON in and out, errors as HTTP
// 400 (500 for InternalFailure) with {"__type", "Message"} and X-Amzn-ErrorType. Around
// the service (api.ts) it adds the caller's signing scope, a record of every call, faults injected on
// request, control endpoints under /__control/ (a path no AWS JSON call uses) and, when asked,
// persistence to a file so that a restarted server sees the same accelerators.
import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import {
  GlobalAcceleratorError,
  GlobalAcceleratorService,
  HealthChangeError,
  InternalFailure,
  isOperation,
  MUTATIONS,
  SerializationException,
  ThrottlingException,
  UnknownOperationException,
  type HealthChange,
  type ServiceState,
} from "./api";

/** The X-Amz-Target prefix of every operation (the model's targetPrefix). */
export const TARGET_PREFIX = "GlobalAccelerator_V20180706";
/** The API exists only in us-west-2 ("you must specify the US West (Oregon) Region", API reference). */
export const SIGNING_REGION = "us-west-2";
/** The SigV4 signing name (the model's signingName). */
export const SIGNING_SERVICE = "globalaccelerator";

/** The credential scope of a SigV4-signed call: Credential=<accessKey>/<date>/<region>/<service>/aws4_request. */
export interface SigningScope {
  readonly accessKey: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/** One call as the server saw it. */
export interface RecordedCall {
  /** When it arrived (ISO 8601). */
  readonly time: string;
  /** The operation from X-Amz-Target; undefined when the header is missing or not Global Accelerator's. */
  readonly operation?: string;
  /** The request body, parsed when it is JSON. */
  readonly request: unknown;
  /** The caller's signing scope; undefined for an unsigned call. */
  readonly region?: string;
  readonly service?: string;
  readonly accessKey?: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The body of the answer (the output, or the error's {__type, Message}). */
  readonly response: unknown;
  /** The exception name of an error answer. */
  readonly errorType?: string;
  /** Set when the answer was an injected fault rather than the service's. */
  readonly fault?: "throttle" | "internal-error";
}

/**
 * A fault to inject. throttle: the next `count` calls of `operation` (every operation when omitted)
 * get ThrottlingException (HTTP 400, as AWS sends it; the SDKs retry it). internal-error: they get HTTP
 * 500 InternalFailure (retried too). slow-deploy: from now on a change stays IN_PROGRESS
 * for `ms` milliseconds; with `operation`, only the next change that operation makes (one slow step in
 * an otherwise quick apply, e.g. to keep Terraform waiting on one resource).
 */
export type Fault =
  | { readonly kind: "throttle" | "internal-error"; readonly operation?: string; readonly count?: number }
  | { readonly kind: "slow-deploy"; readonly ms: number; readonly operation?: string };

export interface PendingFault {
  readonly kind: "throttle" | "internal-error";
  readonly operation?: string;
  readonly remaining: number;
}

export interface GlobalAcceleratorApiOptions {
  /** The port to listen on; always on 127.0.0.1. @default 0 - a free port */
  readonly port?: number;
  /** How long a change stays IN_PROGRESS before the accelerator reads DEPLOYED. @default 100 */
  readonly deployDelayMs?: number;
  /** Load the state from this file at start when it exists; write it after every change (write, then rename). @default - in memory only */
  readonly stateFile?: string;
  /** Append every call to this file as one JSON line. @default - in memory only */
  readonly callLog?: string;
  /** The account in every ARN. @default "123456789012" */
  readonly account?: string;
  /** The clock deploys are timed by, in epoch milliseconds (tests pass one they move). @default Date.now */
  readonly now?: () => number;
}

/** What `state()` and GET /__control/state show: every accelerator as Describe* shows it, nested. */
export type StateView = ReturnType<GlobalAcceleratorService["view"]>;

export interface GlobalAcceleratorApi {
  /** http://127.0.0.1:<port>, for the provider's `endpoints { globalaccelerator = ... }`. */
  readonly endpoint: string;
  readonly port: number;
  /** Every call so far, oldest first. */
  calls(): RecordedCall[];
  state(): StateView;
  injectFault(fault: Fault): void;
  /**
   * Sets what health checks find for endpoints (the world, not an API call: no call is recorded, nothing
   * deploys). DescribeEndpointGroup and ListEndpointGroups then report it as HealthState (and HealthReason)
   * once the accelerator is DEPLOYED. Returns the endpoints changed; throws when the selector names none.
   */
  setHealth(change: HealthChange): HealthSet[];
  /** Throttle and internal-error faults not used up yet. */
  faults(): PendingFault[];
  /** Forgets the state, the calls and the faults (the deploy delay goes back to the start value). */
  reset(): void;
  stop(): Promise<void>;
}

/** One endpoint whose health setHealth changed. */
export interface HealthSet {
  readonly endpointGroupArn: string;
  readonly endpointId: string;
  readonly state: string;
  readonly reason?: string;
}

/** Default IN_PROGRESS phase: short, but long enough that the provider's DEPLOYED wait really polls. */
export const DEFAULT_DEPLOY_DELAY_MS = 100;

/** Checks a fault from a control request or a caller; returns it typed or throws with the reason. */
export function parseFault(raw: unknown): Fault {
  const f = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  if (f.kind === "slow-deploy") {
    if (typeof f.ms !== "number" || !Number.isInteger(f.ms) || f.ms < 0) throw new Error("slow-deploy needs ms, a whole number >= 0");
    if (f.operation !== undefined && (typeof f.operation !== "string" || !(MUTATIONS as ReadonlySet<string>).has(f.operation))) {
      throw new Error(`slow-deploy takes an operation that changes something, received ${JSON.stringify(f.operation)}`);
    }
    return { kind: "slow-deploy", ms: f.ms, ...(f.operation !== undefined && { operation: f.operation as string }) };
  }
  if (f.kind === "throttle" || f.kind === "internal-error") {
    if (f.operation !== undefined && (typeof f.operation !== "string" || !isOperation(f.operation))) {
      throw new Error(`unknown operation ${JSON.stringify(f.operation)}`);
    }
    const count = f.count ?? 1;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1) throw new Error("count must be a whole number >= 1");
    return { kind: f.kind, ...(f.operation !== undefined && { operation: f.operation as string }), count };
  }
  throw new Error('kind must be "throttle", "internal-error" or "slow-deploy"');
}

function loadState(file: string): ServiceState | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as ServiceState;
  if (parsed?.version !== 1 || !Array.isArray(parsed.accelerators)) throw new Error(`${file} is not a Global Accelerator API state file (version 1)`);
  return parsed;
}

let tmpCounter = 0;
/** Writes the whole file next to the target, then renames it over: a reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Reads the SigV4 credential scope from the Authorization header (or a presigned URL's X-Amz-Credential).
 * Only the scope is read: signatures are not verified, so any key works (tests use fake keys such as
 * "test"). undefined: unsigned; null: an Authorization header without a readable Credential.
 */
function signingScope(req: IncomingMessage, url: URL): SigningScope | undefined | null {
  const header = req.headers.authorization;
  const credential = header !== undefined ? /Credential=([^,\s]+)/.exec(header)?.[1] : (url.searchParams.get("X-Amz-Credential") ?? undefined);
  if (header === undefined && credential === undefined) return undefined;
  const parts = credential?.split("/");
  if (!parts || parts.length !== 5 || parts[4] !== "aws4_request") return null;
  const [accessKey, date, region, service] = parts;
  return { accessKey, date, region, service };
}

/**
 * The refusal AWS gives a call that is unsigned or signed for the wrong place, or undefined when the
 * scope is us-west-2/globalaccelerator. The names and messages are what AWS JSON-protocol services
 * answer, with the lower-case "message" their authentication layer uses:
 * - wrong region: InvalidSignatureException "Credential should be scoped to a valid region, not
 *   '<region>'. " (aws/aws-sdk-ruby#508, JuliaCloud/AWS.jl#565, fsouza/s3-upload-proxy#241);
 * - wrong service: InvalidSignatureException "Credential should be scoped to correct service:
 *   '<service>'. ", HTTP 400 with Content-Type application/x-amz-json-1.1 (aws/aws-sdk-ruby#431 for
 *   EMR, JuliaCloud/AWS.jl#334 and disneystreaming/smithy4s#1568 for SageMaker, both JSON 1.1);
 * - no Authorization header: MissingAuthenticationTokenException (the DynamoDB error table lists it
 *   as a 400 of the same protocol family); the message follows AWS's "Request is missing
 *   Authentication Token" (amzn/selling-partner-api-docs#3081).
 * - a header without a readable Credential: IncompleteSignatureException.
 */
function refusal(scope: SigningScope | undefined | null): { type: string; message: string } | undefined {
  if (scope === undefined) return { type: "MissingAuthenticationTokenException", message: "Request is missing Authentication Token" };
  if (scope === null) {
    return { type: "IncompleteSignatureException", message: "Authorization header requires 'Credential' parameter (Credential=<key>/<date>/<region>/<service>/aws4_request)." };
  }
  if (scope.region !== SIGNING_REGION) return { type: "InvalidSignatureException", message: `Credential should be scoped to a valid region, not '${scope.region}'. ` };
  if (scope.service !== SIGNING_SERVICE) return { type: "InvalidSignatureException", message: `Credential should be scoped to correct service: '${SIGNING_SERVICE}'. ` };
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Starts the API on 127.0.0.1; resolves once it accepts connections. */
export async function startGlobalAcceleratorApi(options: GlobalAcceleratorApiOptions = {}): Promise<GlobalAcceleratorApi> {
  const initialDelay = options.deployDelayMs ?? DEFAULT_DEPLOY_DELAY_MS;
  const { stateFile, callLog } = options;
  const service = new GlobalAcceleratorService({
    account: options.account,
    now: options.now,
    deployDelayMs: initialDelay,
    state: stateFile ? loadState(stateFile) : undefined,
  });
  if (stateFile) mkdirSync(dirname(stateFile), { recursive: true });
  if (callLog) mkdirSync(dirname(callLog), { recursive: true });

  const calls: RecordedCall[] = [];
  let pending: { kind: "throttle" | "internal-error"; operation?: string; remaining: number }[] = [];
  /** Operations whose next change stays IN_PROGRESS longer: operation -> ms. */
  const slowNext = new Map<string, number>();

  const persist = () => {
    if (stateFile) writeAtomically(stateFile, `${JSON.stringify(service.snapshot(), null, 1)}\n`);
  };
  const record = (call: RecordedCall) => {
    calls.push(call);
    if (callLog) appendFileSync(callLog, `${JSON.stringify(call)}\n`);
  };
  const injectFault = (fault: Fault) => {
    if (fault.kind === "slow-deploy" && fault.operation !== undefined) slowNext.set(fault.operation, fault.ms);
    else if (fault.kind === "slow-deploy") service.setDeployDelay(fault.ms);
    else pending.push({ kind: fault.kind, operation: fault.operation, remaining: fault.count ?? 1 });
  };
  /** The fault the next call of `operation` gets, if one is pending (used up one at a time). */
  const takeFault = (operation: string) => {
    const fault = pending.find((f) => f.operation === undefined || f.operation === operation);
    if (!fault) return undefined;
    fault.remaining -= 1;
    pending = pending.filter((f) => f.remaining > 0);
    return fault.kind;
  };
  const setHealth = (change: HealthChange): HealthSet[] => {
    const changed = service.setHealth(change);
    persist();
    return changed;
  };
  const reset = () => {
    service.reset();
    service.setDeployDelay(initialDelay);
    calls.length = 0;
    pending = [];
    slowNext.clear();
    persist();
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": "application/x-amz-json-1.1",
      "Content-Length": Buffer.byteLength(text),
      "x-amzn-RequestId": randomUUID(),
      ...headers,
    });
    res.end(text);
  };

  /** The AWS JSON 1.1 protocol: one POST / per operation. */
  const aws = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => {
    const time = new Date().toISOString();
    const target = req.headers["x-amz-target"];
    const operation = typeof target === "string" && target.startsWith(`${TARGET_PREFIX}.`) ? target.slice(TARGET_PREFIX.length + 1) : undefined;
    const scope = signingScope(req, url);
    let request: unknown = body;
    try {
      request = body === "" ? {} : JSON.parse(body);
    } catch {
      // recorded as the text it was
    }
    const answer = (status: number, output: unknown, error?: { type: string; message: string; lowerCase?: boolean }, fault?: RecordedCall["fault"]) => {
      const response = error ? { __type: error.type, [error.lowerCase ? "message" : "Message"]: error.message } : output;
      send(res, status, response, error ? { "X-Amzn-ErrorType": error.type } : {});
      record({
        time,
        ...(operation !== undefined && { operation }),
        request,
        ...(scope && { region: scope.region, service: scope.service, accessKey: scope.accessKey }),
        status,
        response,
        ...(error && { errorType: error.type }),
        ...(fault && { fault }),
      });
    };

    const refused = refusal(scope);
    if (refused) return answer(400, undefined, { ...refused, lowerCase: true });
    if (req.method !== "POST" || url.pathname !== "/" || operation === undefined || !isOperation(operation)) {
      const what = operation ?? (typeof target === "string" ? target : "(no X-Amz-Target header)");
      return answer(400, undefined, { type: new UnknownOperationException().type, message: `Unknown operation ${what}`, lowerCase: true });
    }
    if (typeof request !== "object" || request === null || Array.isArray(request)) {
      const e = new SerializationException("The request body is not a JSON object.");
      return answer(e.status, undefined, { type: e.type, message: e.message });
    }
    const fault = takeFault(operation);
    if (fault) {
      const e = fault === "throttle" ? new ThrottlingException() : new InternalFailure();
      return answer(e.status, undefined, { type: e.type, message: e.message }, fault);
    }
    try {
      const slow = slowNext.get(operation);
      const usual = service.getDeployDelay();
      if (slow !== undefined) service.setDeployDelay(slow);
      let output;
      try {
        output = service.handle(operation, request as Record<string, unknown>);
      } finally {
        service.setDeployDelay(usual);
      }
      if (slow !== undefined) slowNext.delete(operation);
      if (MUTATIONS.has(operation)) persist();
      return answer(200, output);
    } catch (e) {
      if (e instanceof GlobalAcceleratorError) return answer(e.status, undefined, { type: e.type, message: e.message });
      const internal = new InternalFailure(`The emulator failed: ${(e as Error).message}`);
      return answer(internal.status, undefined, { type: internal.type, message: internal.message });
    }
  };

  /** The control endpoints: calls, state, faults and reset, as JSON. */
  const control = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => {
    const json = (status: number, value: unknown) => {
      const text = JSON.stringify(value);
      res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
      res.end(text);
    };
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "GET /__control/calls":
        return json(200, calls);
      case "GET /__control/state":
        return json(200, service.view());
      case "GET /__control/faults":
        return json(200, { faults: pending, deployDelayMs: service.getDeployDelay() });
      case "POST /__control/faults":
        try {
          injectFault(parseFault(JSON.parse(body || "{}")));
          return json(200, { faults: pending, deployDelayMs: service.getDeployDelay() });
        } catch (e) {
          return json(400, { error: (e as Error).message });
        }
      case "DELETE /__control/faults":
        pending = [];
        return json(200, { faults: pending, deployDelayMs: service.getDeployDelay() });
      case "POST /__control/health": {
        let change: unknown;
        try {
          change = JSON.parse(body || "{}");
        } catch {
          return json(400, { error: "the body must be a JSON object: {endpointGroupArn | endpointId, state, reason?}" });
        }
        if (typeof change !== "object" || change === null || Array.isArray(change)) {
          return json(400, { error: "the body must be a JSON object: {endpointGroupArn | endpointId, state, reason?}" });
        }
        try {
          return json(200, { changed: setHealth(change as HealthChange) });
        } catch (e) {
          if (e instanceof HealthChangeError) return json(e.notFound ? 404 : 400, { error: e.message });
          throw e;
        }
      }
      case "POST /__control/reset":
        reset();
        return json(200, { reset: true });
      default:
        return json(404, {
          error: `no control endpoint ${route}`,
          endpoints: ["GET /__control/calls", "GET /__control/state", "GET|POST|DELETE /__control/faults", "POST /__control/health", "POST /__control/reset"],
        });
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    readBody(req)
      .then((body) => (url.pathname.startsWith("/__control/") ? control(req, res, url, body) : aws(req, res, url, body)))
      .catch((e: Error) => {
        if (!res.headersSent) send(res, 500, { __type: new InternalFailure().type, Message: e.message });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    calls: () => calls.map((c) => ({ ...c })),
    state: () => service.view(),
    injectFault: (fault) => injectFault(parseFault(fault)),
    setHealth,
    faults: () => pending.map((f) => ({ ...f })),
    reset,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // The SDKs keep connections alive; close them so stop() does not wait for their timeout.
        server.closeAllConnections();
      }),
  };
}
