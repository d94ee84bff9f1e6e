// Least-privilege IAM documents for the CI roles of one stack, derived from its model: a plan role for
// pull requests and the scheduled drift check (read Global Accelerator, read the stack's state, write only
// its lock), an apply role for the apply workflow's job in the stack's GitHub environment (which cannot
// delete the accelerator unless break-glass is asked for), and the GitHub OIDC trust policy of each, which
// checks both the audience and the subject: exactly the subjects the workflows' jobs present.
import type { StackModel } from "../model/model";

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
  "globalaccelerator:CreateAccelerator",
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
// Global Accelerator checks the caller can see the endpoints it attaches (as the managed GlobalAcceleratorFullAccess grants).
const ENDPOINT_DESCRIBE = [
  "elasticloadbalancing:DescribeLoadBalancers",
  "ec2:DescribeAddresses",
  "ec2:DescribeInstances",
  "ec2:DescribeInternetGateways",
  "ec2:DescribeRegions",
  "ec2:DescribeSubnets",
];
const LOOKUP_READ = ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags"];

export function stackPolicies(stack: StackModel, options: IamOptions): StackPolicies {
  const plan = planStatements(stack, options);
  const applyExtra: Statement[] = [
    { Sid: "WriteState", Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${stack.backend.bucket}/${stack.backend.key}` },
    { Sid: "ChangeGlobalAccelerator", Effect: "Allow", Action: [...GA_WRITE, ...(options.breakGlass ? ["globalaccelerator:DeleteAccelerator"] : [])], Resource: acceleratorArns(options.account) },
    { Sid: "SeeEndpoints", Effect: "Allow", Action: ENDPOINT_DESCRIBE, Resource: "*" },
    {
      Sid: "ClientIpPreservationRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: `arn:aws:iam::${options.account}:role/aws-service-role/globalaccelerator.amazonaws.com/*`,
      Condition: { StringEquals: { "iam:AWSServiceName": "globalaccelerator.amazonaws.com" } },
    },
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
  };
}

function planStatements(stack: StackModel, options: IamOptions): Statement[] {
  const { bucket, key, region } = stack.backend;
  const statements: Statement[] = [
    { Sid: "ReadGlobalAccelerator", Effect: "Allow", Action: GA_READ, Resource: acceleratorArns(options.account) },
    { Sid: "ListStateKey", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}`, Condition: { StringEquals: { "s3:prefix": key } } },
    { Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/${key}` },
    // A plan takes the S3-native lock too, so even the plan role writes (and deletes) the .tflock object.
    { Sid: "StateLock", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::${bucket}/${key}.tflock` },
  ];
  if (stack.backend.dynamodbTable !== undefined) {
    statements.push({
      Sid: "LegacyStateLock",
      Effect: "Allow",
      Action: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      Resource: `arn:aws:dynamodb:${region}:${options.account}:table/${stack.backend.dynamodbTable}`,
    });
  }
  if (stack.backend.kmsKeyId !== undefined) {
    statements.push({ Sid: "StateEncryptionKey", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], ...kmsKey(stack.backend.kmsKeyId, region, options.account) });
  }
  const lookupRegions = [...new Set(stack.lookups.map((l) => l.region))].sort();
  if (lookupRegions.length > 0) {
    // Describe calls take no resource ARNs; the region condition keeps them to where lookups run.
    statements.push({ Sid: "LookUpLoadBalancers", Effect: "Allow", Action: LOOKUP_READ, Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": lookupRegions } } });
  }
  return statements;
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
