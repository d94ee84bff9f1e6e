// What IAM authorizes for each recorded AWS call: its action(s), resource ARN(s) and condition context,
// including the actions a call needs beyond its own (AWS's "dependent actions"). Each rule that is not
// "the operation's own action on the ARN in the request" says where AWS documents it. A call no rule
// knows is an error naming it, so a provider or Terraform upgrade that calls something new fails loudly.
import type { RecordedCall } from "../../src/local-aws/global-accelerator";
import type { WireCall } from "./aws-recorder";
import type { AuthorizationRequest, RequestContext } from "./iam-evaluator";

/** One authorization a call needs, and the call it came from (for messages). */
export interface NeededAuthorization extends AuthorizationRequest {
  /** `<service> <Operation>` of the recorded call, e.g. "s3 HeadObject". */
  readonly call: string;
}

/** A recorded call of either kind, reduced to what the mapping reads. */
export interface AwsCall {
  readonly service: string;
  readonly region: string;
  readonly operation: string;
  readonly status: number;
  /** Only for calls recorded on the wire (moto's services). */
  readonly wire?: WireCall;
  /** Only for Global Accelerator calls: the JSON request and answer. */
  readonly request?: Record<string, unknown>;
  readonly response?: Record<string, unknown>;
}

export function fromWire(call: WireCall): AwsCall {
  return { service: call.service, region: call.region, operation: call.operation, status: call.status, wire: call };
}

export function fromGlobalAccelerator(call: RecordedCall): AwsCall {
  return {
    service: call.service ?? "unsigned",
    region: call.region ?? "",
    operation: call.operation ?? "unknown",
    status: call.status,
    request: (call.request ?? {}) as Record<string, unknown>,
    response: (call.response ?? {}) as Record<string, unknown>,
  };
}

// Global Accelerator: which request member holds the ARN the action is authorized on. The Service
// Authorization Reference lists no resource type for CreateAccelerator, ListAccelerators and
// ListCrossAccountResources, so they are authorized on "*" (and a policy must say "*" for them).
const GA_RESOURCE: Readonly<Record<string, string | undefined>> = {
  CreateAccelerator: undefined,
  ListAccelerators: undefined,
  ListCrossAccountResources: undefined,
  DescribeAccelerator: "AcceleratorArn",
  DescribeAcceleratorAttributes: "AcceleratorArn",
  UpdateAccelerator: "AcceleratorArn",
  UpdateAcceleratorAttributes: "AcceleratorArn",
  DeleteAccelerator: "AcceleratorArn",
  CreateListener: "AcceleratorArn",
  ListListeners: "AcceleratorArn",
  DescribeListener: "ListenerArn",
  UpdateListener: "ListenerArn",
  DeleteListener: "ListenerArn",
  CreateEndpointGroup: "ListenerArn",
  ListEndpointGroups: "ListenerArn",
  DescribeEndpointGroup: "EndpointGroupArn",
  UpdateEndpointGroup: "EndpointGroupArn",
  DeleteEndpointGroup: "EndpointGroupArn",
  ListTagsForResource: "ResourceArn",
  TagResource: "ResourceArn",
  UntagResource: "ResourceArn",
};

const GA_SERVICE_LINKED_ROLE = "role/aws-service-role/globalaccelerator.amazonaws.com/AWSServiceRoleForGlobalAccelerator";

const accountOf = (arn: string) => arn.split(":")[4];

function globalAccelerator(call: AwsCall, need: (action: string, resource: string, context?: RequestContext) => void): void {
  if (!(call.operation in GA_RESOURCE)) throw new Error(`no IAM mapping for the Global Accelerator operation ${call.operation}`);
  const request = call.request ?? {};
  const member = GA_RESOURCE[call.operation];
  const resource = member === undefined ? "*" : String(request[member]);
  need(`globalaccelerator:${call.operation}`, resource);
  if (call.operation === "CreateAccelerator") {
    const created = String((call.response?.Accelerator as { AcceleratorArn?: string } | undefined)?.AcceleratorArn);
    // Service Authorization Reference, API operations table: CreateAccelerator authorizes TagResource too.
    if (Array.isArray(request.Tags) && request.Tags.length > 0) need("globalaccelerator:TagResource", created);
    // GA developer guide, service-linked role: created "automatically the first time that you create an accelerator".
    need("iam:CreateServiceLinkedRole", `arn:aws:iam::${accountOf(created)}:${GA_SERVICE_LINKED_ROLE}`, { "iam:AWSServiceName": "globalaccelerator.amazonaws.com" });
  }
  if (call.operation === "UpdateAcceleratorAttributes") {
    // GA developer guide, "IAM roles for publishing flow logs to Amazon S3": the caller needs
    // logs:CreateLogDelivery/DeleteLogDelivery and s3:GetBucketPolicy/PutBucketPolicy on the bucket.
    const bucket = request.FlowLogsS3Bucket;
    if (request.FlowLogsEnabled === true) {
      need("logs:CreateLogDelivery", "*");
      need("s3:GetBucketPolicy", `arn:aws:s3:::${String(bucket)}`);
      need("s3:PutBucketPolicy", `arn:aws:s3:::${String(bucket)}`);
    } else if (typeof bucket === "string") {
      // The provider names the old bucket only when it turns off a delivery that exists.
      need("logs:DeleteLogDelivery", "*");
    }
  }
}

