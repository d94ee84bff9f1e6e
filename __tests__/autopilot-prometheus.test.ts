// The Prometheus reader without Prometheus: the PromQL it composes, the URL override, and its transport
// (time= on every query, SigV4 for Amazon Managed Prometheus, errors in words) against a small local HTTP
// server. What the queries mean is proven against a real Prometheus in
// autopilot-signals.prometheus.integration.test.ts.
import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { prometheusReader, prometheusUrl, promqlString, readerForStack, signalQueries, withMatchers } from "../src/autopilot/prometheus";
import { only, publishedGroups, signalsModel } from "./support/autopilot-signals";

const model = signalsModel();
const groups = publishedGroups(model);
const AT = 1790000400;

describe("the PromQL the reader composes", () => {
  it("adds region and metricsLabels to a bare metric name", () => {
    expect(withMatchers("vllm:num_requests_waiting", { region: "us-east-1", model_name: "llama" })).toBe('vllm:num_requests_waiting{region="us-east-1", model_name="llama"}');
  });

  it("keeps a preset's own matchers (Triton's request_type) and adds the group's after them", () => {
    expect(withMatchers('nv_trt_llm_request_metrics{request_type="waiting"}', { region: "ap-northeast-1" })).toBe(
      'nv_trt_llm_request_metrics{request_type="waiting", region="ap-northeast-1"}',
    );
  });

  it("escapes label values: quotes, backslashes and newlines stay inside the string", () => {
    expect(promqlString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(withMatchers("m", { model_name: 'x"} or vector(1) #' })).toBe('m{model_name="x\\"} or vector(1) #"}');
  });

  it("rejects a label name Prometheus would not parse, naming it", () => {
    expect(() => withMatchers("m", { "model-name": "x" })).toThrow('"model-name" is not a Prometheus label name (letters, digits and _, not starting with a digit)');
  });

  it("sends one query per signal kind however many groups read it, and one per distinct custom query", () => {
    const queries = signalQueries(model, groups);
    expect(queries.map((q) => [q.signal, q.groups])).toEqual([
      ["queue", ["queue/us-east-1", "queue/eu-west-1", "queue/ap-northeast-1", "queue/us-west-2"]],
      ["kvCache", ["kv/us-east-1", "kv/eu-west-1", "kv/ap-northeast-1"]],
      ["sum by (region) (llamacpp:requests_processing)", ["custom/us-east-1", "custom/eu-west-1"]],
    ]);
    expect(queries[2].query).toBe("sum by (region) (llamacpp:requests_processing)");
  });

  it("averages each server over a minute, then the servers of the group; the sample time is the newest sample's", () => {
    const [queue] = signalQueries(model, only(groups, "queue/us-east-1"));
    const s = 'vllm:num_requests_waiting{region="us-east-1", model_name="llama"}';
    const by = "by (region, model_name)";
    // lookback: staleAfter 60 + holdFor 120 (default) + 2 intervals of 15
    expect(queue.query).toBe(
      `label_replace(avg ${by} (avg_over_time(${s}[60s])) or avg ${by} (last_over_time(${s}[210s])), "smart_routing_term", "0/value", "", "")` +
        ` or label_replace(max ${by} (timestamp(${s})) or max ${by} (last_over_time(timestamp(${s})[210s:5s])), "smart_routing_term", "0/sample_time", "", "")`,
    );
  });

  it("reads each preset's own KV-cache series", () => {
    const [kv] = signalQueries(model, groups.filter((g) => g.listener === "kv"));
    expect(kv.query).toContain('vllm:kv_cache_usage_perc{region="us-east-1", model_name="mistral"}');
    expect(kv.query).toContain('sglang:token_usage{region="eu-west-1"}');
    expect(kv.query).toContain('nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="fraction", region="ap-northeast-1"}');
  });

  it("says which group asks for a metric its preset does not have", () => {
    const tgi = only(groups, "queue/us-west-2").map((g) => ({ ...g, settings: { ...g.settings, signal: "kvCache" as const } }));
    expect(() => signalQueries(model, tgi)).toThrow("group queue/us-west-2 reads signal kvCache, but modelServer tgi exposes no KV-cache use metric: give it signal: { query: <PromQL> }");
  });

  it("leaves out a published group the config no longer has (it reads as missing)", () => {
    const gone = { ...groups[0], key: "queue/sa-east-1", region: "sa-east-1" };
    expect(signalQueries(model, [gone])).toEqual([]);
  });
});

describe("the Prometheus URL", () => {
  it("is the config's unless SMART_ROUTING_PROMETHEUS_URL is set", () => {
    const autopilot = model.autopilot!;
    expect(prometheusUrl(autopilot, {})).toBe("http://prometheus.invalid:9090");
    expect(prometheusUrl(autopilot, { SMART_ROUTING_PROMETHEUS_URL: "" })).toBe("http://prometheus.invalid:9090");
    expect(prometheusUrl(autopilot, { SMART_ROUTING_PROMETHEUS_URL: "http://127.0.0.1:9999" })).toBe("http://127.0.0.1:9999");
  });
});

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

/** A local server that records each request and answers with `answer`. */
async function stub(answer: (req: IncomingMessage) => { status: number; body: string } | "never"): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const a = answer(req);
      if (a === "never") return;
      res.writeHead(a.status, { "content-type": "application/json" });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

const empty = { status: 200, body: JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }) };
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
async function serve(answer: Parameters<typeof stub>[0]) {
  const s = await stub(answer);
  servers.push(s.server);
  return s;
}

