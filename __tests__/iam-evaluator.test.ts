// The test-side IAM machinery on its own: the policy evaluator (both ways), the mapping of recorded
// calls to the authorizations IAM checks, and the recording proxy the Terraform test puts before moto.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { stackPolicies, type PolicyDocument, type Statement } from "../src/iam/policies";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { operationOf, signingScope, startAwsRecorder, type WireCall } from "./support/aws-recorder";
import { evaluate, wildcardMatch, type AuthorizationRequest } from "./support/iam-evaluator";
import { kmsKey, neededAuthorizations, type AwsCall } from "./support/iam-requests";
import { validConfig } from "./support/configs";
import { operationDifferences, operationsByPhase } from "./support/recorded-run";

const policy = (...statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });
const request = (action: string, resource: string, context: AuthorizationRequest["context"] = {}): AuthorizationRequest => ({ action, resource, context });
const allow = (extra: Partial<Statement> = {}): Statement => ({ Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/state", ...extra });

describe("wildcards", () => {
  it("match * to any run and ? to one character; actions ignore case, resources do not", () => {
    expect(wildcardMatch("arn:aws:globalaccelerator::1:accelerator/*", "arn:aws:globalaccelerator::1:accelerator/a/listener/b")).toBe(true);
    expect(wildcardMatch("arn:aws:s3:::b/key?", "arn:aws:s3:::b/key1")).toBe(true);
    expect(wildcardMatch("arn:aws:s3:::b/key?", "arn:aws:s3:::b/key12")).toBe(false);
    expect(wildcardMatch("globalaccelerator:Describe*", "globalaccelerator:describeaccelerator", true)).toBe(true);
    expect(wildcardMatch("arn:aws:s3:::B/*", "arn:aws:s3:::b/x")).toBe(false);
    expect(wildcardMatch("arn:aws:s3:::b.c/*", "arn:aws:s3:::bxc/x")).toBe(false);
  });
});

describe("the evaluator", () => {
  it("allows what an Allow statement names, and denies by default what none does", () => {
    expect(evaluate(policy(allow()), request("s3:GetObject", "arn:aws:s3:::bucket/state"))).toEqual({ decision: "allowed", statements: ["A"] });
    expect(evaluate(policy(allow()), request("s3:PutObject", "arn:aws:s3:::bucket/state")).decision).toBe("implicitly denied");
    expect(evaluate(policy(allow()), request("s3:GetObject", "arn:aws:s3:::bucket/other")).decision).toBe("implicitly denied");
  });

  it("lets an explicit Deny win over any Allow", () => {
    const doc = policy(allow({ Action: "s3:*", Resource: "*" }), { Sid: "D", Effect: "Deny", Action: "s3:GetObject", Resource: "*" });
    expect(evaluate(doc, request("s3:GetObject", "arn:aws:s3:::bucket/state"))).toEqual({ decision: "explicitly denied", statements: ["A", "D"] });
    expect(evaluate(doc, request("s3:PutObject", "arn:aws:s3:::bucket/state")).decision).toBe("allowed");
  });

  it("grants an action without a resource type only through Resource *", () => {
    const onArns = policy(allow({ Action: "globalaccelerator:CreateAccelerator", Resource: "arn:aws:globalaccelerator::123456789012:accelerator/*" }));
    expect(evaluate(onArns, request("globalaccelerator:CreateAccelerator", "*")).decision).toBe("implicitly denied");
    expect(evaluate(policy(allow({ Action: "globalaccelerator:CreateAccelerator", Resource: "*" })), request("globalaccelerator:CreateAccelerator", "*")).decision).toBe("allowed");
  });

  it("applies StringEquals to single-valued keys: one of the listed values, and never a missing key", () => {
    const doc = policy(allow({ Action: "s3:ListBucket", Resource: "arn:aws:s3:::bucket", Condition: { StringEquals: { "s3:prefix": ["state", "env:/"] } } }));
    expect(evaluate(doc, request("s3:ListBucket", "arn:aws:s3:::bucket", { "s3:prefix": "env:/" })).decision).toBe("allowed");
    expect(evaluate(doc, request("s3:ListBucket", "arn:aws:s3:::bucket", { "s3:prefix": "other/" })).decision).toBe("implicitly denied");
    expect(evaluate(doc, request("s3:ListBucket", "arn:aws:s3:::bucket")).decision).toBe("implicitly denied");
  });

  it("checks aws:RequestedRegion and iam:AWSServiceName like any single-valued key", () => {
    const regions = policy(allow({ Action: "elasticloadbalancing:Describe*", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": ["us-east-1"] } } }));
    expect(evaluate(regions, request("elasticloadbalancing:DescribeTags", "*", { "aws:RequestedRegion": "us-east-1" })).decision).toBe("allowed");
    expect(evaluate(regions, request("elasticloadbalancing:DescribeTags", "*", { "aws:RequestedRegion": "eu-west-1" })).decision).toBe("implicitly denied");
    const role = policy(allow({ Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: { StringEquals: { "iam:AWSServiceName": "globalaccelerator.amazonaws.com" } } }));
    expect(evaluate(role, request("iam:CreateServiceLinkedRole", "r", { "iam:AWSServiceName": "globalaccelerator.amazonaws.com" })).decision).toBe("allowed");
    expect(evaluate(role, request("iam:CreateServiceLinkedRole", "r", { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" })).decision).toBe("implicitly denied");
  });

  it("applies ForAnyValue:StringEquals to a multivalued key such as kms:ResourceAliases", () => {
    const doc = policy(allow({ Action: "kms:Decrypt", Resource: "arn:aws:kms:us-west-2:123456789012:key/*", Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/state" } } }));
    const key = "arn:aws:kms:us-west-2:123456789012:key/k";
    expect(evaluate(doc, request("kms:Decrypt", key, { "kms:ResourceAliases": ["alias/other", "alias/state"] })).decision).toBe("allowed");
    expect(evaluate(doc, request("kms:Decrypt", key, { "kms:ResourceAliases": ["alias/other"] })).decision).toBe("implicitly denied");
    expect(evaluate(doc, request("kms:Decrypt", key)).decision).toBe("implicitly denied");
  });

  it("lets IfExists pass a missing key, and StringNotEquals and StringLike mean what they say", () => {
    const ifExists = policy(allow({ Condition: { StringEqualsIfExists: { "s3:prefix": "env:/" } } }));
    expect(evaluate(ifExists, request("s3:GetObject", "arn:aws:s3:::bucket/state")).decision).toBe("allowed");
    expect(evaluate(ifExists, request("s3:GetObject", "arn:aws:s3:::bucket/state", { "s3:prefix": "x" })).decision).toBe("implicitly denied");
    const notEquals = policy(allow({ Condition: { StringNotEquals: { "aws:RequestedRegion": ["us-east-1", "us-west-2"] } } }));
    expect(evaluate(notEquals, request("s3:GetObject", "arn:aws:s3:::bucket/state", { "aws:RequestedRegion": "eu-west-1" })).decision).toBe("allowed");
    expect(evaluate(notEquals, request("s3:GetObject", "arn:aws:s3:::bucket/state", { "aws:RequestedRegion": "us-west-2" })).decision).toBe("implicitly denied");
    const like = policy(allow({ Condition: { StringLike: { "s3:prefix": "env:/*" } } }));
    expect(evaluate(like, request("s3:GetObject", "arn:aws:s3:::bucket/state", { "s3:prefix": "env:/a" })).decision).toBe("allowed");
  });

  it("refuses what it does not know rather than guess", () => {
    const numeric = policy(allow({ Condition: { NumericLessThan: { "s3:max-keys": "10" } } }));
    expect(() => evaluate(numeric, request("s3:GetObject", "arn:aws:s3:::bucket/state"))).toThrow("the evaluator does not know the condition operator NumericLessThan");
    const multivalued = policy(allow({ Condition: { StringEquals: { "kms:ResourceAliases": "alias/state" } } }));
    expect(() => evaluate(multivalued, request("s3:GetObject", "arn:aws:s3:::bucket/state", { "kms:ResourceAliases": ["alias/state"] }))).toThrow(
      "kms:ResourceAliases is multivalued: StringEquals needs ForAnyValue: or ForAllValues:",
    );
    const notAction = policy({ Sid: "N", Effect: "Allow", NotAction: "s3:*", Resource: "*" } as unknown as Statement);
    expect(() => evaluate(notAction, request("s3:GetObject", "*"))).toThrow("statement N: the evaluator does not support NotAction");
  });

  it("decides the project's own documents: the plan role reads only its stack's state, the apply role never deletes the accelerator", () => {
    const stack = toModel(parseConfig(validConfig()).config).stacks[0];
    const options = { account: "123456789012", repository: "acme/smart-routing" };
    const { planRole, applyRole } = stackPolicies(stack, options);
    const accelerator = "arn:aws:globalaccelerator::123456789012:accelerator/1234";
    expect(evaluate(planRole, request("s3:GetObject", "arn:aws:s3:::acme-terraform-state/smart-routing/test.tfstate")).decision).toBe("allowed");
    expect(evaluate(planRole, request("s3:GetObject", "arn:aws:s3:::acme-terraform-state/smart-routing/other.tfstate")).decision).toBe("implicitly denied");
    expect(evaluate(planRole, request("s3:PutObject", "arn:aws:s3:::acme-terraform-state/smart-routing/test.tfstate")).decision).toBe("implicitly denied");
    expect(evaluate(applyRole, request("globalaccelerator:DeleteAccelerator", accelerator)).decision).toBe("explicitly denied");
    expect(evaluate(stackPolicies(stack, { ...options, breakGlass: true }).applyRole, request("globalaccelerator:DeleteAccelerator", accelerator)).decision).toBe("allowed");
  });
});

/** A wire call as the recorder keeps it, with what a test does not care about filled in. */
function wire(call: Partial<WireCall> & Pick<WireCall, "service" | "operation">): AwsCall {
  const full: WireCall = { region: "us-west-2", method: "GET", path: "/", query: {}, headers: {}, body: "", status: 200, responseHeaders: {}, ...call };
  return { service: full.service, region: full.region, operation: full.operation, status: full.status, wire: full };
}
const ga = (operation: string, request: Record<string, unknown>, response: Record<string, unknown> = {}): AwsCall => ({ service: "globalaccelerator", region: "us-west-2", operation, status: 200, request, response });
const summary = (call: AwsCall) => neededAuthorizations(call, "123456789012").map((n) => [n.action, n.resource, n.context]);
const ACCELERATOR = "arn:aws:globalaccelerator::123456789012:accelerator/abc";
const KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-a6ef-1234567890ab";
const REGION = { "aws:RequestedRegion": "us-west-2" };

describe("the authorizations a recorded call needs", () => {
  it("S3: the object's own action; a 404 also ListBucket with the key as prefix; SSE-KMS the key's action", () => {
    expect(summary(wire({ service: "s3", operation: "HeadObject", method: "HEAD", path: "/b/k/state", status: 404 }))).toEqual([
      ["s3:GetObject", "arn:aws:s3:::b/k/state", REGION],
      ["s3:ListBucket", "arn:aws:s3:::b", { ...REGION, "s3:prefix": "k/state" }],
    ]);
    const encrypted = { "x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": KEY };
    expect(summary(wire({ service: "s3", operation: "GetObject", path: "/b/state", responseHeaders: encrypted }))).toEqual([
      ["s3:GetObject", "arn:aws:s3:::b/state", REGION],
      ["kms:Decrypt", KEY, REGION],
    ]);
    expect(summary(wire({ service: "s3", operation: "PutObject", method: "PUT", path: "/b/state.tflock", headers: encrypted }))).toEqual([
      ["s3:PutObject", "arn:aws:s3:::b/state.tflock", REGION],
      ["kms:GenerateDataKey", KEY, REGION],
    ]);
    expect(summary(wire({ service: "s3", operation: "HeadObject", method: "HEAD", path: "/b/state", responseHeaders: encrypted }))).toEqual([["s3:GetObject", "arn:aws:s3:::b/state", REGION]]);
    expect(summary(wire({ service: "s3", operation: "ListObjectsV2", path: "/b", query: { "list-type": "2", prefix: "env:/" } }))).toEqual([
      ["s3:ListBucket", "arn:aws:s3:::b", { ...REGION, "s3:prefix": "env:/" }],
    ]);
    expect(summary(wire({ service: "s3", operation: "DeleteObject", method: "DELETE", path: "/b/state.tflock", status: 204 }))).toEqual([["s3:DeleteObject", "arn:aws:s3:::b/state.tflock", REGION]]);
  });

  it("a KMS key named by alias is the key behind it, known by kms:ResourceAliases; a bare ID is in the caller's account", () => {
    expect(kmsKey("alias/state", "us-west-2", "123456789012")).toEqual({ resource: "arn:aws:kms:us-west-2:123456789012:key/<the key behind alias/state>", context: { "kms:ResourceAliases": ["alias/state"] } });
    expect(kmsKey("arn:aws:kms:us-west-2:123456789012:alias/state", "us-west-2", "123456789012").context).toEqual({ "kms:ResourceAliases": ["alias/state"] });
    expect(kmsKey("1234abcd-12ab-34cd-a6ef-1234567890ab", "eu-west-1", "123456789012")).toEqual({ resource: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-a6ef-1234567890ab", context: {} });
  });

  it("DynamoDB: the named table's ARN; ELB lookups: *; STS GetCallerIdentity: nothing", () => {
    expect(summary(wire({ service: "dynamodb", operation: "PutItem", method: "POST", body: '{"TableName":"locks","Item":{}}' }))).toEqual([["dynamodb:PutItem", "arn:aws:dynamodb:us-west-2:123456789012:table/locks", REGION]]);
    expect(summary(wire({ service: "elasticloadbalancing", operation: "DescribeTags", region: "us-east-1" }))).toEqual([["elasticloadbalancing:DescribeTags", "*", { "aws:RequestedRegion": "us-east-1" }]]);
    expect(summary(wire({ service: "sts", operation: "GetCallerIdentity" }))).toEqual([]);
  });

  it("Global Accelerator: the ARN in the request, or * where the action has no resource type", () => {
    expect(summary(ga("DescribeEndpointGroup", { EndpointGroupArn: `${ACCELERATOR}/listener/l/endpoint-group/g` }))).toEqual([
      ["globalaccelerator:DescribeEndpointGroup", `${ACCELERATOR}/listener/l/endpoint-group/g`, REGION],
    ]);
    expect(summary(ga("CreateListener", { AcceleratorArn: ACCELERATOR }))).toEqual([["globalaccelerator:CreateListener", ACCELERATOR, REGION]]);
    expect(summary(ga("ListCrossAccountResources", { ResourceOwnerAwsAccountId: "123456789012" }))).toEqual([["globalaccelerator:ListCrossAccountResources", "*", REGION]]);
  });

  it("CreateAccelerator: on *, with TagResource when it carries tags, and the service-linked role", () => {
    const role = ["iam:CreateServiceLinkedRole", "arn:aws:iam::123456789012:role/aws-service-role/globalaccelerator.amazonaws.com/AWSServiceRoleForGlobalAccelerator", { ...REGION, "iam:AWSServiceName": "globalaccelerator.amazonaws.com" }];
    const created = { Accelerator: { AcceleratorArn: ACCELERATOR } };
    expect(summary(ga("CreateAccelerator", { Name: "a", Tags: [{ Key: "team", Value: "x" }] }, created))).toEqual([
      ["globalaccelerator:CreateAccelerator", "*", REGION],
      ["globalaccelerator:TagResource", ACCELERATOR, REGION],
      role,
    ]);
    expect(summary(ga("CreateAccelerator", { Name: "a", Tags: [] }, created))).toEqual([["globalaccelerator:CreateAccelerator", "*", REGION], role]);
  });

  it("UpdateAcceleratorAttributes: enabling flow logs sets up the delivery and the bucket policy; turning an existing delivery off deletes it", () => {
    const update = ["globalaccelerator:UpdateAcceleratorAttributes", ACCELERATOR, REGION];
    expect(summary(ga("UpdateAcceleratorAttributes", { AcceleratorArn: ACCELERATOR, FlowLogsEnabled: true, FlowLogsS3Bucket: "logs", FlowLogsS3Prefix: "p/" }))).toEqual([
      update,
      ["logs:CreateLogDelivery", "*", REGION],
      ["s3:GetBucketPolicy", "arn:aws:s3:::logs", REGION],
      ["s3:PutBucketPolicy", "arn:aws:s3:::logs", REGION],
    ]);
    expect(summary(ga("UpdateAcceleratorAttributes", { AcceleratorArn: ACCELERATOR, FlowLogsEnabled: false, FlowLogsS3Bucket: "logs", FlowLogsS3Prefix: "p/" }))).toEqual([update, ["logs:DeleteLogDelivery", "*", REGION]]);
    expect(summary(ga("UpdateAcceleratorAttributes", { AcceleratorArn: ACCELERATOR, FlowLogsEnabled: false }))).toEqual([update]);
  });

  it("fails, naming it, on a call nobody mapped", () => {
    expect(() => summary(ga("ListCustomRoutingListeners", {}))).toThrow("no IAM mapping for the Global Accelerator operation ListCustomRoutingListeners");
    expect(() => summary(wire({ service: "s3", operation: "CopyObject", method: "PUT", path: "/b/k" }))).toThrow("no IAM mapping for the S3 call CopyObject (PUT /b/k)");
    expect(() => summary(wire({ service: "sts", operation: "AssumeRole" }))).toThrow("no IAM mapping for the STS call AssumeRole");
    expect(() => summary(wire({ service: "ec2", operation: "DescribeRegions" }))).toThrow("no IAM mapping for ec2 DescribeRegions");
  });
});

describe("the recording proxy", () => {
  it("names the operation from X-Amz-Target, the Query protocol's Action, or the S3 REST request", () => {
    expect(operationOf("dynamodb", "POST", "/", {}, { "x-amz-target": "DynamoDB_20120810.GetItem" }, "{}")).toBe("GetItem");
    expect(operationOf("sts", "POST", "/", {}, {}, "Action=GetCallerIdentity&Version=2011-06-15")).toBe("GetCallerIdentity");
    expect(operationOf("s3", "GET", "/b", { "list-type": "2", prefix: "env:/" }, {}, "")).toBe("ListObjectsV2");
    expect(operationOf("s3", "HEAD", "/b/k/state", {}, {}, "")).toBe("HeadObject");
    expect(operationOf("s3", "PUT", "/b/k", { "x-id": "PutObject" }, {}, "")).toBe("PutObject");
    expect(operationOf("s3", "PUT", "/b/k", {}, { "x-amz-copy-source": "/b/j" }, "")).toBe("CopyObject");
    expect(operationOf("s3", "DELETE", "/b/k", {}, {}, "")).toBe("DeleteObject");
    expect(() => operationOf("s3", "GET", "/b", { policy: "" }, {}, "")).toThrow("an S3 bucket sub-resource nobody mapped: GET /b?policy");
    expect(signingScope("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/elasticloadbalancing/aws4_request, SignedHeaders=host")).toEqual({ region: "us-east-1", service: "elasticloadbalancing" });
    expect(signingScope(undefined)).toBeUndefined();
  });

  it("forwards each request unchanged and records it with its scope, operation and the answer's headers", async () => {
    const seen: { method?: string; url?: string; body: string }[] = [];
    const upstream = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, body });
        res.writeHead(404, { "x-amz-request-id": "r1" });
        res.end("<Error><Code>NotFound</Code></Error>");
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const recorder = await startAwsRecorder(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    const headers = { authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-west-2/s3/aws4_request, SignedHeaders=host, Signature=0" };
    try {
      const answer = await fetch(`${recorder.endpoint}/state-bucket/k/s.tfstate?x-id=GetObject`, { headers });
      expect([answer.status, await answer.text()]).toEqual([404, "<Error><Code>NotFound</Code></Error>"]);
      expect(seen).toEqual([{ method: "GET", url: "/state-bucket/k/s.tfstate?x-id=GetObject", body: "" }]);
      expect(recorder.calls()).toEqual([
        expect.objectContaining({ service: "s3", region: "us-west-2", operation: "GetObject", path: "/state-bucket/k/s.tfstate", query: { "x-id": "GetObject" }, status: 404, responseHeaders: expect.objectContaining({ "x-amz-request-id": "r1" }) }),
      ]);
      // A request nobody mapped is still forwarded; its operation says why it has no name.
      expect((await fetch(`${recorder.endpoint}/state-bucket?policy`, { headers })).status).toBe(404);
      expect(recorder.calls()[1].operation).toBe("unmapped: an S3 bucket sub-resource nobody mapped: GET /state-bucket?policy");
    } finally {
      await recorder.stop();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});

describe("the operations each phase calls", () => {
  const call = (service: string, operation: string): AwsCall => ({ service, region: "us-west-2", operation, status: 200 });
  const lanes = [
    { calls: { plan: [call("s3", "HeadObject"), call("globalaccelerator", "DescribeAccelerator")], apply: [call("globalaccelerator", "CreateAccelerator")], destroy: [] } },
    { calls: { plan: [call("s3", "HeadObject"), call("s3", "GetObject")], apply: [], destroy: [call("globalaccelerator", "DeleteAccelerator")] } },
  ];

  it("are gathered per phase and service, each once, sorted", () => {
    expect(operationsByPhase(lanes)).toEqual({
      plan: { globalaccelerator: ["DescribeAccelerator"], s3: ["GetObject", "HeadObject"] },
      apply: { globalaccelerator: ["CreateAccelerator"] },
      destroy: { globalaccelerator: ["DeleteAccelerator"] },
    });
  });

  it("differ from the committed ones by name: a new call, and a call no longer made", () => {
    const committed = { plan: { globalaccelerator: ["DescribeAccelerator"], s3: ["GetObject", "HeadObject"] }, apply: { globalaccelerator: ["CreateAccelerator", "TagResource"] }, destroy: { globalaccelerator: ["DeleteAccelerator"] } };
    expect(operationDifferences(operationsByPhase(lanes), operationsByPhase(lanes), "ops.json")).toEqual([]);
    const upgraded = operationsByPhase([...lanes, { calls: { plan: [call("globalaccelerator", "ListCustomRoutingListeners")], apply: [], destroy: [] } }]);
    expect(operationDifferences(upgraded, committed, "ops.json")).toEqual([
      "plan: globalaccelerator:ListCustomRoutingListeners is called, and ops.json does not list it: map it in __tests__/support/iam-requests.ts, check the roles, then list it",
      "apply: globalaccelerator:TagResource is listed in ops.json, and no longer called",
    ]);
  });
});
