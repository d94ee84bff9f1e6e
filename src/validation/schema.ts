// The shape of a routing config, and every rule on a single field, as one zod
// schema. Rules that relate several fields are small named functions in
// rules.ts, attached here with `check` at the level that holds all the fields
// they read. zod runs them even when a field below has a range error, so one
// run reports every mistake; only a value of the wrong type stops the rules
// above it (they cannot reason about it).
import { z } from "zod";
import { DEFAULTS, defaultStateKey } from "../config/defaults";
import {
  ACCELERATOR_NAME,
  ACCOUNT_ID,
  ALB_ARN,
  AWS_REGION_NAME,
  DESTROY_ALLOWANCES,
  DNS_NAME,
  EIP_ALLOCATION_ID,
  GA_REGIONS,
  GEOGRAPHIES,
  type Geography,
  HEALTH_CHECK_INTERVALS,
  HEALTH_CHECK_PATH,
  HOSTED_ZONE_ID,
  INSTANCE_ID,
  KMS_KEY,
  LISTENER_NAME,
  LOAD_BALANCER_NAME,
  MAX_BYOIP_ADDRESSES,
  MAX_ENDPOINT_GROUPS,
  MAX_ENDPOINTS,
  MAX_LISTENERS,
  MAX_PORT_OVERRIDES,
  MAX_PORT_RANGES,
  NLB_ARN,
  S3_BUCKET_NAME,
  STACK_NAME,
} from "../config/limits";
import { METROS } from "../config/metros";
import { DURATION_PATTERN } from "../config/duration";
import { describeModelServers, MODEL_SERVER_NAMES } from "../config/model-servers";
import { closeMetroNames, METRO_NAMES, metroNamed } from "../config/names";
import { show } from "../config/show";
import type { RoutingConfig } from "../config/types";
import * as rules from "./rules";
import type { Rule } from "./rules";

/**
 * Messages for the generic cases (wrong type, not in an enum), passed to each parse rather than set
 * with z.config: importing this module changes nothing global. Fields with their own wording set
 * `error` themselves, which zod prefers.
 */
export function genericMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is required";
    return `must be ${article(issue.expected)}, received ${show(issue.input)}`;
  }
  if (issue.code === "invalid_value") {
    return `must be ${oneOf(issue.values)}, received ${show(issue.input)}`;
  }
  if ((issue.code === "too_small" || issue.code === "too_big") && (issue.origin === "string" || issue.origin === "array")) {
    const limit = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
    const bound = `${issue.code === "too_small" ? "at least" : "at most"} ${limit}`;
    return issue.origin === "string"
      ? `must be ${bound} character${limit === 1 ? "" : "s"} long, received ${show(issue.input)}`
      : `must have ${bound} item${limit === 1 ? "" : "s"}, received ${(issue.input as readonly unknown[]).length}`;
  }
  return undefined;
}

function article(expected: string): string {
  if (expected === "object") return "a mapping";
  if (expected === "array") return "a list";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => show(v));
  return shown.length === 1 ? shown[0] : `one of ${shown.join(", ")}`;
}

/** Every rule attached to the schema, by name: a test checks that no exported rule is left out. */
export const ATTACHED_RULES = new Set<string>();

/** Attaches a cross-field rule: each finding becomes an error at its own path. */
function check<T>(...attached: Rule<T>[]) {
  for (const rule of attached) {
    const name = Object.entries(rules).find(([, r]) => r === rule)?.[0];
    // Stryker disable next-line StringLiteral: thrown only when this file attaches a rule rules.ts does not export, at import
    if (name === undefined) throw new Error("check() takes rules exported by rules.ts");
    ATTACHED_RULES.add(name);
  }
  return (value: T, ctx: z.RefinementCtx) => {
    for (const rule of attached) {
      for (const finding of rule(value)) {
        // Stryker disable next-line StringLiteral: an issue with its own message reads the same whatever its code (validate.ts reads only the codes zod gives)
        ctx.addIssue({ code: "custom", message: finding.message, path: [...finding.path], input: finding.received });
      }
    }
  };
}