// SigV4 written out from the AWS specification, independently of @smithy/signature-v4, to check its output.
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const hmac = (key: string | Buffer, s: string) => createHmac("sha256", key).update(s).digest();
function expectedSignature(r: Received, secret: string): { signature: string; signedHeaders: string; scope: string } {
  const auth = String(r.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)![1];
  const scope = /Credential=[^/]+\/([^,]+)/.exec(auth)![1];
  const [path, query = ""] = r.url.split("?");
  const canonicalQuery = query
    .split("&")
    .filter((p) => p !== "")
    .map((p) => p.split("=").map((x) => rfc3986(decodeURIComponent(x))))
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v ?? ""}`)
    .join("&");
  const names = signedHeaders.split(";");
  const canonicalHeaders = names.map((n) => `${n}:${String(r.headers[n]).trim().replace(/\s+/g, " ")}\n`).join("");
  // The payload's hash as received, whatever the signer claimed in x-amz-content-sha256.
  const payload = sha256(r.body);
  if (r.headers["x-amz-content-sha256"] !== undefined) expect(r.headers["x-amz-content-sha256"]).toBe(payload);
  const canonical = [r.method, path.split("/").map(rfc3986).join("/"), canonicalQuery, canonicalHeaders, signedHeaders, payload].join("\n");
  const date = String(r.headers["x-amz-date"]);
  const toSign = ["AWS4-HMAC-SHA256", date, scope, sha256(canonical)].join("\n");
  const [day, region, service] = scope.split("/");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), "aws4_request");
  return { signature: createHmac("sha256", key).update(toSign).digest("hex"), signedHeaders, scope };
}

describe("the reader's requests", () => {
  it("pass the tick's time= with every query and sign nothing by default", async () => {
    const s = await serve(() => empty);
    await prometheusReader({ url: `${s.url}/` }).read(model, groups, AT);
    expect(s.received).toHaveLength(3);
    for (const r of s.received) {
      const params = new URL(r.url, s.url).searchParams;
      expect([r.method, new URL(r.url, s.url).pathname, params.get("time")]).toEqual(["GET", "/api/v1/query", String(AT)]);
      expect(r.headers.authorization).toBeUndefined();
    }
    expect(s.received.map((r) => new URL(r.url, s.url).searchParams.get("query"))).toEqual(signalQueries(model, groups).map((q) => q.query));
  });

  it("are signed with SigV4 for the service aps when sigv4 is configured, under the URL's path", async () => {
    const s = await serve(() => empty);
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session-token" };
    const reader = prometheusReader({ url: `${s.url}/workspaces/ws-1234`, sigv4: { region: "eu-west-1", credentials, now: () => new Date("2026-12-03T12:34:56Z") } });
    await reader.read(model, only(groups, "queue/us-east-1"), AT);
    const [r] = s.received;
    expect(new URL(r.url, s.url).pathname).toBe("/workspaces/ws-1234/api/v1/query");
    expect(r.headers["x-amz-date"]).toBe("20261203T123456Z");
    expect(r.headers["x-amz-security-token"]).toBe("session-token");
    const { signature, signedHeaders, scope } = expectedSignature(r, credentials.secretAccessKey);
    expect(scope).toBe("20261203/eu-west-1/aps/aws4_request");
    expect(signedHeaders.split(";")).toEqual(expect.arrayContaining(["host", "x-amz-date", "x-amz-security-token"]));
    expect(r.headers.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`);
  });

  it("a signature made with another secret does not verify (the check above can fail)", async () => {
    const s = await serve(() => empty);
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "right" };
    await prometheusReader({ url: s.url, sigv4: { region: "eu-west-1", credentials } }).read(model, only(groups, "queue/us-east-1"), AT);
    const [r] = s.received;
    expect(String(r.headers.authorization)).toContain(`Signature=${expectedSignature(r, "right").signature}`);
    expect(String(r.headers.authorization)).not.toContain(`Signature=${expectedSignature(r, "wrong").signature}`);
  });

  it("send a query too long for a URL as a form-encoded POST with the same parameters, signed over its body", async () => {
    const s = await serve(() => empty);
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
    await prometheusReader({ url: s.url, maxGetUrlLength: 100, sigv4: { region: "us-east-1", credentials } }).read(model, only(groups, "queue/us-east-1"), AT);
    const [r] = s.received;
    expect([r.method, r.url, r.headers["content-type"]]).toEqual(["POST", "/api/v1/query", "application/x-www-form-urlencoded"]);
    const params = new URLSearchParams(r.body);
    expect([params.get("query"), params.get("time")]).toEqual([signalQueries(model, only(groups, "queue/us-east-1"))[0].query, String(AT)]);
    const { signature, signedHeaders } = expectedSignature(r, "secret");
    expect(signedHeaders.split(";")).toContain("content-type");
    expect(String(r.headers.authorization)).toContain(`Signature=${signature}`);
  });

  it("send a URL's user and password as Basic auth (Grafana Cloud's way; the override's place, not the config's)", async () => {
    const s = await serve(() => empty);
    const withUser = s.url.replace("http://", "http://12345:glc%2Ftoken@");
    await readerForStack(model, { SMART_ROUTING_PROMETHEUS_URL: withUser }).read(model, only(groups, "queue/us-east-1"), AT);
    expect(s.received[0].headers.authorization).toBe(`Basic ${Buffer.from("12345:glc/token").toString("base64")}`);
  });

  it("builds the stack's reader from its settings, the URL override winning", async () => {
    const s = await serve(() => empty);
    await readerForStack(model, { SMART_ROUTING_PROMETHEUS_URL: s.url }).read(model, only(groups, "queue/us-east-1"), AT);
    expect(s.received).toHaveLength(1);
  });
});

