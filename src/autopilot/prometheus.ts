// The SignalReader over the Prometheus HTTP query API (Prometheus, Thanos, Mimir, Amazon Managed Prometheus):
// one instant query per signal kind per tick, evaluated at the tick's own time (`time=`), never per group
// (GET, or the API's form-encoded POST when it is too long for a URL).
//
// Each preset signal's query carries, per group, two parts told apart by a label this module adds:
//   value        the smoothed signal: the mean over the group's servers of each server's 1-minute average
//                (`avg by (...) (avg_over_time(S[1m]))`), so the numerator and the denominator of "waiting
//                per replica" always count the same servers;
//   sample_time  when the group's newest sample was taken (`max by (...) (timestamp(S))`): the result's own
//                value[0] is only the evaluation time, and avg_over_time keeps returning a dead server's old
//                values for a minute, so a stale group is only visible through timestamp().
// A group whose series stopped (its target went down, or a federated store serves an old sample) keeps its
// last value and last sample time for `lookback` (the groups' staleAfter + holdFor + two intervals), so
// decide sees how long it has been without data; after that, and for a group never seen, it is absent.
import { Sha256 } from "@aws-crypto/sha256-js";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { MODEL_SERVERS, type ModelServerPreset } from "../config/model-servers";
import type { EndpointGroupModel, StackAutopilotModel, StackModel } from "../model/model";
import type { PublishedGroup, SignalReader, SignalSample } from "./types";

/** The environment variable that overrides the config's Prometheus URL (e.g. a port-forward, or the rehearsal's). */
export const PROMETHEUS_URL_ENV = "SMART_ROUTING_PROMETHEUS_URL";

/** Seconds each server's signal is averaged over before the servers are averaged per group. */
export const SMOOTHING_SECONDS = 60;

/** The step of the subquery that finds when a stopped series was last sampled: its age is overstated by less than this. */
export const LAST_SEEN_RESOLUTION_SECONDS = 5;

/** @default 10 s: a query that takes longer fails the tick's read (the tick holds), rather than delaying it. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The longest GET URL (path and parameters) the reader sends; longer queries go in a POST body. */
export const MAX_GET_URL_LENGTH = 4096;

// The label each term of a query is tagged with: "<term>/value" or "<term>/sample_time".
const TERM_LABEL = "smart_routing_term";
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type Credentials = ConstructorParameters<typeof SignatureV4>[0]["credentials"];

export interface PrometheusReaderOptions {
  /** The query API's base URL, e.g. http://prometheus:9090 or https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>. */
  readonly url: string;
  /** Sign every request with SigV4 for the service `aps` (Amazon Managed Service for Prometheus). @default - unsigned */
  readonly sigv4?: {
    readonly region: string;
    /** @default - the AWS SDK's default chain (environment, profile, SSO, container and instance roles) */
    readonly credentials?: Credentials;
    /** The signing clock, for tests. @default - the system clock */
    readonly now?: () => Date;
  };
  /** @default DEFAULT_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** A query whose GET URL (path and parameters) would be longer is sent as a form-encoded POST. @default MAX_GET_URL_LENGTH */
  readonly maxGetUrlLength?: number;
}

/** One query the reader sends per tick: which signal it reads, the PromQL, and the groups (keys) it answers for. */
export interface SignalQuery {
  /** "queue", "kvCache", or the custom query itself. */
  readonly signal: string;
  readonly query: string;
  readonly groups: readonly string[];
}

/** The Prometheus URL the autopilot reads: SMART_ROUTING_PROMETHEUS_URL when set, else the config's. */
export function prometheusUrl(autopilot: Pick<StackAutopilotModel, "prometheus">, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[PROMETHEUS_URL_ENV];
  return override !== undefined && override.trim() !== "" ? override.trim() : autopilot.prometheus.url;
}

/** The reader for a stack with an autopilot: its URL (or the override) and its SigV4 settings. */
export function readerForStack(model: StackModel, env: NodeJS.ProcessEnv = process.env, timeoutMs?: number): SignalReader {
  if (model.autopilot === undefined) throw new Error(`stack ${model.name} has no autopilot settings`);
  const sigv4 = model.autopilot.prometheus.sigv4;
  return prometheusReader({ url: prometheusUrl(model.autopilot, env), ...(sigv4 !== undefined && { sigv4: { region: sigv4.region } }), ...(timeoutMs !== undefined && { timeoutMs }) });
}