function intBetween(min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    issue.input === undefined ? undefined : `must be an integer from ${min} to ${max}, received ${show(issue.input)}`;
  // A refine, not .int(): zod treats a failed .int() as a wrong type and would
  // then skip the cross-field rules above it. The meta keeps "integer" in the JSON Schema.
  return z.number({ error }).refine(Number.isInteger, { error }).min(min, { error }).max(max, { error }).meta({ type: "integer" });
}

function numberBetween(min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    // Stryker disable next-line ConditionalExpression: only optional fields are numbers between two bounds, and zod never checks an omitted optional value
    issue.input === undefined ? undefined : `must be a number from ${min} to ${max}, received ${show(issue.input)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

/** A finite number of at least 0 (`inclusive`) or above 0: a load or a capacity. */
function quantity(inclusive: boolean) {
  const error = (issue: { input?: unknown }) =>
    // Stryker disable next-line ConditionalExpression: loads and capacities are all optional, and zod never checks an omitted optional value
    issue.input === undefined ? undefined : `must be a number ${inclusive ? "of 0 or more" : "above 0"}, received ${show(issue.input)}`;
  const number = z.number({ error });
  return inclusive ? number.min(0, { error }) : number.gt(0, { error });
}

/**
 * One of a fixed set of values. A refinement rather than z.enum so that a
 * wrong value does not stop the cross-field rules (zod treats a failed enum
 * as a wrong type); the meta keeps the enum in the JSON Schema.
 */
function oneOfValues<const T extends readonly (string | number)[]>(values: T, allowed = `one of ${values.map((v) => show(v)).join(", ")}`) {
  const base = typeof values[0] === "number" ? z.number() : z.string();
  return (base as z.ZodType<string | number>)
    .refine((v) => (values as readonly unknown[]).includes(v), {
      error: (issue) => (issue.input === undefined ? undefined : `must be ${allowed}, received ${show(issue.input)}`),
    })
    .meta({ enum: [...values] }) as unknown as z.ZodType<T[number]>;
}

function matching(pattern: RegExp, allowed: string) {
  return z.string().regex(pattern, { error: (issue) => `must be ${allowed}, received ${show(issue.input)}` });
}

/**
 * A name that becomes a construct id (stack and listener names). The constructs library keeps a node's
 * children in a plain JavaScript object, so a name every object already has ("constructor") collides
 * there, and synth would fail; the pattern admits no other such name. The meta puts it in the JSON Schema.
 */
function constructName(pattern: RegExp, allowed: string) {
  const taken = Object.getOwnPropertyNames(Object.prototype).filter((name) => pattern.test(name));
  return matching(pattern, allowed)
    .refine((name) => !taken.includes(name), {
      error: (issue) => `must not be ${show(issue.input)}, a name cdktf cannot give a construct (every JavaScript object already has it); choose another name`,
    })
    .meta({ not: { enum: taken } });
}

/**
 * Free text that reaches the Terraform JSON as a string (tags, a flow-log prefix, the state key, the lock
 * table). Terraform reads "${" and "%{" in such a string as an expression or a directive: a tag value of
 * "${var.team}" failed the plan, and a state key with one fails init. The meta puts it in the JSON Schema.
 */
function literal(text: z.ZodString) {
  return text
    .refine((value) => !TEMPLATE_SEQUENCE.test(value), {
      error: (issue) => `must not contain "\${" or "%{", which Terraform would read as an expression, received ${show(issue.input)}`,
    })
    .meta({ not: { pattern: TEMPLATE_SEQUENCE.source } });
}
const TEMPLATE_SEQUENCE = /[$%]\{/;

function listOf<T extends z.ZodType>(item: T, min: number, max: number, what: string) {
  // Counted in a refinement so that the items are still checked when there are too many of them.
  return z
    .array(item)
    .superRefine((items, ctx) => {
      if (items.length >= min && items.length <= max) return;
      const message =
        min === 0 ? `allows at most ${max} ${what}, received ${items.length}` : `must have ${min} to ${max} ${what}, received ${items.length}`;
      // Stryker disable next-line StringLiteral: as in check(), the code of an issue with its own message changes nothing
      ctx.addIssue({ code: "custom", message, input: items });
    })
    .meta({ minItems: min, maxItems: max });
}

const port = intBetween(1, 65535);
const weight = intBetween(0, 255).describe("Share of the group's traffic, 0-255 (0 = none).").meta({ default: DEFAULTS.weight });
const region = oneOfValues(GA_REGIONS, `a region Global Accelerator supports (${GA_REGIONS.join(", ")})`);

export const portRangeSchema = z
  .strictObject({
    fromPort: port.describe("First port of the range."),
    toPort: port.optional().describe("Last port of the range; fromPort when omitted."),
  })
  .superRefine(check(rules.portRangeInOrder));

export const healthCheckSchema = z
  .strictObject({
    protocol: oneOfValues(["TCP", "HTTP", "HTTPS"]).optional().describe("How the endpoints are probed: a TCP connection, or an HTTP(S) GET of path that must answer 200.").meta({ default: DEFAULTS.healthCheck.protocol }),
    port: port.optional().describe("Port to probe; the listener's first port when omitted."),
    path: z
      .string()
      .max(255, { error: (issue) => `must be at most 255 characters, received ${show(issue.input)}` })
      .regex(HEALTH_CHECK_PATH, {
        error: (issue) =>
          `must start with "/" and use only letters, digits and -@:%_\\+.~#?&/=, received ${show(issue.input)}`,
      })
      .optional()
      .describe("HTTP/HTTPS only.")
      .meta({ default: DEFAULTS.healthCheck.path }),
    intervalSeconds: oneOfValues(HEALTH_CHECK_INTERVALS, "10 or 30 (the API allows no other value)")
      .optional()
      .describe("Seconds between two checks of an endpoint.")
      .meta({ default: DEFAULTS.healthCheck.intervalSeconds }),
    thresholdCount: intBetween(1, 10)
      .optional()
      .describe("Consecutive checks that turn an endpoint healthy or unhealthy.")
      .meta({ default: DEFAULTS.healthCheck.thresholdCount }),
  })
  .describe("Applies to EC2 instance and Elastic IP endpoints; load balancers use their own health checks.");