/**
 * The KMS key S3 uses for an object, as IAM sees it: a key ARN as is, a bare key ID in the caller's
 * account and Region, and a key named by alias as the key behind it, known to IAM by kms:ResourceAliases.
 */
export function kmsKey(keyId: string, region: string, account: string): { resource: string; context: RequestContext } {
  const alias = /^(?:arn:[^:]+:kms:[^:]+:\d{12}:)?(alias\/.+)$/.exec(keyId)?.[1];
  if (alias !== undefined) return { resource: `arn:aws:kms:${region}:${account}:key/<the key behind ${alias}>`, context: { "kms:ResourceAliases": [alias] } };
  return { resource: keyId.startsWith("arn:") ? keyId : `arn:aws:kms:${region}:${account}:key/${keyId}`, context: {} };
}

function s3(call: WireCall, account: string, need: (action: string, resource: string, context?: RequestContext) => void): void {
  const [bucket, ...rest] = call.path.replace(/^\//, "").split("/");
  const key = rest.join("/");
  const object = `arn:aws:s3:::${bucket}/${key}`;
  const needKey = (action: string, headers: Readonly<Record<string, string>>) => {
    const id = headers["x-amz-server-side-encryption"] === "aws:kms" ? headers["x-amz-server-side-encryption-aws-kms-key-id"] : undefined;
    if (id === undefined) return;
    const { resource, context } = kmsKey(id, call.region, account);
    need(action, resource, context);
  };
  switch (call.operation) {
    case "ListObjectsV2":
    case "ListObjects":
      need("s3:ListBucket", `arn:aws:s3:::${bucket}`, call.query.prefix !== undefined ? { "s3:prefix": call.query.prefix } : {});
      return;
    case "HeadBucket":
      need("s3:ListBucket", `arn:aws:s3:::${bucket}`);
      return;
    case "HeadObject":
    case "GetObject": {
      need("s3:GetObject", object);
      // S3 API reference, HeadObject/GetObject permissions: a missing key is a 404 only with s3:ListBucket
      // on the bucket (403 without); AWS evaluates that with the key as s3:prefix (Terraform's s3 backend
      // docs condition ListBucket on the state key for this; ceph PR #68577 copies AWS's behaviour).
      if (call.status === 404) need("s3:ListBucket", `arn:aws:s3:::${bucket}`, { "s3:prefix": key });
      // S3 user guide, SSE-KMS permissions: downloading an object encrypted with a KMS key needs kms:Decrypt.
      if (call.operation === "GetObject") needKey("kms:Decrypt", call.responseHeaders);
      return;
    }
    case "PutObject": {
      need("s3:PutObject", object);
      // S3 user guide, SSE-KMS permissions: uploading with a KMS key needs kms:GenerateDataKey.
      needKey("kms:GenerateDataKey", call.headers);
      return;
    }
    case "DeleteObject":
      need("s3:DeleteObject", object);
      return;
    default:
      throw new Error(`no IAM mapping for the S3 call ${call.operation} (${call.method} ${call.path})`);
  }
}

/**
 * Every authorization a recorded call needs. `account` is the caller's account, for ARNs the request
 * does not spell out (a DynamoDB table is named, not given by ARN).
 */
export function neededAuthorizations(call: AwsCall, account: string): NeededAuthorization[] {
  const needed: NeededAuthorization[] = [];
  const label = `${call.service} ${call.operation}`;
  const need = (action: string, resource: string, context: RequestContext = {}) =>
    needed.push({ action, resource, context: { "aws:RequestedRegion": call.region, ...context }, call: label });
  const wire = call.wire;
  switch (call.service) {
    case "globalaccelerator":
      globalAccelerator(call, need);
      break;
    case "s3":
      if (wire === undefined) throw new Error(`an S3 call without its wire record: ${label}`);
      s3(wire, account, need);
      break;
    case "sts":
      // STS API reference: "No permissions are required to perform this operation."
      if (call.operation !== "GetCallerIdentity") throw new Error(`no IAM mapping for the STS call ${call.operation}`);
      break;
    case "dynamodb": {
      if (!["GetItem", "PutItem", "DeleteItem", "DescribeTable"].includes(call.operation)) throw new Error(`no IAM mapping for the DynamoDB call ${call.operation}`);
      const table = String((JSON.parse(wire?.body || "{}") as { TableName?: string }).TableName);
      need(`dynamodb:${call.operation}`, `arn:aws:dynamodb:${call.region}:${account}:table/${table}`);
      break;
    }
    case "elasticloadbalancing":
      // Elastic Load Balancing's Describe* actions support no resource-level permissions.
      if (!call.operation.startsWith("Describe")) throw new Error(`no IAM mapping for the ELB call ${call.operation}`);
      need(`elasticloadbalancing:${call.operation}`, "*");
      break;
    default:
      throw new Error(`no IAM mapping for ${label}`);
  }
  return needed;
}
