// fast-check arbitraries for config files: configs generated from the committed JSON Schema, and the
// examples in examples/ with mutations (wrong types, out-of-range numbers, deleted, renamed, added and
// duplicated keys, odd strings, YAML anchors and aliases, alias bombs), each dumped as YAML or JSON text.
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Alias, Document, isMap, isNode, isScalar, Pair, parseDocument, Scalar, visit, type Node as YamlNode, type YAMLMap } from "yaml";
import { ACCELERATOR_NAME, GA_REGIONS, LISTENER_NAME, LOAD_BALANCER_NAME, STACK_NAME } from "../../src/config/limits";
import { DURATION_PATTERN, durationSeconds } from "../../src/config/duration";
import { parseConfigText } from "../../src/config/load";
import { MODEL_SERVERS } from "../../src/config/model-servers";
import { ROOT } from "./run";

/** A config file's text and how it is read. */
export interface ConfigText {
  readonly text: string;
  readonly format: "yaml" | "json";
  /** What made it, for reading a failure. */
  readonly how: string;
}

// ---------------------------------------------------------------------------------------------------
// From the JSON Schema

/** The keywords of schema/smart-routing.schema.json (draft 2020-12) this generator understands. */
interface JsonSchema {
  readonly type?: "object" | "array" | "string" | "number" | "integer" | "boolean";
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly not?: { readonly enum?: readonly unknown[]; readonly pattern?: string };
}

const KNOWN_KEYWORDS = new Set([
  "$schema", "title", "description", "default", "type", "properties", "required", "additionalProperties", "propertyNames",
  "items", "minItems", "maxItems", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
  "enum", "const", "anyOf", "oneOf", "not",
]);

/** Lists stay short (a few items over their minimum), so that most generated configs are small enough to synthesize fast. */
const EXTRA_ITEMS = 1;

/**
 * Values that the JSON Schema accepts, built from its keywords. Cross-field rules (overlapping ports, a
 * load balancer's region) are not in the schema, so some of these configs are invalid: they must then
 * get error lines. A keyword this does not know fails the test, so a new kind of field is not skipped.
 */
export function fromJsonSchema(schema: JsonSchema, at = "#"): fc.Arbitrary<unknown> {
  const unknown = Object.keys(schema).filter((k) => !KNOWN_KEYWORDS.has(k));
  if (unknown.length > 0) throw new Error(`${at}: the fuzz generator does not know the JSON Schema keyword(s) ${unknown.join(", ")}`);
  const arbitrary = baseArbitrary(schema, at);
  const excluded = schema.not?.enum ?? [];
  const pattern = schema.not?.pattern === undefined ? undefined : new RegExp(schema.not.pattern, "u");
  if (excluded.length === 0 && pattern === undefined) return arbitrary;
  return arbitrary.filter((v) => !excluded.includes(v) && !(typeof v === "string" && pattern?.test(v)));
}

