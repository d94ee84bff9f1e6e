// Least-privilege IAM documents for the CI roles of one stack, derived from its model: a plan role for
// pull requests and the scheduled drift check (read Global Accelerator, read the stack's state, write only
// its lock), an apply role for the apply workflow's job in the stack's GitHub environment (which cannot
// delete the accelerator unless break-glass is asked for), and the GitHub OIDC trust policy of each, which
// checks both the audience and the subject: exactly the subjects the workflows' jobs present.
// Each grant is needed by a call Terraform or the provider was recorded making, or by a dependent action
// AWS documents for one (__tests__/iam-calls.terraform.test.ts proves both ways).
import { AUTOPILOT, SHIELD } from "../model/contract";
import type { DnsModel, StackModel } from "../model/model";

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Statement[];
}

export interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: Record<string, string>;
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface IamOptions {
  /** The AWS account of the roles, the accelerator and the state bucket. */
  readonly account: string;
  /** GitHub repository, owner/name. */
  readonly repository: string;
  /** The default branch, whose scheduled drift runs assume the plan role. @default "main" */
  readonly branch?: string;
  /** Allow DeleteAccelerator in the apply role (a break-glass role only). @default false */
  readonly breakGlass?: boolean;
}

export interface StackPolicies {
  readonly planRole: PolicyDocument;
  readonly applyRole: PolicyDocument;
  readonly planTrust: PolicyDocument;
  readonly applyTrust: PolicyDocument;
  /** The autopilot's role, for a stack with an autopilot (see autopilotPolicy). @default - none */
  readonly autopilotRole?: PolicyDocument;
}

const GITHUB_OIDC = "token.actions.githubusercontent.com";

// What the provider reads for the three resource types (accelerator.go, listener.go, endpoint_group.go).
const GA_READ = [
  "globalaccelerator:DescribeAccelerator",
  "globalaccelerator:DescribeAcceleratorAttributes",
  "globalaccelerator:DescribeListener",
  "globalaccelerator:DescribeEndpointGroup",
  "globalaccelerator:ListTagsForResource",
];
const GA_WRITE = [
  "globalaccelerator:UpdateAccelerator",
  "globalaccelerator:UpdateAcceleratorAttributes",
  "globalaccelerator:TagResource",
  "globalaccelerator:UntagResource",
  "globalaccelerator:CreateListener",
  "globalaccelerator:UpdateListener",
  "globalaccelerator:DeleteListener",
  "globalaccelerator:CreateEndpointGroup",
  "globalaccelerator:UpdateEndpointGroup",
  "globalaccelerator:DeleteEndpointGroup",
];
const LOOKUP_READ = ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags"];
/** Where the S3 backend keeps non-default workspaces (workspace_key_prefix, which the config leaves at its default). */
const WORKSPACE_PREFIX = "env:/";
// What the provider was recorded reading for a record (the zone, then the record set by name and type) and,
// when the zone is found by name, for the data source (ListHostedZones, which has no resource type, then the
// zone and its tags).
const DNS_READ = ["route53:GetHostedZone", "route53:ListResourceRecordSets"];
const ZONE_LOOKUP = ["route53:GetHostedZone", "route53:ListTagsForResource"];
// The provider reads a protection and its tags, retags and deletes it; Shield's Describe, Delete and tag actions
// take a protection ARN and aws:ResourceTag, CreateProtection takes no resource at all, only aws:RequestTag
// (Service Authorization Reference, AWS Shield): the stack's tag on the protection keeps each role to its own.
const SHIELD_READ = ["shield:DescribeProtection", "shield:ListTagsForResource"];
const SHIELD_WRITE = ["shield:DeleteProtection", "shield:TagResource", "shield:UntagResource"];

