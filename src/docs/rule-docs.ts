// What each validation rule and warning checks, why, and where that behaviour is documented: the data
// docs/config-reference.md is generated from (npm run docs). Kept here, outside src/validation, because it
// is documentation, not behaviour: mutation testing would only spend minutes on its strings.
// Keys are the names src/validation/rules.ts and src/validation/warnings.ts export; the generator fails
// when a rule or warning has no entry, an entry names none, or an entry lacks paths, reason or source.
// Paths are config paths ("[]" for every item of a list) and must be fields of the schema.

export interface RuleDoc {
  /** The config fields the rule reads (its error or warning is reported at one of them). */
  readonly paths: readonly string[];
  /** Why the rule exists: what goes wrong without it. */
  readonly reason: string;
  /** The AWS (or Terraform) documentation of the behaviour: a URL, or a guide of this repository (docs/...). */
  readonly source: string;
}

/** A field limit that comes from AWS (or Terraform), with where it is documented. */
export interface FieldDoc {
  readonly reason: string;
  readonly source: string;
}

const S = "stacks[]";
const L = `${S}.listeners[]`;
const G = `${L}.endpointGroups[]`;
const E = `${G}.endpoints[]`;

const GA_API = "https://docs.aws.amazon.com/global-accelerator/latest/api";
const GA_GUIDE = "https://docs.aws.amazon.com/global-accelerator/latest/dg";
const PORT_OVERRIDES = `${GA_GUIDE}/about-endpoint-groups-port-override.html`;
const QUOTAS = `${GA_GUIDE}/limits-global-accelerator.html`;
const CLIENT_IP = `${GA_GUIDE}/preserve-client-ip-address.html`;
const S3_BACKEND = "https://developer.hashicorp.com/terraform/language/backend/s3";
const ROUTE53_CHANGES = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html";
const AUTOPILOT = "docs/autopilot.md";

