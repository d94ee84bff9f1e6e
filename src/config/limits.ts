// AWS Global Accelerator facts the schema and the rules rest on. Where a value
// comes from the API rather than from Terraform's provider schema, the comment
// says so: Terraform accepts those values and only the API rejects them, at
// apply time, after the plan was approved.

/** Regions Global Accelerator can send traffic to (AWS "Regions supported" list). */
export const GA_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "sa-east-1",
] as const;
export type GaRegion = (typeof GA_REGIONS)[number];

/** The Global Accelerator API lives only in us-west-2; the default provider sits there. */
export const GA_API_REGION = "us-west-2";

/** Route 53 alias records to any accelerator use this hosted zone (AWS General Reference; the provider's hosted_zone_id). */
export const GA_HOSTED_ZONE_ID = "Z2BJ6XQ5FK7U4H";

export const MAX_LISTENERS = 10; // per accelerator (quota)
export const MAX_PORT_RANGES = 10; // per listener (not adjustable)
export const MAX_ENDPOINT_GROUPS = 42; // per accelerator, across listeners (not adjustable)
export const MAX_ENDPOINTS = 10; // per endpoint group
export const MAX_PORT_OVERRIDES = 10; // per endpoint group
export const MAX_BYOIP_ADDRESSES = 2;
/** Standard accelerators per account: AWS's default quota (adjustable in Service Quotas). */
export const DEFAULT_ACCELERATORS_PER_ACCOUNT = 20;

/** API: "10 seconds or 30 seconds"; the provider accepts anything from 10 to 30. */
export const HEALTH_CHECK_INTERVALS = [10, 30] as const;

/** API pattern for HealthCheckPath; the provider checks only its length. */
export const HEALTH_CHECK_PATH = /^\/[-a-zA-Z0-9@:%_\\+.~#?&/=]*$/;

/** API: 64 characters at most; the provider rejects periods the API allows. */
export const ACCELERATOR_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/;

export const STACK_NAME = /^[a-z][a-z0-9-]{0,62}$/;
export const LISTENER_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** Elastic Load Balancing names: 1-32 letters, digits, hyphens, no hyphen at either end. */
export const LOAD_BALANCER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

// EC2 resource IDs moved from 8 to 17 hex digits; both forms are still in use.
export const EIP_ALLOCATION_ID = /^eipalloc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const ALB_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
export const NLB_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:loadbalancer\/net\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;

const LOAD_BALANCER_NAME_IN_ARN = /:loadbalancer\/(?:app|net)\/([^/]+)\//;

/**
 * What names an endpoint within its region: the Elastic IP allocation ID, the instance ID, or the load
 * balancer's name, whether the config gives its ARN or looks it up by name (a load balancer's name is
 * unique per region and account, so both forms name the same endpoint). Undefined for an endpoint that
 * has neither an ID nor a lookup (an invalid config).
 */
export function endpointIdentity(endpoint: { readonly id?: string; readonly lookup?: { readonly name: string } }): string | undefined {
  if (endpoint.lookup !== undefined) return endpoint.lookup.name;
  return endpoint.id === undefined ? undefined : (LOAD_BALANCER_NAME_IN_ARN.exec(endpoint.id)?.[1] ?? endpoint.id);
}

export const AWS_REGION_NAME = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
export const ACCOUNT_ID = /^\d{12}$/;
/** S3 bucket naming rules (general purpose buckets). */
export const S3_BUCKET_NAME = /^[a-z0-9](?:[a-z0-9.-]{1,61}[a-z0-9])$/;
export const IPV4_ADDRESS = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * A DNS name as Route 53 stores it for these records: labels of 1-63 letters, digits or hyphens with no
 * hyphen at either end, at least two of them, 253 characters in all, no trailing dot.
 */
export const DNS_NAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** A Route 53 hosted zone ID, as the console shows it (the API's "/hostedzone/" prefix left off). */
export const HOSTED_ZONE_ID = /^Z[0-9A-Z]{1,31}$/;

/**
 * The client geographies a stack's `demand` is given in, for `npm run explain` and the plan gate's capacity
 * check; each is the metro areas of src/config/metros.ts in it.
 */
export const GEOGRAPHIES = ["north-america", "south-america", "europe", "africa", "middle-east", "asia", "oceania"] as const;
export type Geography = (typeof GEOGRAPHIES)[number];

/** What `allowDestroy` can name; the accelerator is not among them, on purpose. */
export const DESTROY_ALLOWANCES = ["listeners", "endpointGroups"] as const;

// Terraform's S3 backend rejects at init what is not a KMS key ID (a UUID whose variant digit is 8, 9, a
// or b, or "mrk-" and 32 hex digits), an alias, or the ARN of either (backend/remote-state/s3/validate.go).
const KMS_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
const KMS_MRK = "mrk-[0-9a-f]{32}";
const KMS_ALIAS = "alias/[a-zA-Z0-9/_-]+";
export const KMS_KEY = new RegExp(
  `^(?:${KMS_UUID}|${KMS_MRK}|${KMS_ALIAS}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(?:key/(?:${KMS_UUID}|${KMS_MRK})|${KMS_ALIAS}))$`,
);
