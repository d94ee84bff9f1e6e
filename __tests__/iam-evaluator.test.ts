// The test-side IAM machinery on its own: the policy evaluator (both ways), the mapping of recorded
// calls to the authorizations IAM checks, and the recording proxy the Terraform test puts before moto.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { stackPolicies, type PolicyDocument, type Statement } from "../src/iam/policies";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { operationOf, signingScope, startAwsRecorder, type WireCall } from "./support/aws-recorder";
import { evaluate, wildcardMatch, type AuthorizationRequest } from "./support/iam-evaluator";
import { changeBatchContext, kmsKey, neededAuthorizations, normalizedRecordName, shieldTagTracker, type AwsCall } from "./support/iam-requests";
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

  const NAMES = "route53:ChangeResourceRecordSetsNormalizedRecordNames";
  const TYPES = "route53:ChangeResourceRecordSetsRecordTypes";
  const ZONE = "arn:aws:route53:::hostedzone/Z1";
  const changes = (extra: Partial<Statement> = {}) =>
    policy(allow({ Action: "route53:ChangeResourceRecordSets", Resource: ZONE, Condition: { "ForAllValues:StringEquals": { [NAMES]: ["api.example.com", "example.com"], [TYPES]: ["A"] } }, ...extra }));

  it("applies ForAllValues:StringEquals to a multivalued key: every value of the request must be listed", () => {
    const change = (names: string[], types: string[]) => request("route53:ChangeResourceRecordSets", ZONE, { [NAMES]: names, [TYPES]: types });
    expect(evaluate(changes(), change(["example.com", "api.example.com"], ["A"])).decision).toBe("allowed");
    expect(evaluate(changes(), change(["api.example.com", "www.example.com"], ["A"])).decision).toBe("implicitly denied");
    expect(evaluate(changes(), change(["api.example.com"], ["A", "AAAA"])).decision).toBe("implicitly denied");
  });

  it("lets ForAllValues pass a request without the key, as AWS does, unless a Null condition requires it", () => {
    const withoutNames = request("route53:ChangeResourceRecordSets", ZONE, { [TYPES]: ["A"] });
    expect(evaluate(changes(), withoutNames).decision).toBe("allowed");
    expect(evaluate(changes(), request("route53:ChangeResourceRecordSets", ZONE, { [NAMES]: [], [TYPES]: ["A"] })).decision).toBe("allowed");
    const guarded = changes().Statement[0].Condition!;
    const required = policy(allow({ Action: "route53:ChangeResourceRecordSets", Resource: ZONE, Condition: { ...guarded, Null: { [NAMES]: "false", [TYPES]: "false" } } }));
    expect(evaluate(required, withoutNames).decision).toBe("implicitly denied");
    expect(evaluate(required, request("route53:ChangeResourceRecordSets", ZONE, { [NAMES]: [], [TYPES]: ["A"] })).decision).toBe("implicitly denied");
    expect(evaluate(required, request("route53:ChangeResourceRecordSets", ZONE, { [NAMES]: ["example.com"], [TYPES]: ["A"] })).decision).toBe("allowed");
  });

  it("applies Null: \"true\" holds when the key is missing, \"false\" when it is present", () => {
    const absent = policy(allow({ Action: "shield:TagResource", Resource: "*", Condition: { Null: { "aws:ResourceTag/team": "true" } } }));
    expect(evaluate(absent, request("shield:TagResource", "p")).decision).toBe("allowed");
    expect(evaluate(absent, request("shield:TagResource", "p", { "aws:ResourceTag/team": "ml" })).decision).toBe("implicitly denied");
    const present = policy(allow({ Action: "shield:TagResource", Resource: "*", Condition: { Null: { "aws:ResourceTag/team": "false" } } }));
    expect(evaluate(present, request("shield:TagResource", "p", { "aws:ResourceTag/team": "ml" })).decision).toBe("allowed");
    expect(evaluate(present, request("shield:TagResource", "p")).decision).toBe("implicitly denied");
    const bad = policy(allow({ Action: "shield:TagResource", Resource: "*", Condition: { Null: { "aws:ResourceTag/team": "yes" } } }));
    expect(() => evaluate(bad, request("shield:TagResource", "p"))).toThrow('Null on aws:ResourceTag/team takes "true" or "false", received ["yes"]');
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

  it("decides the custom domain's changes: the stack's own names and types, every key present", () => {
    const config = validConfig();
    config.stacks[0].dns = { zone: "example.com", names: ["api.example.com"] };
    const { applyRole } = stackPolicies(toModel(parseConfig(config).config).stacks[0], { account: "123456789012", repository: "acme/smart-routing" });
    const change = (context: AuthorizationRequest["context"]) => evaluate(applyRole, request("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1", context)).decision;
    const keys = { actions: "route53:ChangeResourceRecordSetsActions", names: "route53:ChangeResourceRecordSetsNormalizedRecordNames", types: "route53:ChangeResourceRecordSetsRecordTypes" };
    expect(change({ [keys.actions]: ["UPSERT"], [keys.names]: ["api.example.com"], [keys.types]: ["A"] })).toBe("allowed");
    expect(change({ [keys.actions]: ["DELETE", "CREATE"], [keys.names]: ["api.example.com", "example.com"], [keys.types]: ["A"] })).toBe("implicitly denied");
    expect(change({ [keys.actions]: ["CREATE"], [keys.names]: ["api.example.com"], [keys.types]: ["TXT"] })).toBe("implicitly denied");
    expect(change({ [keys.actions]: ["CREATE"], [keys.types]: ["A"] })).toBe("implicitly denied");
  });

  it("decides Shield by the stack's tag: the new protection is tagged whichever way AWS builds that check, another stack's never", () => {
    const config = validConfig();
    config.stacks[0].accelerator.shield = true;
    const { applyRole, planRole } = stackPolicies(toModel(parseConfig(config).config).stacks[0], { account: "123456789012", repository: "acme/smart-routing" });
    const protection = "arn:aws:shield::123456789012:protection/p1";
    const own = { "aws:RequestTag/smart-routing:stack": "test", "aws:TagKeys": ["smart-routing:stack"] };
    expect(evaluate(applyRole, request("shield:CreateProtection", "*", own)).decision).toBe("allowed");
    expect(evaluate(applyRole, request("shield:CreateProtection", "*", { "aws:RequestTag/smart-routing:stack": "other", "aws:TagKeys": ["smart-routing:stack"] })).decision).toBe("implicitly denied");
    expect(evaluate(applyRole, request("shield:CreateProtection", "*")).decision).toBe("implicitly denied");
    // The create's dependent TagResource: without resource tags (the protection has none yet), or with the new ones.
    expect(evaluate(applyRole, request("shield:TagResource", protection, own))).toEqual({ decision: "allowed", statements: ["TagTheNewProtection"] });
    expect(evaluate(applyRole, request("shield:TagResource", protection, { ...own, "aws:ResourceTag/smart-routing:stack": "test" }))).toEqual({ decision: "allowed", statements: ["ChangeShieldProtection"] });
    // Another stack's protection can be neither re-tagged to this stack nor deleted nor read.
    const other = { "aws:ResourceTag/smart-routing:stack": "other" };
    expect(evaluate(applyRole, request("shield:TagResource", protection, { ...own, ...other })).decision).toBe("implicitly denied");
    expect(evaluate(applyRole, request("shield:DeleteProtection", protection, other)).decision).toBe("implicitly denied");
    expect(evaluate(planRole, request("shield:DescribeProtection", protection, other)).decision).toBe("implicitly denied");
    expect(evaluate(planRole, request("shield:DescribeProtection", protection, { "aws:ResourceTag/smart-routing:stack": "test" })).decision).toBe("allowed");
  });
});