export const portOverrideSchema = z.strictObject({
  listenerPort: port.describe("A port the listener accepts."),
  endpointPort: port.describe("The port on the group's endpoints that traffic for listenerPort goes to."),
});

const clientIpPreservation = z.boolean().optional().describe("Pass the client's IP address to the endpoint.");
const lookupSchema = z
  .strictObject({
    name: matching(LOAD_BALANCER_NAME, "a load balancer name (1-32 letters, digits, hyphens; no hyphen at either end)").describe("The load balancer's name."),
  })
  .describe("Find the load balancer by name at plan time, in the endpoint group's region.");

const eipEndpoint = z
  .strictObject({
    type: z.literal("eip").describe("The kind of endpoint: eip (an Elastic IP), instance (an EC2 instance), alb or nlb (a load balancer)."),
    id: matching(EIP_ALLOCATION_ID, 'an Elastic IP allocation ID ("eipalloc-" and 8 or 17 hex digits)').describe("The endpoint: an Elastic IP's allocation ID, an instance ID, or a load balancer's ARN (or its lookup)."),
    weight: weight.optional(),
    clientIpPreservation,
  })
  .superRefine(check(rules.eipWithoutClientIpPreservation));

const instanceEndpoint = z
  .strictObject({
    type: z.literal("instance").describe("The kind of endpoint: eip (an Elastic IP), instance (an EC2 instance), alb or nlb (a load balancer)."),
    id: matching(INSTANCE_ID, 'an EC2 instance ID ("i-" and 8 or 17 hex digits)').describe("The endpoint: an Elastic IP's allocation ID, an instance ID, or a load balancer's ARN (or its lookup)."),
    weight: weight.optional(),
    clientIpPreservation,
  })
  .superRefine(check(rules.instanceKeepsClientIp));