/** Every cross-field rule of src/validation/rules.ts, by its exported name. */
export const RULE_DOCS: Readonly<Record<string, RuleDoc>> = {
  portRangeInOrder: {
    paths: [`${L}.portRanges[].fromPort`, `${L}.portRanges[].toPort`],
    reason: "The API rejects a port range whose last port is below its first.",
    source: `${GA_API}/API_PortRange.html`,
  },
  healthCheckPathNeedsHttp: {
    paths: [`${G}.healthCheck.path`, `${G}.healthCheck.protocol`, `${G}.modelServer`],
    reason: "The API uses the path only for HTTP and HTTPS checks; on a TCP check the provider shows a change on every plan.",
    source: `${GA_API}/API_CreateEndpointGroup.html`,
  },
  eipWithoutClientIpPreservation: {
    paths: [`${E}.clientIpPreservation`],
    reason: "Global Accelerator cannot preserve the client's IP address for Elastic IP endpoints: the apply fails.",
    source: CLIENT_IP,
  },
  instanceKeepsClientIp: {
    paths: [`${E}.clientIpPreservation`],
    reason: "EC2 instance endpoints always preserve the client's IP address; false would be a change Terraform shows on every plan.",
    source: CLIENT_IP,
  },
  loadBalancerIdOrLookup: {
    paths: [`${E}.id`, `${E}.lookup`],
    reason: "A load balancer endpoint needs exactly one endpoint ID: its ARN, or a lookup that finds the ARN at plan time; both could disagree.",
    source: `${GA_API}/API_EndpointConfiguration.html`,
  },
  loadBalancerArnInGroupRegion: {
    paths: [`${E}.id`, `${G}.region`],
    reason: "An endpoint group reaches only the endpoints in its own region: a load balancer of another region can never be its endpoint.",
    source: `${GA_GUIDE}/about-endpoint-groups.html`,
  },
  uniqueEndpoints: {
    paths: [`${E}.id`, `${E}.lookup.name`],
    reason: "The API rejects an endpoint listed twice in one group (an ARN and a lookup of the same name are one endpoint); unique endpoints also keep the operators' endpoint_weights keys unique.",
    source: `${GA_API}/API_CreateEndpointGroup.html`,
  },
  uniquePortOverrides: {
    paths: [`${G}.portOverrides[].listenerPort`, `${G}.portOverrides[].endpointPort`],
    reason: "Two overrides of one listener port are ambiguous, and two onto one endpoint port collide.",
    source: PORT_OVERRIDES,
  },
  oneEndpointGroupPerRegion: {
    paths: [`${G}.region`],
    reason: "A listener can have only one endpoint group in a region: the second fails at apply.",
    source: `${GA_API}/API_CreateEndpointGroup.html`,
  },
  albNotOnUdpListener: {
    paths: [`${L}.protocol`, `${E}.type`],
    reason: "An Application Load Balancer has only HTTP and HTTPS listeners: UDP traffic could never reach it.",
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
  },
  overrideListenerPortInListener: {
    paths: [`${G}.portOverrides[].listenerPort`, `${L}.portRanges`],
    reason: "An override maps a port the listener accepts; any other listener port never arrives, so the override would never match.",
    source: PORT_OVERRIDES,
  },
  capacityOnEveryGroup: {
    paths: [`${G}.capacity`],
    reason: "A group without a capacity beside groups with one would be left out of every overload check (npm run explain, the plan gate), silently.",
    source: "docs/explain-and-capacity.md#capacity",
  },
  dnsZoneOrZoneId: {
    paths: [`${S}.dns.zone`, `${S}.dns.zoneId`],
    reason: "The records name their hosted zone by name or by ID, exactly one: both could disagree.",
    source: "docs/model-servers-dns-shield.md#a-custom-domain",
  },
  dnsNamesInZone: {
    paths: [`${S}.dns.names`, `${S}.dns.zone`],
    reason: "Route 53 rejects a record whose name is outside its zone, at apply time (InvalidChangeBatch).",
    source: ROUTE53_CHANGES,
  },
  uniqueListenerNames: {
    paths: [`${L}.name`],
    reason: "Listener names become Terraform addresses, output keys and operator keys: two of one name would collide.",
    source: "docs/writing-a-config.md#terraform-addresses-and-outputs",
  },
  renamedFromAFormerName: {
    paths: [`${L}.renamedFrom`],
    reason: "A rename is a moved block from an address that no longer exists: Terraform refuses to move from an address still in the config, or two resources onto one.",
    source: "https://developer.hashicorp.com/terraform/language/moved",
  },
  endpointGroupQuota: {
    paths: [`${L}.endpointGroups`],
    reason: "An accelerator has at most 42 endpoint groups across all its listeners (not adjustable): more fail at apply.",
    source: QUOTAS,
  },
  noOverlappingPortRanges: {
    paths: [`${L}.portRanges`, `${L}.protocol`],
    reason: "Port ranges of one protocol must not overlap across the accelerator's listeners (InvalidPortRangeException at apply); a TCP and a UDP listener may share ports.",
    source: `${GA_API}/API_CreateListener.html`,
  },
  overrideEndpointPortOutsideListeners: {
    paths: [`${G}.portOverrides[].endpointPort`, `${L}.portRanges`],
    reason: "An override's endpoint port cannot be in any listener port range of the accelerator, of either protocol: it would take that listener's traffic too.",
    source: PORT_OVERRIDES,
  },
  endpointPortFromOneListenerPort: {
    paths: [`${G}.portOverrides[].endpointPort`, `${G}.portOverrides[].listenerPort`],
    reason: "No duplicate endpoint ports: an endpoint port overridden from one listener port cannot be overridden from another anywhere in the accelerator; the API refuses it at apply.",
    source: PORT_OVERRIDES,
  },
  dualStackWithoutElasticIps: {
    paths: [`${S}.accelerator.ipAddressType`, `${E}.type`],
    reason: "A dual-stack accelerator accepts only dual-stack endpoints; an Elastic IP is IPv4 only.",
    source: `${GA_GUIDE}/about-endpoints.html`,
  },
  byoipAddress: {
    paths: [`${S}.accelerator.ipAddresses`],
    reason: "BYOIP addresses are plain IPv4 addresses; the API rejects a /32 suffix.",
    source: `${GA_API}/API_CreateAccelerator.html`,
  },
  byoipAddressesFromTwoRanges: {
    paths: [`${S}.accelerator.ipAddresses`],
    reason: "Two addresses of one accelerator come one from each of two ranges (each range is a different network zone, at least a /24): never the same address, never one /24.",
    source: `${GA_API}/API_CreateAccelerator.html`,
  },
  stateKeyFormat: {
    paths: [`${S}.backend.key`],
    reason: "A state key is an S3 object key relative to the bucket: a leading \"/\" or \"..\" puts the state where other tooling does not look, and a control character is a slip no tool shows plainly.",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html",
  },
  stateIsLocked: {
    paths: [`${S}.backend.lockfile`, `${S}.backend.dynamodbTable`],
    reason: "Two runs without a state lock can both write the state; one of the writes is lost.",
    source: S3_BACKEND,
  },
  uniqueStackNames: {
    paths: [`${S}.name`],
    reason: "Stack names are cdktf stack names and output folders: two of one name would overwrite each other.",
    source: "docs/writing-a-config.md#terraform-addresses-and-outputs",
  },
  uniqueDnsNames: {
    paths: [`${S}.dns.names`],
    reason: "One name is one alias record: a second stack (or entry) would fail its apply on the existing record or, allowed to overwrite it, take the name from the first accelerator.",
    source: ROUTE53_CHANGES,
  },
  byoipAddressOfOneStack: {
    paths: [`${S}.accelerator.ipAddresses`],
    reason: "A BYOIP address is the static IP of one accelerator at a time: the API refuses a second accelerator with an address in use, so the second stack's apply would fail.",
    source: `${GA_API}/API_CreateAccelerator.html`,
  },
  uniqueStateKeys: {
    paths: [`${S}.backend.bucket`, `${S}.backend.key`],
    reason: "Two stacks writing one state object would destroy each other's resources.",
    source: S3_BACKEND,
  },
  watermarksInOrder: {
    paths: [`${G}.autopilot.lowWatermark`, `${G}.autopilot.highWatermark`],
    reason: "The deadband needs room between its edges: with low at or above high every value is past one of them, and the dial would move on every tick.",
    source: `${AUTOPILOT}#the-config`,
  },
  kvCacheWatermarksAtMostOne: {
    paths: [`${G}.autopilot.signal`, `${G}.autopilot.highWatermark`],
    reason: "KV-cache use is a fraction from 0 to 1: a high watermark above 1 is never reached, and the dial never steps down.",
    source: `${AUTOPILOT}#the-config`,
  },
  autopilotSignalAvailable: {
    paths: [`${G}.autopilot.signal`, `${G}.modelServer`],
    reason: "queue and kvCache read the metric the group's model-server preset names: a group without a preset that has one would have no signal and be held for ever.",
    source: `${AUTOPILOT}#the-config`,
  },
  steeredGroupHasCapacity: {
    paths: [`${G}.autopilot`, `${G}.capacity`],
    reason: "The autopilot judges headroom as load against capacity (queue lengths do not add across regions): a steered group without a capacity could never be judged.",
    source: `${AUTOPILOT}#the-config`,
  },
  steeredGroupsNeedAutopilot: {
    paths: [`${G}.autopilot`, `${S}.autopilot`],
    reason: "A group's autopilot block says how to steer it, the stack's where the load is read: without the latter nothing would steer the group, yet Terraform would stop setting its dial.",
    source: `${AUTOPILOT}#the-config`,
  },
  staleAfterAtLeastInterval: {
    paths: [`${S}.autopilot.staleAfter`, `${S}.autopilot.interval`],
    reason: "A sample is at best one interval old when the autopilot reads it: calling it stale sooner would hold every dial on every tick.",
    source: `${AUTOPILOT}#the-config`,
  },
  groupDurationsAtLeastInterval: {
    paths: [`${G}.autopilot.holdFor`, `${G}.autopilot.settleFor`, `${S}.autopilot.interval`],
    reason: "The autopilot looks once per interval: a hold or settle window shorter than that ends between two ticks, so it would mean one interval whatever it says.",
    source: `${AUTOPILOT}#the-config`,
  },
};