/** A wire call as the recorder keeps it, with what a test does not care about filled in. */
function wire(call: Partial<WireCall> & Pick<WireCall, "service" | "operation">): AwsCall {
  const full: WireCall = { region: "us-west-2", method: "GET", path: "/", query: {}, headers: {}, body: "", status: 200, responseHeaders: {}, responseBody: "", ...call };
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

  const route53 = (operation: string, method: string, path: string, body = ""): AwsCall => wire({ service: "route53", region: "us-east-1", operation, method, path, body });
  const EAST = { "aws:RequestedRegion": "us-east-1" };
  const batch = (...changes: [action: string, name: string, type: string][]) =>
    `<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes>${changes
      .map(([action, name, type]) => `<Change><Action>${action}</Action><ResourceRecordSet><AliasTarget><DNSName>a1.awsglobalaccelerator.com</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth><HostedZoneId>Z2BJ6XQ5FK7U4H</HostedZoneId></AliasTarget><Name>${name}</Name><Type>${type}</Type></ResourceRecordSet></Change>`)
      .join("")}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;

  it("Route 53: listing zones on *, the zone's reads and changes on its ARN, GetChange on the change's, tags on the tagged resource's", () => {
    expect(summary(route53("ListHostedZones", "GET", "/2013-04-01/hostedzone"))).toEqual([["route53:ListHostedZones", "*", EAST]]);
    expect(summary(route53("GetHostedZone", "GET", "/2013-04-01/hostedzone/Z1"))).toEqual([["route53:GetHostedZone", "arn:aws:route53:::hostedzone/Z1", EAST]]);
    expect(summary(route53("ListResourceRecordSets", "GET", "/2013-04-01/hostedzone/Z1/rrset"))).toEqual([["route53:ListResourceRecordSets", "arn:aws:route53:::hostedzone/Z1", EAST]]);
    expect(summary(route53("GetChange", "GET", "/2013-04-01/change/C2682N5HXP0BZ4"))).toEqual([["route53:GetChange", "arn:aws:route53:::change/C2682N5HXP0BZ4", EAST]]);
    expect(summary(route53("ListTagsForResource", "GET", "/2013-04-01/tags/hostedzone/Z1"))).toEqual([["route53:ListTagsForResource", "arn:aws:route53:::hostedzone/Z1", EAST]]);
    expect(summary(route53("ChangeResourceRecordSets", "POST", "/2013-04-01/hostedzone/Z1/rrset", batch(["DELETE", "API.example.com.", "A"]))) ).toEqual([
      [
        "route53:ChangeResourceRecordSets",
        "arn:aws:route53:::hostedzone/Z1",
        { ...EAST, "route53:ChangeResourceRecordSetsActions": ["DELETE"], "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["api.example.com"], "route53:ChangeResourceRecordSetsRecordTypes": ["A"] },
      ],
    ]);
  });

  it("ChangeResourceRecordSets: the actions, normalized names and types of every change in the batch, each once", () => {
    expect(changeBatchContext(batch(["DELETE", "ds.example.com.", "A"], ["CREATE", "ds.example.com", "AAAA"], ["UPSERT", "Api.Example.com", "A"]))).toEqual({
      "route53:ChangeResourceRecordSetsActions": ["DELETE", "CREATE", "UPSERT"],
      "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["ds.example.com", "api.example.com"],
      "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA"],
    });
    expect(() => changeBatchContext("<ChangeResourceRecordSetsRequest/>")).toThrow("a ChangeResourceRecordSets request without changes: <ChangeResourceRecordSetsRequest/>");
  });

  it("normalizes a record name as Route 53 does: lower case, no trailing dot, other characters as octal escapes", () => {
    expect(normalizedRecordName("API.Example.COM.")).toBe("api.example.com");
    expect(normalizedRecordName("*.example.com")).toBe("\\052.example.com");
    expect(normalizedRecordName("\\052.example.com")).toBe("\\052.example.com");
    expect(normalizedRecordName("_dmarc.my-site.example.com")).toBe("_dmarc.my-site.example.com");
    expect(normalizedRecordName("é.example.com")).toBe("\\303\\251.example.com");
  });

  const PROTECTION = "arn:aws:shield::123456789012:protection/p1";
  const shieldCall = (operation: string, body: Record<string, unknown>, answer: Record<string, unknown> = {}, resourceTags?: Record<string, string>): AwsCall => ({
    ...wire({ service: "shield", region: "us-east-1", operation, method: "POST", body: JSON.stringify(body), responseBody: JSON.stringify(answer) }),
    ...(resourceTags !== undefined && { resourceTags }),
  });
  const TAGS = [
    { Key: "team", Value: "ml" },
    { Key: "smart-routing:stack", Value: "prod" },
  ];

  it("Shield: CreateProtection on * with the request's tags, and the dependent TagResource on the new protection", () => {
    const requestTags = { ...EAST, "aws:RequestTag/team": "ml", "aws:RequestTag/smart-routing:stack": "prod", "aws:TagKeys": ["team", "smart-routing:stack"] };
    expect(summary(shieldCall("CreateProtection", { Name: "prod-accelerator", ResourceArn: ACCELERATOR, Tags: TAGS }, { ProtectionId: "p1" }))).toEqual([
      ["shield:CreateProtection", "*", requestTags],
      ["shield:TagResource", PROTECTION, requestTags],
    ]);
    expect(summary(shieldCall("CreateProtection", { Name: "prod-accelerator", ResourceArn: ACCELERATOR }, { ProtectionId: "p1" }))).toEqual([["shield:CreateProtection", "*", EAST]]);
    const refused = { ...shieldCall("CreateProtection", { Name: "prod-accelerator", ResourceArn: ACCELERATOR, Tags: TAGS }, { __type: "AccessDeniedException" }), status: 400 };
    expect(summary(refused).map(([action, resource]) => [action, resource])).toEqual([
      ["shield:CreateProtection", "*"],
      ["shield:TagResource", "arn:aws:shield::123456789012:protection/<not created>"],
    ]);
  });

  it("Shield: the protection's own actions on its ARN, with the tags it has as aws:ResourceTag", () => {
    const held = { team: "ml", "smart-routing:stack": "prod" };
    const resourceTags = { "aws:ResourceTag/team": "ml", "aws:ResourceTag/smart-routing:stack": "prod" };
    expect(summary(shieldCall("DescribeProtection", { ProtectionId: "p1" }, {}, held))).toEqual([["shield:DescribeProtection", PROTECTION, { ...EAST, ...resourceTags }]]);
    expect(summary(shieldCall("DescribeProtection", { ResourceArn: ACCELERATOR }, { Protection: { Id: "p1" } }, held))).toEqual([["shield:DescribeProtection", PROTECTION, { ...EAST, ...resourceTags }]]);
    expect(summary(shieldCall("DeleteProtection", { ProtectionId: "p1" }, {}, held))).toEqual([["shield:DeleteProtection", PROTECTION, { ...EAST, ...resourceTags }]]);
    expect(summary(shieldCall("ListTagsForResource", { ResourceARN: PROTECTION }, {}, held))).toEqual([["shield:ListTagsForResource", PROTECTION, { ...EAST, ...resourceTags }]]);
    expect(summary(shieldCall("UntagResource", { ResourceARN: PROTECTION, TagKeys: ["team"] }, {}, held))).toEqual([["shield:UntagResource", PROTECTION, { ...EAST, ...resourceTags, "aws:TagKeys": ["team"] }]]);
    expect(summary(shieldCall("TagResource", { ResourceARN: PROTECTION, Tags: [{ Key: "team", Value: "ai" }] }, {}, held))).toEqual([
      ["shield:TagResource", PROTECTION, { ...EAST, ...resourceTags, "aws:RequestTag/team": "ai", "aws:TagKeys": ["team"] }],
    ]);
    expect(() => summary(shieldCall("DescribeProtection", { ResourceArn: ACCELERATOR }, { __type: "ResourceNotFoundException" }))).toThrow(
      `a Shield DescribeProtection that names no protection: {"ResourceArn":"${ACCELERATOR}"}`,
    );
  });

  it("follows each protection's tags through a lane's calls, and fails when Shield answers other tags", () => {
    const track = shieldTagTracker();
    const tagsOf = (call: AwsCall) => track(call).resourceTags;
    expect(tagsOf(shieldCall("CreateProtection", { Name: "n", ResourceArn: ACCELERATOR, Tags: TAGS }, { ProtectionId: "p1" }))).toBeUndefined();
    expect(tagsOf(shieldCall("DescribeProtection", { ProtectionId: "p1" }))).toEqual({ team: "ml", "smart-routing:stack": "prod" });
    expect(tagsOf(shieldCall("UntagResource", { ResourceARN: PROTECTION, TagKeys: ["team"] }))).toEqual({ team: "ml", "smart-routing:stack": "prod" });
    expect(tagsOf(shieldCall("TagResource", { ResourceARN: PROTECTION, Tags: [{ Key: "owner", Value: "ai" }] }))).toEqual({ "smart-routing:stack": "prod" });
    expect(tagsOf(shieldCall("ListTagsForResource", { ResourceARN: PROTECTION }, { Tags: [{ Key: "owner", Value: "ai" }, { Key: "smart-routing:stack", Value: "prod" }] }))).toEqual({
      "smart-routing:stack": "prod",
      owner: "ai",
    });
    // A failed call changes nothing.
    expect(tagsOf({ ...shieldCall("TagResource", { ResourceARN: PROTECTION, Tags: [{ Key: "x", Value: "y" }] }), status: 400 })).toEqual({ "smart-routing:stack": "prod", owner: "ai" });
    expect(() => track(shieldCall("ListTagsForResource", { ResourceARN: PROTECTION }, { Tags: [] }))).toThrow(
      'Shield protection p1: the recorded calls left the tags {"owner":"ai","smart-routing:stack":"prod"}, ListTagsForResource answered {}',
    );
    expect(tagsOf(shieldCall("DeleteProtection", { ProtectionId: "p1" }))).toEqual({ "smart-routing:stack": "prod", owner: "ai" });
    expect(tagsOf(shieldCall("DescribeProtection", { ProtectionId: "p1" }))).toEqual({});
    expect(track(wire({ service: "s3", operation: "GetObject" })).resourceTags).toBeUndefined();
  });

  it("fails, naming it, on a call nobody mapped", () => {
    expect(() => summary(ga("ListCustomRoutingListeners", {}))).toThrow("no IAM mapping for the Global Accelerator operation ListCustomRoutingListeners");
    expect(() => summary(wire({ service: "s3", operation: "CopyObject", method: "PUT", path: "/b/k" }))).toThrow("no IAM mapping for the S3 call CopyObject (PUT /b/k)");
    expect(() => summary(wire({ service: "sts", operation: "AssumeRole" }))).toThrow("no IAM mapping for the STS call AssumeRole");
    expect(() => summary(wire({ service: "ec2", operation: "DescribeRegions" }))).toThrow("no IAM mapping for ec2 DescribeRegions");
    expect(() => summary(route53("GetDNSSEC", "GET", "/2013-04-01/hostedzone/Z1/dnssec"))).toThrow("no IAM mapping for the Route 53 call GetDNSSEC (GET /2013-04-01/hostedzone/Z1/dnssec)");
    expect(() => summary(shieldCall("ListProtections", {}))).toThrow("no IAM mapping for the Shield call ListProtections");
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
    expect(operationOf("shield", "POST", "/", {}, { "x-amz-target": "AWSShield_20160616.CreateProtection" }, "{}")).toBe("CreateProtection");
    expect(() => operationOf("s3", "GET", "/b", { policy: "" }, {}, "")).toThrow("an S3 bucket sub-resource nobody mapped: GET /b?policy");
    expect(signingScope("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/elasticloadbalancing/aws4_request, SignedHeaders=host")).toEqual({ region: "us-east-1", service: "elasticloadbalancing" });
    expect(signingScope(undefined)).toBeUndefined();
  });

  it("names a Route 53 operation from the method and the path, and a path nobody mapped by itself", () => {
    const route53 = (method: string, path: string) => operationOf("route53", method, path, {}, {}, "");
    expect(route53("GET", "/2013-04-01/hostedzone")).toBe("ListHostedZones");
    expect(route53("GET", "/2013-04-01/hostedzonesbyname")).toBe("ListHostedZonesByName");
    expect(route53("GET", "/2013-04-01/hostedzone/Z1")).toBe("GetHostedZone");
    expect(route53("GET", "/2013-04-01/hostedzone/Z1/rrset")).toBe("ListResourceRecordSets");
    expect(route53("POST", "/2013-04-01/hostedzone/Z1/rrset/")).toBe("ChangeResourceRecordSets");
    expect(route53("GET", "/2013-04-01/change/C1")).toBe("GetChange");
    expect(route53("GET", "/2013-04-01/tags/hostedzone/Z1")).toBe("ListTagsForResource");
    expect(route53("POST", "/2013-04-01/tags/hostedzone/Z1")).toBe("ChangeTagsForResource");
    expect(() => route53("GET", "/2013-04-01/healthcheck")).toThrow("a Route 53 request nobody mapped: GET /2013-04-01/healthcheck");
    expect(() => route53("PUT", "/2013-04-01/hostedzone/Z1")).toThrow("a Route 53 request nobody mapped: PUT /2013-04-01/hostedzone/Z1");
  });

  it("forwards each request unchanged and records it with its scope, operation and the answer's headers and body", async () => {
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
        expect.objectContaining({
          service: "s3",
          region: "us-west-2",
          operation: "GetObject",
          path: "/state-bucket/k/s.tfstate",
          query: { "x-id": "GetObject" },
          status: 404,
          responseHeaders: expect.objectContaining({ "x-amz-request-id": "r1" }),
          responseBody: "<Error><Code>NotFound</Code></Error>",
        }),
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