function loadBalancerEndpoint<T extends "alb" | "nlb">(type: T, arn: RegExp, kind: string) {
  return z
    .strictObject({
      type: z.literal(type).describe("The kind of endpoint: eip (an Elastic IP), instance (an EC2 instance), alb or nlb (a load balancer)."),
      id: matching(arn, `an ${kind} ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/${type === "alb" ? "app" : "net"}/<name>/<16 hex digits>)`)
        .optional()
        .describe("The endpoint: an Elastic IP's allocation ID, an instance ID, or a load balancer's ARN (or its lookup)."),
      lookup: lookupSchema.optional(),
      weight: weight.optional(),
      clientIpPreservation,
    })
    .superRefine(check(rules.loadBalancerIdOrLookup));
}

export const endpointSchema = z.discriminatedUnion("type", [
  eipEndpoint,
  instanceEndpoint,
  loadBalancerEndpoint("alb", ALB_ARN, "Application Load Balancer"),
  loadBalancerEndpoint("nlb", NLB_ARN, "Network Load Balancer"),
]);

/** A duration as Prometheus writes one; `seconds` as the same text, for a default. */
const DURATION_ALLOWED = 'a duration: a whole number and s, m or h, such as "30s", "2m" or "1h"';
const duration = () => matching(DURATION_PATTERN, DURATION_ALLOWED);
const durationText = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`);

/** An http(s) URL of a Prometheus-compatible query API; no credentials in it (the config is committed). */
const HTTP_URL = /^https?:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?(?:\/[^\s?#]*)?$/;

/** A Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`); `region` is the autopilot's own matcher. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelName = matching(LABEL_NAME, "a Prometheus label name matching ^[a-zA-Z_][a-zA-Z0-9_]*$")
  .refine((name) => name !== "region", {
    error: 'must not be "region": the autopilot selects a group\'s servers by region="<the group\'s region>" itself',
  })
  .meta({ not: { enum: ["region"] } });

const groupAutopilotSchema = z
  .strictObject({
    signal: z
      .union([oneOfValues(["queue", "kvCache"]), z.strictObject({ query: literal(z.string().min(1)).describe("A PromQL query that returns one value per group, by region (and the group's metricsLabels).") })], {
        // Only a value of neither shape comes here (a wrong string or an empty query has its own message).
        error: (issue) => `must be "queue", "kvCache" or { query: <PromQL> }, received ${show(issue.input)}`,
      })
      .describe(
        'The load signal: "queue" (requests waiting per replica) or "kvCache" (KV-cache use, 0-1) from the group\'s modelServer preset, or { query: <PromQL> } of your own.',
      ),
    lowWatermark: quantity(true).describe("Below this signal value the dial steps back up toward its ceiling."),
    highWatermark: quantity(true).describe("Above this signal value the dial steps down."),
    minDialPercent: numberBetween(0, 100)
      .optional()
      .describe("The lowest dial the autopilot sets: keeps a shed region warm and its signal meaningful.")
      .meta({ default: DEFAULTS.groupAutopilot.minDialPercent }),
    maxStepPercent: stepPercent()
      .optional()
      .describe("The largest change of one step, in dial points.")
      .meta({ default: DEFAULTS.groupAutopilot.maxStepPercent }),
    holdFor: duration()
      .optional()
      .describe("How long missing or stale data holds the dial before it walks back to its ceiling.")
      .meta({ default: durationText(DEFAULTS.groupAutopilot.holdForSeconds) }),
    settleFor: duration()
      .optional()
      .describe("How long after a change the group is left alone, while the dial reaches every edge location.")
      .meta({ default: durationText(DEFAULTS.groupAutopilot.settleForSeconds) }),
  })
  .superRefine(check(rules.watermarksInOrder, rules.kvCacheWatermarksAtMostOne))
  .describe(
    "Lets the autopilot (npm run autopilot) move this group's dial on live model-server load; the dial Terraform sets becomes its ceiling. Needs capacity and the stack's autopilot block.",
  );

