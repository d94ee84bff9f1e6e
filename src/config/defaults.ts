// Every default of the config, in one table: the JSON Schema shows these values to editors
// (src/validation/schema.ts) and the model applies them (src/model/model.ts). A default that
// depends on another field is a function beside the table.

export const DEFAULTS = {
  /** An endpoint's share of its group's traffic, 0-255. */
  weight: 128,
  trafficDialPercentage: 100,
  healthCheck: { protocol: "TCP", path: "/", intervalSeconds: 30, thresholdCount: 3 },
  clientAffinity: "NONE",
  accelerator: { ipAddressType: "IPV4", enabled: true, protectFromDestroy: true, shield: false },
  /** Route 53's own default for an alias to an accelerator ("Evaluate target health: Yes"). */
  dns: { evaluateTargetHealth: true },
  backend: { encrypt: true, lockfile: true },
  /** Nothing but the plan gate's defaults may be destroyed: listeners and endpoint groups are protected. */
  allowDestroy: [],
  /** The autopilot's stack settings (durations in seconds). */
  autopilot: { intervalSeconds: 15, mode: "enforce", staleAfterSeconds: 60 },
  /**
   * A steered group's settings: a floor keeps a shed region warm and its signal meaningful; the step
   * limits how far one tick can be wrong; settle covers a dial reaching every edge location.
   */
  groupAutopilot: { minDialPercent: 10, maxStepPercent: 20, holdForSeconds: 120, settleForSeconds: 60 },
} as const;

/** The state key of a stack whose backend names none. */
export function defaultStateKey(stackName: string): string {
  return `smart-routing/${stackName}.tfstate`;
}

/**
 * The flow-log prefix of a stack whose config gives none, or gives "" (the provider sends no prefix for
 * ""): the stack's name. Global Accelerator writes its log files under
 * `<bucket>/<prefix>/AWSLogs/<account>/globalaccelerator/<region>/yyyy/mm/dd/` (developer guide, flow
 * logs), so stacks that share one bucket (one per environment, say) each get a folder of their own for
 * lifecycle rules, Athena tables and bucket-policy statements; stack names are unique in a config. Not
 * "/", which the guide says puts a double slash in the keys, and without a slash of its own, like the
 * guide's own example prefix.
 */
export function defaultFlowLogPrefix(stackName: string): string {
  return stackName;
}

/** The state key a stack uses: its own, or the default. */
export function stateKey(stack: { readonly name: string; readonly backend: { readonly key?: string } }): string {
  return stack.backend.key ?? defaultStateKey(stack.name);
}

// Client IP preservation follows AWS: on for ALBs and EC2 instances (always on for instances), off for
// NLBs (it needs a security group) and impossible for Elastic IPs.
export function defaultClientIpPreservation(type: "eip" | "instance" | "alb" | "nlb"): boolean {
  return type === "alb" || type === "instance";
}