function baseArbitrary(schema: JsonSchema, at: string): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return fc.oneof(...alternatives.map((s, i) => fromJsonSchema(s, `${at}/anyOf/${i}`)));
  switch (schema.type) {
    case "object": {
      if (typeof schema.additionalProperties === "object") {
        const key = fromJsonSchema(schema.propertyNames ?? { type: "string" }, `${at}/propertyNames`) as fc.Arbitrary<string>;
        return fc.dictionary(key, fromJsonSchema(schema.additionalProperties, `${at}/additionalProperties`), { maxKeys: 3, noNullPrototype: true });
      }
      const properties = Object.entries(schema.properties ?? {}).map(([k, s]) => [k, fromJsonSchema(s, `${at}/properties/${k}`)] as const);
      return fc.record(Object.fromEntries(properties), { requiredKeys: [...(schema.required ?? [])] });
    }
    case "array": {
      const min = schema.minItems ?? 0;
      return fc.array(fromJsonSchema(schema.items ?? {}, `${at}/items`), { minLength: min, maxLength: Math.min(schema.maxItems ?? Infinity, min + EXTRA_ITEMS) });
    }
    case "string":
      if (schema.pattern !== undefined) return stringMatching(schema.pattern);
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 24), unit: "grapheme" });
    case "integer":
      return fc.integer({
        min: schema.minimum ?? (schema.exclusiveMinimum !== undefined ? Math.floor(schema.exclusiveMinimum) + 1 : -1e6),
        max: schema.maximum ?? (schema.exclusiveMaximum !== undefined ? Math.ceil(schema.exclusiveMaximum) - 1 : 1e6),
      });
    case "number":
      return fc.double({
        min: schema.minimum ?? schema.exclusiveMinimum ?? -1e6,
        max: schema.maximum ?? schema.exclusiveMaximum ?? 1e6,
        minExcluded: schema.minimum === undefined && schema.exclusiveMinimum !== undefined,
        maxExcluded: schema.maximum === undefined && schema.exclusiveMaximum !== undefined,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    default:
      // Zod writes {} where anything goes (the schema of a value it cannot express).
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Strings that match a pattern. fast-check cannot generate from lookaheads (a length limit such as
 * `^(?=.{1,253}$)...` for DNS names): those are left out of the generator and kept by a filter instead.
 */
function stringMatching(pattern: string): fc.Arbitrary<string> {
  const whole = new RegExp(pattern);
  const withoutLookaheads = pattern.replace(/\(\?[=!](?:[^()\\]|\\.|\([^()]*\))*\)/g, "");
  if (withoutLookaheads === pattern) return fc.stringMatching(whole);
  return fc.stringMatching(new RegExp(withoutLookaheads)).filter((v) => whole.test(v));
}

/** The committed JSON Schema, read as a user's editor reads it. */
export function committedJsonSchema(): JsonSchema {
  return JSON.parse(readFileSync(join(ROOT, "schema", "smart-routing.schema.json"), "utf8")) as JsonSchema;
}

/**
 * Configs generated from the committed JSON Schema, as YAML or JSON text. Most are then made to keep the
 * cross-field rules the schema cannot state (see keepCrossFieldRules), so that they reach synth with the
 * names, tags and IDs the schema generated; the rest go in as generated.
 */
export function configsFromSchema(): fc.Arbitrary<ConfigText> {
  return fc
    .tuple(fromJsonSchema(committedJsonSchema()), fc.boolean(), fc.nat({ max: 3 }))
    .map(([data, asJson, raw]) =>
      raw === 0 ? dump(data, asJson, "generated from the JSON Schema") : dump(keepCrossFieldRules(data), asJson, "generated from the JSON Schema, cross-field rules kept"),
    );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/**
 * Changes a config that the JSON Schema accepts as little as it takes to keep the rules of
 * src/validation/rules.ts, none of which the JSON Schema can state: names, IDs and tags stay as generated
 * (duplicates get an index), and what cannot be kept (a second group in one region, an override that
 * collides) is dropped.
 */
export function keepCrossFieldRules(generated: unknown): unknown {
  const config: Loose = structuredClone(generated);
  const stackNames = new Set<string>();
  const dnsNames = new Set<string>();
  config.stacks.forEach((stack: Loose, s: number) => {
    if (stackNames.has(stack.name)) stack.name = `s${s}-${stack.name}`.slice(0, 63).replace(/-$/, "x");
    stackNames.add(stack.name);
    stack.backend.key = `${stack.name}.tfstate`;
    if (stack.backend.lockfile === false && stack.backend.dynamodbTable === undefined) delete stack.backend.lockfile;
    // BYOIP: each address its own /24 (one from each of two ranges), and no address in two stacks.
    if (stack.accelerator.ipAddresses !== undefined) stack.accelerator.ipAddresses = stack.accelerator.ipAddresses.map((_: string, i: number) => `198.${51 + i}.${s % 256}.7`);
    const dualStack = stack.accelerator.ipAddressType === "DUAL_STACK";
    if (stack.dns !== undefined) {
      // One of zone and zoneId; every name inside the zone (a label of it, or the zone itself) and named once in the config.
      if (stack.dns.zone !== undefined) delete stack.dns.zoneId;
      else if (stack.dns.zoneId === undefined) stack.dns.zone = "example.com";
      const zone: string | undefined = stack.dns.zone;
      stack.dns.names = stack.dns.names
        .map((name: string, i: number) => (zone === undefined ? name : name.toLowerCase() === zone.toLowerCase() || name.toLowerCase().endsWith(`.${zone.toLowerCase()}`) ? name : `n${i}.${zone}`.slice(-253).replace(/^[.-]+/, "")))
        .filter((name: string) => !dnsNames.has(name.toLowerCase()) && dnsNames.add(name.toLowerCase()));
      if (stack.dns.names.length === 0) delete stack.dns;
    }
    const listenerNames = new Set<string>();
    const taken: { protocol: string; from: number; to: number }[] = [];
    stack.listeners.forEach((listener: Loose, l: number) => {
      if (listenerNames.has(listener.name)) listener.name = `l${l}-${listener.name}`.slice(0, 32).replace(/-$/, "x");
      listenerNames.add(listener.name);
      delete listener.renamedFrom;
      // Ranges in order and apart from every range of the same protocol; a listener left without one gets a port of its own.
      listener.portRanges = listener.portRanges
        .map((r: Loose) => ({ fromPort: Math.min(r.fromPort, r.toPort ?? r.fromPort), toPort: Math.max(r.fromPort, r.toPort ?? r.fromPort) }))
        .filter((r: Loose) => {
          const clash = taken.some((t) => t.protocol === listener.protocol && t.from <= r.toPort && r.fromPort <= t.to);
          if (!clash) taken.push({ protocol: listener.protocol, from: r.fromPort, to: r.toPort });
          return !clash;
        });
      if (listener.portRanges.length === 0) {
        listener.portRanges = [{ fromPort: 60000 + l }];
        taken.push({ protocol: listener.protocol, from: 60000 + l, to: 60000 + l });
      }
    });
    const inAnyRange = (port: number) => taken.some((t) => port >= t.from && port <= t.to);
    const endpointPorts = new Set<number>();
    stack.listeners.forEach((listener: Loose) => {
      const regions = new Set<string>();
      listener.endpointGroups = listener.endpointGroups.filter((g: Loose) => !regions.has(g.region) && regions.add(g.region));
      // A capacity on every group of the listener, or on none.
      if (listener.endpointGroups.some((g: Loose) => g.capacity === undefined)) for (const g of listener.endpointGroups) delete g.capacity;
      for (const group of listener.endpointGroups) {
        if (group.healthCheck?.path !== undefined && (group.healthCheck.protocol ?? "TCP") === "TCP") delete group.healthCheck.path;
        const listenerPorts = new Set<number>();
        group.portOverrides = (group.portOverrides ?? []).filter((o: Loose) => {
          const keep =
            listener.portRanges.some((r: Loose) => o.listenerPort >= r.fromPort && o.listenerPort <= r.toPort) &&
            !inAnyRange(o.endpointPort) && !listenerPorts.has(o.listenerPort) && !endpointPorts.has(o.endpointPort);
          if (keep) {
            listenerPorts.add(o.listenerPort);
            endpointPorts.add(o.endpointPort);
          }
          return keep;
        });
        const identities = new Set<string>();
        group.endpoints = group.endpoints
          .filter((ep: Loose) => !(dualStack && ep.type === "eip") && !(listener.protocol === "UDP" && ep.type === "alb"))
          .map((ep: Loose, e: number) => {
            if (ep.type === "eip" && ep.clientIpPreservation === true) delete ep.clientIpPreservation;
            if (ep.type === "instance" && ep.clientIpPreservation === false) delete ep.clientIpPreservation;
            if (ep.type === "alb" || ep.type === "nlb") {
              if (ep.id !== undefined && ep.lookup !== undefined) delete ep.id;
              if (ep.id === undefined && ep.lookup === undefined) ep.lookup = { name: `lb${e}` };
              if (ep.id !== undefined) ep.id = ep.id.replace(/:elasticloadbalancing:[^:]*:/, `:elasticloadbalancing:${group.region}:`);
            }
            return ep;
          })
          .filter((ep: Loose) => {
            const identity = ep.lookup?.name ?? /loadbalancer\/(?:app|net)\/([^/]+)\//.exec(ep.id)?.[1] ?? ep.id;
            return !identities.has(identity) && identities.add(identity);
          });
        if (group.endpoints.length === 0) group.endpoints = [{ type: "instance", id: "i-0123abcd" }];
      }
    });
    keepAutopilotRules(stack);
  });
  return config;
}

/** The autopilot's rules: a steered group has the stack's block, a capacity, a signal and a deadband; every duration at least the interval. */
function keepAutopilotRules(stack: Loose): void {
  const seconds = (d: string | undefined, fallback: number) => (d !== undefined && DURATION_PATTERN.test(d) ? durationSeconds(d) : fallback);
  const a = stack.autopilot;
  const interval = a === undefined ? 15 : seconds(a.interval, 15);
  if (a !== undefined && seconds(a.staleAfter, 60) < interval) a.staleAfter = `${interval}s`;
  for (const listener of stack.listeners) {
    for (const group of listener.endpointGroups) {
      const steered = group.autopilot;
      if (steered === undefined) continue;
      if (a === undefined) {
        delete group.autopilot;
        continue;
      }
      const metric = steered.signal === "queue" ? "waiting" : steered.signal === "kvCache" ? "kvCache" : undefined;
      if (metric !== undefined && (MODEL_SERVERS as Loose)[group.modelServer]?.metrics?.[metric] === undefined) group.modelServer = "vllm";
      const [low, high] = [steered.lowWatermark, steered.highWatermark].sort((x: number, y: number) => x - y);
      Object.assign(steered, steered.signal === "kvCache" && high > 1 ? { lowWatermark: low / (high + 1), highWatermark: high / (high + 1) } : { lowWatermark: low, highWatermark: low === high ? high + 1 : high });
      if (steered.signal === "kvCache" && steered.highWatermark > 1) steered.highWatermark = 1;
      if (seconds(steered.holdFor, 120) < interval) steered.holdFor = `${interval}s`;
      if (seconds(steered.settleFor, 60) < interval) steered.settleFor = `${interval}s`;
    }
    if (listener.endpointGroups.some((g: Loose) => g.autopilot !== undefined) && listener.endpointGroups.every((g: Loose) => g.capacity === undefined)) {
      for (const g of listener.endpointGroups) g.capacity = 100;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Mutations of the examples

/** Strings that have broken parsers, templates and JavaScript objects before. */
export const ODD_STRINGS: readonly string[] = [
  "constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "prototype", "__defineGetter__", "isPrototypeOf",
  "", " ", "\n", "\t", "\r\n", "null", "~", "true", "yes", "no", "off", "0", "-1", "1e400", ".nan", ".inf", "0x1F", "0o17", "1_000",
  "*x", "&x", "!!binary AAAA", "!foo", "- x", "a: b", "? x", "# comment", "'", '"', "\\", "`", "${var.x}", "%{ if true }x%{ endif }",
  "${jsonencode(1)}", "\u0000", "\u0007", "\u200b", "\ufeff", "é", "e\u0301", "日本語", "🚀", "👩‍👩‍👧", "\u202egnp.exe", "\ud800", "\udfff",
  "x".repeat(10_000), "a".repeat(63), "a".repeat(64), "inference", "us-east-1", "Default", "default", "-", "a-", "-a", "a--b", "..", "/", "//",
];

/** Names the examples use, with the fields that hold them: where a name becomes an id or an address. */
const NAME_PATHS: readonly string[] = [
  "stacks.*.name", "stacks.*.listeners.*.name", "stacks.*.listeners.*.renamedFrom", "stacks.*.accelerator.name",
  "stacks.*.listeners.*.endpointGroups.*.endpoints.*.lookup.name", "stacks.*.listeners.*.endpointGroups.*.region", "stacks.*.backend.key",
  "stacks.*.tags.*",
];

/** A name that the schema allows where it is used, or an odd string. */
const nameValue = fc.oneof(
  fc.constantFrom(...ODD_STRINGS),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/),
  fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/),
  fc.string({ maxLength: 40, unit: "grapheme" }),
  fc.string({ maxLength: 40, unit: "binary" }),
);

/** Numbers around every limit in the config (ports, weights, dials, thresholds, intervals), and worse. */
const oddNumber = fc.oneof(
  fc.constantFrom(-1, 0, 1, 9, 10, 11, 29, 30, 31, 99.5, 100, 100.5, 127.5, 255, 256, 443, 65535, 65536, -0, 1e21, 2 ** 53 + 2, NaN, Infinity, -Infinity),
  fc.integer({ min: -70_000, max: 70_000 }),
  fc.double({ noNaN: false }),
);

/** A value of any type, mostly the wrong one for where it lands. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  nameValue,
  oddNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom([], {}, [[]], [{}], { type: "eip" }, ["x"], [1, 2]),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A string the pattern allows: often one of the odd strings it lets through ("constructor", "toString", "null"). */
function allowedBy(pattern: RegExp): fc.Arbitrary<string> {
  const odd = ODD_STRINGS.filter((s) => pattern.test(s));
  return fc.oneof({ weight: 2, arbitrary: fc.stringMatching(pattern) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });
}

/** For each field that holds a name, a value its pattern allows (the path's last key or list names the field). */
const validNames = fc.record({
  "stacks.*.name": allowedBy(STACK_NAME),
  "stacks.*.listeners.*.name": allowedBy(LISTENER_NAME),
  "stacks.*.listeners.*.renamedFrom": allowedBy(LISTENER_NAME),
  "stacks.*.accelerator.name": allowedBy(ACCELERATOR_NAME),
  "stacks.*.listeners.*.endpointGroups.*.endpoints.*.lookup.name": allowedBy(LOAD_BALANCER_NAME),
  "stacks.*.listeners.*.endpointGroups.*.region": fc.constantFrom(...GA_REGIONS),
  "stacks.*.backend.key": fc.stringMatching(/^[\w.-]{1,20}(?:\/[\w.-]{1,20}){0,3}$/),
  "stacks.*.tags": fc.dictionary(fc.oneof(fc.string({ minLength: 1, maxLength: 128, unit: "grapheme" }), fc.constantFrom("constructor", "__proto__", "toString", "aws:x", "cost center", "é")), fc.string({ maxLength: 256, unit: "grapheme" }), { maxKeys: 4, noNullPrototype: true }),
});

type Mutation =
  | { readonly kind: "valid-name"; readonly pick: number; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: "set"; readonly pick: number; readonly value: unknown }
  | { readonly kind: "name"; readonly pick: number; readonly value: string }
  | { readonly kind: "delete"; readonly pick: number }
  | { readonly kind: "duplicate-item"; readonly pick: number }
  | { readonly kind: "rename-key"; readonly pick: number; readonly key: string }
  | { readonly kind: "add-key"; readonly pick: number; readonly key: string; readonly value: unknown };

const key = fc.oneof(fc.constantFrom(...ODD_STRINGS), fc.constantFrom("protocl", "portRange", "endpoint", "Name", "weights", "lookup", "id", "type"), fc.string({ maxLength: 12 }));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant("name" as const), pick: fc.nat(), value: nameValue }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate-item" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("rename-key" as const), pick: fc.nat(), key }),
  fc.record({ kind: fc.constant("add-key" as const), pick: fc.nat(), key, value: oddValue }),
);

/** Changes made on the YAML document: what only YAML can say, or only its text can hold. */
type YamlMutation =
  | { readonly kind: "alias"; readonly anchorAt: number; readonly aliasAt: number; readonly name: string }
  | { readonly kind: "duplicate-key"; readonly pick: number }
  | { readonly kind: "bomb"; readonly width: number; readonly depth: number };

const yamlMutation: fc.Arbitrary<YamlMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("alias" as const), anchorAt: fc.nat(), aliasAt: fc.nat(), name: fc.constantFrom("x", "a1", "constructor", "__proto__", "é") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate-key" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("bomb" as const), width: fc.integer({ min: 2, max: 12 }), depth: fc.integer({ min: 2, max: 9 }) }) },
);

type Path = readonly (string | number)[];

/** Every path in the data, the root first (document order). */
function pathsOf(value: unknown, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...at, i])));
  if (isObject(value)) return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...at, k])));
  return here;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const k of path) value = (value as Record<string | number, unknown>)[k];
  return value;
}