/** A step of the dial: above 0 (a step of 0 could never move it), at most 100. */
function stepPercent() {
  const error = (issue: { input?: unknown }) =>
    // Stryker disable next-line ConditionalExpression: the step is optional, and zod never checks an omitted optional value
    issue.input === undefined ? undefined : `must be a number above 0 and at most 100, received ${show(issue.input)}`;
  return z.number({ error }).gt(0, { error }).max(100, { error });
}

export const endpointGroupSchema = z
  .strictObject({
    region: region.describe("The AWS region of the group's endpoints; one group per region per listener."),
    trafficDialPercentage: numberBetween(0, 100)
      .optional()
      .describe("The share (0-100) of the clients bound for this region that it keeps; the rest go on to the next closest group. Failover ignores it.")
      .meta({ default: DEFAULTS.trafficDialPercentage }),
    healthCheck: healthCheckSchema.optional(),
    portOverrides: listOf(portOverrideSchema, 0, MAX_PORT_OVERRIDES, "port overrides")
      .optional()
      .describe("Send a listener port to another port on the group's endpoints."),
    endpoints: listOf(endpointSchema, 1, MAX_ENDPOINTS, "endpoints").describe("The group's endpoints: Elastic IPs, EC2 instances, ALBs or NLBs, each with its weight."),
    modelServer: oneOfValues(MODEL_SERVER_NAMES)
      .optional()
      .describe(
        `The model server on the group's instances or Elastic IPs: sets the health check's protocol, path and port where healthCheck leaves them out (on a group of only load balancers it changes nothing: put the check on the target group). ${describeModelServers()}.`,
      ),
    capacity: quantity(false)
      .optional()
      .describe("What this group can serve, in the unit of the stack's demand (requests/s, GPUs, tokens/s): npm run explain and the plan gate flag a scenario that sends it more."),
    metricsLabels: z
      .record(labelName, literal(z.string()))
      .optional()
      .describe(
        'Label matchers that select this group\'s model servers in Prometheus besides region="<region>" (a model or listener label, where several models share a region).',
      ),
    autopilot: groupAutopilotSchema.optional(),
  })
  .superRefine(check(rules.healthCheckPathNeedsHttp, rules.loadBalancerArnInGroupRegion, rules.uniqueEndpoints, rules.uniquePortOverrides, rules.autopilotSignalAvailable));

export const listenerSchema = z
  .strictObject({
    name: constructName(LISTENER_NAME, "a lowercase name matching ^[a-z][a-z0-9-]{0,31}$").describe(
      "The listener's name: its Terraform address, its key in the outputs and the first part of the operators' keys (<listener>/<region>).",
    ),
    protocol: oneOfValues(["TCP", "UDP"]).describe("The protocol clients connect with."),
    portRanges: listOf(portRangeSchema, 1, MAX_PORT_RANGES, "port ranges").describe("The ports the listener accepts."),
    clientAffinity: oneOfValues(["NONE", "SOURCE_IP"])
      .optional()
      .describe("SOURCE_IP sends each client (by source IP) to the same endpoint every time; NONE spreads its connections.")
      .meta({ default: DEFAULTS.clientAffinity }),
    endpointGroups: listOf(endpointGroupSchema, 1, MAX_ENDPOINT_GROUPS, "endpoint groups").describe("One group per region: its endpoints, their health check and the region's traffic dial."),
    renamedFrom: matching(LISTENER_NAME, "a listener name matching ^[a-z][a-z0-9-]{0,31}$")
      .optional()
      .describe("The listener's previous name: Terraform moves it and its endpoint groups instead of replacing them."),
  })
  .superRefine(check(rules.oneEndpointGroupPerRegion, rules.albNotOnUdpListener, rules.overrideListenerPortInListener, rules.capacityOnEveryGroup, rules.steeredGroupHasCapacity));

