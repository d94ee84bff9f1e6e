// The Prometheus reader against a real Prometheus (the Debian package): what its queries mean. Samples are
// backfilled with promtool at fixed times and every read passes `time=`, so nothing here depends on the clock;
// one smoke test at the end scrapes fake model servers in real time, waiting on data (never on a sleep).
import { MODEL_SERVERS } from "../src/config/model-servers";
import { LAST_SEEN_RESOLUTION_SECONDS, prometheusReader, signalQueries } from "../src/autopilot/prometheus";
import type { SignalSample } from "../src/autopilot/types";
import { only, publishedGroups, signalsModel } from "./support/autopilot-signals";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startPrometheus, query, waitForQuery } = require("../scripts/lib/prometheus-server");
const { startModelServers } = require("../scripts/lib/fake-model-servers");
/* eslint-enable @typescript-eslint/no-require-imports */

interface Prometheus {
  readonly url: string;
  reload(targets: readonly { url: string; labels?: Record<string, string> }[]): Promise<void>;
  stop(): Promise<void>;
}

const model = signalsModel();
const groups = publishedGroups(model);
// The lookback of a stopped group: staleAfter 60 + holdFor 120 + 2 intervals of 15.
const LOOKBACK = 210;

// Samples every 15 s from T0 to T0 + 600 (index 0-40); reads at AT, 5 s after the last one.
const T0 = 1790000000;
const AT = T0 + 605;
const LAST = T0 + 600;

/** OpenMetrics lines of one series: value(i) at T0 + 15 i for i in [from, to]. */
function series(selector: string, value: (i: number) => number, from = 0, to = 40): string {
  return Array.from({ length: to - from + 1 }, (_, k) => `${selector} ${value(from + k)} ${T0 + 15 * (from + k)}\n`).join("");
}

const BACKFILL = [
  "# TYPE vllm:num_requests_waiting gauge\n",
  // us-east-1 runs two models on two replicas each; the queue group selects llama (model_name) only.
  series('vllm:num_requests_waiting{region="us-east-1",model_name="llama",instance="a"}', (i) => i),
  series('vllm:num_requests_waiting{region="us-east-1",model_name="llama",instance="b"}', (i) => 2 * i),
  series('vllm:num_requests_waiting{region="us-east-1",model_name="mistral",instance="a"}', () => 100),
  series('vllm:num_requests_waiting{region="us-east-1",model_name="mistral",instance="b"}', () => 100),
  "# TYPE vllm:kv_cache_usage_perc gauge\n",
  series('vllm:kv_cache_usage_perc{region="us-east-1",model_name="mistral",instance="a"}', () => 0.5),
  series('vllm:kv_cache_usage_perc{region="us-east-1",model_name="mistral",instance="b"}', () => 0.7),
  series('vllm:kv_cache_usage_perc{region="us-east-1",model_name="llama",instance="a"}', () => 0.99),
  // eu-west-1's SGLang queue stopped reporting at T0 + 450 (index 30); its KV-cache use did not.
  "# TYPE sglang:num_queue_reqs gauge\n",
  series('sglang:num_queue_reqs{region="eu-west-1",instance="a"}', (i) => i, 0, 30),
  "# TYPE sglang:token_usage gauge\n",
  series('sglang:token_usage{region="eu-west-1",instance="a"}', () => 0.25),
  // Triton's waiting and scheduled requests share one metric name; only request_type="waiting" is the queue.
  "# TYPE nv_trt_llm_request_metrics gauge\n",
  series('nv_trt_llm_request_metrics{region="ap-northeast-1",request_type="waiting",instance="a"}', () => 5),
  series('nv_trt_llm_request_metrics{region="ap-northeast-1",request_type="waiting",instance="b"}', () => 7),
  series('nv_trt_llm_request_metrics{region="ap-northeast-1",request_type="scheduled",instance="a"}', () => 50),
  "# TYPE nv_trt_llm_kv_cache_block_metrics gauge\n",
  series('nv_trt_llm_kv_cache_block_metrics{region="ap-northeast-1",kv_cache_block_type="fraction",instance="a"}', () => 0.8),
  series('nv_trt_llm_kv_cache_block_metrics{region="ap-northeast-1",kv_cache_block_type="max",instance="a"}', () => 1000),
  "# TYPE tgi_queue_size gauge\n",
  series('tgi_queue_size{region="us-west-2",instance="a"}', () => 12),
  series('tgi_queue_size{region="us-west-2",instance="b"}', () => 4),
  // A llama.cpp fleet in us-east-1 only, read by the custom query.
  "# TYPE llamacpp:requests_processing gauge\n",
  series('llamacpp:requests_processing{region="us-east-1",instance="a"}', () => 2),
  series('llamacpp:requests_processing{region="us-east-1",instance="b"}', () => 3),
  "# EOF\n",
].join("");