function parentOf(data: unknown, path: Path): unknown {
  return valueAt(data, path.slice(0, -1));
}

function matches(path: Path, pattern: string): boolean {
  const parts = pattern.split(".");
  return parts.length === path.length && parts.every((p, i) => p === "*" || p === path[i]);
}

/** Applies one mutation to the data in place (picks wrap around the paths there are). */
function mutate(data: Record<string, unknown>, m: Mutation): void {
  const paths = pathsOf(data).slice(1);
  if (paths.length === 0) return;
  const pick = <T>(list: readonly T[]): T | undefined => (list.length === 0 ? undefined : list[m.pick % list.length]);
  const assign = (path: Path, value: unknown) => {
    const parent = parentOf(data, path) as Record<string | number, unknown>;
    Object.defineProperty(parent, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  };
  switch (m.kind) {
    case "set": {
      const path = pick(paths);
      if (path) assign(path, m.value);
      return;
    }
    case "name": {
      const path = pick(paths.filter((p) => NAME_PATHS.some((n) => matches(p, n))));
      if (path) assign(path, m.value);
      return;
    }
    case "valid-name": {
      const fields = Object.keys(m.values);
      const path = pick(paths.filter((p) => fields.some((n) => matches(p, n))));
      if (path) assign(path, m.values[fields.find((n) => matches(path, n)) as string]);
      return;
    }
    case "delete": {
      const path = pick(paths);
      if (!path) return;
      const parent = parentOf(data, path);
      if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
      else delete (parent as Record<string, unknown>)[path[path.length - 1]];
      return;
    }
    case "duplicate-item": {
      const path = pick(paths.filter((p) => typeof p[p.length - 1] === "number"));
      if (!path) return;
      const parent = parentOf(data, path) as unknown[];
      const index = path[path.length - 1] as number;
      parent.splice(index + 1, 0, structuredClone(parent[index]));
      return;
    }
    case "rename-key": {
      const path = pick(paths.filter((p) => typeof p[p.length - 1] === "string"));
      if (!path) return;
      const parent = parentOf(data, path) as Record<string, unknown>;
      const old = path[path.length - 1] as string;
      const value = parent[old];
      delete parent[old];
      Object.defineProperty(parent, m.key, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    case "add-key": {
      const path = pick([[] as Path, ...paths].filter((p) => isObject(valueAt(data, p))));
      if (!path) return;
      const target = valueAt(data, path) as Record<string, unknown>;
      Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      return;
    }
  }
}

/** The nodes of a YAML document that can hold an anchor (scalars and collections), in document order. */
function nodesOf(doc: Document): YamlNode[] {
  const nodes: YamlNode[] = [];
  visit(doc, { Node: (_k, node) => void (isNode(node) && !(node instanceof Alias) && nodes.push(node)) });
  return nodes;
}

function applyYaml(doc: Document, m: YamlMutation): void {
  if (m.kind === "alias") {
    const nodes = nodesOf(doc);
    if (nodes.length < 2) return;
    const anchor = nodes[m.anchorAt % nodes.length];
    anchor.anchor = m.name;
    const target = nodes[m.aliasAt % nodes.length];
    if (target === anchor) return;
    // Anywhere: after the anchor (a shared value), before it (an error), or inside it (an endless value).
    visit(doc, { Node: (_k, node) => (node === target ? new Alias(m.name) : undefined) });
    return;
  }
  if (m.kind === "duplicate-key") {
    const maps: YAMLMap[] = [];
    visit(doc, { Map: (_k, node) => void maps.push(node) });
    const map = maps[m.pick % Math.max(1, maps.length)];
    if (!isMap(map) || map.items.length === 0) return;
    const first = map.items[0];
    map.items.push(new Pair(isScalar(first.key) ? new Scalar(first.key.value) : first.key, first.value));
    return;
  }
  // Levels of `width` aliases of the level before, under a new top-level key: width^depth values.
  const levels = [`[${Array(m.width).fill("lol").join(", ")}]`];
  for (let d = 1; d < m.depth; d++) levels.push(`[${Array(m.width).fill(`*l${d - 1}`).join(", ")}]`);
  const bomb = parseDocument(`bomb:\n${levels.map((l, d) => `  l${d}: &l${d} ${l}`).join("\n")}\n`);
  if (isMap(doc.contents) && isMap(bomb.contents)) doc.contents.items.push(...bomb.contents.items);
}

/** The examples as data, read as users' files are. */
function exampleData(): { readonly name: string; readonly data: Record<string, unknown> }[] {
  return readdirSync(join(ROOT, "examples"))
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(ROOT, "examples", f), "utf8");
      return { name: `examples/${f}`, data: parseConfigText(text, f, f.endsWith(".json") ? "json" : "yaml").data as Record<string, unknown> };
    });
}