const flowLogsSchema = z.strictObject({
  bucket: matching(S3_BUCKET_NAME, "an S3 bucket name").describe("The S3 bucket the flow logs go to."),
  prefix: literal(z.string().max(255))
    .optional()
    .describe(
      "The folder for the log files (<bucket>/<prefix>/AWSLogs/<account>/globalaccelerator/...); the stack's name when omitted or empty. \"/\" puts a double slash in the keys.",
    ),
});

export const acceleratorSchema = z.strictObject({
  name: matching(ACCELERATOR_NAME, "1-64 letters, digits or hyphens, with no hyphen at either end").describe("The accelerator's name in AWS."),
  ipAddressType: oneOfValues(["IPV4", "DUAL_STACK"])
    .optional()
    .describe("IPV4: two static IPv4 addresses; DUAL_STACK: two IPv4 and two IPv6 addresses, and no Elastic IP endpoints.")
    .meta({ default: DEFAULTS.accelerator.ipAddressType }),
  enabled: z
    .boolean()
    .optional()
    .describe("Whether the accelerator takes traffic; the operators' accelerator_enabled variable overrides it.")
    .meta({ default: DEFAULTS.accelerator.enabled }),
  ipAddresses: listOf(
    z.string().superRefine(check(rules.byoipAddress)),
    0,
    MAX_BYOIP_ADDRESSES,
    "addresses",
  )
    .optional()
    .describe("BYOIP IPv4 addresses; changing them replaces the accelerator."),
  protectFromDestroy: z
    .boolean()
    .optional()
    .describe("prevent_destroy on the accelerator: Terraform refuses a plan that destroys it (its static IP addresses would be gone for ever).")
    .meta({ default: DEFAULTS.accelerator.protectFromDestroy }),
  flowLogs: z
    .union([z.literal(false), flowLogsSchema], {
      error: (issue) =>
        // Stryker disable next-line ConditionalExpression: flowLogs is optional, and zod never checks an omitted optional value
        issue.input === undefined ? undefined : `must be false or a mapping with bucket (and prefix), received ${show(issue.input)}`,
    })
    .optional()
    .describe("Omitted: off, with a warning. false: off, silently."),
  shield: z
    .boolean()
    .optional()
    .describe("AWS Shield Advanced protection of the accelerator; the account needs a Shield Advanced subscription.")
    .meta({ default: DEFAULTS.accelerator.shield }),
}).superRefine(check(rules.byoipAddressesFromTwoRanges));

const DNS_NAME_ALLOWED = 'a DNS name such as "api.example.com": labels of 1-63 letters, digits or hyphens (no hyphen at either end) joined by dots, 253 characters at most, no trailing dot';

export const dnsSchema = z
  .strictObject({
    zone: matching(DNS_NAME, DNS_NAME_ALLOWED).optional().describe("The public hosted zone's name; Terraform finds its ID at plan time."),
    zoneId: matching(HOSTED_ZONE_ID, 'a Route 53 hosted zone ID ("Z" and up to 31 capital letters or digits)').optional().describe("The hosted zone's ID, instead of zone."),
    names: z
      .array(matching(DNS_NAME, DNS_NAME_ALLOWED))
      .min(1, { error: "must list at least one name" })
      .describe("Names that point at the accelerator: an alias A record each, and AAAA for a DUAL_STACK accelerator."),
    evaluateTargetHealth: z.boolean().optional().describe("The alias records' EvaluateTargetHealth: Route 53 checks the accelerator's health before it answers.").meta({ default: DEFAULTS.dns.evaluateTargetHealth }),
  })
  .describe("A custom domain: Route 53 alias records to the accelerator.")
  .superRefine(check(rules.dnsZoneOrZoneId, rules.dnsNamesInZone));

const demandShape = Object.fromEntries(GEOGRAPHIES.map((g) => [g, quantity(true).optional().describe(`The load from clients in ${g}, spread over its metro areas by their internet users.`)])) as {
  [G in Geography]: z.ZodOptional<ReturnType<typeof quantity>>;
};