/** Every warning of src/validation/warnings.ts, by its exported name. */
export const WARNING_DOCS: Readonly<Record<string, RuleDoc>> = {
  flowLogsOff: {
    paths: [`${S}.accelerator.flowLogs`],
    reason: "Without flow logs there is no record of which client reached which endpoint; false says that is meant.",
    source: `${GA_GUIDE}/monitoring-global-accelerator.flow-logs.html`,
  },
  allDialsZero: {
    paths: [`${G}.trafficDialPercentage`],
    reason: "With every group of a listener at dial 0 the listener serves only failover traffic, which ignores dials.",
    source: `${GA_GUIDE}/about-endpoint-groups-traffic-dial.html`,
  },
  allWeightsZero: {
    paths: [`${E}.weight`],
    reason: "Weight 0 means no traffic even when healthy: a group whose every weight is 0 sends none to any endpoint.",
    source: `${GA_GUIDE}/about-endpoints-endpoint-weights.html`,
  },
  healthCheckIgnored: {
    paths: [`${G}.healthCheck`],
    reason: "Global Accelerator checks load balancer endpoints with the load balancers' own health checks, not the group's.",
    source: `${GA_GUIDE}/about-endpoint-groups-health-check-options.html`,
  },
  modelServerOnLoadBalancers: {
    paths: [`${G}.modelServer`],
    reason: "On a group of only load balancers the preset changes nothing: the readiness check belongs on the target group.",
    source: `${GA_GUIDE}/about-endpoint-groups-health-check-options.html`,
  },
  weakModelServerCheck: {
    paths: [`${G}.modelServer`],
    reason: "A readiness check that passes before a model is loaded (ollama's) sends clients to a server that cannot answer yet.",
    source: "docs/model-servers-dns-shield.md#model-server-presets",
  },
  autopilotWithoutSteeredGroup: {
    paths: [`${S}.autopilot`],
    reason: "The stack's autopilot block steers only groups with their own block: without one it does nothing.",
    source: `${AUTOPILOT}#the-config`,
  },
  acceleratorsPerAccount: {
    paths: [`${S}.allowedAccountIds`],
    reason: "AWS's default quota is 20 accelerators per account: the 21st CreateAccelerator fails half-way through a rollout. A warning, since the quota is adjustable.",
    source: QUOTAS,
  },
};

