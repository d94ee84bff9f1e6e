// A stack whose steered groups read every kind of signal, for the Prometheus reader's tests: each preset with
// its queue and KV-cache signals, two models sharing a region told apart by metricsLabels, and a custom query.
import { toModel, type StackModel } from "../../src/model/model";
import type { PublishedGroup } from "../../src/autopilot/types";

const eip = [{ type: "eip", id: "eipalloc-0123456789abcdef0" }];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function group(region: string, modelServer: string, signal: unknown, extra: Record<string, unknown> = {}): any {
  // KV-cache use is a fraction: its watermarks are too.
  const [lowWatermark, highWatermark] = signal === "kvCache" ? [0.5, 0.9] : [2, 8];
  return { region, modelServer, capacity: 100, endpoints: eip, autopilot: { signal, lowWatermark, highWatermark }, ...extra };
}

/** The stack: listener `queue` reads queues, `kv` KV-cache use, `custom` its own queries. */
export function signalsModel(): StackModel {
  const config = {
    version: 1 as const,
    stacks: [
      {
        name: "signals",
        backend: { bucket: "acme-terraform-state", region: "us-west-2" },
        accelerator: { name: "signals", flowLogs: false },
        autopilot: { prometheus: { url: "http://prometheus.invalid:9090" }, interval: "15s", staleAfter: "1m" },
        listeners: [
          {
            name: "queue",
            protocol: "TCP",
            portRanges: [{ fromPort: 443 }],
            endpointGroups: [
              group("us-east-1", "vllm", "queue", { metricsLabels: { model_name: "llama" } }),
              group("eu-west-1", "sglang", "queue"),
              group("ap-northeast-1", "triton", "queue"),
              group("us-west-2", "tgi", "queue"),
            ],
          },
          {
            name: "kv",
            protocol: "TCP",
            portRanges: [{ fromPort: 8443 }],
            endpointGroups: [
              group("us-east-1", "vllm", "kvCache", { metricsLabels: { model_name: "mistral" } }),
              group("eu-west-1", "sglang", "kvCache"),
              group("ap-northeast-1", "triton", "kvCache"),
            ],
          },
          {
            name: "custom",
            protocol: "TCP",
            portRanges: [{ fromPort: 9443 }],
            endpointGroups: [
              group("us-east-1", "llama-cpp", { query: "sum by (region) (llamacpp:requests_processing)" }),
              group("eu-west-1", "llama-cpp", { query: "sum by (region) (llamacpp:requests_processing)" }),
            ],
          },
        ],
      },
    ],
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return toModel(config as any).stacks[0];
}

/** The steered groups as the stack's parameter publishes them. */
export function publishedGroups(model: StackModel): PublishedGroup[] {
  return model.listeners.flatMap((l) =>
    l.endpointGroups.flatMap((g, i) =>
      g.autopilot === undefined
        ? []
        : [
            {
              key: `${l.name}/${g.region}`,
              listener: l.name,
              region: g.region,
              arn: `arn:aws:globalaccelerator::123456789012:accelerator/abc/listener/${l.name}/endpoint-group/${i}`,
              ceiling: g.trafficDialPercentage,
              capacity: g.capacity ?? 0,
              metricsLabels: g.metricsLabels,
              settings: g.autopilot,
            },
          ],
    ),
  );
}

/** Only the groups with these keys. */
export function only(groups: readonly PublishedGroup[], ...keys: string[]): PublishedGroup[] {
  return groups.filter((g) => keys.includes(g.key));
}
