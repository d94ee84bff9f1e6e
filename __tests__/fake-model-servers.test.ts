// The fake model servers the autopilot's Prometheus tests and rehearsal scrape: each preset's real series in
// the Prometheus text format, load spread over the replicas, old timestamps, and missing data on demand.
import { MODEL_SERVERS } from "../src/config/model-servers";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startModelServers, exposition } = require("../scripts/lib/fake-model-servers");
/* eslint-enable @typescript-eslint/no-require-imports */

async function get(url: string): Promise<{ status: number; text: string } | { error: string }> {
  try {
    const r = await fetch(url);
    return { status: r.status, text: await r.text() };
  } catch (err) {
    return { error: String((err as { cause?: { code?: string } }).cause?.code) };
  }
}

describe("the fake model servers", () => {
  it("serve Triton's two request gauges as one family, with the preset's own labels and the server's", () => {
    expect(exposition(MODEL_SERVERS.triton.metrics, { model: 'a"b' }, { waiting: 3, running: 2, kvCache: 0.5 }, undefined)).toBe(
      "# TYPE nv_trt_llm_request_metrics gauge\n" +
        'nv_trt_llm_request_metrics{request_type="waiting",model="a\\"b"} 3\n' +
        'nv_trt_llm_request_metrics{request_type="scheduled",model="a\\"b"} 2\n' +
        "# TYPE nv_trt_llm_kv_cache_block_metrics gauge\n" +
        'nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="fraction",model="a\\"b"} 0.5\n',
    );
  });

  it("write no KV-cache series for TGI, which has none, and each sample's own timestamp when given", () => {
    expect(exposition(MODEL_SERVERS.tgi.metrics, {}, { waiting: 1, running: 4, kvCache: 0.5 }, 1790000000123)).toBe(
      "# TYPE tgi_queue_size gauge\ntgi_queue_size 1 1790000000123\n# TYPE tgi_batch_current_size gauge\ntgi_batch_current_size 4 1790000000123\n",
    );
  });

  it("spread a region's load over its active replicas; the others, and a failed region, answer 503; stopped ones refuse", async () => {
    const fleet = await startModelServers({ metrics: MODEL_SERVERS.vllm.metrics, regions: ["us-east-1", "eu-west-1"], replicas: 2, seriesLabels: { model_name: "m" } });
    try {
      const [a0, a1, b0] = fleet.targets;
      expect(fleet.targets.map((t: { labels: unknown }) => t.labels)).toEqual([{ region: "us-east-1" }, { region: "us-east-1" }, { region: "eu-west-1" }, { region: "eu-west-1" }]);
      expect(await get(a0.url)).toEqual({ status: 200, text: expect.stringContaining('vllm:num_requests_waiting{model_name="m"} 0\n') });
      fleet.setLoad("us-east-1", { waiting: 30, running: 8, replicas: 1, kvCache: 0.9 });
      expect(await get(a0.url)).toEqual({
        status: 200,
        text:
          '# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{model_name="m"} 30\n' +
          '# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name="m"} 8\n' +
          '# TYPE vllm:kv_cache_usage_perc gauge\nvllm:kv_cache_usage_perc{model_name="m"} 0.9\n',
      });
      expect(await get(a1.url)).toEqual({ status: 503, text: "unavailable\n" });
      fleet.setLoad("us-east-1", { waiting: 2, running: 2, replicas: 2 });
      expect(await get(a1.url)).toEqual({ status: 200, text: expect.stringContaining('vllm:kv_cache_usage_perc{model_name="m"} 0.9\n') });
      await fleet.setFailure("eu-west-1", "unavailable");
      expect(await get(b0.url)).toEqual({ status: 503, text: "unavailable\n" });
      await fleet.setFailure("eu-west-1", "stopped");
      expect(await get(b0.url)).toEqual({ error: "ECONNREFUSED" });
      await fleet.setFailure("eu-west-1", undefined);
      expect(await get(b0.url)).toMatchObject({ status: 200 });
      expect(() => fleet.setLoad("us-east-1", { waiting: 1, running: 1, replicas: 3 })).toThrow("us-east-1 has 2 fake servers: replicas must be 0-2, not 3");
      expect(() => fleet.setLoad("sa-east-1", { waiting: 1, running: 1 })).toThrow("no fake model servers in sa-east-1 (started: us-east-1, eu-west-1)");
    } finally {
      await fleet.close();
    }
  });
});