/** Limits of single fields that AWS (or Terraform) sets, by config path: why the range or format is what it is. */
export const FIELD_DOCS: Readonly<Record<string, FieldDoc>> = {
  [`${G}.region`]: { reason: "Only regions Global Accelerator supports can hold endpoint groups; Terraform plans any other happily and the apply fails.", source: `${GA_GUIDE}/preserve-client-ip-address.regions.html` },
  [`${G}.trafficDialPercentage`]: { reason: "The API takes 0-100.", source: `${GA_API}/API_CreateEndpointGroup.html` },
  [`${E}.weight`]: { reason: "The API takes whole numbers 0-255.", source: `${GA_API}/API_EndpointConfiguration.html` },
  [`${G}.healthCheck.intervalSeconds`]: { reason: "The API takes 10 or 30 only; the provider allows 10-30, so 20 passes a plan and fails the apply.", source: `${GA_API}/API_CreateEndpointGroup.html` },
  [`${G}.healthCheck.thresholdCount`]: { reason: "The API takes 1-10: 11 fails at apply.", source: `${GA_API}/API_CreateEndpointGroup.html` },
  [`${G}.healthCheck.path`]: { reason: "The API takes a path starting with / of at most 255 characters from a fixed set; a bad path fails the apply.", source: `${GA_API}/API_CreateEndpointGroup.html` },
  [`${G}.healthCheck.port`]: { reason: "A TCP port, 1-65535.", source: `${GA_API}/API_CreateEndpointGroup.html` },
  [`${L}.portRanges`]: { reason: "A listener has 1-10 port ranges.", source: QUOTAS },
  [`${L}.portRanges[].fromPort`]: { reason: "Ports are 1-65535.", source: `${GA_API}/API_PortRange.html` },
  [`${L}.portRanges[].toPort`]: { reason: "Ports are 1-65535.", source: `${GA_API}/API_PortRange.html` },
  [`${G}.portOverrides`]: { reason: "At most 10 port overrides per endpoint group.", source: PORT_OVERRIDES },
  [`${G}.endpoints`]: { reason: "At most 10 endpoints per endpoint group (the default quota).", source: QUOTAS },
  [`${S}.listeners`]: { reason: "At most 10 listeners per accelerator (the default quota).", source: QUOTAS },
  [`${E}.id`]: { reason: "Endpoint IDs by type: an Elastic IP's allocation ID, an instance ID, an ALB's or NLB's ARN; a typo would reach the API.", source: `${GA_API}/API_EndpointConfiguration.html` },
  [`${E}.clientIpPreservation`]: { reason: "Not available for Elastic IPs, always on for instances.", source: CLIENT_IP },
  [`${S}.accelerator.name`]: { reason: "The API takes at most 64 characters, with no hyphen at either end.", source: `${GA_API}/API_CreateAccelerator.html` },
  [`${S}.accelerator.ipAddresses`]: { reason: "At most 2 BYOIP IPv4 addresses; changing them replaces the accelerator.", source: `${GA_API}/API_CreateAccelerator.html` },
  [`${S}.accelerator.flowLogs`]: { reason: "The API requires a prefix when flow logs are on: without one the apply failed at UpdateAcceleratorAttributes after the accelerator was created, so the stack's name is the default.", source: `${GA_API}/API_UpdateAcceleratorAttributes.html` },
  [`${S}.tags`]: { reason: "Tag keys are 1-128 characters, values at most 256.", source: `${GA_API}/API_Tag.html` },
  [`${S}.backend.bucket`]: { reason: "S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens.", source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html" },
  [`${S}.dns.names`]: { reason: "DNS names: labels of 1-63 letters, digits and hyphens, 253 characters in all; Route 53 stores them in lower case.", source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html" },
  [`${S}.name`]: { reason: "A stack name becomes a construct id, a folder and a state key; \"constructor\" is a name cdktf cannot give a construct.", source: "docs/validation.md#what-validation-protects-you-from" },
  [`${S}.demand`]: { reason: "A geography's load goes to its metros without a load of their own: when every metro of the geography has one, the geography's figure has nowhere to go, and is refused.", source: "docs/explain-and-capacity.md#capacity" },
  [`${S}.demand.metros`]: { reason: "A misspelt metro would take its load nowhere, silently: a name must be one of the table's (the error suggests the closest).", source: "docs/explain-and-capacity.md#where-the-clients-are" },
  [`${G}.metricsLabels`]: { reason: "region is the autopilot's own matcher: it selects a group's servers by region=\"<the group's region>\" itself.", source: `${AUTOPILOT}#the-config` },
  [`${S}.autopilot.prometheus.url`]: { reason: "No user or password in the URL: the config is committed; credentials come from the environment (sigv4 for Amazon Managed Service for Prometheus).", source: `${AUTOPILOT}#running-it` },
  [`${L}.name`]: { reason: "A listener name becomes a construct id and a Terraform address; \"constructor\" is a name cdktf cannot give a construct.", source: "docs/validation.md#what-validation-protects-you-from" },
};

/** The note for free text that Terraform would read as a template ("${" or "%{"). */
export const TEMPLATE_SEQUENCE_DOC: FieldDoc = {
  reason: "Terraform reads \"${\" and \"%{\" in a string as an expression or a directive: a tag value \"${var.team}\" fails the plan, a state key with one fails init.",
  source: "https://developer.hashicorp.com/terraform/language/expressions/strings#string-templates",
};

/** Examples of the fields no example config gives (the generator fails on a field without any example). */
export const FIELD_EXAMPLES: Readonly<Record<string, unknown>> = {
  $schema: "../schema/smart-routing.schema.json",
  [`${G}.metricsLabels`]: { model: "llama-3-70b" },
  [`${G}.autopilot.signal.query`]: "max by (region) (vllm:gpu_cache_usage_perc)",
  [`${S}.dns.zoneId`]: "Z0123456789ABCDEFGHIJ",
  [`${S}.autopilot.prometheus.sigv4`]: { region: "us-west-2" },
  [`${S}.autopilot.prometheus.sigv4.region`]: "us-west-2",
};