let prometheus: Prometheus;
beforeAll(async () => {
  prometheus = await startPrometheus({ backfill: BACKFILL });
});
afterAll(async () => {
  await prometheus?.stop();
});

const read = (keys: string[], at = AT) => prometheusReader({ url: prometheus.url }).read(model, only(groups, ...keys), at);
const fresh = (value: number): SignalSample => ({ value, sampleTime: LAST });

describe("the reader against a real Prometheus, on backfilled samples read at a fixed time", () => {
  it("reads every preset's queue as requests waiting per replica, each server averaged over the last minute", async () => {
    const samples = await read(["queue/us-east-1", "queue/ap-northeast-1", "queue/us-west-2"]);
    expect(Object.fromEntries(samples)).toEqual({
      // llama's replicas over [AT - 60 s, AT]: a 37-40 (38.5), b 74-80 (77): 57.75 per replica (not the latest
      // samples' 60); mistral's 100s left out.
      "queue/us-east-1": fresh(57.75),
      // waiting 5 and 7; the scheduled series (50) left out.
      "queue/ap-northeast-1": fresh(6),
      "queue/us-west-2": fresh(8),
    });
  });

  it("reads every preset's KV-cache use as the mean of its servers", async () => {
    const samples = await read(["kv/us-east-1", "kv/eu-west-1", "kv/ap-northeast-1"]);
    // vLLM mistral only (0.5, 0.7; llama's 0.99 left out), SGLang 0.25, Triton's fraction (its "max" block count left out).
    expect(Object.fromEntries(samples)).toEqual({ "kv/us-east-1": fresh(0.6), "kv/eu-west-1": fresh(0.25), "kv/ap-northeast-1": fresh(0.8) });
  });

  it("reads everything in one query per signal kind, with the same answers as group by group", async () => {
    const all = await read(groups.map((g) => g.key));
    for (const key of ["queue/us-east-1", "kv/eu-west-1", "queue/us-west-2"]) expect(all.get(key)).toEqual((await read([key])).get(key));
    expect(signalQueries(model, groups)).toHaveLength(3);
  });

  it("answers a query sent as a form-encoded POST (a long one) as it answers GET", async () => {
    const post = await prometheusReader({ url: prometheus.url, maxGetUrlLength: 0 }).read(model, groups, AT);
    expect(Object.fromEntries(post)).toEqual(Object.fromEntries(await read(groups.map((g) => g.key))));
    expect(post.size).toBe(8);
  });

  it("gives a group whose series stopped its last value and that sample's own time, not the evaluation time", async () => {
    const samples = await read(["queue/eu-west-1", "kv/eu-west-1"]);
    expect(Object.fromEntries(samples)).toEqual({ "queue/eu-west-1": { value: 30, sampleTime: T0 + 450 }, "kv/eu-west-1": fresh(0.25) });
  });

  it("keeps a stopped group for the lookback, then leaves it out: it is absent once its hold is over", async () => {
    // Not at the window's very edge: Prometheus 3 made range selectors left-open.
    expect((await read(["queue/eu-west-1"], T0 + 450 + LOOKBACK - 1)).get("queue/eu-west-1")).toEqual({ value: 30, sampleTime: T0 + 450 });
    expect((await read(["queue/eu-west-1", "queue/us-west-2"], T0 + 450 + LOOKBACK + 1)).has("queue/eu-west-1")).toBe(false);
  });

  it("leaves out a group that never had a series", async () => {
    expect([...(await read(["custom/us-east-1", "custom/eu-west-1"])).keys()]).toEqual(["custom/us-east-1"]);
  });

  it("reads a custom query as given, matched by region; its age is the evaluation time", async () => {
    expect((await read(["custom/us-east-1"])).get("custom/us-east-1")).toEqual({ value: 5, sampleTime: AT });
  });

  it("a custom query that returns several series for a group is an error that says how to fix it", async () => {
    const raw = only(groups, "custom/us-east-1").map((g) => ({ ...g, settings: { ...g.settings, signal: { query: "llamacpp:requests_processing" } } }));
    await expect(prometheusReader({ url: prometheus.url }).read(model, raw, AT)).rejects.toThrow(
      'the query llamacpp:requests_processing returned 2 series for group custom/us-east-1 ({"__name__":"llamacpp:requests_processing","instance":"a","region":"us-east-1"}, ' +
        '{"__name__":"llamacpp:requests_processing","instance":"b","region":"us-east-1"}): it must return one per group, e.g. aggregated by (region)',
    );
  });

  it("a query Prometheus cannot parse is an error with Prometheus' own reason", async () => {
    const bad = only(groups, "custom/us-east-1").map((g) => ({ ...g, settings: { ...g.settings, signal: { query: "sum(" } } }));
    await expect(prometheusReader({ url: prometheus.url }).read(model, bad, AT)).rejects.toThrow(
      `Prometheus at ${prometheus.url} rejected the query sum( (HTTP 400, bad_data): invalid parameter "query": 1:5: parse error: unclosed left parenthesis`,
    );
  });

  it("a value that is not a number (0/0) is an error, not a signal", async () => {
    const nan = only(groups, "custom/us-east-1").map((g) => ({ ...g, settings: { ...g.settings, signal: { query: "sum by (region) (llamacpp:requests_processing) * 0 / 0" } } }));
    await expect(prometheusReader({ url: prometheus.url }).read(model, nan, AT)).rejects.toThrow(
      'the query sum by (region) (llamacpp:requests_processing) * 0 / 0 returned NaN as its value for {"region":"us-east-1"}: a signal must be a finite number',
    );
  });

  it("a stopped Prometheus is an error that says the connection was refused", async () => {
    const other: Prometheus = await startPrometheus();
    await other.stop();
    await expect(prometheusReader({ url: other.url }).read(model, only(groups, "queue/us-east-1"), AT)).rejects.toThrow(
      `could not read the queue query from Prometheus at ${other.url}: connection refused (is Prometheus running, and is the URL's port right?) (ECONNREFUSED)`,
    );
  });
});

