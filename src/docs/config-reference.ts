// docs/config-reference.md, generated from the validator (npm run docs): every field of the config's JSON
// Schema with its type, default, allowed values, description and an example, and every rule and warning
// with the fields it checks, its reason and its source (src/docs/rule-docs.ts). Like terraform-docs'
// inputs table: the reference cannot drift from what validation does, since both come from one schema.
import { configJsonSchema } from "../validation/json-schema";
import * as rules from "../validation/rules";
import * as warnings from "../validation/warnings";
import { FIELD_DOCS, FIELD_EXAMPLES, type FieldDoc, RULE_DOCS, type RuleDoc, TEMPLATE_SEQUENCE_DOC, WARNING_DOCS } from "./rule-docs";

type Schema = Record<string, unknown>;

/** One field of the config: a property of an object somewhere in the schema. */
export interface Field {
  readonly path: string;
  readonly schema: Schema;
  readonly required: boolean;
  /** For a field of the endpoint variants: each variant's own schema of it, by endpoint type. */
  readonly variants?: readonly (readonly [type: string, schema: Schema, required: boolean])[];
}

/** An example config, by file name, to take each field's example value from. */
export interface ExampleConfig {
  readonly name: string;
  readonly data: unknown;
}

export interface Registry {
  readonly rules: Readonly<Record<string, RuleDoc>>;
  readonly warnings: Readonly<Record<string, RuleDoc>>;
  readonly fields: Readonly<Record<string, FieldDoc>>;
  /** Examples of fields no example config gives. */
  readonly examples: Readonly<Record<string, unknown>>;
  /** The names the validator exports: every rule and every warning. */
  readonly ruleNames: readonly string[];
  readonly warningNames: readonly string[];
}

export const REGISTRY: Registry = {
  rules: RULE_DOCS,
  warnings: WARNING_DOCS,
  fields: FIELD_DOCS,
  examples: FIELD_EXAMPLES,
  ruleNames: Object.keys(rules),
  warningNames: Object.keys(warnings).filter((name) => name !== "configWarnings"),
};

