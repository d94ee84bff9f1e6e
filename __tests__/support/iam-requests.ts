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
  /**
   * Only for Shield calls on a protection: the tags it had when the call was made, as the lane's earlier
   * calls left them (what IAM evaluates aws:ResourceTag on). Set by shieldTagTracker.
   */
  readonly resourceTags?: Readonly<Record<string, string>>;
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

// Route 53 (Service Authorization Reference, Amazon Route 53): ListHostedZones and ListHostedZonesByName have no
// resource type (only "*" grants them); the zone's reads and changes are on hostedzone/<id>, GetChange on
// change/<id>, ListTagsForResource on the resource the path names (hostedzone or healthcheck).
function route53(call: WireCall, need: (action: string, resource: string, context?: RequestContext) => void): void {
  const [version, kind, id] = call.path.split("/").slice(1);
  if (version !== "2013-04-01") throw new Error(`a Route 53 call to an API version nobody mapped: ${call.method} ${call.path}`);
  const action = `route53:${call.operation}`;
  switch (call.operation) {
    case "ListHostedZones":
    case "ListHostedZonesByName":
      need(action, "*");
      return;
    case "GetHostedZone":
    case "ListResourceRecordSets":
      need(action, `arn:aws:route53:::hostedzone/${id}`);
      return;
    case "ChangeResourceRecordSets":
      need(action, `arn:aws:route53:::hostedzone/${id}`, changeBatchContext(call.body));
      return;
    case "GetChange":
      need(action, `arn:aws:route53:::change/${id}`);
      return;
    case "ListTagsForResource": {
      // GET /2013-04-01/tags/{ResourceType}/{ResourceId}
      const resourceId = call.path.split("/")[4];
      if (kind !== "tags" || !["hostedzone", "healthcheck"].includes(id) || !resourceId) throw new Error(`a Route 53 ListTagsForResource nobody mapped: ${call.path}`);
      need(action, `arn:aws:route53:::${id}/${resourceId}`);
      return;
    }
    default:
      throw new Error(`no IAM mapping for the Route 53 call ${call.operation} (${call.method} ${call.path})`);
  }
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The text of the first <tag> element in an XML fragment, entities decoded; throws when there is none. */
function xmlText(xml: string, tag: string): string {
  const found = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (found === null) throw new Error(`no <${tag}> in ${xml.slice(0, 200)}`);
  return found[1].replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name]);
}

/**
 * A record name as route53:ChangeResourceRecordSetsNormalizedRecordNames has it (Route 53 developer guide,
 * "Normalizing the condition key values"): lower case, no trailing dot, and every character other than
 * a-z, 0-9, "-", "_" and "." as a backslash and its three-digit octal code (an escape already so is kept).
 */
export function normalizedRecordName(name: string): string {
  const octal = (c: string) => [...Buffer.from(c, "utf8")].map((b) => `\\${b.toString(8).padStart(3, "0")}`).join("");
  return name
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/\\[0-7]{3}|[^a-z0-9_.-]/gu, (c) => (c.length === 4 && c.startsWith("\\") ? c : octal(c)));
}

/**
 * What IAM puts in the request context of a ChangeResourceRecordSets (Service Authorization Reference, Route 53:
 * three multivalued keys): the actions, the normalized names and the types of every change in the batch.
 */
export function changeBatchContext(xml: string): RequestContext {
  const changes = [...xml.matchAll(/<Change>([\s\S]*?)<\/Change>/g)].map((m) => m[1]);
  if (changes.length === 0) throw new Error(`a ChangeResourceRecordSets request without changes: ${xml.slice(0, 200)}`);
  const unique = (values: string[]) => [...new Set(values)];
  return {
    "route53:ChangeResourceRecordSetsActions": unique(changes.map((c) => xmlText(c, "Action"))),
    "route53:ChangeResourceRecordSetsNormalizedRecordNames": unique(changes.map((c) => normalizedRecordName(xmlText(c, "Name")))),
    "route53:ChangeResourceRecordSetsRecordTypes": unique(changes.map((c) => xmlText(c, "Type"))),
  };
}

type Tags = Readonly<Record<string, string>>;

/** A JSON body as an object; {} when empty or not JSON (an error page). */
function jsonBody(text: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text || "{}");
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Shield's [{Key, Value}] as a map. */
function tagMap(tags: unknown): Record<string, string> {
  return Object.fromEntries(((tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
}

/**
 * The ID of the protection a Shield call is about: named in the request (ProtectionId, or the ARN of
 * the tag operations), or in the answer (CreateProtection's new one; DescribeProtection by ResourceArn).
 */
export function shieldProtectionId(call: AwsCall): string | undefined {
  const request = jsonBody(call.wire?.body);
  if (typeof request.ProtectionId === "string") return request.ProtectionId;
  if (typeof request.ResourceARN === "string") return /:protection\/(.+)$/.exec(request.ResourceARN)?.[1];
  const answer = jsonBody(call.wire?.responseBody);
  if (call.operation === "CreateProtection") return typeof answer.ProtectionId === "string" ? answer.ProtectionId : undefined;
  return (answer.Protection as { Id?: string } | undefined)?.Id;
}

const describeTags = (tags: Tags) => JSON.stringify(Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b))));

/**
 * A lane's Shield calls, in the order they were made, each with the tags its protection had then
 * (`resourceTags`, what IAM evaluates aws:ResourceTag on): CreateProtection sets them, TagResource and
 * UntagResource change them, DeleteProtection ends them. A ListTagsForResource answer that disagrees is
 * an error, so the tracking cannot drift from what Shield holds unnoticed.
 */