/** A metro's name must be the table's: a misspelt one would be spread nowhere, silently. */
function knownMetros(metros: Readonly<Record<string, number>>, ctx: z.RefinementCtx) {
  for (const name of Object.keys(metros)) {
    if (metroNamed(name) !== undefined) continue;
    const close = closeMetroNames(name);
    const hint = close.length > 0 ? `; did you mean ${close.map((c) => show(c)).join(" or ")}?` : "";
    const allowed = `the name of one of the ${METRO_NAMES.length} metro areas of src/config/metros.ts, spelled as there`;
    ctx.addIssue({
      // Stryker disable next-line StringLiteral: an issue with its own message reads the same whatever its code (validate.ts reads only the codes zod gives)
      code: "custom",
      path: [name],
      input: name,
      message: `must be ${allowed}, received ${show(name)}${hint}`,
    });
  }
}

/** A geography's load goes to its metros without a figure of their own: there must be one left. */
function geographyLoadHasMetros(demand: { readonly metros?: Readonly<Record<string, number>> } & Partial<Record<Geography, number>>, ctx: z.RefinementCtx) {
  for (const geography of GEOGRAPHIES) {
    const load = demand[geography];
    const metros = METROS.filter((m) => m.geography === geography);
    if (load === undefined || load === 0 || metros.some((m) => demand.metros?.[m.name] === undefined)) continue;
    ctx.addIssue({
      // Stryker disable next-line StringLiteral: an issue with its own message reads the same whatever its code (validate.ts reads only the codes zod gives)
      code: "custom",
      path: [geography],
      input: load,
      message: `has no metro area left to spread over, received ${show(load)}: every metro of ${geography} has its own load in metros; add this load to theirs, or leave it out`,
    });
  }
}

export const demandSchema = z
  .strictObject({
    ...demandShape,
    metros: z
      .record(z.string(), quantity(true), {
        // Only a value the record refuses comes here: the record is optional, so an absent one never does.
        error: (issue) => `must be a mapping of metro names to loads, received ${show(issue.input)}`,
      })
      .superRefine(knownMetros)
      .optional()
      .describe(
        "The load of single metro areas (names as in src/config/metros.ts), in the same unit: a metro given here takes exactly this load, and its geography's figure is spread over the geography's other metros.",
      )
      .meta({ propertyNames: { enum: [...METRO_NAMES] } }),
  })
  .superRefine(geographyLoadHasMetros)
  .describe(
    "The load each client geography puts on each listener, in the unit of the endpoint groups' capacity: spread over the geography's metro areas by their internet users.",
  );

export const backendSchema = z
  .strictObject({
    bucket: matching(S3_BUCKET_NAME, "an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)").describe("The S3 bucket that holds the state (versioning on, so that a bad write can be undone)."),
    key: literal(z.string())
      .superRefine(check(rules.stateKeyFormat))
      .optional()
      .describe(`The state's S3 object key; ${defaultStateKey("<stack name>")} when omitted.`),
    region: matching(AWS_REGION_NAME, 'an AWS region name such as "us-west-2"').describe("The state bucket's region."),
    encrypt: z.boolean().optional().describe("Server-side encryption of the state object.").meta({ default: DEFAULTS.backend.encrypt }),
    kmsKeyId: matching(KMS_KEY, "a KMS key ID, alias or ARN (a key ID is a UUID whose fourth group starts with 8, 9, a or b, or mrk- and 32 hex digits)")
      .optional()
      .describe("A KMS key to encrypt the state with, instead of S3's own key."),
    lockfile: z.boolean().optional().describe("S3-native state locking (use_lockfile): a .tflock object beside the state.").meta({ default: DEFAULTS.backend.lockfile }),
    dynamodbTable: literal(z.string().min(1)).optional().describe("A DynamoDB table for state locking, the older way (both, while migrating to lockfile)."),
  })
  .describe("The S3 backend that keeps the stack's Terraform state.")
  .superRefine(check(rules.stateIsLocked));