/** Every field of the schema, in the schema's order; the endpoint variants' fields merged by name. */
export function schemaFields(schema: Schema = configJsonSchema()): Field[] {
  const fields: Field[] = [];
  const walk = (node: Schema, path: string) => {
    for (const object of objectsOf(node)) {
      const properties = (object.properties ?? {}) as Record<string, Schema>;
      const required = (object.required ?? []) as string[];
      for (const [name, child] of Object.entries(properties)) {
        const at = join(path, name);
        const variants = (child.items as Schema | undefined)?.oneOf as Schema[] | undefined;
        fields.push({ path: at, schema: child, required: required.includes(name) });
        if (variants !== undefined) walkVariants(variants, `${at}[]`);
        else walk(child, child.type === "array" ? `${at}[]` : at);
      }
    }
  };
  // The endpoint types are one list's variants: their fields are listed once, with each type's schema.
  const walkVariants = (variants: Schema[], path: string) => {
    const byName = new Map<string, [string, Schema, boolean][]>();
    for (const variant of variants) {
      const type = String(((variant.properties as Record<string, Schema>).type as Schema).const);
      for (const [name, child] of Object.entries(variant.properties as Record<string, Schema>)) {
        byName.set(name, [...(byName.get(name) ?? []), [type, child, ((variant.required ?? []) as string[]).includes(name)]]);
      }
    }
    for (const [name, schemas] of byName) {
      const at = join(path, name);
      fields.push({ path: at, schema: schemas[0][1], required: schemas.length === variants.length && schemas.every(([, , required]) => required), variants: schemas });
      walk(schemas[0][1], at);
    }
  };
  walk(schema, "");
  return fields;
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

/** The object schemas a node holds: itself, its list's items, or the objects of its anyOf. */
function objectsOf(node: Schema): Schema[] {
  if (node.type === "object" && node.properties !== undefined) return [node];
  if (node.type === "array" && node.items !== undefined) return objectsOf(node.items as Schema);
  if (Array.isArray(node.anyOf)) return (node.anyOf as Schema[]).flatMap(objectsOf);
  return [];
}

/** Everything wrong with the registry or the schema's descriptions, one line each; none: []. */
export function referenceProblems(fields: readonly Field[], registry: Registry = REGISTRY): string[] {
  const problems: string[] = [];
  const paths = new Set(fields.map((f) => f.path));
  for (const field of fields) {
    if (typeof field.schema.description !== "string" || field.schema.description.trim() === "") {
      problems.push(`${field.path}: the schema gives this field no description (add .describe() in src/validation/schema.ts)`);
    }
  }
  const check = (kind: string, docs: Readonly<Record<string, RuleDoc>>, names: readonly string[], file: string) => {
    for (const name of names) if (docs[name] === undefined) problems.push(`${kind} ${name} (${file}) has no entry in src/docs/rule-docs.ts`);
    for (const [name, doc] of Object.entries(docs)) {
      if (!names.includes(name)) problems.push(`src/docs/rule-docs.ts names ${kind} ${name}, which ${file} does not export`);
      if (doc.paths.length === 0) problems.push(`${kind} ${name}: no paths`);
      for (const path of doc.paths) if (!paths.has(path)) problems.push(`${kind} ${name}: ${path} is no field of the schema`);
      if (doc.reason.trim() === "") problems.push(`${kind} ${name}: no reason`);
      if (!isSource(doc.source)) problems.push(`${kind} ${name}: no source (an https:// URL or a docs/ guide), received ${JSON.stringify(doc.source)}`);
    }
  };
  check("rule", registry.rules, registry.ruleNames, "src/validation/rules.ts");
  check("warning", registry.warnings, registry.warningNames, "src/validation/warnings.ts");
  for (const [path, doc] of Object.entries(registry.fields)) {
    if (!paths.has(path)) problems.push(`field limit ${path}: no field of the schema`);
    if (doc.reason.trim() === "") problems.push(`field limit ${path}: no reason`);
    if (!isSource(doc.source)) problems.push(`field limit ${path}: no source (an https:// URL or a docs/ guide), received ${JSON.stringify(doc.source)}`);
  }
  return problems;
}

function isSource(source: string): boolean {
  return /^https:\/\/\S+$/.test(source) || /^docs\/[\w.-]+\.md(#[\w-]+)?$/.test(source);
}

/** A source as a Markdown link from docs/config-reference.md. */
function sourceLink(source: string): string {
  return source.startsWith("docs/") ? `[${source}](${source.slice("docs/".length)})` : `<${source}>`;
}

/** GitHub's anchor of a heading (lower case, punctuation dropped, spaces as hyphens). */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The text of docs/config-reference.md; throws with every problem when the registry or schema is incomplete. */
export function configReferenceMarkdown(examples: readonly ExampleConfig[], registry: Registry = REGISTRY, schema: Schema = configJsonSchema()): string {
  const fields = schemaFields(schema);
  const problems = referenceProblems(fields, registry);
  for (const field of fields) if (exampleOf(field, examples, registry) === undefined) problems.push(`${field.path}: no example config gives this field a value, and it has no default; add one to FIELD_EXAMPLES in src/docs/rule-docs.ts`);
  for (const path of Object.keys(registry.examples)) if (!fields.some((f) => f.path === path)) problems.push(`example ${path}: no field of the schema`);
  if (problems.length > 0) throw new Error(`the config reference cannot be generated:\n${problems.map((p) => `  ${p}`).join("\n")}`);

  const checks = new Map<string, string[]>();
  for (const [kind, docs] of [["rule", registry.rules], ["warning", registry.warnings]] as const) {
    for (const [name, doc] of Object.entries(docs)) for (const path of doc.paths) checks.set(path, [...(checks.get(path) ?? []), `${kind} [${name}](#${githubSlug(name)})`]);
  }
  const templated = fields.filter((f) => mentionsTemplates(f.schema)).map((f) => f.path);

  const out: string[] = [
    "# Config reference",
    "",
    "<!-- Generated by npm run docs from the validator (src/validation/schema.ts, rules.ts, warnings.ts) and src/docs/rule-docs.ts. Do not edit: a test fails when this file is stale. -->",
    "",
    "Every field of a config, in the order of the schema, then every [rule](#rules) that relates several fields and every",
    "[warning](#warnings), with why it exists and where AWS documents the behaviour. How to write a config:",
    "[writing-a-config.md](writing-a-config.md); what validation prints: [validation.md](validation.md). Paths name",
    "every item of a list with `[]`; an example is the first value the [examples](../examples/) give the field (or its default).",
    "",
    "## Fields",
    "",
  ];
  for (const field of fields) {
    out.push(`### \`${field.path}\``, "", prose(String(field.schema.description)), "");
    const facts = [`type: ${typeOf(field)}`, field.required ? "required" : (requiredFor(field) ?? defaultOf(field.schema))];
    const allowed = allowedOf(field);
    if (allowed !== "") facts.push(`allowed: ${allowed}`);
    const example = exampleOf(field, examples, registry);
    if (example !== undefined) facts.push(`example: ${example}`);
    out.push(...facts.map((f) => `- ${f}`));
    const limit = registry.fields[field.path];
    if (limit !== undefined) out.push(`- why: ${prose(limit.reason)} (${sourceLink(limit.source)})`);
    if (templated.includes(field.path)) out.push(`- no \`\${\` or \`%{\`: ${TEMPLATE_SEQUENCE_DOC.reason} (${sourceLink(TEMPLATE_SEQUENCE_DOC.source)})`);
    const checkedBy = checks.get(field.path);
    if (checkedBy !== undefined) out.push(`- checked by: ${checkedBy.join(", ")}`);
    out.push("");
  }
  for (const [title, intro, docs] of [
    ["Rules", "Each relates several fields; an error names the field, the value received and what is allowed.", registry.rules],
    ["Warnings", "Configs AWS accepts that probably do not do what was meant; `SMART_ROUTING_STRICT=1` makes them errors.", registry.warnings],
  ] as const) {
    out.push(`## ${title}`, "", intro, "");
    for (const [name, doc] of Object.entries(docs)) {
      out.push(`### ${name}`, "", prose(doc.reason), "", `- checks: ${doc.paths.map((p) => `[\`${p}\`](#${githubSlug(`\`${p}\``)})`).join(", ")}`, `- source: ${sourceLink(doc.source)}`, "");
    }
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}

/** Text as Markdown shows it: "<stack name>" would be read as an HTML tag and vanish. */
function prose(text: string): string {
  return text.replace(/</g, "\\<");
}

/** "required for eip, instance" for an endpoint field only some types require. */
function requiredFor(field: Field): string | undefined {
  const types = (field.variants ?? []).filter(([, , required]) => required).map(([type]) => type);
  return types.length === 0 ? undefined : `required for ${types.join(", ")}`;
}

function typeOf(field: Field): string {
  if (field.variants !== undefined && field.variants.length > 1) {
    const types = [...new Set(field.variants.map(([, s]) => typeName(s)))];
    if (types.length === 1 && field.path.endsWith(".type")) return "string";
    return types.join(" or ");
  }
  return typeName(field.schema);
}

function typeName(schema: Schema): string {
  if (schema.const !== undefined) return `${JSON.stringify(schema.const)} (only)`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(typeName).join(" or ");
  if (schema.type === "array") return `list of ${typeName((schema.items ?? {}) as Schema)}`;
  if (schema.type === "object") return schema.properties === undefined ? "mapping" : "object";
  return String(schema.type ?? "any");
}

function defaultOf(schema: Schema): string {
  return schema.default === undefined ? "optional" : `default: \`${JSON.stringify(schema.default)}\``;
}

function allowedOf(field: Field): string {
  if (field.variants !== undefined && field.variants.length > 1) {
    const parts = field.variants.map(([type, s]) => [type, constraints(s)] as const).filter(([, c]) => c !== "");
    if (field.path.endsWith(".type")) return field.variants.map(([type]) => `\`${type}\``).join(", ");
    if (new Set(parts.map(([, c]) => c)).size <= 1) return parts[0]?.[1] ?? "";
    return parts.map(([type, c]) => `${type}: ${c}`).join("; ");
  }
  return constraints(field.schema);
}

/** A field's limits in words: values, ranges, lengths, counts and patterns. */
function constraints(schema: Schema): string {
  const parts: string[] = [];
  if (Array.isArray(schema.enum)) parts.push(values(schema.enum as unknown[]));
  if (schema.exclusiveMinimum !== undefined) parts.push(`above ${schema.exclusiveMinimum}`);
  if (schema.minimum !== undefined && schema.maximum !== undefined) parts.push(`${schema.minimum} to ${schema.maximum}`);
  else if (schema.minimum !== undefined) parts.push(`${schema.minimum} or more`);
  else if (schema.maximum !== undefined) parts.push(`at most ${schema.maximum}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) parts.push(between(schema.minLength, schema.maxLength, "character"));
  if (typeof schema.pattern === "string") parts.push(`matching \`${schema.pattern}\``);
  const not = schema.not as Schema | undefined;
  if (Array.isArray(not?.enum)) parts.push(`not ${values(not.enum as unknown[])}`);
  if (schema.type === "array") {
    if (schema.minItems !== undefined || schema.maxItems !== undefined) parts.push(between(schema.minItems, schema.maxItems, "item"));
    const items = constraints((schema.items ?? {}) as Schema);
    if (items !== "" && objectsOf(schema).length === 0) parts.push(`each ${items}`);
  }
  if (schema.type === "object" && schema.properties === undefined) {
    const keys = constraints((schema.propertyNames ?? {}) as Schema);
    const entries = constraints((schema.additionalProperties ?? {}) as Schema);
    if (keys !== "") parts.push(`keys ${keys}`);
    if (entries !== "") parts.push(`values ${entries}`);
  }
  if (Array.isArray(schema.anyOf)) {
    const options = (schema.anyOf as Schema[]).map(constraints).filter((c) => c !== "");
    if (options.length > 0) parts.push(options.join("; or "));
  }
  return parts.join(", ");
}

/** "1 to 10 items", "at least 1 item", "at most 255 characters". */
function between(min: unknown, max: unknown, unit: string): string {
  const plural = (n: unknown) => `${unit}${n === 1 ? "" : "s"}`;
  if (max === undefined) return `at least ${min} ${plural(min)}`;
  if (min === undefined || min === 0) return `at most ${max} ${plural(max)}`;
  return `${min} to ${max} ${plural(max)}`;
}

function values(list: readonly unknown[]): string {
  // A long list (the 300 metro names) would bury the page: its size and where it lives say enough.
  if (list.length > 40) return `one of ${list.length} names (listed in schema/smart-routing.schema.json)`;
  return list.map((v) => `\`${JSON.stringify(v)}\``).join(", ");
}

function mentionsTemplates(schema: Schema): boolean {
  const refusesTemplates = (s: unknown) => ((s as Schema | undefined)?.not as Schema | undefined)?.pattern === "[$%]\\{";
  return refusesTemplates(schema) || refusesTemplates(schema.propertyNames) || refusesTemplates(schema.additionalProperties);
}

/** The first value an example gives the field (as one line of JSON), else its default or first allowed value. */
function exampleOf(field: Field, examples: readonly ExampleConfig[], registry: Registry): string | undefined {
  for (const example of examples) {
    const found = valuesAt(example.data, field.path.split("."))[0];
    if (found !== undefined) {
      const text = JSON.stringify(found);
      return `\`${text.length > 100 ? `${text.slice(0, 97)}...` : text}\` (${example.name})`;
    }
  }
  if (registry.examples[field.path] !== undefined) return `\`${JSON.stringify(registry.examples[field.path])}\``;
  if (field.schema.default !== undefined) return `\`${JSON.stringify(field.schema.default)}\``;
  const first = Array.isArray(field.schema.enum) ? (field.schema.enum as unknown[])[0] : undefined;
  return first === undefined ? undefined : `\`${JSON.stringify(first)}\``;
}

/** Every value at a path whose steps may end in "[]" (each item of a list). */
function valuesAt(value: unknown, steps: readonly string[]): unknown[] {
  if (steps.length === 0) return value === undefined ? [] : [value];
  const [step, ...rest] = steps;
  const list = step.endsWith("[]");
  const key = list ? step.slice(0, -2) : step;
  const child = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  if (!list) return valuesAt(child, rest);
  return Array.isArray(child) ? child.flatMap((item) => valuesAt(item, rest)) : [];
}
