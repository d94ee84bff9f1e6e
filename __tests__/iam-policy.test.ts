// The CI roles' IAM documents, derived from a stack: what each role may do, what it may never do, and
// whom each trusts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toModel } from "../src/model/model";
import { checkIamArguments, iamOptionsFor } from "../src/iam/options";
import { stackPolicies, type PolicyDocument, type Statement } from "../src/iam/policies";
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

  it("reads only the stack's state object and writes only its .tflock", () => {
    expect(bySid(planRole, "ReadState")).toMatchObject({ Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-terraform-state/smart-routing/test.tfstate" });
    expect(bySid(planRole, "StateLock")).toMatchObject({ Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::acme-terraform-state/smart-routing/test.tfstate.tflock" });
    expect(bySid(planRole, "ListStateKey")?.Condition).toEqual({ StringEquals: { "s3:prefix": "smart-routing/test.tfstate" } });
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
    expect(bySid(withBoth, "LegacyStateLock")?.Resource).toBe("arn:aws:dynamodb:us-west-2:123456789012:table/locks");
    expect(bySid(withBoth, "StateEncryptionKey")?.Resource).toBe("arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-a6ef-1234567890ab");
  });
});

describe("the apply role", () => {
  it("cannot delete the accelerator: an explicit Deny, and no Allow", () => {
    const { applyRole } = stackPolicies(stackOf(), OPTIONS);
    expect(actions(applyRole, "Deny")).toEqual(["globalaccelerator:DeleteAccelerator"]);
    expect(actions(applyRole)).not.toContain("globalaccelerator:DeleteAccelerator");
    expect(actions(applyRole)).toEqual(expect.arrayContaining(["globalaccelerator:CreateAccelerator", "globalaccelerator:DeleteListener", "s3:PutObject"]));
  });

  it("may delete the accelerator only with the break-glass flag", () => {
    const { applyRole } = stackPolicies(stackOf(), { ...OPTIONS, breakGlass: true });
    expect(actions(applyRole, "Deny")).toEqual([]);
    expect(actions(applyRole)).toContain("globalaccelerator:DeleteAccelerator");
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

  it("writes nothing when one stack has no account to use", () => {
    const out = mkdtempSync(join(tmpdir(), "iam-"));
    const result = run(["--repo", "acme/smart-routing", "--out", out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("stack ai-models-dualstack: --account is required");
    expect(existsSync(join(out, "ai-models-prod"))).toBe(false);
  });
});
