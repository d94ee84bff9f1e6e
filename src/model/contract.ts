// The Terraform contract of a stack: every name that users, operators, CI and other teams rely on, spelled
// here and only here. Resource addresses come only from names in the config (never from construct
// nesting, hashes or positions), so moving code never moves a resource: a new address would destroy what
// the old one held, and an accelerator's static IP addresses are gone for ever once it is destroyed.
import { endpointIdentity } from "../config/limits";

export const RESOURCE_TYPE = {
  accelerator: "aws_globalaccelerator_accelerator",
  listener: "aws_globalaccelerator_listener",
  endpointGroup: "aws_globalaccelerator_endpoint_group",
  loadBalancer: "aws_lb",
  dnsZone: "aws_route53_zone",
  dnsRecord: "aws_route53_record",
  shieldProtection: "aws_shield_protection",
  ssmParameter: "aws_ssm_parameter",
} as const;

interface GroupNames {
  readonly listener: string;
  readonly region: string;
}

interface EndpointNames {
  readonly id?: string;
  readonly lookup?: { readonly name: string };
}

/** Terraform resource names (the part after the type), which cdktf's overrideLogicalId pins. */
export const RESOURCE_NAME = {
  accelerator: "accelerator",
  listener: (listener: string): string => listener,
  endpointGroup: (group: GroupNames): string => `${group.listener}_${group.region}`,
  /** A load balancer found by name: `<region>_<name>`. */
  lookup: (lookup: { readonly region: string; readonly name: string }): string => `${lookup.region}_${lookup.name}`,
  /** The stack's one hosted zone, when it is found by name. */
  dnsZone: "zone",
  /** `<type>_<name with dots as underscores>`: `A_api_example_com` (DNS names hold no underscores, so no two collide). */
  dnsRecord: (record: { readonly name: string; readonly type: string }): string => `${record.type}_${record.name.replace(/\./g, "_")}`,
  shieldProtection: "accelerator",
  /** The autopilot's published parameter (only in stacks with steered groups). */
  autopilotParameter: "autopilot",
} as const;

/** Full addresses, as `terraform plan` prints them. */
export const ADDRESS = {
  accelerator: `${RESOURCE_TYPE.accelerator}.${RESOURCE_NAME.accelerator}`,
  listener: (listener: string): string => `${RESOURCE_TYPE.listener}.${RESOURCE_NAME.listener(listener)}`,
  endpointGroup: (group: GroupNames): string => `${RESOURCE_TYPE.endpointGroup}.${RESOURCE_NAME.endpointGroup(group)}`,
  lookup: (lookup: { readonly region: string; readonly name: string }): string => `data.${RESOURCE_TYPE.loadBalancer}.${RESOURCE_NAME.lookup(lookup)}`,
  dnsZone: `data.${RESOURCE_TYPE.dnsZone}.${RESOURCE_NAME.dnsZone}`,
  dnsRecord: (record: { readonly name: string; readonly type: string }): string => `${RESOURCE_TYPE.dnsRecord}.${RESOURCE_NAME.dnsRecord(record)}`,
  shieldProtection: `${RESOURCE_TYPE.shieldProtection}.${RESOURCE_NAME.shieldProtection}`,
  autopilotParameter: `${RESOURCE_TYPE.ssmParameter}.autopilot`,
} as const;

/** Every stack's outputs. */
export const OUTPUT = {
  dnsName: "dns_name",
  dualStackDnsName: "dual_stack_dns_name",
  staticIps: "static_ips",
  hostedZoneId: "hosted_zone_id",
  acceleratorArn: "accelerator_arn",
  /** Map: listener name -> ARN. */
  listenerArns: "listener_arns",
  /** Map: `<listener>/<region>` (the traffic dial key) -> ARN. */
  endpointGroupArns: "endpoint_group_arns",
  /** Map: listener name -> the URLs of the stack's DNS names (only with dns). */
  urls: "urls",
} as const;

/**
 * The Shield protection's name (as the Shield console lists it) and its tag, which the IAM policies key on:
 * Shield's CreateProtection takes no resource ARN in IAM, so the tag is what ties a protection to its stack.
 */
export const SHIELD = {
  protectionName: (stack: string): string => `${stack}-accelerator`,
  tagKey: "smart-routing:stack",
} as const;

/** The operators' variables: what they pass with -var during an incident. */
export const VARIABLE = {
  trafficDials: "traffic_dials",
  endpointWeights: "endpoint_weights",
  acceleratorEnabled: "accelerator_enabled",
} as const;

// The keys operators type into traffic_dials and endpoint_weights, often during an incident. They are
// built from names people see in the config and the AWS console, never from positions, so reordering
// the config never moves a key.

/** `<listener>/<region>`: an endpoint group in traffic_dials and in the endpoint_group_arns output. */
export function trafficDialKey(group: GroupNames): string {
  return `${group.listener}/${group.region}`;
}

/** `<listener>/<region>/<endpoint>`: an endpoint in endpoint_weights (see endpointIdentity). */
export function endpointWeightKey(group: GroupNames, endpoint: EndpointNames): string {
  return `${trafficDialKey(group)}/${endpointIdentity(endpoint)}`;
}

/**
 * What the autopilot reads from a stack, and where: the SSM parameter each stack with steered groups
 * publishes (in us-west-2, with the Global Accelerator resources; Terraform's docs advise publishing data
 * for outside readers rather than letting them read the state), and the S3 object beside the state that
 * holds the one-writer lease, the dials it wrote and the operators' pauses.
 */
export const AUTOPILOT = {
  parameterName: (stack: string): string => `/smart-routing/${stack}/autopilot`,
  parameterRegion: "us-west-2",
  /** In the stack's backend bucket. */
  stateKey: (stack: string): string => `smart-routing/autopilot/${stack}.json`,
} as const;