export function shieldTagTracker(): (call: AwsCall) => AwsCall {
  const held = new Map<string, Tags>();
  return (call) => {
    const id = call.service === "shield" ? shieldProtectionId(call) : undefined;
    if (id === undefined) return call;
    const before = held.get(id) ?? {};
    const request = jsonBody(call.wire?.body);
    const succeeded = call.status < 300;
    if (succeeded && call.operation === "CreateProtection") held.set(id, tagMap(request.Tags));
    if (succeeded && call.operation === "TagResource") held.set(id, { ...before, ...tagMap(request.Tags) });
    if (succeeded && call.operation === "UntagResource") held.set(id, Object.fromEntries(Object.entries(before).filter(([k]) => !(request.TagKeys as string[]).includes(k))));
    if (succeeded && call.operation === "DeleteProtection") held.delete(id);
    if (succeeded && call.operation === "ListTagsForResource") {
      const answered = tagMap(jsonBody(call.wire?.responseBody).Tags);
      if (describeTags(answered) !== describeTags(before)) {
        throw new Error(`Shield protection ${id}: the recorded calls left the tags ${describeTags(before)}, ListTagsForResource answered ${describeTags(answered)}`);
      }
    }
    // A protection being created has no tags of its own yet.
    return call.operation === "CreateProtection" ? call : { ...call, resourceTags: before };
  };
}

const requestTags = (tags: Tags): RequestContext => ({
  ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
  ...(Object.keys(tags).length > 0 && { "aws:TagKeys": Object.keys(tags) }),
});
const resourceTags = (tags: Tags): RequestContext => Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

// SSM Parameter Store (Service Authorization Reference, AWS Systems Manager): the parameter operations are
// on parameter/<name> (a name that starts with / without it, as in the parameter's own ARN); the tag
// operations on the resource they name (ResourceType Parameter); DescribeParameters has no resource type.
function ssm(call: AwsCall, account: string, need: (action: string, resource: string, context?: RequestContext) => void): void {
  const request = JSON.parse(call.wire?.body || "{}") as { Name?: string; Names?: string[]; ResourceType?: string; ResourceId?: string };
  const parameter = (name: string) => `arn:aws:ssm:${call.region}:${account}:parameter${name.startsWith("/") ? name : `/${name}`}`;
  const action = `ssm:${call.operation}`;
  switch (call.operation) {
    case "GetParameter":
    case "PutParameter":
    case "DeleteParameter":
    case "GetParameterHistory":
    case "LabelParameterVersion":
      need(action, parameter(String(request.Name)));
      return;
    case "GetParameters":
    case "DeleteParameters":
      for (const name of request.Names ?? []) need(action, parameter(name));
      return;
    case "DescribeParameters":
      need(action, "*");
      return;
    case "ListTagsForResource":
    case "AddTagsToResource":
    case "RemoveTagsFromResource":
      if (request.ResourceType !== "Parameter") throw new Error(`no IAM mapping for SSM ${call.operation} on a ${request.ResourceType}`);
      need(action, parameter(String(request.ResourceId)));
      return;
    default:
      throw new Error(`no IAM mapping for the SSM call ${call.operation}`);
  }
}

// Shield (Service Authorization Reference, AWS Shield): CreateProtection has no resource type, keys on
// aws:RequestTag and aws:TagKeys and has shield:TagResource as a dependent action; the protection's own
// actions are on protection/<id> with aws:ResourceTag (TagResource also aws:RequestTag, both tag actions aws:TagKeys).
function shield(call: AwsCall, account: string, need: (action: string, resource: string, context?: RequestContext) => void): void {
  const request = jsonBody(call.wire?.body);
  const id = shieldProtectionId(call);
  const action = `shield:${call.operation}`;
  if (!["CreateProtection", "DescribeProtection", "DeleteProtection", "ListTagsForResource", "TagResource", "UntagResource"].includes(call.operation)) {
    throw new Error(`no IAM mapping for the Shield call ${call.operation}`);
  }
  // A CreateProtection that failed created nothing: its dependent TagResource would have been on the new one.
  if (id === undefined && call.operation !== "CreateProtection") throw new Error(`a Shield ${call.operation} that names no protection: ${call.wire?.body}`);
  const protection = `arn:aws:shield::${account}:protection/${id ?? "<not created>"}`;
  const held = resourceTags(call.resourceTags ?? {});
  switch (call.operation) {
    case "CreateProtection": {
      const tags = tagMap(request.Tags);
      need(action, "*", requestTags(tags));
      // The dependent TagResource tags the new protection, which has no tags of its own yet.
      if (Object.keys(tags).length > 0) need("shield:TagResource", protection, requestTags(tags));
      return;
    }
    case "TagResource":
      need(action, protection, { ...held, ...requestTags(tagMap(request.Tags)) });
      return;
    case "UntagResource":
      need(action, protection, { ...held, "aws:TagKeys": request.TagKeys as string[] });
      return;
    default:
      need(action, protection, held);
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
    case "route53":
      if (wire === undefined) throw new Error(`a Route 53 call without its wire record: ${label}`);
      route53(wire, need);
      break;
    case "shield":
      shield(call, account, need);
      break;
    case "ssm":
      ssm(call, account, need);
      break;
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
