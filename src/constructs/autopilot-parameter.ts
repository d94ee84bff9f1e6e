import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Construct } from "constructs";
import { AUTOPILOT, RESOURCE_NAME, trafficDialKey } from "../model/contract";
import { configHash } from "../model/config-hash";
import type { EndpointGroupModel, StackModel } from "../model/model";

/** A steered group as the stack knows it: its model and two Terraform expressions. */
export interface SteeredGroup {
  readonly group: EndpointGroupModel;
  /** A Terraform expression (no `${}`) for the endpoint group's ARN. */
  readonly arnExpression: string;
  /** A Terraform expression (no `${}`) for the dial Terraform would set: the group's ceiling. */
  readonly ceilingExpression: string;
}

/** A Terraform expression written as is inside the HCL value below. */
class Expression {
  constructor(readonly text: string) {}
}

/**
 * What the autopilot reads from a stack (src/autopilot/types.ts, PublishedStack), published in one SSM
 * parameter rather than read from the state, as Terraform's docs advise for outside readers. The value is
 * Terraform's jsonencode of an object whose ceilings are the operators' traffic_dials lookups, the very
 * expressions the dials are set from: never the dial attribute, which the autopilot moves, so its moves
 * never show as a change of this parameter. `insecure_value` (not `value`) so that a plan shows a ceiling
 * change to its reviewers: nothing in it is secret.
 */
export class AutopilotParameter extends Construct {
  readonly resource: SsmParameter;

  constructor(scope: Construct, id: string, stack: StackModel, steered: readonly SteeredGroup[], others: readonly SteeredGroup[] = []) {
    super(scope, id);
    const value = {
      version: 1,
      stack: stack.name,
      configHash: configHash(stack),
      groups: steered.map(({ group, arnExpression, ceilingExpression }) => ({
        key: trafficDialKey(group),
        listener: group.listener,
        region: group.region,
        arn: new Expression(arnExpression),
        ceiling: new Expression(ceilingExpression),
        capacity: group.capacity,
        metricsLabels: group.metricsLabels,
        settings: group.autopilot,
      })),
      // The groups Terraform alone steers: the autopilot reads their dial and health for its
      // last-healthy-group guard and its routing prediction.
      ...(others.length > 0 && {
        others: others.map(({ group, arnExpression, ceilingExpression }) => ({
          key: trafficDialKey(group),
          listener: group.listener,
          region: group.region,
          arn: new Expression(arnExpression),
          ceiling: new Expression(ceilingExpression),
        })),
      }),
    };
    this.resource = new SsmParameter(this, "Default", {
      name: AUTOPILOT.parameterName(stack.name),
      description: "What the smart-routing autopilot steers in this stack: each steered group's ARN, ceiling and settings (written by Terraform; do not edit).",
      type: "String",
      insecureValue: `\${jsonencode(${hcl(value)})}`,
    });
    this.resource.overrideLogicalId(RESOURCE_NAME.autopilotParameter);
  }
}

/** A value as an HCL expression: objects and lists of literals, with Expressions written as they are. */
function hcl(value: unknown): string {
  if (value instanceof Expression) return value.text;
  if (Array.isArray(value)) return `[${value.map(hcl).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value).map(([key, member]) => `${hclString(key)} = ${hcl(member)}`).join(", ")}}`;
  }
  if (typeof value === "string") return hclString(value);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  throw new Error(`no HCL literal for ${String(value)}`);
}

/**
 * A quoted HCL string: backslash, quote and control characters escaped, and "${" and "%{", which would
 * start a template sequence, written as HCL escapes them ("$${", "%%{").
 */
function hclString(text: string): string {
  const escaped = text.replace(/[\\"\u0000-\u001f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `"${escaped.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{")}"`;
}
const ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" };