describe("the reader's errors say what failed", () => {
  const one = only(groups, "queue/us-east-1");

  it("a proxy's error page instead of the query API", async () => {
    const s = await serve(() => ({ status: 502, body: "<html><body>Bad gateway</body></html>" }));
    await expect(prometheusReader({ url: s.url }).read(model, one, AT)).rejects.toThrow(
      `Prometheus at ${s.url} answered the queue query with HTTP 502 Bad Gateway, not the query API's JSON: <html><body>Bad gateway</body></html>`,
    );
  });

  it("a server that does not answer within the timeout", async () => {
    const s = await serve(() => "never");
    await expect(prometheusReader({ url: s.url, timeoutMs: 200 }).read(model, one, AT)).rejects.toThrow(
      `could not read the queue query from Prometheus at ${s.url}: no answer within 0.2 s (timed out)`,
    );
  });

  it("a result that is not an instant vector", async () => {
    const s = await serve(() => ({ status: 200, body: JSON.stringify({ status: "success", data: { resultType: "scalar", result: [AT, "1"] } }) }));
    await expect(prometheusReader({ url: s.url }).read(model, one, AT)).rejects.toThrow("the queue query returned a scalar, not an instant vector: a signal query must return one series per group");
  });

  it("every failed query at once", async () => {
    const s = await serve(() => ({ status: 503, body: JSON.stringify({ status: "error", errorType: "unavailable", error: "too many queries" }) }));
    await expect(prometheusReader({ url: s.url }).read(model, groups, AT)).rejects.toThrow(
      `3 of 3 signal queries failed: Prometheus at ${s.url} rejected the queue query (HTTP 503, unavailable): too many queries; ` +
        `Prometheus at ${s.url} rejected the kvCache query (HTTP 503, unavailable): too many queries; ` +
        `Prometheus at ${s.url} rejected the query sum by (region) (llamacpp:requests_processing) (HTTP 503, unavailable): too many queries`,
    );
  });
});