/** A SignalReader on the Prometheus query API. */
export function prometheusReader(options: PrometheusReaderOptions): SignalReader {
  const client = queryClient(options);
  return {
    async read(model, groups, at) {
      const queries = signalQueries(model, groups);
      const settled = await Promise.allSettled(queries.map((q) => client(q, at)));
      const failed = settled.flatMap((s) => (s.status === "rejected" ? [messageOf(s.reason)] : []));
      if (failed.length > 0) throw new Error(failed.length === 1 ? failed[0] : `${failed.length} of ${queries.length} signal queries failed: ${failed.join("; ")}`);
      const samples = new Map<string, SignalSample>();
      settled.forEach((s, i) => {
        if (s.status === "fulfilled") for (const [key, sample] of collect(queries[i], s.value, groups)) samples.set(key, sample);
      });
      return samples;
    },
  };
}

// --- PromQL ----------------------------------------------------------------------------------------------

/** A PromQL string literal: JSON's escapes are a subset of the Go escapes PromQL reads. */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * A series selector with more equality matchers: `name` or `name{a="b"}` (the presets' form) with
 * `region="..."` and each label appended; the existing matchers are kept, so all of them must hold.
 */
export function withMatchers(selector: string, labels: Readonly<Record<string, string>>): string {
  const parsed = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/s.exec(selector);
  if (parsed === null) throw new Error(`not a series selector: ${selector} (expected name or name{label="value",...})`);
  const existing = (parsed[2] ?? "").trim().replace(/,\s*$/, "");
  const added = Object.entries(labels).map(([name, value]) => {
    if (!LABEL_NAME.test(name)) throw new Error(`"${name}" is not a Prometheus label name (letters, digits and _, not starting with a digit)`);
    return `${name}=${promqlString(value)}`;
  });
  return `${parsed[1]}{${[...(existing === "" ? [] : [existing]), ...added].join(", ")}}`;
}

/** How long a stopped group keeps reading with its last sample: past every hold, so "absent" means "hold is over". */
export function lookbackSeconds(model: StackModel, groups: readonly PublishedGroup[]): number {
  const staleAfter = model.autopilot?.staleAfterSeconds ?? 60;
  const interval = model.autopilot?.intervalSeconds ?? 15;
  const holdFor = Math.max(0, ...groups.map((g) => g.settings.holdForSeconds));
  return Math.ceil(staleAfter + holdFor + 2 * interval);
}

/** A preset signal's term for one set of servers: `value` and `sample_time` parts, each tagged with the term's index. */
function presetTerm(index: number, series: string, by: readonly string[], lookback: number): string {
  const byClause = `by (${by.join(", ")})`;
  const value = `avg ${byClause} (avg_over_time(${series}[${SMOOTHING_SECONDS}s])) or avg ${byClause} (last_over_time(${series}[${lookback}s]))`;
  const sampleTime = `max ${byClause} (timestamp(${series})) or max ${byClause} (last_over_time(timestamp(${series})[${lookback}s:${LAST_SEEN_RESOLUTION_SECONDS}s]))`;
  const tag = (expr: string, part: string) => `label_replace(${expr}, "${TERM_LABEL}", "${index}/${part}", "", "")`;
  return `${tag(value, "value")} or ${tag(sampleTime, "sample_time")}`;
}

function modelGroup(model: StackModel, group: PublishedGroup): EndpointGroupModel | undefined {
  return model.listeners.find((l) => l.name === group.listener)?.endpointGroups.find((g) => g.region === group.region);
}

/** The series selector of a group's preset signal, with its region and metricsLabels; throws when the preset names none. */
function presetSeries(model: StackModel, group: PublishedGroup, signal: "queue" | "kvCache"): string | undefined {
  const modelGroupOf = modelGroup(model, group);
  // A group published by an earlier apply but gone from the config: no preset to read; it reads as missing.
  if (modelGroupOf === undefined) return undefined;
  const server = modelGroupOf.modelServer;
  const metrics = server === undefined ? undefined : (MODEL_SERVERS[server] as ModelServerPreset).metrics;
  const metric = signal === "queue" ? metrics?.waiting : metrics?.kvCache;
  if (metric === undefined) {
    const what = signal === "queue" ? "requests waiting" : "KV-cache use";
    throw new Error(
      `group ${group.key} reads signal ${signal}, but ${server === undefined ? "it names no modelServer" : `modelServer ${server} exposes no ${what} metric`}: give it signal: { query: <PromQL> }`,
    );
  }
  return withMatchers(metric, { region: group.region, ...group.metricsLabels });
}

interface PlannedQuery extends SignalQuery {
  /** Preset queries: the groups (keys) each term answers for, by term index. Custom queries: undefined. */
  readonly terms?: readonly (readonly string[])[];
}

/**
 * The queries one tick sends: one per preset signal kind (queue, kvCache) covering every group that reads it,
 * and one per distinct custom query. Exported so the runner can log them and tests can read them.
 */
export function signalQueries(model: StackModel, groups: readonly PublishedGroup[]): PlannedQuery[] {
  const queries: PlannedQuery[] = [];
  for (const signal of ["queue", "kvCache"] as const) {
    const reading = groups.filter((g) => g.settings.signal === signal);
    const terms = new Map<string, { series: string; by: string[]; keys: string[] }>();
    for (const group of reading) {
      const series = presetSeries(model, group, signal);
      if (series === undefined) continue;
      const by = ["region", ...Object.keys(group.metricsLabels).sort()];
      const id = `${series} ${by.join(",")}`;
      const term = terms.get(id) ?? { series, by, keys: [] };
      term.keys.push(group.key);
      terms.set(id, term);
    }
    if (terms.size === 0) continue;
    const lookback = lookbackSeconds(model, reading);
    const list = [...terms.values()];
    queries.push({
      signal,
      query: list.map((t, i) => presetTerm(i, t.series, t.by, lookback)).join(" or "),
      groups: list.flatMap((t) => t.keys),
      terms: list.map((t) => t.keys),
    });
  }
  const custom = new Map<string, string[]>();
  for (const group of groups) {
    const signal = group.settings.signal;
    if (typeof signal === "object") custom.set(signal.query, [...(custom.get(signal.query) ?? []), group.key]);
  }
  for (const [query, keys] of custom) queries.push({ signal: query, query, groups: keys });
  return queries;
}

// --- Results ----------------------------------------------------------------------------------------------

interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

function describeQuery(q: SignalQuery): string {
  return q.signal === "queue" || q.signal === "kvCache" ? `the ${q.signal} query` : `the query ${q.query}`;
}

function numberOf(q: SignalQuery, sample: VectorSample, what: string): number {
  const value = Number(sample.value[1]);
  if (!Number.isFinite(value)) {
    throw new Error(`${describeQuery(q)} returned ${sample.value[1]} as ${what} for ${JSON.stringify(sample.metric)}: a signal must be a finite number`);
  }
  return value;
}

/** Each group's sample from one query's result. */
function collect(q: PlannedQuery, result: readonly VectorSample[], groups: readonly PublishedGroup[]): Map<string, SignalSample> {
  const out = new Map<string, SignalSample>();
  if (q.terms !== undefined) {
    const parts = new Map<string, { value?: number; sampleTime?: number }>();
    for (const sample of result) {
      const tag = /^(\d+)\/(value|sample_time)$/.exec(sample.metric[TERM_LABEL] ?? "");
      if (tag === null) continue;
      const entry = parts.get(tag[1]) ?? {};
      if (tag[2] === "value") entry.value = numberOf(q, sample, "its value");
      else entry.sampleTime = numberOf(q, sample, "its sample time");
      parts.set(tag[1], entry);
    }
    q.terms.forEach((keys, i) => {
      const entry = parts.get(String(i));
      // Both or nothing: a value whose sample time is unknown could be of any age.
      if (entry?.value === undefined || entry.sampleTime === undefined) return;
      for (const key of keys) out.set(key, { value: entry.value, sampleTime: entry.sampleTime });
    });
    return out;
  }
  for (const group of groups.filter((g) => q.groups.includes(g.key))) {
    const matching = result.filter((s) => s.metric.region === group.region && Object.entries(group.metricsLabels).every(([k, v]) => (s.metric[k] ?? "") === v));
    if (matching.length > 1) {
      throw new Error(
        `${describeQuery(q)} returned ${matching.length} series for group ${group.key} (${matching
          .map((s) => JSON.stringify(s.metric))
          .join(", ")}): it must return one per group, e.g. aggregated by (region${Object.keys(group.metricsLabels)
          .map((k) => `, ${k}`)
          .join("")})`,
      );
    }
    // A custom query's series is the user's own expression: its age is the evaluation time. Prometheus drops a
    // stopped target's series from instant selectors, so a dead group reads as missing.
    if (matching.length === 1) out.set(group.key, { value: numberOf(q, matching[0], "its value"), sampleTime: Number(matching[0].value[0]) });
  }
  return out;
}

// --- HTTP ------------------------------------------------------------------------------------------------

/** RFC 3986 encoding: what SigV4's canonical query uses, so the query sent is the query signed. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The URL without credentials, for messages. */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, "")}`;
}

function queryClient(options: PrometheusReaderOptions): (q: SignalQuery, at: number) => Promise<readonly VectorSample[]> {
  const base = new URL(options.url);
  const where = `Prometheus at ${shown(base)}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxGetUrl = options.maxGetUrlLength ?? MAX_GET_URL_LENGTH;
  const sigv4 = options.sigv4;
  const signer =
    sigv4 === undefined ? undefined : new SignatureV4({ service: "aps", region: sigv4.region, credentials: sigv4.credentials ?? defaultProvider(), sha256: Sha256 });
  const path = `${base.pathname.replace(/\/$/, "")}/api/v1/query`;

  return async (q, at) => {
    const params = { query: q.query, time: String(at) };
    const form = Object.entries(params)
      .map(([k, v]) => `${k}=${encode(v)}`)
      .join("&");
    // Many groups make a long query (~700 characters each): past what proxies take in a URL (nginx: 8 KiB), the
    // API's form-encoded POST carries the same parameters in the body.
    const post = path.length + 1 + form.length > maxGetUrl;
    let headers: Record<string, string> = { accept: "application/json", ...(post && { "content-type": "application/x-www-form-urlencoded" }) };
    if (signer !== undefined && sigv4 !== undefined) {
      const request = {
        method: post ? "POST" : "GET",
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port !== "" && { port: Number(base.port) }),
        path,
        ...(post ? { body: form } : { query: params }),
        headers: { host: base.host, ...headers },
      };
      const signed = await signer.sign(request, { signingDate: (sigv4.now ?? (() => new Date()))() }).catch((err: unknown) => {
        throw new Error(`could not sign the request to ${where} with SigV4: ${messageOf(err)}`);
      });
      // fetch sets Host from the URL itself, the same value that was signed.
      headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== "host"));
    }
    // Credentials in the URL (only the environment's override may carry them) go as Basic auth: fetch refuses them in a URL.
    const auth: Record<string, string> = base.username !== "" ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString("base64")}` } : {};
    let response: Response;
    try {
      const init = { headers: { ...auth, ...headers }, signal: AbortSignal.timeout(timeoutMs) };
      response = post
        ? await fetch(`${base.protocol}//${base.host}${path}`, { ...init, method: "POST", body: form })
        : await fetch(`${base.protocol}//${base.host}${path}?${form}`, init);
    } catch (err) {
      throw new Error(`could not read ${describeQuery(q)} from ${where}: ${networkReason(err, timeoutMs)}`);
    }
    const text = await response.text().catch(() => "");
    let body: { status?: unknown; errorType?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } } | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body?.status === "error") {
      throw new Error(`${where} rejected ${describeQuery(q)} (HTTP ${response.status}, ${String(body.errorType)}): ${String(body.error)}`);
    }
    if (!response.ok || body === undefined || body.status !== "success") {
      const excerpt = text.replace(/\s+/g, " ").trim().slice(0, 200);
      throw new Error(`${where} answered ${describeQuery(q)} with HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}, not the query API's JSON: ${excerpt === "" ? "(empty body)" : excerpt}`);
    }
    if (body.data?.resultType !== "vector" || !Array.isArray(body.data.result)) {
      throw new Error(`${describeQuery(q)} returned a ${String(body.data?.resultType)}, not an instant vector: a signal query must return one series per group`);
    }
    return body.data.result as VectorSample[];
  };
}

/** What went wrong with a request that got no answer, in words: node's fetch hides it in `cause`. */
function networkReason(err: unknown, timeoutMs: number): string {
  // A DOMException, not always an Error of this realm.
  const name = (err as { name?: unknown } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") return `no answer within ${timeoutMs / 1000} s (timed out)`;
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: "connection refused (is Prometheus running, and is the URL's port right?)",
    ENOTFOUND: "host not found (check the URL's host name)",
    ECONNRESET: "the connection was reset",
    EHOSTUNREACH: "host unreachable",
    ETIMEDOUT: "the connection timed out",
  };
  if (code !== undefined) return `${words[code] ?? cause?.message ?? "network error"} (${code})`;
  return cause?.message ?? messageOf(err);
}

/** An error's message; errors from node's own fetch are of another realm under jest, so no instanceof. */
function messageOf(err: unknown): string {
  return String((err as { message?: unknown } | null)?.message ?? err);
}
