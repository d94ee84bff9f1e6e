// Validation entry point: every error of a config at once, each with its path,
// the value received and what is allowed; then, for a valid config, warnings.
import { z } from "zod";
import { editDistance } from "../config/names";
import { formatPath, show } from "../config/show";
import type { RoutingConfig } from "../config/types";
import { configSchema, genericMessage } from "./schema";
import { configWarnings } from "./warnings";

export interface ConfigIssue {
  /** Path into the config as a list of keys, e.g. ["stacks", 0, "name"]. */
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export type ValidationResult =
  | { readonly ok: true; readonly config: RoutingConfig; readonly warnings: readonly ConfigIssue[] }
  | { readonly ok: false; readonly errors: readonly ConfigIssue[] };

/** Thrown where a caller needs an exception instead of a result; carries every issue. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

export function validateConfig(raw: unknown): ValidationResult {
  const parsed = configSchema.safeParse(raw, { error: genericMessage });
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) => toConfigIssues(issue, raw));
    return { ok: false, errors: dedupe(errors) };
  }
  return { ok: true, config: parsed.data, warnings: configWarnings(parsed.data) };
}

/** Validates and throws a ConfigError on the first failure; warnings are returned. */
export function parseConfig(raw: unknown): { config: RoutingConfig; warnings: readonly ConfigIssue[] } {
  const result = validateConfig(raw);
  if (!result.ok) throw new ConfigError(result.errors);
  return result;
}

function toConfigIssues(issue: z.core.$ZodIssue, root: unknown): ConfigIssue[] {
  const path = issue.path;
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(path, root);
    return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyMessage(key, allowed) }));
  }
  if (issue.code === "invalid_key") {
    // A key of a map (tags) that its key schema refuses; zod puts the key at the end of the path.
    return [{ path, message: `is not an allowed key: ${issue.issues.map((i) => i.message).join("; ")}` }];
  }
  // Only a discriminated union's issue names its discriminator; zod puts the key at the end of the path already.
  if ((issue as { readonly discriminator?: string }).discriminator !== undefined) {
    const received = valueAt(root, path);
    const options = discriminatorValues(path.slice(0, -1), root);
    return [{ path, message: received === undefined ? `is required (one of ${options})` : `must be one of ${options}, received ${show(received)}` }];
  }
  return [{ path, message: issue.message }];
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const close = allowed.find((a) => editDistance(a.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = close !== undefined ? `did you mean "${close}"? ` : "";
  // Stryker disable next-line ConditionalExpression,StringLiteral: a safety net never reached: zod reports unknown keys only on objects, and schemaAt finds each of them
  return allowed.length === 0 ? "is not a known key" : `is not a known key; ${hint}allowed: ${allowed.join(", ")}`;
}

/** Walks the schema along a config path (choosing union members by the input) to the object there. */
function schemaAt(path: readonly PropertyKey[], root: unknown): z.ZodType | undefined {
  let schema: z.ZodType | undefined = configSchema;
  let value: unknown = root;
  for (const key of path) {
    schema = resolveUnion(unwrap(schema), value);
    if (schema instanceof z.ZodObject) schema = schema.shape[key as string] as z.ZodType | undefined;
    else {
      // Stryker disable next-line ConditionalExpression: every step of a path zod reports an unknown key or a discriminator under is an object or a list
      if (!(schema instanceof z.ZodArray)) return undefined;
      schema = schema.element as z.ZodType;
    }
    value = child(value, key);
  }
  return resolveUnion(unwrap(schema), value);
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

function resolveUnion(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  if (!(schema instanceof z.ZodUnion)) return schema;
  const objects = (schema.options as z.ZodType[]).filter((o): o is z.ZodObject => o instanceof z.ZodObject);
  const type = child(value, "type");
  return objects.find((o) => literalOf(o.shape.type) === type) ?? objects[0];
}

function literalOf(schema: unknown): unknown {
  return schema instanceof z.ZodLiteral ? schema.value : undefined;
}

function allowedKeysAt(path: readonly PropertyKey[], root: unknown): string[] {
  const schema = schemaAt(path, root);
  // Stryker disable next-line ArrayDeclaration: a safety net never reached (see unknownKeyMessage)
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function discriminatorValues(path: readonly PropertyKey[], root: unknown): string {
  const parent = unwrap(schemaAt(path.slice(0, -1), root));
  const union = parent instanceof z.ZodArray ? unwrap(parent.element as z.ZodType) : parent;
  // Stryker disable next-line ConditionalExpression,StringLiteral: a safety net never reached: the schema's one discriminated union (endpoints) is a list's element
  if (!(union instanceof z.ZodUnion)) return "";
  // A discriminated union's options are objects, each with its discriminator as a literal.
  return (union.options as z.ZodObject[]).map((o) => show(literalOf(o.shape.type))).join(", ");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce(child, root);
}

/** The value under a key, or undefined where there is none. */
function child(value: unknown, key: PropertyKey): unknown {
  // Stryker disable next-line OptionalChaining: every parent of a path zod reports is in the input, so it is never missing
  return (value as Record<PropertyKey, unknown> | null | undefined)?.[key];
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  // Stryker disable next-line MethodExpression: a safety net never reached today (the fuzz finds no config zod reports an issue of twice)
  return issues.filter((i) => {
    const key = `${formatPath(i.path)}\u0000${i.message}`;
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: the same safety net
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