export function stackPolicies(stack: StackModel, options: IamOptions): StackPolicies {
  const plan = planStatements(stack, options);
  const applyExtra: Statement[] = [
    { Sid: "WriteState", Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${stack.backend.bucket}/${stack.backend.key}` },
    { Sid: "ChangeGlobalAccelerator", Effect: "Allow", Action: [...GA_WRITE, ...(options.breakGlass ? ["globalaccelerator:DeleteAccelerator"] : [])], Resource: acceleratorArns(options.account) },
    // The Service Authorization Reference gives CreateAccelerator no resource type: only "*" grants it.
    { Sid: "CreateAccelerator", Effect: "Allow", Action: "globalaccelerator:CreateAccelerator", Resource: "*" },
    {
      // Global Accelerator creates its service-linked role (for client IP preservation) with the caller's
      // permission "the first time that you create an accelerator" (developer guide, service-linked role).
      Sid: "ClientIpPreservationRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: `arn:aws:iam::${options.account}:role/aws-service-role/globalaccelerator.amazonaws.com/*`,
      Condition: { StringEquals: { "iam:AWSServiceName": "globalaccelerator.amazonaws.com" } },
    },
    ...flowLogStatements(stack),
    ...(stack.dns !== undefined ? dnsChanges(stack.dns) : []),
    ...(stack.accelerator.shield ? shieldChanges(stack.name, options.account) : []),
  ];
  // An explicit Deny wins over any Allow another policy on the role may add.
  const denyDelete: Statement[] = options.breakGlass
    ? []
    : [{ Sid: "NeverDeleteTheAccelerator", Effect: "Deny", Action: "globalaccelerator:DeleteAccelerator", Resource: "*" }];
  return {
    planRole: document(plan),
    applyRole: document([...plan, ...applyExtra, ...denyDelete]),
    planTrust: trust(options, planSubjects(options.branch ?? "main")),
    applyTrust: trust(options, [applySubject(stack.name)]),
    ...(stack.autopilot !== undefined && { autopilotRole: autopilotPolicy(stack, options) }),
  };
}

// ---------------------------------------------------------------------------------------------------
// The autopilot's role (`npm run autopilot`): read the dials and health of the stack's endpoint groups,
// write a dial (enforce mode only), read what the stack published for it, keep its state object beside
// the Terraform state, and query Amazon Managed Prometheus when it signs its queries. No trust policy:
// the autopilot runs wherever it reaches Prometheus and the API (a container, a systemd unit, a Kubernetes
// Deployment), and each has its own way to assume a role (ECS task role, EKS Pod Identity or IRSA, an
// instance profile). Proven by the adapters' recorded calls (__tests__/autopilot-iam.terraform.test.ts).

/**
 * The workspace of an Amazon Managed Service for Prometheus query URL
 * (https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/...), or undefined for any other URL.
 */
export function ampWorkspaceOf(url: string): { region: string; workspaceId: string } | undefined {
  const found = /^https:\/\/aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com\/workspaces\/(ws-[A-Za-z0-9-]+)(?:\/|$)/.exec(url);
  return found === null ? undefined : { region: found[1], workspaceId: found[2] };
}

/** The autopilot role's policy: each statement is a call its adapters make (or S3's rule for a missing object). */
export function autopilotPolicy(stack: StackModel, options: Pick<IamOptions, "account">): PolicyDocument {
  const autopilot = stack.autopilot;
  if (autopilot === undefined) throw new Error(`stack ${stack.name} has no autopilot`);
  const { account } = options;
  const { bucket, region, kmsKeyId } = stack.backend;
  const stateKey = AUTOPILOT.stateKey(stack.name);
  // Endpoint group IDs are made by the API at apply time, so the groups are known by their ARN's form;
  // Global Accelerator's ARNs have no region, and the account keeps them to this one.
  const groups = `arn:aws:globalaccelerator::${account}:accelerator/*/listener/*/endpoint-group/*`;
  const statements: Statement[] = [
    { Sid: "ReadAcceleratorStatus", Effect: "Allow", Action: "globalaccelerator:DescribeAccelerator", Resource: acceleratorArns(account) },
    { Sid: "ReadDials", Effect: "Allow", Action: "globalaccelerator:DescribeEndpointGroup", Resource: groups },
    // Monitor mode decides and publishes, never writes: only enforce may move a dial (as in AWS's
    // global-capacity-orchestrator sample). The clamp after an apply runs with the apply role.
    ...(autopilot.mode === "enforce" ? [{ Sid: "SetDials", Effect: "Allow" as const, Action: "globalaccelerator:UpdateEndpointGroup", Resource: groups }] : []),
    {
      Sid: "ReadPublishedParameter",
      Effect: "Allow",
      Action: "ssm:GetParameter",
      // A parameter whose name starts with / is parameter/<name without it> in its ARN.
      Resource: `arn:aws:ssm:${AUTOPILOT.parameterRegion}:${account}:parameter${AUTOPILOT.parameterName(stack.name)}`,
    },
    { Sid: "AutopilotState", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::${bucket}/${stateKey}` },
    // S3 answers a GetObject of a missing key (the first run, before the state object exists) with 404 only
    // to a caller that may list the bucket with that key as prefix; without it, 403 (S3 API reference, GetObject).
    { Sid: "FindAutopilotState", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}`, Condition: { StringEquals: { "s3:prefix": stateKey } } },
  ];
  if (kmsKeyId !== undefined) {
    // The state object is encrypted as the Terraform state is (the backend's key): S3 asks KMS as the caller.
    statements.push({ Sid: "AutopilotStateKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], ...kmsKey(kmsKeyId, region, account) });
  }
  if (autopilot.prometheus.sigv4 !== undefined) statements.push(queryMetrics(autopilot.prometheus.url, autopilot.prometheus.sigv4.region, account));
  return document(statements);
}

/**
 * aps:QueryMetrics on the workspace the URL names. A URL that is not the workspace's own endpoint (a
 * proxy, a VPC endpoint's private DNS name, a custom domain) hides the workspace ID, and IAM authorizes on
 * the workspace, so only "*" is sure to cover it; the region condition keeps it to the signing region.
 */
function queryMetrics(url: string, signingRegion: string, account: string): Statement {
  const workspace = ampWorkspaceOf(url);
  if (workspace !== undefined) {
    return { Sid: "QueryMetrics", Effect: "Allow", Action: "aps:QueryMetrics", Resource: `arn:aws:aps:${workspace.region}:${account}:workspace/${workspace.workspaceId}` };
  }
  return { Sid: "QueryMetrics", Effect: "Allow", Action: "aps:QueryMetrics", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": signingRegion } } };
}

function planStatements(stack: StackModel, options: IamOptions): Statement[] {
  const { bucket, key, region } = stack.backend;
  const statements: Statement[] = [
    { Sid: "ReadGlobalAccelerator", Effect: "Allow", Action: GA_READ, Resource: acceleratorArns(options.account) },
    // Terraform lists the workspace prefix on every run, and S3 answers a missing state object (a new
    // stack) with 404 rather than 403 only to a caller that may list the bucket with the key as prefix.
    { Sid: "ListStateKey", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}`, Condition: { StringEquals: { "s3:prefix": [key, WORKSPACE_PREFIX] } } },
    { Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/${key}` },
    // A plan takes the S3-native lock too, so even the plan role writes (and deletes) the .tflock object.
    { Sid: "StateLock", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::${bucket}/${key}.tflock` },
  ];
  const loadBalancerEndpoints = stack.listeners.some((l) => l.endpointGroups.some((g) => g.endpoints.some((e) => e.type === "alb" || e.type === "nlb")));
  if (loadBalancerEndpoints) {
    // The provider lists cross-account resources on every read of a group with an ALB/NLB endpoint; the
    // Service Authorization Reference gives the action no resource type, so only "*" grants it.
    statements.push({ Sid: "ListCrossAccountResources", Effect: "Allow", Action: "globalaccelerator:ListCrossAccountResources", Resource: "*" });
  }
  if (stack.backend.dynamodbTable !== undefined) {
    statements.push({
      Sid: "LegacyStateLock",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      Resource: `arn:aws:dynamodb:${region}:${options.account}:table/${stack.backend.dynamodbTable}`,
    });
  }
  if (stack.backend.kmsKeyId !== undefined) {
    // S3 asks KMS for a data key when it stores an object and to decrypt one when it returns it, both as the
    // caller (S3 user guide, SSE-KMS permissions); nothing calls kms:Encrypt.
    statements.push({ Sid: "StateEncryptionKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], ...kmsKey(stack.backend.kmsKeyId, region, options.account) });
  }
  if (stack.dns !== undefined) statements.push(...dnsReads(stack.dns));
  if (stack.accelerator.shield) {
    statements.push({ Sid: "ReadShieldProtection", Effect: "Allow", Action: SHIELD_READ, Resource: shieldProtections(options.account), Condition: stackTag("ResourceTag", stack.name) });
  }
  const lookupRegions = [...new Set(stack.lookups.map((l) => l.region))].sort();
  if (lookupRegions.length > 0) {
    // Describe calls take no resource ARNs; the region condition keeps them to where lookups run.
    statements.push({ Sid: "LookUpLoadBalancers", Effect: "Allow", Action: LOOKUP_READ, Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": lookupRegions } } });
  }
  return statements;
}

/**
 * Enabling flow logs: Global Accelerator creates the log delivery and sets the bucket's policy as the
 * caller (developer guide, "IAM roles for publishing flow logs to Amazon S3"); the delivery actions have
 * no resource type, the bucket ones are kept to the flow-log bucket.
 */
function flowLogStatements(stack: StackModel): Statement[] {
  const flowLogs = stack.accelerator.flowLogs;
  if (flowLogs === undefined) return [];
  return [
    { Sid: "FlowLogDelivery", Effect: "Allow", Action: ["logs:CreateLogDelivery", "logs:DeleteLogDelivery"], Resource: "*" },
    { Sid: "FlowLogBucketPolicy", Effect: "Allow", Action: ["s3:GetBucketPolicy", "s3:PutBucketPolicy"], Resource: `arn:aws:s3:::${flowLogs.bucket}` },
  ];
}

/** The zone's ARN when the config gives its ID; a zone found by name has an ID the policy cannot know. */
function hostedZoneArn(dns: DnsModel): string {
  return `arn:aws:route53:::hostedzone/${dns.zoneId ?? "*"}`;
}

function dnsReads(dns: DnsModel): Statement[] {
  if (dns.zoneId !== undefined) return [{ Sid: "ReadDnsRecords", Effect: "Allow", Action: DNS_READ, Resource: hostedZoneArn(dns) }];
  return [
    { Sid: "FindHostedZone", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
    { Sid: "ReadDnsRecords", Effect: "Allow", Action: [...new Set([...DNS_READ, ...ZONE_LOOKUP])], Resource: hostedZoneArn(dns) },
  ];
}

function dnsChanges(dns: DnsModel): Statement[] {
  const names = [...new Set(dns.records.map((r) => r.name))];
  const types = [...new Set(dns.records.map((r) => r.type))];
  const keys = { names: "route53:ChangeResourceRecordSetsNormalizedRecordNames", types: "route53:ChangeResourceRecordSetsRecordTypes" } as const;
  return [
    {
      Sid: "ChangeDnsRecords",
      Effect: "Allow",
      Action: "route53:ChangeResourceRecordSets",
      Resource: hostedZoneArn(dns),
      // Every change in a batch must be one of these names (lower case, no trailing dot: Route 53's normal
      // form) and types. ForAllValues also holds when a key is missing, so Null "false" requires both.
      Condition: {
        "ForAllValues:StringEquals": { [keys.names]: names, [keys.types]: types },
        Null: { [keys.names]: "false", [keys.types]: "false" },
      },
    },
    // The provider waits for each change to be INSYNC; change IDs are not known in advance.
    { Sid: "WaitForDnsChanges", Effect: "Allow", Action: "route53:GetChange", Resource: "arn:aws:route53:::change/*" },
  ];
}

function shieldChanges(stack: string, account: string): Statement[] {
  return [
    { Sid: "ProtectTheAccelerator", Effect: "Allow", Action: "shield:CreateProtection", Resource: "*", Condition: stackTag("RequestTag", stack) },
    {
      // CreateProtection's dependent TagResource puts the tags on the new protection, which has none yet:
      // only with the stack's tag in the request, and only on a protection without one.
      Sid: "TagTheNewProtection",
      Effect: "Allow",
      Action: "shield:TagResource",
      Resource: shieldProtections(account),
      Condition: { ...stackTag("RequestTag", stack), Null: { [`aws:ResourceTag/${SHIELD.tagKey}`]: "true" } },
    },
    { Sid: "ChangeShieldProtection", Effect: "Allow", Action: SHIELD_WRITE, Resource: shieldProtections(account), Condition: stackTag("ResourceTag", stack) },
  ];
}

function shieldProtections(account: string): string {
  return `arn:aws:shield::${account}:protection/*`;
}

function stackTag(key: "RequestTag" | "ResourceTag", stack: string): Statement["Condition"] {
  return { StringEquals: { [`aws:${key}/${SHIELD.tagKey}`]: stack } };
}

function acceleratorArns(account: string): string {
  // Listener and endpoint-group ARNs extend their accelerator's: accelerator/<id>/listener/<id>/endpoint-group/<id>.
  return `arn:aws:globalaccelerator::${account}:accelerator/*`;
}

/** The key as a resource; an alias is not a key ARN, so a key named by alias is matched by its alias. */
function kmsKey(keyId: string, region: string, account: string): Pick<Statement, "Resource" | "Condition"> {
  const alias = /^(?:arn:[^:]+:kms:[^:]+:\d{12}:)?(alias\/.+)$/.exec(keyId)?.[1];
  if (alias !== undefined) return { Resource: `arn:aws:kms:${region}:${account}:key/*`, Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias } } };
  return { Resource: keyId.startsWith("arn:") ? keyId : `arn:aws:kms:${region}:${account}:key/${keyId}` };
}

/**
 * The OIDC subjects (after `repo:<owner>/<name>:`) of the jobs that assume the plan role: terraform-plan.yml
 * on pull requests, and terraform-drift.yml, whose scheduled runs present the default branch's ref.
 */
export function planSubjects(defaultBranch: string): string[] {
  return ["pull_request", `ref:refs/heads/${defaultBranch}`];
}

/** A job in a GitHub environment presents the environment, not the ref: terraform-apply.yml's job runs in the stack's. */
export function applySubject(stack: string): string {
  return `environment:${stack}`;
}

function trust(options: IamOptions, subjects: readonly string[]): PolicyDocument {
  const sub = subjects.map((s) => `repo:${options.repository}:${s}`);
  return document([
    {
      Sid: "GitHubActionsOidc",
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${options.account}:oidc-provider/${GITHUB_OIDC}` },
      Action: "sts:AssumeRoleWithWebIdentity",
      // StringEquals on both claims: an audience check alone would trust every repository on GitHub.
      // Several subjects: StringEquals matches any of them (the claim has one value).
      Condition: { StringEquals: { [`${GITHUB_OIDC}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC}:sub`]: sub.length === 1 ? sub[0] : sub } },
    },
  ]);
}

function document(statements: readonly Statement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}
