// fast-check generators of configs that are valid by construction, over the schema's whole space: every
// endpoint type (alb, nlb, instance, eip; load balancers by ARN and by name), dual-stack, BYOIP, port
// overrides, health checks and model-server presets, flow logs (with a prefix, without, empty), several
// listeners of both protocols, several regions and stacks, tags, a custom domain, Shield, capacity and
// demand, and groups steered by the autopilot (its published parameter in moto's SSM). Names, ports and regions come from small pools, so that a second config for the same stacks
// (`changeOf`) keeps some listeners and groups, drops some and adds others, and now and then swaps ports:
// the changes where ordering problems live. The apply property test (apply.fuzz.terraform.test.ts) applies
// them; config.fuzz.test.ts covers configs that are not valid.
import fc from "fast-check";
import { MODEL_SERVER_NAMES, MODEL_SERVERS, type ModelServer } from "../../src/config/model-servers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
type Gen = fc.GeneratorValue;

export const ACCOUNT = "123456789012";
/** Port ranges a listener may take: adjacent, overlapping-free among themselves, and small so swaps happen. */
const PORT_RANGES: readonly (readonly [number, number])[] = [[80, 80], [443, 443], [8443, 8443], [53, 53], [9000, 9010], [5000, 5002], [3478, 3478]];
/** Endpoint ports for overrides: outside every range above. */
const ENDPOINT_PORTS = [1080, 1443, 18443, 15000, 19000];
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"];
const LISTENER_NAMES = ["inference", "streaming", "api", "quic"];
const GEOGRAPHIES = ["north-america", "europe", "asia"];

/** What a stack keeps across a change: a new accelerator name, state key or BYOIP address would replace it. */
export interface StackIdentity {
  readonly name: string;
  readonly acceleratorName: string;
  readonly ipAddresses?: readonly string[];
  readonly protectFromDestroy?: boolean;
  readonly allowedAccountIds?: readonly string[];
}

const HEX_DIGIT = fc.constantFrom(..."0123456789abcdef");
const hex = (g: Gen, n: number): string => g(fc.string, { unit: HEX_DIGIT, minLength: n, maxLength: n });
const pick = <T>(g: Gen, values: readonly T[]): T => g(fc.constantFrom, ...values);
const maybe = <T>(g: Gen, value: () => T): T | undefined => (g(fc.boolean) ? value() : undefined);
/** Up to `max` distinct values of a list, at least `min`, in a random order. */
const some = <T>(g: Gen, values: readonly T[], min: number, max: number): T[] =>
  g(fc.shuffledSubarray, [...values], { minLength: Math.min(min, values.length), maxLength: Math.min(max, values.length) });

