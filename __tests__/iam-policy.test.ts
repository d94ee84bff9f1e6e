// The CI roles' IAM documents, derived from a stack: what each role may do, what it may never do, and
// whom each trusts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toModel } from "../src/model/model";
import { checkIamArguments, iamOptionsFor } from "../src/iam/options";
import { ampWorkspaceOf, autopilotPolicy, stackPolicies, type PolicyDocument, type Statement } from "../src/iam/policies";
import type { StackModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";
import { ROOT } from "./support/run";

const OPTIONS = { account: "123456789012", repository: "acme/smart-routing" };
const stackOf = (config = validConfig()) => toModel(parseConfig(config).config).stacks[0];
const actions = (doc: PolicyDocument, effect: "Allow" | "Deny" = "Allow") =>
  doc.Statement.filter((s) => s.Effect === effect).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const bySid = (doc: PolicyDocument, sid: string): Statement | undefined => doc.Statement.find((s) => s.Sid === sid);

describe("the plan role", () => {
  const { planRole } = stackPolicies(stackOf(), OPTIONS);

  it("reads Global Accelerator and changes nothing there", () => {
    const ga = actions(planRole).filter((a) => a.startsWith("globalaccelerator:"));
    expect(ga.length).toBeGreaterThan(0);
    expect(ga.every((a) => /^globalaccelerator:(Describe|List)/.test(a))).toBe(true);
  });

  it("lists cross-account resources on * (the action has no resource type), only when a group has a load balancer endpoint", () => {
    expect(bySid(planRole, "ListCrossAccountResources")).toEqual({ Sid: "ListCrossAccountResources", Effect: "Allow", Action: "globalaccelerator:ListCrossAccountResources", Resource: "*" });
    expect(bySid(planRole, "ReadGlobalAccelerator")?.Resource).toBe("arn:aws:globalaccelerator::123456789012:accelerator/*");
    const onlyInstances = validConfig();
    for (const group of onlyInstances.stacks[0].listeners.flatMap((l: { endpointGroups: unknown[] }) => l.endpointGroups)) group.endpoints = [{ type: "instance", id: "i-0123456789abcdef0" }];
    expect(bySid(stackPolicies(stackOf(onlyInstances), OPTIONS).planRole, "ListCrossAccountResources")).toBeUndefined();
  });

  it("reads only the stack's state object and writes only its .tflock", () => {
    expect(bySid(planRole, "ReadState")).toMatchObject({ Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-terraform-state/smart-routing/test.tfstate" });
    expect(bySid(planRole, "StateLock")).toMatchObject({ Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::acme-terraform-state/smart-routing/test.tfstate.tflock" });
    // The key itself (S3's 404 for a missing state) and the workspace prefix Terraform lists on every run.
    expect(bySid(planRole, "ListStateKey")?.Condition).toEqual({ StringEquals: { "s3:prefix": ["smart-routing/test.tfstate", "env:/"] } });
    const writes = planRole.Statement.filter((s) => ([] as string[]).concat(s.Action).some((a) => a === "s3:PutObject"));
    expect(writes.flatMap((s) => s.Resource)).toEqual(["arn:aws:s3:::acme-terraform-state/smart-routing/test.tfstate.tflock"]);
  });

  it("describes load balancers only in the regions that hold lookups", () => {
    expect(bySid(planRole, "LookUpLoadBalancers")?.Condition).toEqual({ StringEquals: { "aws:RequestedRegion": ["us-east-1"] } });
    const noLookups = validConfig();
    noLookups.stacks[0].listeners[0].endpointGroups[1].endpoints.pop();
    expect(bySid(stackPolicies(stackOf(noLookups), OPTIONS).planRole, "LookUpLoadBalancers")).toBeUndefined();
  });

  it("adds the DynamoDB lock table and the KMS key only when the backend uses them", () => {
    expect(bySid(planRole, "LegacyStateLock")).toBeUndefined();
    expect(bySid(planRole, "StateEncryptionKey")).toBeUndefined();
    const config = validConfig();
    Object.assign(config.stacks[0].backend, { dynamodbTable: "locks", kmsKeyId: "1234abcd-12ab-34cd-a6ef-1234567890ab" });
    const { planRole: withBoth } = stackPolicies(stackOf(config), OPTIONS);
    expect(bySid(withBoth, "LegacyStateLock")).toMatchObject({ Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], Resource: "arn:aws:dynamodb:us-west-2:123456789012:table/locks" });
    expect(bySid(withBoth, "StateEncryptionKey")).toMatchObject({ Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-a6ef-1234567890ab" });
  });
});

describe("the apply role", () => {
  it("cannot delete the accelerator: an explicit Deny, and no Allow", () => {
    const { applyRole } = stackPolicies(stackOf(), OPTIONS);
    expect(actions(applyRole, "Deny")).toEqual(["globalaccelerator:DeleteAccelerator"]);
    expect(actions(applyRole)).not.toContain("globalaccelerator:DeleteAccelerator");
    expect(actions(applyRole)).toEqual(expect.arrayContaining(["globalaccelerator:CreateAccelerator", "globalaccelerator:DeleteListener", "s3:PutObject"]));
  });

  it("creates accelerators on * (CreateAccelerator has no resource type) and changes them only under accelerator/*", () => {
    const { applyRole } = stackPolicies(stackOf(), OPTIONS);
    expect(bySid(applyRole, "CreateAccelerator")).toEqual({ Sid: "CreateAccelerator", Effect: "Allow", Action: "globalaccelerator:CreateAccelerator", Resource: "*" });
    expect(bySid(applyRole, "ChangeGlobalAccelerator")?.Resource).toBe("arn:aws:globalaccelerator::123456789012:accelerator/*");
    expect(bySid(applyRole, "ChangeGlobalAccelerator")?.Action).toContain("globalaccelerator:TagResource");
    expect(bySid(applyRole, "ChangeGlobalAccelerator")?.Action).not.toContain("globalaccelerator:CreateAccelerator");
  });

  it("may set up flow-log delivery, and the policy of the flow-log bucket alone, only when the stack has flow logs", () => {
    expect(bySid(stackPolicies(stackOf(), OPTIONS).applyRole, "FlowLogDelivery")).toBeUndefined();
    const config = validConfig();
    config.stacks[0].accelerator.flowLogs = { bucket: "acme-ga-flow-logs", prefix: "test/" };
    const { applyRole, planRole } = stackPolicies(stackOf(config), OPTIONS);
    expect(bySid(applyRole, "FlowLogDelivery")).toMatchObject({ Action: ["logs:CreateLogDelivery", "logs:DeleteLogDelivery"], Resource: "*" });
    expect(bySid(applyRole, "FlowLogBucketPolicy")).toMatchObject({ Action: ["s3:GetBucketPolicy", "s3:PutBucketPolicy"], Resource: "arn:aws:s3:::acme-ga-flow-logs" });
    expect(bySid(planRole, "FlowLogDelivery")).toBeUndefined();
  });

  it("may describe EC2 and load balancers only for lookups, in their regions", () => {
    const { applyRole } = stackPolicies(stackOf(), OPTIONS);
    expect(actions(applyRole).filter((a) => a.startsWith("ec2:"))).toEqual([]);
    expect(applyRole.Statement.filter((s) => [s.Action].flat().includes("elasticloadbalancing:DescribeLoadBalancers")).map((s) => s.Sid)).toEqual(["LookUpLoadBalancers"]);
  });

  it("may delete the accelerator only with the break-glass flag", () => {
    const { applyRole } = stackPolicies(stackOf(), { ...OPTIONS, breakGlass: true });
    expect(actions(applyRole, "Deny")).toEqual([]);
    expect(actions(applyRole)).toContain("globalaccelerator:DeleteAccelerator");
  });
});

describe("the custom domain's permissions", () => {
  const withDns = (dns: Record<string, unknown>, change: (c: ReturnType<typeof validConfig>) => void = () => {}) => {
    const config = validConfig();
    config.stacks[0].dns = dns;
    change(config);
    return stackPolicies(stackOf(config), OPTIONS);
  };

  it("let the plan role find a zone given by name and read its records, and change nothing in Route 53", () => {
    const { planRole } = withDns({ zone: "example.com", names: ["api.example.com"] });
    expect(bySid(planRole, "FindHostedZone")).toEqual({ Sid: "FindHostedZone", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" });
    expect(bySid(planRole, "ReadDnsRecords")).toMatchObject({
      Action: ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"],
      Resource: "arn:aws:route53:::hostedzone/*",
    });
    expect(actions(planRole).filter((a) => a.startsWith("route53:Change"))).toEqual([]);
  });

  it("let the apply role change only the stack's names, A records only, with both keys required, and wait for the changes", () => {
    const { applyRole } = withDns({ zone: "example.com", names: ["API.example.com", "example.com"] });
    expect(bySid(applyRole, "ChangeDnsRecords")).toEqual({
      Sid: "ChangeDnsRecords",
      Effect: "Allow",
      Action: "route53:ChangeResourceRecordSets",
      Resource: "arn:aws:route53:::hostedzone/*",
      Condition: {
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["api.example.com", "example.com"],
          "route53:ChangeResourceRecordSetsRecordTypes": ["A"],
        },
        // ForAllValues alone would also hold for a request without the keys.
        Null: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": "false", "route53:ChangeResourceRecordSetsRecordTypes": "false" },
      },
    });
    expect(bySid(applyRole, "WaitForDnsChanges")).toMatchObject({ Action: "route53:GetChange", Resource: "arn:aws:route53:::change/*" });
  });

  it("name the zone's ARN when the config gives its ID, add AAAA for dual stack, and need no zone lookup", () => {
    const { planRole, applyRole } = withDns({ zoneId: "Z0123456789ABCDEFGHIJ", names: ["api.example.com"] }, (c) => {
      c.stacks[0].accelerator.ipAddressType = "DUAL_STACK";
      c.stacks[0].listeners[0].endpointGroups[0].endpoints.shift();
    });
    expect(bySid(planRole, "FindHostedZone")).toBeUndefined();
    expect(bySid(planRole, "ReadDnsRecords")).toMatchObject({ Action: ["route53:GetHostedZone", "route53:ListResourceRecordSets"], Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ" });
    expect(bySid(applyRole, "ChangeDnsRecords")).toMatchObject({
      Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
      Condition: { "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA"] } },
    });
  });

  it("are absent without a custom domain", () => {
    const { planRole, applyRole } = stackPolicies(stackOf(), OPTIONS);
    expect([...actions(planRole), ...actions(applyRole)].filter((a) => a.startsWith("route53:"))).toEqual([]);
  });
});

describe("the Shield permissions", () => {
  const shielded = () => {
    const config = validConfig();
    config.stacks[0].accelerator.shield = true;
    return stackPolicies(stackOf(config), OPTIONS);
  };

  it("let the apply role create a protection only tagged with its stack, tag it so, and change only protections tagged so", () => {
    const { applyRole } = shielded();
    expect(bySid(applyRole, "ProtectTheAccelerator")).toEqual({
      Sid: "ProtectTheAccelerator",
      Effect: "Allow",
      Action: "shield:CreateProtection",
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestTag/smart-routing:stack": "test" } },
    });
    // CreateProtection's dependent TagResource, on a protection that has no stack tag yet.
    expect(bySid(applyRole, "TagTheNewProtection")).toEqual({
      Sid: "TagTheNewProtection",
      Effect: "Allow",
      Action: "shield:TagResource",
      Resource: "arn:aws:shield::123456789012:protection/*",
      Condition: { StringEquals: { "aws:RequestTag/smart-routing:stack": "test" }, Null: { "aws:ResourceTag/smart-routing:stack": "true" } },
    });
    expect(bySid(applyRole, "ChangeShieldProtection")).toEqual({
      Sid: "ChangeShieldProtection",
      Effect: "Allow",
      Action: ["shield:DeleteProtection", "shield:TagResource", "shield:UntagResource"],
      Resource: "arn:aws:shield::123456789012:protection/*",
      Condition: { StringEquals: { "aws:ResourceTag/smart-routing:stack": "test" } },
    });
  });

  it("let the plan role read only the stack's protection, and are absent without shield", () => {
    const { planRole } = shielded();
    expect(bySid(planRole, "ReadShieldProtection")).toMatchObject({
      Action: ["shield:DescribeProtection", "shield:ListTagsForResource"],
      Condition: { StringEquals: { "aws:ResourceTag/smart-routing:stack": "test" } },
    });
    expect(actions(planRole).filter((a) => a.startsWith("shield:") && !/^shield:(Describe|List)/.test(a))).toEqual([]);
    const { planRole: plain, applyRole } = stackPolicies(stackOf(), OPTIONS);
    expect([...actions(plain), ...actions(applyRole)].filter((a) => a.startsWith("shield:"))).toEqual([]);
  });
});

describe("the autopilot role", () => {
  // The model's autopilot (config validation of `autopilot` is another part's); its calls are proven in autopilot-iam.terraform.test.ts.
  const withAutopilot = (mode: "enforce" | "monitor", prometheus: NonNullable<StackModel["autopilot"]>["prometheus"] = { url: "http://prometheus:9090" }): StackModel => ({
    ...stackOf(),
    autopilot: { prometheus, intervalSeconds: 15, mode, staleAfterSeconds: 60 },
  });

  it("exists only for a stack with an autopilot", () => {
    expect(stackPolicies(stackOf(), OPTIONS)).not.toHaveProperty("autopilotRole");
    expect(stackPolicies(withAutopilot("enforce"), OPTIONS).autopilotRole).toEqual(autopilotPolicy(withAutopilot("enforce"), OPTIONS));
    expect(() => autopilotPolicy(stackOf(), OPTIONS)).toThrow("stack test has no autopilot");
  });

  it("reads the accelerator's status and the groups' dials, writes a dial only in enforce mode, on this account's groups", () => {
    const enforce = autopilotPolicy(withAutopilot("enforce"), OPTIONS);
    expect(bySid(enforce, "ReadAcceleratorStatus")).toEqual({ Sid: "ReadAcceleratorStatus", Effect: "Allow", Action: "globalaccelerator:DescribeAccelerator", Resource: "arn:aws:globalaccelerator::123456789012:accelerator/*" });
    const groups = "arn:aws:globalaccelerator::123456789012:accelerator/*/listener/*/endpoint-group/*";
    expect(bySid(enforce, "ReadDials")).toMatchObject({ Action: "globalaccelerator:DescribeEndpointGroup", Resource: groups });
    expect(bySid(enforce, "SetDials")).toMatchObject({ Action: "globalaccelerator:UpdateEndpointGroup", Resource: groups });
    expect(actions(enforce).filter((a) => a.startsWith("globalaccelerator:")).sort()).toEqual(["globalaccelerator:DescribeAccelerator", "globalaccelerator:DescribeEndpointGroup", "globalaccelerator:UpdateEndpointGroup"]);
    const monitor = autopilotPolicy(withAutopilot("monitor"), OPTIONS);
    expect(bySid(monitor, "SetDials")).toBeUndefined();
    expect(actions(monitor)).not.toContain("globalaccelerator:UpdateEndpointGroup");
  });

  it("reads the stack's own parameter and reads and writes only its own state object, listing the bucket for that key alone", () => {
    const policy = autopilotPolicy(withAutopilot("enforce"), OPTIONS);
    expect(bySid(policy, "ReadPublishedParameter")).toMatchObject({ Action: "ssm:GetParameter", Resource: "arn:aws:ssm:us-west-2:123456789012:parameter/smart-routing/test/autopilot" });
    expect(bySid(policy, "AutopilotState")).toMatchObject({ Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::acme-terraform-state/smart-routing/autopilot/test.json" });
    expect(bySid(policy, "FindAutopilotState")).toMatchObject({ Action: "s3:ListBucket", Resource: "arn:aws:s3:::acme-terraform-state", Condition: { StringEquals: { "s3:prefix": "smart-routing/autopilot/test.json" } } });
    expect(bySid(policy, "AutopilotStateKey")).toBeUndefined();
    expect(policy.Statement.every((s) => s.Effect === "Allow")).toBe(true);
  });

  it("queries Amazon Managed Prometheus only with sigv4: on the workspace its URL names, else on * in the signing region", () => {
    expect(bySid(autopilotPolicy(withAutopilot("enforce"), OPTIONS), "QueryMetrics")).toBeUndefined();
    const amp = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-12345678-abcd-1234-abcd-123456789012/";
    expect(bySid(autopilotPolicy(withAutopilot("enforce", { url: amp, sigv4: { region: "eu-west-1" } }), OPTIONS), "QueryMetrics")).toEqual({
      Sid: "QueryMetrics",
      Effect: "Allow",
      Action: "aps:QueryMetrics",
      Resource: "arn:aws:aps:eu-west-1:123456789012:workspace/ws-12345678-abcd-1234-abcd-123456789012",
    });
    // Not the workspace's endpoint (a proxy, a VPC endpoint's name): IAM authorizes on a workspace the URL does not name.
    expect(bySid(autopilotPolicy(withAutopilot("monitor", { url: "https://metrics.internal/prometheus", sigv4: { region: "us-east-2" } }), OPTIONS), "QueryMetrics")).toEqual({
      Sid: "QueryMetrics",
      Effect: "Allow",
      Action: "aps:QueryMetrics",
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": "us-east-2" } },
    });
    expect(ampWorkspaceOf(`${amp}api/v1/query`)).toEqual({ region: "eu-west-1", workspaceId: "ws-12345678-abcd-1234-abcd-123456789012" });
    expect(ampWorkspaceOf("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1")).toEqual({ region: "eu-west-1", workspaceId: "ws-1" });
    expect(ampWorkspaceOf("http://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/")).toBeUndefined();
    expect(ampWorkspaceOf("https://aps-workspaces.eu-west-1.amazonaws.com.evil.example/workspaces/ws-1/")).toBeUndefined();
  });

  it("uses the backend's KMS key for the state object when the backend has one", () => {
    const config = validConfig();
    config.stacks[0].backend.kmsKeyId = "alias/terraform-state";
    const stack: StackModel = { ...stackOf(config), autopilot: withAutopilot("enforce").autopilot };
    expect(bySid(autopilotPolicy(stack, OPTIONS), "AutopilotStateKey")).toEqual({
      Sid: "AutopilotStateKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "arn:aws:kms:us-west-2:123456789012:key/*",
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/terraform-state" } },
    });
  });
});

describe("the OIDC trust policies", () => {
  const claims = (doc: PolicyDocument) => doc.Statement[0].Condition?.StringEquals;

  it("check both the audience and the subject, with StringEquals: the plan role trusts pull requests and the default branch's scheduled runs", () => {
    const { planTrust } = stackPolicies(stackOf(), OPTIONS);
    expect(planTrust.Statement[0].Principal).toEqual({ Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" });
    expect(claims(planTrust)).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": ["repo:acme/smart-routing:pull_request", "repo:acme/smart-routing:ref:refs/heads/main"],
    });
    const { planTrust: trunk } = stackPolicies(stackOf(), { ...OPTIONS, branch: "trunk" });
    expect(claims(trunk)?.["token.actions.githubusercontent.com:sub"]).toEqual(["repo:acme/smart-routing:pull_request", "repo:acme/smart-routing:ref:refs/heads/trunk"]);
  });

  it("let the apply role be assumed only by a job in the stack's GitHub environment, on whatever branch", () => {
    const { applyTrust } = stackPolicies(stackOf(), { ...OPTIONS, branch: "trunk" });
    expect(claims(applyTrust)).toEqual({ "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:acme/smart-routing:environment:test" });
  });
});

describe("the options of npm run iam-policy", () => {
  it("take the repository from --repo, else GITHUB_REPOSITORY, and check it is owner/name", () => {
    expect(checkIamArguments({ repo: "acme/routing" }, {})).toEqual({ repository: "acme/routing" });
    expect(checkIamArguments({}, { GITHUB_REPOSITORY: "acme/ci" })).toEqual({ repository: "acme/ci" });
    expect(checkIamArguments({}, {})).toEqual({ error: "--repo is required (the GitHub repository whose workflows assume the roles, owner/name)" });
    expect(checkIamArguments({ repo: "acme" }, {})).toEqual({ error: '--repo must be owner/name, received "acme"' });
  });

  it("accept a 12-digit account and a branch", () => {
    expect(checkIamArguments({ repo: "a/b", account: "123456789012", branch: "main" }, {})).toEqual({ repository: "a/b" });
    expect(checkIamArguments({ repo: "a/b", account: "12345678901" }, {})).toEqual({ error: '--account must be a 12-digit AWS account ID, received "12345678901"' });
    expect(checkIamArguments({ repo: "a/b", branch: "release/2026.11" }, {})).toEqual({ repository: "a/b" });
    for (const branch of ["", "refs/heads/main", "a..b", "a b", "trunk/"]) {
      expect(checkIamArguments({ repo: "a/b", branch }, {})).toEqual({ error: `--branch must be a branch name such as main (without refs/heads/), received ${JSON.stringify(branch)}` });
    }
  });

  it("use --account, else the stack's only allowed account, else refuse for that stack", () => {
    const single = validConfig();
    single.stacks[0].allowedAccountIds = ["210987654321"];
    expect(iamOptionsFor(stackOf(single), {}, "a/b")).toEqual({ options: { account: "210987654321", repository: "a/b", breakGlass: false } });
    expect(iamOptionsFor(stackOf(single), { account: "123456789012", branch: "trunk", breakGlass: true }, "a/b")).toEqual({
      options: { account: "123456789012", repository: "a/b", breakGlass: true, branch: "trunk" },
    });
    const two = validConfig();
    two.stacks[0].allowedAccountIds = ["210987654321", "123456789012"];
    expect(iamOptionsFor(stackOf(two), {}, "a/b")).toEqual({ error: "stack test: --account is required (allowedAccountIds does not name exactly one account)" });
  });
});

describe("npm run iam-policy", () => {
  const run = (args: string[], config = "examples/full.yaml") =>
    spawnSync(process.execPath, ["scripts/iam-policy.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, SMART_ROUTING_CONFIG: config, GITHUB_REPOSITORY: undefined } });

  it("writes the four documents per stack, taking the account from allowedAccountIds", () => {
    const out = mkdtempSync(join(tmpdir(), "iam-"));
    const result = run(["ai-models-prod", "--repo", "acme/smart-routing", "--out", out]);
    expect(result.status).toBe(0);
    const apply = JSON.parse(readFileSync(join(out, "ai-models-prod", "apply-role-policy.json"), "utf8"));
    expect(actions(apply, "Deny")).toEqual(["globalaccelerator:DeleteAccelerator"]);
    for (const f of ["plan-role-policy.json", "plan-role-trust.json", "apply-role-trust.json"]) expect(existsSync(join(out, "ai-models-prod", f))).toBe(true);
  });

  it.each([
    [["--out", "x"], "iam-policy: --repo is required"],
    [["--repo", "acme"], 'iam-policy: --repo must be owner/name, received "acme"'],
    [["--repo", "a/b", "--account", "12"], 'iam-policy: --account must be a 12-digit AWS account ID, received "12"'],
    [["nope", "--repo", "a/b"], 'iam-policy: no stack named "nope" in this config; its stacks are: ai-models-prod, ai-models-dualstack'],
  ])("exits 2 on bad input %j with a clear message", (args, message) => {
    const result = run(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("exits 2 without a stack trace, and writes nothing, when --out cannot be written", () => {
    const file = join(mkdtempSync(join(tmpdir(), "iam-")), "a-file");
    writeFileSync(file, "");
    const result = run(["ai-models-prod", "--repo", "acme/smart-routing", "--out", file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`iam-policy: cannot write to ${file}: ENOTDIR; nothing was written\n`);
  });

  it("writes nothing when one stack has no account to use", () => {
    const out = mkdtempSync(join(tmpdir(), "iam-"));
    const result = run(["--repo", "acme/smart-routing", "--out", out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("stack ai-models-dualstack: --account is required");
    expect(existsSync(join(out, "ai-models-prod"))).toBe(false);
  });
});