export const autopilotSchema = z
  .strictObject({
    prometheus: z
      .strictObject({
        url: matching(HTTP_URL, 'an http:// or https:// URL of a Prometheus query API, such as "http://prometheus.monitoring:9090" (no user or password in it)').describe(
          "The Prometheus-compatible query API the signals are read from (Prometheus, Thanos, Mimir, Amazon Managed Prometheus's workspace URL); SMART_ROUTING_PROMETHEUS_URL overrides it.",
        ),
        sigv4: z
          .strictObject({ region: matching(AWS_REGION_NAME, 'an AWS region name such as "us-west-2"').describe("The workspace's region, which SigV4 signs for.") })
          .optional()
          .describe("Sign every query with SigV4 (service aps) for Amazon Managed Service for Prometheus, in this region."),
      })
      .describe("Where the model servers' load is read."),
    interval: duration().optional().describe("Time between two ticks.").meta({ default: durationText(DEFAULTS.autopilot.intervalSeconds) }),
    mode: oneOfValues(["enforce", "monitor"])
      .optional()
      .describe("enforce writes dials; monitor decides and publishes its decisions, never writes.")
      .meta({ default: DEFAULTS.autopilot.mode }),
    staleAfter: duration()
      .optional()
      .describe("A sample older than this is stale: the dial is held, then walked back to its ceiling.")
      .meta({ default: durationText(DEFAULTS.autopilot.staleAfterSeconds) }),
  })
  .superRefine(check(rules.staleAfterAtLeastInterval))
  .describe("Moves the steered groups' dials on live model-server load (npm run autopilot); groups are steered by their own autopilot block.");

export const stackSchema = z
  .strictObject({
    name: constructName(STACK_NAME, "a lowercase name matching ^[a-z][a-z0-9-]{0,62}$").describe(
      "The stack's name: the cdktf stack, its folder in cdktf.out/stacks/ and its default state key.",
    ),
    tags: z
      .record(literal(z.string().min(1).max(128)), literal(z.string().max(256)))
      .optional()
      .describe("Tags on every resource of the stack (the providers' default_tags)."),
    allowedAccountIds: z
      .array(matching(ACCOUNT_ID, "a 12-digit AWS account ID"))
      .min(1)
      .optional()
      .describe("The accounts the stack may deploy to: the AWS provider refuses credentials of any other before it plans."),
    allowDestroy: z
      .array(oneOfValues(DESTROY_ALLOWANCES, '"listeners" or "endpointGroups" (the accelerator is always protected: deleting it loses its static IPs)'))
      .optional()
      .describe("What the plan gate lets a plan delete or replace; never the accelerator.")
      .meta({ default: [...DEFAULTS.allowDestroy] }),
    backend: backendSchema,
    accelerator: acceleratorSchema.describe("The accelerator: two static anycast IP addresses in front of every listener."),
    listeners: listOf(listenerSchema, 1, MAX_LISTENERS, "listeners").describe("The ports clients connect to, each with its endpoint groups."),
    dns: dnsSchema.optional(),
    demand: demandSchema.optional(),
    autopilot: autopilotSchema.optional(),
  })
  .superRefine(
    check(
      rules.uniqueListenerNames,
      rules.renamedFromAFormerName,
      rules.endpointGroupQuota,
      rules.noOverlappingPortRanges,
      rules.overrideEndpointPortOutsideListeners,
      rules.endpointPortFromOneListenerPort,
      rules.dualStackWithoutElasticIps,
      rules.steeredGroupsNeedAutopilot,
      rules.groupDurationsAtLeastInterval,
    ),
  );

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path or URL of this JSON Schema, for editors."),
    version: z.literal(1).describe("The config format's version."),
    stacks: z
      .array(stackSchema)
      .min(1, { error: "must list at least one stack" })
      .describe("One Terraform stack each: one state file, one accelerator."),
  })
  .superRefine(check(rules.uniqueStackNames, rules.uniqueStateKeys, rules.uniqueDnsNames, rules.byoipAddressOfOneStack));

// The schema's output and the hand-written types must agree both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
const schemaMatchesTypes: Same<z.output<typeof configSchema>, Mutable<RoutingConfig>> = true;
void schemaMatchesTypes;