function endpoint(g: Gen, kind: string, region: string, index: number, protocol: string): Loose {
  const weight = maybe(g, () => g(fc.integer, { min: 0, max: 255 }));
  const base = { ...(weight !== undefined && { weight }) };
  if (kind === "eip") return { type: "eip", id: `eipalloc-${hex(g, 17)}`, ...base, ...(g(fc.boolean) && { clientIpPreservation: false }) };
  if (kind === "instance") return { type: "instance", id: `i-${hex(g, pick(g, [8, 17]))}`, ...base, ...(g(fc.boolean) && { clientIpPreservation: true }) };
  const type = protocol === "UDP" ? "nlb" : kind;
  // The name carries the type and the region, so a lookup finds one load balancer of that type wherever it is seeded.
  const name = `${type}-${region.replace(/-/g, "")}-${index}`;
  const preserve = maybe(g, () => g(fc.boolean));
  const lb = g(fc.boolean)
    ? { lookup: { name } }
    : { id: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/${type === "alb" ? "app" : "net"}/${name}/${hex(g, 16)}` };
  return { type, ...lb, ...base, ...(preserve !== undefined && { clientIpPreservation: preserve }) };
}

function healthCheck(g: Gen, ports: readonly number[]): Loose {
  const protocol = pick(g, [undefined, "TCP", "HTTP", "HTTPS"]);
  const http = protocol === "HTTP" || protocol === "HTTPS";
  return {
    ...(protocol !== undefined && { protocol }),
    ...(g(fc.boolean) && { port: pick(g, [...ports, 8000, 8080]) }),
    ...(http && g(fc.boolean) && { path: pick(g, ["/health", "/v2/health/ready", "/ping?deep=1"]) }),
    ...(g(fc.boolean) && { intervalSeconds: pick(g, [10, 30]) }),
    ...(g(fc.boolean) && { thresholdCount: g(fc.integer, { min: 1, max: 10 }) }),
  };
}

/** A steered group's autopilot block: a preset's signal where its modelServer has one, else a query of its own. */
function autopilotOf(g: Gen, modelServer: ModelServer | undefined): Loose {
  const metrics: { waiting?: string; kvCache?: string } | undefined = modelServer === undefined ? undefined : (MODEL_SERVERS[modelServer] as { metrics?: { waiting?: string; kvCache?: string } }).metrics;
  const signals: Loose[] = [{ query: 'avg by (region) (load{job="fuzz"})' }, ...(metrics?.waiting !== undefined ? ["queue"] : []), ...(metrics?.kvCache !== undefined ? ["kvCache"] : [])];
  const signal = pick(g, signals);
  const [lowWatermark, highWatermark] = signal === "kvCache" ? [0.6, 0.9] : [4, 16];
  const minDial = maybe(g, () => pick(g, [0, 10, 25]));
  const maxStep = maybe(g, () => pick(g, [5, 20, 100]));
  return {
    signal,
    lowWatermark,
    highWatermark,
    ...(minDial !== undefined && { minDialPercent: minDial }),
    ...(maxStep !== undefined && { maxStepPercent: maxStep }),
    ...(g(fc.boolean) && { holdFor: pick(g, ["30s", "2m"]), settleFor: pick(g, ["15s", "1m"]) }),
  };
}

/** The listeners of a stack; `endpointPortOf` maps a listener port to its one endpoint port across the stack. */
function listeners(g: Gen, dualStack: boolean): Loose[] {
  const taken: Record<string, number[]> = { TCP: [], UDP: [] };
  const endpointPortOf = new Map<number, number>();
  const freeEndpointPorts = [...ENDPOINT_PORTS];
  const names = some(g, LISTENER_NAMES, 1, 3);
  return names.map((name) => {
    const protocol = pick(g, ["TCP", "UDP"]);
    const free = PORT_RANGES.map((_, i) => i).filter((i) => !taken[protocol].includes(i));
    const ranges = some(g, free, 1, 2);
    taken[protocol].push(...ranges);
    const portRanges = ranges.map((i) => (PORT_RANGES[i][0] === PORT_RANGES[i][1] ? { fromPort: PORT_RANGES[i][0] } : { fromPort: PORT_RANGES[i][0], toPort: PORT_RANGES[i][1] }));
    const ports = portRanges.map((r) => r.fromPort);
    const capacity = g(fc.boolean);
    const endpointGroups = some(g, REGIONS, 1, 2).map((region) => {
      const kinds = some(g, dualStack ? ["instance", "alb", "nlb"] : ["eip", "instance", "alb", "nlb"], 1, 3);
      const endpoints = kinds.map((kind, i) => endpoint(g, kind, region, i, protocol));
      const overridden = some(g, ports, 0, 2).flatMap((listenerPort) => {
        if (!endpointPortOf.has(listenerPort) && freeEndpointPorts.length > 0) endpointPortOf.set(listenerPort, freeEndpointPorts.shift()!);
        const endpointPort = endpointPortOf.get(listenerPort);
        return endpointPort === undefined ? [] : [{ listenerPort, endpointPort }];
      });
      const hc = maybe(g, () => healthCheck(g, ports));
      const modelServer = maybe(g, () => pick(g, MODEL_SERVER_NAMES));
      // Steered only with a capacity (headroom is load against it); the stack then gets its autopilot block.
      const autopilot = capacity && g(fc.integer, { min: 0, max: 2 }) === 0 ? autopilotOf(g, modelServer) : undefined;
      return {
        region,
        ...(g(fc.boolean) && { trafficDialPercentage: pick(g, [0, 12.5, 50, 100]) }),
        ...(hc !== undefined && { healthCheck: hc }),
        ...(modelServer !== undefined && { modelServer }),
        ...(overridden.length > 0 && { portOverrides: overridden }),
        ...(capacity && { capacity: g(fc.integer, { min: 100, max: 2000 }) }),
        ...(autopilot !== undefined && g(fc.boolean) && { metricsLabels: { model: pick(g, ["llama-3-70b", "mixtral"]) } }),
        ...(autopilot !== undefined && { autopilot }),
        endpoints,
      };
    });
    const affinity = pick(g, [undefined, "NONE", "SOURCE_IP"]);
    return { name, protocol, portRanges, ...(affinity !== undefined && { clientAffinity: affinity }), endpointGroups };
  });
}

/** A stack's routing: everything a change may alter (the identity stays). */
function stackBody(g: Gen, identity: StackIdentity, s: number, zone: string): Loose {
  const dualStack = g(fc.integer, { min: 0, max: 3 }) === 0;
  const flowLogs = pick(g, ["off", "omitted", "no-prefix", "empty-prefix", "prefix"]);
  const ls = listeners(g, dualStack);
  const hasCapacity = ls.some((l: Loose) => l.endpointGroups.some((grp: Loose) => grp.capacity !== undefined));
  const steers = ls.some((l: Loose) => l.endpointGroups.some((grp: Loose) => grp.autopilot !== undefined));
  return {
    name: identity.name,
    ...(identity.allowedAccountIds !== undefined && { allowedAccountIds: [...identity.allowedAccountIds] }),
    allowDestroy: ["listeners", "endpointGroups"],
    ...(g(fc.boolean) && { tags: { team: "ml-platform", "cost-center": pick(g, ["inference", "research"]) } }),
    accelerator: {
      name: identity.acceleratorName,
      ...(dualStack && { ipAddressType: "DUAL_STACK" }),
      ...(identity.ipAddresses !== undefined && { ipAddresses: [...identity.ipAddresses] }),
      ...(identity.protectFromDestroy !== undefined && { protectFromDestroy: identity.protectFromDestroy }),
      ...(flowLogs === "off" && { flowLogs: false }),
      ...(flowLogs === "no-prefix" && { flowLogs: { bucket: "fuzz-flow-logs" } }),
      ...(flowLogs === "empty-prefix" && { flowLogs: { bucket: "fuzz-flow-logs", prefix: "" } }),
      ...(flowLogs === "prefix" && { flowLogs: { bucket: "fuzz-flow-logs", prefix: `ga/${identity.name}` } }),
      ...(g(fc.integer, { min: 0, max: 4 }) === 0 && { shield: true }),
    },
    ...(g(fc.integer, { min: 0, max: 3 }) === 0 && { dns: { zone, names: [`${pick(g, ["api", "llm"])}-s${s}.${zone}`] } }),
    ...(steers && { autopilot: { prometheus: { url: "http://127.0.0.1:9090" }, ...(g(fc.boolean) && { interval: "15s", mode: pick(g, ["enforce", "monitor"]) }) } }),
    ...(hasCapacity && { demand: Object.fromEntries(some(g, GEOGRAPHIES, 1, 3).map((geo) => [geo, g(fc.integer, { min: 0, max: 1500 })])) }),
    listeners: ls,
  };
}

/** 1-3 stacks' identities: names, accelerator names, BYOIP (each address its own /24, none in two stacks). */
function identities(g: Gen): StackIdentity[] {
  const count = g(fc.integer, { min: 1, max: 3 });
  return Array.from({ length: count }, (_, s) => {
    const byoip = g(fc.integer, { min: 0, max: 2 });
    return {
      name: `${pick(g, ["prod", "stage", "edge"])}-${s}`,
      acceleratorName: `fuzz-${s}-${hex(g, 4)}`,
      ...(byoip > 0 && { ipAddresses: [`198.51.${100 + s}.${g(fc.integer, { min: 1, max: 254 })}`, `203.0.${113 + s}.${g(fc.integer, { min: 1, max: 254 })}`].slice(0, byoip) }),
      ...(g(fc.boolean) && { protectFromDestroy: g(fc.boolean) }),
      ...(g(fc.boolean) && { allowedAccountIds: [ACCOUNT] }),
    };
  });
}

/** The features of the schema a config uses, to check that the generator reaches all of them. */
export function featuresOf(config: Loose): Set<string> {
  const seen = new Set<string>();
  const add = (feature: string, present: unknown) => present && seen.add(feature);
  add("several stacks", config.stacks.length > 1);
  for (const stack of config.stacks) {
    const a = stack.accelerator;
    add("dual-stack", a.ipAddressType === "DUAL_STACK");
    add("one BYOIP address", a.ipAddresses?.length === 1);
    add("two BYOIP addresses", a.ipAddresses?.length === 2);
    add("flow logs with a prefix", a.flowLogs?.prefix);
    add("flow logs without a prefix", a.flowLogs && a.flowLogs.prefix === undefined);
    add("flow logs with an empty prefix", a.flowLogs?.prefix === "");
    add("shield", a.shield);
    add("dns", stack.dns);
    add("tags", stack.tags);
    add("demand and capacity", stack.demand);
    add("several listeners", stack.listeners.length > 1);
    add("several regions", new Set(stack.listeners.flatMap((l: Loose) => l.endpointGroups.map((grp: Loose) => grp.region))).size > 1);
    for (const l of stack.listeners) {
      add(`a ${l.protocol} listener`, true);
      add("a port range", l.portRanges.some((r: Loose) => r.toPort !== undefined));
      for (const grp of l.endpointGroups) {
        add("port overrides", grp.portOverrides);
        add("a health check", grp.healthCheck);
        add("an HTTP health check with a path", grp.healthCheck?.path);
        add("a model-server preset", grp.modelServer);
        add("a traffic dial", grp.trafficDialPercentage !== undefined);
        add("a steered group", grp.autopilot);
        add("a steered group with a query of its own", grp.autopilot?.signal?.query);
        add("metrics labels", grp.metricsLabels);
        for (const e of grp.endpoints) {
          add(`an ${e.type} endpoint`, true);
          add("a load balancer by name", e.lookup);
          add("a load balancer by ARN", e.type !== "eip" && e.type !== "instance" && e.id);
        }
      }
    }
  }
  return seen;
}

/** Every feature featuresOf names: the generator must reach each of them. */
export const FEATURES = [
  "several stacks", "dual-stack", "one BYOIP address", "two BYOIP addresses", "flow logs with a prefix", "flow logs without a prefix",
  "flow logs with an empty prefix", "shield", "dns", "tags", "demand and capacity", "several listeners", "several regions", "a TCP listener",
  "a UDP listener", "a port range", "port overrides", "a health check", "an HTTP health check with a path", "a model-server preset", "a traffic dial", "a steered group", "a steered group with a query of its own", "metrics labels",
  "an eip endpoint", "an instance endpoint", "an alb endpoint", "an nlb endpoint", "a load balancer by name", "a load balancer by ARN",
];

/** A config's stacks as the generator made them, with ZONE where the run's hosted zone goes, and no backend yet. */
export interface GeneratedConfig {
  readonly first: readonly Loose[];
  /** The same stacks (same identities) changed: a second config, applied on top of the first. */
  readonly second: readonly Loose[];
}

/** Valid configs, each with a change to another valid config of the same stacks. */
export function validConfigs(): fc.Arbitrary<GeneratedConfig> {
  return fc.gen().map((g) => {
    const ids = identities(g);
    const bodies = () => ids.map((id, s) => stackBody(g, id, s, "ZONE"));
    return { first: bodies(), second: bodies() };
  });
}

/** The config for a run: its own state bucket and hosted zone, so runs never meet in moto. */
export function configFor(stacks: readonly Loose[], bucket: string, zone: string): Loose {
  return {
    version: 1,
    stacks: JSON.parse(JSON.stringify(stacks).replace(/ZONE/g, zone)).map((stack: Loose) => ({ ...stack, backend: { bucket, region: "us-west-2" } })),
  };
}
