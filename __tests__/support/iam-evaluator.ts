// A small IAM policy evaluator for the tests: does one identity-based policy document allow one request
// (an action on a resource, with its condition context)? Allow and Deny statements, `*` and `?` in
// actions (case-insensitive) and resources, the string condition operators the project's policies use
// (with ForAnyValue:/ForAllValues: for multivalued keys, IfExists) and Null, and an explicit Deny winning
// over every Allow, as AWS's evaluation logic has it. Anything else
// (NotAction, NotResource, an operator it does not know) is refused with an error rather than guessed.
import type { PolicyDocument, Statement } from "../../src/iam/policies";

/** Condition keys and their values in a request: a string for single-valued keys, a list for multivalued ones. */
export type RequestContext = Readonly<Record<string, string | readonly string[]>>;

export interface AuthorizationRequest {
  /** service:Action, e.g. s3:GetObject. */
  readonly action: string;
  /** The resource's ARN, or `*` for an action that has no resource type. */
  readonly resource: string;
  readonly context: RequestContext;
}

export type Decision = "allowed" | "explicitly denied" | "implicitly denied";

export interface Evaluation {
  readonly decision: Decision;
  /** The Sids of the statements that apply to the request (Allow and Deny). */
  readonly statements: readonly string[];
}

const list = <T>(value: T | readonly T[] | undefined): readonly T[] => (value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T]);

/** IAM's wildcard match: `*` any run of characters, `?` any one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "si" : "s").test(value);
}

const OPERATORS = ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike"] as const;
type Operator = (typeof OPERATORS)[number];

function compare(operator: Operator, policyValue: string, value: string): boolean {
  switch (operator) {
    case "StringEquals":
      return value === policyValue;
    case "StringNotEquals":
      return value !== policyValue;
    case "StringLike":
      return wildcardMatch(policyValue, value);
    case "StringNotLike":
      return !wildcardMatch(policyValue, value);
  }
}

/**
 * One condition block entry: `[ForAnyValue:|ForAllValues:]<operator>[IfExists]` or `Null` on one key.
 * As the IAM user guide has it: ForAllValues holds when every value of the request's set matches one of
 * the policy's, and also when the key is missing or empty (so an Allow needs a Null guard); ForAnyValue
 * needs one value that matches; Null "true" holds when the key is missing, "false" when it is present.
 */
export function conditionHolds(operatorName: string, key: string, policyValues: readonly string[], context: RequestContext): boolean {
  if (operatorName === "Null") {
    if (policyValues.length !== 1 || !["true", "false"].includes(policyValues[0])) throw new Error(`Null on ${key} takes "true" or "false", received ${JSON.stringify(policyValues)}`);
    const missing = context[key] === undefined || list(context[key]).length === 0;
    return missing === (policyValues[0] === "true");
  }
  const [qualifier, rest] = operatorName.includes(":") ? (operatorName.split(":") as [string, string]) : [undefined, operatorName];
  const ifExists = rest.endsWith("IfExists");
  const operator = (ifExists ? rest.slice(0, -"IfExists".length) : rest) as Operator;
  if (!OPERATORS.includes(operator) || (qualifier !== undefined && qualifier !== "ForAnyValue" && qualifier !== "ForAllValues")) {
    throw new Error(`the evaluator does not know the condition operator ${operatorName}`);
  }
  const value = context[key];
  const negated = operator === "StringNotEquals" || operator === "StringNotLike";
  const matchesOne = (v: string) => (negated ? policyValues.every((p) => compare(operator, p, v)) : policyValues.some((p) => compare(operator, p, v)));
  if (qualifier === "ForAnyValue") return value !== undefined && list(value).some(matchesOne);
  if (qualifier === "ForAllValues") return value === undefined || list(value).every(matchesOne);
  if (Array.isArray(value)) throw new Error(`${key} is multivalued: ${operatorName} needs ForAnyValue: or ForAllValues:`);
  if (value === undefined) return ifExists || negated;
  return matchesOne(value as string);
}

/** Whether a statement applies to a request: its action, its resource and every condition match. */
export function statementApplies(statement: Statement, request: AuthorizationRequest): boolean {
  const raw = statement as unknown as Record<string, unknown>;
  for (const unsupported of ["NotAction", "NotResource", "NotPrincipal"]) {
    if (unsupported in raw) throw new Error(`statement ${statement.Sid}: the evaluator does not support ${unsupported}`);
  }
  if (!list(statement.Action).some((a) => wildcardMatch(a, request.action, true))) return false;
  if (!list(statement.Resource).some((r) => wildcardMatch(r, request.resource))) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, list(values), request.context)),
  );
}

/** AWS's decision for one identity-based policy: an explicit Deny wins, else an Allow, else denied by default. */
export function evaluate(policy: PolicyDocument, request: AuthorizationRequest): Evaluation {
  const applying = policy.Statement.filter((s) => statementApplies(s, request));
  const decision: Decision = applying.some((s) => s.Effect === "Deny") ? "explicitly denied" : applying.some((s) => s.Effect === "Allow") ? "allowed" : "implicitly denied";
  return { decision, statements: applying.map((s) => s.Sid) };
}