describe("the reader against a real Prometheus scraping fake model servers (real time)", () => {
  it("reads scraped load, an old explicit sample time as written, and a failed target's last sample after its staleness marker; reload drops targets", async () => {
    const started = Date.now() / 1000;
    const old = Math.round((started - 120) * 1000);
    const vllm = await startModelServers({ metrics: MODEL_SERVERS.vllm.metrics, regions: ["us-east-1"], replicas: 2, seriesLabels: { model_name: "llama" } });
    const sglang = await startModelServers({ metrics: MODEL_SERVERS.sglang.metrics, regions: ["eu-west-1"] });
    vllm.setLoad("us-east-1", { waiting: 10, running: 4, kvCache: 0.5 });
    // Served with its own timestamp, two minutes old: what a federated store returns for a server gone quiet.
    sglang.setLoad("eu-west-1", { waiting: 3, running: 1, kvCache: 0.1, timestampMs: old });
    const scraping: Prometheus = await startPrometheus({ targets: [...vllm.targets, ...sglang.targets] });
    try {
      const reader = prometheusReader({ url: scraping.url });
      const keys = only(groups, "queue/us-east-1", "queue/eu-west-1");
      // The first scrapes land about 6 s after the start: wait for all three servers' series.
      await waitForQuery(scraping.url, "count(vllm:num_requests_waiting) + count(sglang:num_queue_reqs)", (r: unknown[]) => r.length === 1 && (r[0] as { value: string[] }).value[1] === "3");
      const at = Date.now() / 1000;
      const live = await reader.read(model, keys, at);
      expect(live.get("queue/us-east-1")?.value).toBe(5);
      expect(live.get("queue/us-east-1")?.sampleTime).toBeGreaterThan(started);
      expect(live.get("queue/us-east-1")?.sampleTime).toBeLessThanOrEqual(at);
      expect(live.get("queue/eu-west-1")).toEqual({ value: 3, sampleTime: old / 1000 });

      // The last-seen subquery samples timestamp() every LAST_SEEN_RESOLUTION_SECONDS: wait until a step has seen
      // the series, or a series younger than one step would have no "last seen" after it fails.
      await waitForQuery(scraping.url, `last_over_time(timestamp(vllm:num_requests_waiting{region="us-east-1"})[1m:${LAST_SEEN_RESOLUTION_SECONDS}s])`, (r: unknown[]) => r.length === 2);
      // The us-east-1 servers fail their scrapes: Prometheus writes staleness markers, and the plain series is gone.
      const failed = Date.now() / 1000;
      await vllm.setFailure("us-east-1", "unavailable");
      await waitForQuery(scraping.url, 'timestamp(vllm:num_requests_waiting{region="us-east-1"})', (r: unknown[]) => r.length === 0);
      const after = (await reader.read(model, keys, Date.now() / 1000)).get("queue/us-east-1");
      expect(after?.value).toBe(5);
      expect(after?.sampleTime).toBeGreaterThan(started);
      expect(after?.sampleTime).toBeLessThan(failed);
      expect(await query(scraping.url, 'up{region="us-east-1"} == 0')).toHaveLength(2);

      // The harness's reload: us-east-1's targets dropped, their `up` series end; eu-west-1's is still scraped.
      await scraping.reload(sglang.targets);
      await waitForQuery(scraping.url, "up", (r: unknown[]) => r.length === 1);
      expect((await query(scraping.url, "up"))[0].metric.region).toBe("eu-west-1");
    } finally {
      await scraping.stop();
      await vllm.close();
      await sglang.close();
    }
  });
});