/** Dumps data as JSON text or as YAML text. */
function dump(data: unknown, asJson: boolean, how: string): ConfigText {
  if (asJson) return { text: `${JSON.stringify(data, null, 2) ?? "null"}\n`, format: "json", how: `${how}, as JSON` };
  return { text: new Document(data).toString({ lineWidth: 0 }), format: "yaml", how: `${how}, as YAML` };
}

/**
 * The examples, each with 1-4 mutations of its data and, in YAML, 0-2 of its document; two in five
 * only give names, tags and keys new values their fields allow, so that many still synthesize.
 */
export function mutatedExamples(): fc.Arbitrary<ConfigText> {
  const examples = exampleData();
  const renames = fc.array(fc.record({ kind: fc.constant("valid-name" as const), pick: fc.nat(), values: validNames }), { minLength: 1, maxLength: 3 });
  return fc
    .record({
      example: fc.nat({ max: examples.length - 1 }),
      mutations: fc.oneof({ weight: 2, arbitrary: renames }, { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 4 }) }),
      yaml: fc.array(yamlMutation, { maxLength: 2 }),
      asJson: fc.boolean(),
    })
    .map(({ example, mutations, yaml, asJson }) => {
      const { name, data: original } = examples[example];
      const data = structuredClone(original);
      for (const m of mutations) mutate(data, m);
      const how = `${name} with ${JSON.stringify(mutations).slice(0, 300)}`;
      if (asJson || yaml.length === 0) return dump(data, asJson, how);
      const doc = new Document(data);
      for (const m of yaml) applyYaml(doc, m);
      // verifyAliasOrder off: an alias before its anchor is one of the inputs under test.
      return { text: doc.toString({ lineWidth: 0, verifyAliasOrder: false }), format: "yaml", how: `${how} and ${JSON.stringify(yaml)}, as YAML` };
    });
}
