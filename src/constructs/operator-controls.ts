import { TerraformVariable, Token, type IResolvable } from "cdktf";
import { Construct } from "constructs";
import { endpointWeightKey, trafficDialKey, VARIABLE } from "../model/contract";
import type { EndpointGroupModel, EndpointModel, StackModel } from "../model/model";

const { trafficDials: TRAFFIC_DIALS, endpointWeights: ENDPOINT_WEIGHTS, acceleratorEnabled: ACCELERATOR_ENABLED } = VARIABLE;

/**
 * The knobs an operator turns during an incident, as Terraform variables, so that draining a region
 * or shifting weight needs only `terraform plan/apply -var ...`, no TypeScript.
 *
 * Each map variable's default is the config's full map, so a plan without -var is exactly the config.
 * A map given with -var replaces that default as a whole, so each resource reads its own key with
 * lookup(var, key, <config value>): a partial map overrides the keys it names and leaves every other
 * group and endpoint at the config's value. Validations reject unknown keys (a typo would otherwise
 * change nothing, silently) and values outside the API's ranges, before any change is planned.
 */
export class OperatorControls extends Construct {
  /** The accelerator's enabled flag as Terraform evaluates it. */
  readonly acceleratorEnabled: IResolvable;

  constructor(scope: Construct, id: string, model: StackModel) {
    super(scope, id);
    const groups = model.listeners.flatMap((l) => l.endpointGroups);
    const dialDefaults = Object.fromEntries(groups.map((g) => [trafficDialKey(g), g.trafficDialPercentage]));
    const weightDefaults = Object.fromEntries(
      groups.flatMap((g) => g.endpoints.map((ep) => [endpointWeightKey(g, ep), ep.weight])),
    );

    variable(this, TRAFFIC_DIALS, {
      type: "map(number)",
      default: dialDefaults,
      description:
        "Traffic dial per endpoint group, keyed <listener>/<region>: the percentage (0-100) of the traffic already bound for that region that it serves. Defaults to the config's values; a partial map overrides only the groups it names.",
      validation: [
        knownKeys(TRAFFIC_DIALS, Object.keys(dialDefaults), "<listener>/<region>"),
        {
          condition: `\${alltrue([for v in values(var.${TRAFFIC_DIALS}) : v == null ? false : v >= 0 && v <= 100])}`,
          errorMessage: `${TRAFFIC_DIALS} values must be numbers from 0 to 100 (percent); out of range: \${jsonencode({ for k, v in var.${TRAFFIC_DIALS} : k => v if v == null ? true : v < 0 || v > 100 })}.`,
        },
      ],
    });
    variable(this, ENDPOINT_WEIGHTS, {
      type: "map(number)",
      default: weightDefaults,
      description:
        "Weight (integer 0-255; 0 sends the endpoint no traffic) per endpoint, keyed <listener>/<region>/<endpoint>, where <endpoint> is the Elastic IP allocation ID, the instance ID or the load balancer's name. Defaults to the config's values; a partial map overrides only the endpoints it names.",
      validation: [
        knownKeys(ENDPOINT_WEIGHTS, Object.keys(weightDefaults), "<listener>/<region>/<endpoint>"),
        {
          condition: `\${alltrue([for v in values(var.${ENDPOINT_WEIGHTS}) : v == null ? false : v >= 0 && v <= 255 && floor(v) == v])}`,
          errorMessage: `${ENDPOINT_WEIGHTS} values must be whole numbers from 0 to 255; out of range: \${jsonencode({ for k, v in var.${ENDPOINT_WEIGHTS} : k => v if v == null ? true : v < 0 || v > 255 || floor(v) != v })}.`,
        },
      ],
    });
    const enabled = variable(this, ACCELERATOR_ENABLED, {
      type: "bool",
      default: model.accelerator.enabled,
      description:
        "Whether the accelerator accepts traffic. false stops all traffic through its static IPs but keeps them; only destroying the accelerator loses them.",
    });
    this.acceleratorEnabled = enabled.booleanValue;
  }

  /** The group's traffic dial: the operator's value for its key, else the config's. */
  trafficDial(group: EndpointGroupModel): number {
    return Token.asNumber(`\${${this.trafficDialExpression(group)}}`);
  }

  /**
   * The same dial as a bare Terraform expression, for use inside another expression (the autopilot's
   * published ceilings): built from the variable, never from the resource's attribute, which the autopilot moves.
   */
  trafficDialExpression(group: EndpointGroupModel): string {
    return lookupExpression(TRAFFIC_DIALS, trafficDialKey(group), group.trafficDialPercentage);
  }

  /** The endpoint's weight: the operator's value for its key, else the config's. */
  weight(group: EndpointGroupModel, endpoint: EndpointModel): number {
    return lookup(ENDPOINT_WEIGHTS, endpointWeightKey(group, endpoint), endpoint.weight);
  }
}

// Written out rather than Fn.lookup: cdktf 0.21 drops a falsy default, turning lookup(var, key, 0) into
// var[key], which fails for every partial map that leaves out a group or endpoint configured at 0.
function lookup(variable: string, key: string, fallback: number): number {
  return Token.asNumber(`\${${lookupExpression(variable, key, fallback)}}`);
}

function lookupExpression(variable: string, key: string, fallback: number): string {
  return `lookup(var.${variable}, ${JSON.stringify(key)}, ${fallback})`;
}

function variable(scope: Construct, name: string, config: ConstructorParameters<typeof TerraformVariable>[2]): TerraformVariable {
  const { default: defaultValue, ...rest } = config;
  // nullable = false: -var 'x=null' means "the default", never a null that the provider would replace with its own.
  const v = new TerraformVariable(scope, name, { nullable: false, ...rest });
  // An override, because cdktf snake-cases the keys of a default map ("inference/us-east-1" would become
  // "inference_us_east_1"); overrides are written as given.
  v.addOverride("default", defaultValue);
  v.overrideLogicalId(name);
  return v;
}

// A mistyped key would otherwise change nothing and look like a successful override.
function knownKeys(name: string, keys: readonly string[], shape: string) {
  const known = JSON.stringify(keys);
  return {
    condition: `\${alltrue([for k in keys(var.${name}) : contains(${known}, k)])}`,
    errorMessage: `Unknown ${name} key(s): \${join(", ", [for k in keys(var.${name}) : k if !contains(${known}, k)])}. Keys are ${shape}; this stack has: ${keys.join(", ")}.`,
  };
}
