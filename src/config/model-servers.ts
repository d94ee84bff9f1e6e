// Model-server presets: the readiness check of each server an endpoint group may run, from each project's
// own docs or source. `endpointGroups[].modelServer` sets the group's health check from this table wherever
// `healthCheck` does not set a field itself; the model applies it (src/model/model.ts), once.

/** A server's readiness check: what Global Accelerator should probe on an instance or Elastic IP. */
export interface ModelServerPreset {
  readonly protocol: "HTTP";
  /** Answers 200 only when the server can take requests (see `note` where it cannot promise that). */
  readonly path: string;
  /** The port the server listens on by default. */
  readonly port: number;
  /** Shown in the JSON Schema and the docs. */
  readonly title: string;
  /** Set when a 200 proves only that the process is up, not that a model is loaded: validation warns with it. */
  readonly weakCheck?: string;
  /**
   * The load metrics the autopilot reads (Prometheus series selectors, each a gauge): requests waiting and
   * running, and KV-cache use (0-1). Absent where the server exposes none: a steered group then gives its
   * own `signal: { query }`.
   */
  readonly metrics?: { readonly waiting?: string; readonly running?: string; readonly kvCache?: string };
}

export const MODEL_SERVERS = {
  // vLLM's OpenAI server starts listening after the engine has loaded; /health is 503 once the engine dies.
  // vLLM renamed gpu_cache_usage_perc to kv_cache_usage_perc; the new name is read.
  vllm: {
    protocol: "HTTP",
    path: "/health",
    port: 8000,
    title: "vLLM (OpenAI-compatible server)",
    metrics: { waiting: "vllm:num_requests_waiting", running: "vllm:num_requests_running", kvCache: "vllm:kv_cache_usage_perc" },
  },
  // TGI's /health checks the model backend; its container image sets PORT=80 (the bare launcher defaults to 3000).
  // TGI exposes no KV-cache use.
  tgi: {
    protocol: "HTTP",
    path: "/health",
    port: 80,
    title: "Hugging Face Text Generation Inference (container)",
    metrics: { waiting: "tgi_queue_size", running: "tgi_batch_current_size" },
  },
  // Triton: ready = every model ready; /v2/health/live only says the process runs.
  // The TensorRT-LLM backend's request and KV-cache gauges.
  triton: {
    protocol: "HTTP",
    path: "/v2/health/ready",
    port: 8000,
    title: "NVIDIA Triton Inference Server (HTTP)",
    metrics: {
      waiting: 'nv_trt_llm_request_metrics{request_type="waiting"}',
      running: 'nv_trt_llm_request_metrics{request_type="scheduled"}',
      kvCache: 'nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="fraction"}',
    },
  },
  // SGLang: /health_generate generates one token when idle (and is skipped while requests run); old /health was liveness only.
  // SGLang exposes metrics only when started with --enable-metrics.
  sglang: {
    protocol: "HTTP",
    path: "/health_generate",
    port: 30000,
    title: "SGLang",
    metrics: { waiting: "sglang:num_queue_reqs", running: "sglang:num_running_reqs", kvCache: "sglang:token_usage" },
  },
  // llama.cpp's server answers 503 "Loading model" until the model is loaded.
  "llama-cpp": { protocol: "HTTP", path: "/health", port: 8080, title: "llama.cpp server" },
  ollama: {
    protocol: "HTTP",
    path: "/",
    port: 11434,
    title: "Ollama",
    weakCheck: 'GET / answers "Ollama is running" before any model is loaded (Ollama loads models on first use)',
  },
  // Ray Serve's proxy health check; it does not look at the deployments behind it.
  "ray-serve": { protocol: "HTTP", path: "/-/healthz", port: 8000, title: "Ray Serve (HTTP proxy)" },
  trtllm: { protocol: "HTTP", path: "/health", port: 8000, title: "TensorRT-LLM trtllm-serve" },
  // Open Inference Protocol v2: ready = every model ready; 8080 is the KServe Python model server's default.
  kserve: { protocol: "HTTP", path: "/v2/health/ready", port: 8080, title: "KServe / Open Inference Protocol v2" },
} as const satisfies Record<string, ModelServerPreset>;

export type ModelServer = keyof typeof MODEL_SERVERS;
export const MODEL_SERVER_NAMES = Object.keys(MODEL_SERVERS) as ModelServer[];

/** "vllm: HTTP /health on 8000" for each preset, for the JSON Schema's description. */
export function describeModelServers(): string {
  return MODEL_SERVER_NAMES.map((name) => {
    const p: ModelServerPreset = MODEL_SERVERS[name];
    return `${name}: ${p.title}, ${p.protocol} ${p.path} on port ${p.port}${p.weakCheck !== undefined ? " (process only)" : ""}`;
  }).join("; ");
}

/**
 * The preset that sets a group's health check, or undefined: a group names none, or has only load
 * balancers, which Global Accelerator checks with their own target-group health checks instead.
 */
export function presetFor(group: {
  readonly modelServer?: ModelServer;
  readonly endpoints: readonly { readonly type: string }[];
}): ModelServerPreset | undefined {
  if (group.modelServer === undefined || !checkedByGlobalAccelerator(group.endpoints)) return undefined;
  return MODEL_SERVERS[group.modelServer];
}

/** Whether Global Accelerator runs the group's own health check: only for EC2 instances and Elastic IPs. */
export function checkedByGlobalAccelerator(endpoints: readonly { readonly type: string }[]): boolean {
  return endpoints.some((ep) => ep.type === "instance" || ep.type === "eip");
}
