// The workflow harness (scripts/lib/workflow-run.js) does what GitHub does with the parts of a workflow
// the repository's workflows use (expressions, matrices, reusable workflows, the checkout of a git
// repository), and fails loudly on any part it does not know, so a workflow can never pass here by being
// half-run; the stand-in gh (support/fake-gh.js) answers as gh and GitHub's REST API do. Each rule is
// tested both ways, on small workflow files written to a temporary folder.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ROOT } from "./support/run";
import { throwawayRepo } from "./support/git-repo";
import { fakeGh } from "./support/workflows";
/* eslint-disable @typescript-eslint/no-require-imports */
const { MAX_MATRIX_JOBS, conditionHolds, evaluate, expandMatrix, matrixConfigurations, readKeyValueFile, runWorkflow, substitute } = require("../scripts/lib/workflow-run");
/* eslint-enable @typescript-eslint/no-require-imports */

const scope = {
  contexts: {
    github: { event_name: "push", event: { pull_request: { number: 7 } } },
    vars: { NAME: "value" },
    matrix: { stack: "prod" },
    needs: { stacks: { result: "success", outputs: { stacks: '["a","b"]' } } },
  },
  status: { success: true, failure: false },
};

describe("expressions", () => {
  it("read contexts, GitHub's operators and the functions the workflows use", () => {
    expect(evaluate("matrix.stack", scope)).toBe("prod");
    expect(evaluate("github.event.pull_request.number", scope)).toBe(7);
    expect(evaluate("fromJSON(needs.stacks.outputs.stacks)", scope)).toEqual(["a", "b"]);
    expect(evaluate("!cancelled() && needs.stacks.result == 'SUCCESS'", scope)).toBe(true);
    expect(evaluate("vars.MISSING || 'fallback'", scope)).toBe("fallback");
    expect(evaluate("github.event_name != 'push'", scope)).toBe(false);
  });

  it("give null for an unset variable or an output never written, as GitHub does", () => {
    expect(evaluate("vars.UNSET", scope)).toBeNull();
    expect(evaluate("needs.stacks.outputs.other", scope)).toBeNull();
  });

  it.each([
    ["env.HOME", 'the expression "env.HOME" uses the context "env", which this harness does not provide'],
    ["github.head_ref", 'the expression "github.head_ref" reads github.head_ref, which this harness does not know'],
    ["matrix.region", 'the expression "matrix.region" reads matrix.region, which this harness does not know'],
    ["hashFiles('**/lock')", "the expression \"hashFiles('**/lock')\" calls hashFiles(), which this harness does not know"],
    ["matrix.stack ~ 1", 'cannot read the expression "matrix.stack ~ 1" at "~ 1"'],
  ])("fail loudly on %s", (text, message) => {
    expect(() => evaluate(text, scope)).toThrow(`workflow harness: ${message}`);
  });

  it("are substituted into text, and a whole-value expression keeps its type", () => {
    expect(substitute("cdktf.out/stacks/${{ matrix.stack }}", scope)).toBe("cdktf.out/stacks/prod");
    expect(substitute({ stack: "${{ fromJSON(needs.stacks.outputs.stacks) }}" }, scope)).toEqual({ stack: ["a", "b"] });
    expect(substitute("${{ vars.UNSET }}-${{ vars.NAME }}", scope)).toBe("-value");
  });

  it("decide if: conditions, success() when there is none", () => {
    expect(conditionHolds(undefined, scope)).toBe(true);
    expect(conditionHolds(undefined, { ...scope, status: { success: false, failure: true } })).toBe(false);
    expect(conditionHolds("${{ !cancelled() }}", { ...scope, status: { success: false, failure: true } })).toBe(true);
    expect(conditionHolds("failure()", { ...scope, status: { success: false, failure: true } })).toBe(true);
  });

  it("put success() before an if: that calls no status function, as GitHub does, and not before one that does", () => {
    const failed = { ...scope, status: { success: false, failure: true } };
    expect(conditionHolds("${{ vars.NAME == 'value' }}", scope)).toBe(true);
    expect(conditionHolds("${{ vars.NAME == 'value' }}", failed)).toBe(false);
    expect(conditionHolds("vars.NAME == 'value'", failed)).toBe(false);
    expect(conditionHolds("${{ always() && vars.NAME == 'value' }}", failed)).toBe(true);
    expect(conditionHolds("${{ cancelled() || vars.NAME == 'value' }}", failed)).toBe(true);
  });
});

describe("expression rules from GitHub's documentation", () => {
  it("== compares text ignoring case, scalars of different types as numbers, lists and mappings by identity", () => {
    expect(evaluate("'1' == 1", scope)).toBe(true);
    expect(evaluate("'1' == 2", scope)).toBe(false);
    expect(evaluate("null == 0", scope)).toBe(true);
    expect(evaluate("true == 1", scope)).toBe(true);
    expect(evaluate("true == 'true'", scope)).toBe(false);
    expect(evaluate("'' == 0", scope)).toBe(true);
    expect(evaluate("'abc' == 'x'", scope)).toBe(false);
    expect(evaluate("fromJSON('[1]') == fromJSON('[1]')", scope)).toBe(false);
  });

  it("contains() looks for an equal element in a list and for text in text, ignoring case", () => {
    expect(evaluate("contains(fromJSON(needs.stacks.outputs.stacks), 'A')", scope)).toBe(true);
    expect(evaluate("contains(fromJSON(needs.stacks.outputs.stacks), 'c')", scope)).toBe(false);
    expect(evaluate("contains('Hello world', 'WORLD')", scope)).toBe(true);
    expect(evaluate("contains('Hello world', 'moon')", scope)).toBe(false);
  });

  it("startsWith() and endsWith() ignore case", () => {
    expect(evaluate("startsWith(github.event_name, 'PU')", scope)).toBe(true);
    expect(evaluate("startsWith(github.event_name, 'sh')", scope)).toBe(false);
    expect(evaluate("endsWith(github.event_name, 'SH')", scope)).toBe(true);
    expect(evaluate("endsWith(github.event_name, 'pu')", scope)).toBe(false);
  });

  it("format() puts the Nth value at {N} and reads {{ and }} as braces, and refuses a bad format string", () => {
    expect(evaluate("format('{0}/{1} {{x}} {0}', matrix.stack, 7)", scope)).toBe("prod/7 {x} prod");
    expect(() => evaluate("format('{1}', 'a')", scope)).toThrow("reads {1}, but only 1 value(s) follow it");
    expect(() => evaluate("format('a { b')", scope)).toThrow("has a lone {");
  });

  it("join() joins a list with ',' or the separator given, and gives a scalar as text", () => {
    expect(evaluate("join(fromJSON(needs.stacks.outputs.stacks))", scope)).toBe("a,b");
    expect(evaluate("join(fromJSON(needs.stacks.outputs.stacks), ' ')", scope)).toBe("a b");
    expect(evaluate("join(matrix.stack, ' ')", scope)).toBe("prod");
  });

  it("the object filter .* gives every element (of a list, or every value of a mapping), and a property after it reads each", () => {
    const labels = { contexts: { github: { event: { pull_request: { labels: [{ name: "deploy" }, { name: "docs" }, { id: 3 }] } } }, vars: { A: "1", B: "2" } } };
    expect(evaluate("github.event.pull_request.labels.*.name", labels)).toEqual(["deploy", "docs"]);
    expect(evaluate("contains(github.event.pull_request.labels.*.name, 'deploy')", labels)).toBe(true);
    expect(evaluate("contains(github.event.pull_request.labels.*.name, 'release')", labels)).toBe(false);
    expect(evaluate("vars.*", labels)).toEqual(["1", "2"]);
  });

  it("<, <=, > and >= compare numbers, text ignoring case, and coerce mixed scalars to numbers; before == in precedence", () => {
    expect(evaluate("fromJSON('3') > 2", scope)).toBe(true);
    expect(evaluate("fromJSON('3') < 2", scope)).toBe(false);
    expect(evaluate("'10' >= 9", scope)).toBe(true);
    expect(evaluate("'b' > 'A'", scope)).toBe(true);
    expect(evaluate("'a' >= 'A'", scope)).toBe(true);
    expect(evaluate("'a' > 1", scope)).toBe(false);
    expect(evaluate("1 < 2 == true", scope)).toBe(true);
  });

  it("index a list by number (null past its end) and a mapping by name", () => {
    expect(evaluate("fromJSON(needs.stacks.outputs.stacks)[1]", scope)).toBe("b");
    expect(evaluate("fromJSON(needs.stacks.outputs.stacks)[5]", scope)).toBeNull();
    expect(evaluate("github['event']['pull_request'].number", scope)).toBe(7);
    expect(evaluate("fromJSON('{\"a\":{}}').a.b", scope)).toBeNull();
    expect(() => evaluate("github['head_ref']", scope)).toThrow("reads github.head_ref, which this harness does not know");
  });

  it("toJSON() pretty-prints, as GitHub's does", () => {
    expect(evaluate("toJSON(matrix)", scope)).toBe('{\n  "stack": "prod"\n}');
  });

  it("fromJSON() of text that is not JSON is GitHub's evaluation error, not a crash", () => {
    expect(() => evaluate("fromJSON('')", scope)).toThrow('fromJSON() of "" in "fromJSON(\'\')"');
  });
});

describe("the matrix", () => {
  const names = (matrix: unknown) => matrixConfigurations(matrix, "plan").map((c: { segments: string[] }) => c.segments.join(", "));

  it("is every combination of its axes, the first axis varying slowest", () => {
    expect(expandMatrix({ stack: ["a", "b"], os: ["x", "y"] }, "plan")).toEqual([
      { stack: "a", os: "x" },
      { stack: "a", os: "y" },
      { stack: "b", os: "x" },
      { stack: "b", os: "y" },
    ]);
  });

  it("includes as GitHub's documentation shows: added where no original value is overwritten, else a new combination", () => {
    const matrix = {
      fruit: ["apple", "pear"],
      animal: ["cat", "dog"],
      include: [{ color: "green" }, { color: "pink", animal: "cat" }, { fruit: "apple", shape: "circle" }, { fruit: "banana" }, { fruit: "banana", animal: "cat" }],
    };
    expect(expandMatrix(matrix, "plan")).toEqual([
      { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
      { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
      { fruit: "pear", animal: "cat", color: "pink" },
      { fruit: "pear", animal: "dog", color: "green" },
      { fruit: "banana" },
      { fruit: "banana", animal: "cat" },
    ]);
    // A job is named by its original values; a combination an include made, by all of its values.
    expect(names(matrix)).toEqual(["apple, cat", "apple, dog", "pear, cat", "pear, dog", "banana", "banana, cat"]);
  });

  it("matches an include's axis values with GitHub's == (text ignoring case), and never overwrites them", () => {
    expect(expandMatrix({ os: ["linux"], include: [{ os: "LINUX", tag: "l" }] }, "plan")).toEqual([{ os: "linux", tag: "l" }]);
    expect(expandMatrix({ os: ["linux"], include: [{ os: "windows", tag: "w" }] }, "plan")).toEqual([{ os: "linux" }, { os: "windows", tag: "w" }]);
  });

  it("excludes first, by partial match, and an include adds back what was excluded as a combination of its own", () => {
    const matrix = { os: ["linux", "windows"], version: [1, 2], exclude: [{ os: "windows", version: 2 }], include: [{ os: "windows", version: 2, slow: true }] };
    expect(expandMatrix(matrix, "plan")).toEqual([{ os: "linux", version: 1 }, { os: "linux", version: 2 }, { os: "windows", version: 1 }, { os: "windows", version: 2, slow: true }]);
    expect(expandMatrix({ os: ["linux", "windows"], version: [1, 2], exclude: [{ os: "windows" }] }, "plan")).toEqual([{ os: "linux", version: 1 }, { os: "linux", version: 2 }]);
  });

  it("of only include is one job per entry, as the stacks command's matrix is", () => {
    const matrix = { include: [{ job: "a", stacks: "a b" }, { job: "c", stacks: "c" }] };
    expect(expandMatrix(matrix, "plan")).toEqual(matrix.include);
    expect(names(matrix)).toEqual(["a, a b", "c, c"]);
  });

  it.each([
    [{ stack: [] }, "Matrix vector 'stack' does not contain any values"],
    [{ include: [] }, "Matrix must define at least one vector"],
    [{}, "Matrix must define at least one vector"],
    [{ stack: ["a"], exclude: [{ region: "x" }] }, "Matrix exclude key 'region' does not match any key within the matrix"],
    [{ stack: ["a"], exclude: [{}] }, "Matrix exclude filter must not be empty"],
    [{ stack: ["a"], include: [{}] }, "Matrix include mapping does not contain any values"],
    [["a"], 'The matrix must be a mapping, not ["a"]'],
  ])("is refused as GitHub refuses it: %j", (matrix, message) => {
    expect(() => expandMatrix(matrix, "plan")).toThrow(`Error when evaluating 'strategy' for job 'plan'. ${message}`);
  });

  it("takes up to 256 jobs and refuses a 257th, counted after exclude and include", () => {
    const axis = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(expandMatrix({ a: axis(16), b: axis(16) }, "plan")).toHaveLength(MAX_MATRIX_JOBS);
    expect(() => expandMatrix({ a: axis(16), b: axis(16), include: [{ a: 99 }] }, "plan")).toThrow("Strategy expansion exceeded 256 results for job 'plan'");
    expect(expandMatrix({ a: axis(257), exclude: [{ a: 0 }] }, "plan")).toHaveLength(256);
    expect(() => expandMatrix({ include: axis(257).map((job) => ({ job })) }, "plan")).toThrow("Strategy expansion exceeded 256 results for job 'plan'");
    // A matrix far over the limit is refused without being built.
    expect(() => expandMatrix({ a: axis(1000), b: axis(1000), c: axis(1000) }, "plan")).toThrow("Strategy expansion exceeded 256 results");
  });
});

describe("GITHUB_OUTPUT and GITHUB_ENV", () => {
  it("hold name=value lines and name<<DELIMITER blocks", () => {
    const file = join(mkdtempSync(join(tmpdir(), "gh-output-")), "out");
    writeFileSync(file, 'stacks=["a","b"]\nnotes<<EOF\nline 1\nline=2\nEOF\nempty=\n');
    expect(readKeyValueFile(file)).toEqual({ stacks: '["a","b"]', notes: "line 1\nline=2", empty: "" });
  });
});

describe("a workflow run", () => {
  function workflowFile(doc: unknown): string {
    const file = join(mkdtempSync(join(tmpdir(), "smart-routing-wf-")), "wf.yml");
    writeFileSync(file, stringify(doc));
    return file;
  }
  const run = (doc: unknown, extra: Record<string, unknown> = {}) => runWorkflow(workflowFile(doc), { root: ROOT, event: "push", env: { PATH: process.env.PATH, HOME: process.env.HOME }, ...extra });

  it("runs jobs in the order of their needs, a job per matrix entry, with outputs, env, the summary and pipefail", async () => {
    const result = await run({
      on: { push: null },
      defaults: { run: { shell: "bash" } },
      env: { WHERE: "workflow" },
      jobs: {
        first: {
          outputs: { list: "${{ steps.make.outputs.list }}" },
          steps: [
            { id: "make", run: 'echo \'list=["x","y"]\' >> "$GITHUB_OUTPUT"\necho "FROM_ENV=set" >> "$GITHUB_ENV"' },
            { run: 'test "$FROM_ENV" = set && echo "## $WHERE" >> "$GITHUB_STEP_SUMMARY"' },
          ],
        },
        second: {
          needs: "first",
          strategy: { "fail-fast": false, matrix: { item: "${{ fromJSON(needs.first.outputs.list) }}" } },
          env: { ITEM: "${{ matrix.item }}" },
          steps: [
            { id: "pipe", run: 'false | true\necho "not reached for $ITEM"' },
            { id: "after", run: "echo skipped" },
            { id: "always", if: "${{ always() }}", run: 'echo "ran for $ITEM" >> "$GITHUB_STEP_SUMMARY"' },
          ],
        },
      },
    });
    expect(result.results).toEqual({ first: "success", second: "failure" });
    expect(result.instances.map((j: { label: string }) => j.label)).toEqual(["first", "second (x)", "second (y)"]);
    expect(result.instances[0].summary).toBe("## workflow\n");
    const x = result.instances[1];
    expect(x.steps.map((s: { status: string }) => s.status)).toEqual(["failure", "skipped", "success"]);
    expect(x.steps[0].output).toBe("");
    expect(x.summary).toBe("ran for x\n");
  });

  it("runs `bash -e` without pipefail when the workflow does not say shell: bash, as GitHub does", async () => {
    const result = await run({ on: "push", jobs: { only: { steps: [{ run: "false | true" }] } } });
    expect(result.results).toEqual({ only: "success" });
  });

  it.each([
    [{ uses: "actions/cache@0123456789012345678901234567890123456789" }, "no stand-in for the action actions/cache@"],
    [{ run: "echo hi", shell: "python" }, 'uses shell python; this harness runs bash only'],
    [{ run: "echo ${{ github.head_ref }}" }, "reads github.head_ref, which this harness does not know"],
    [{ uses: "hashicorp/setup-terraform@0123456789012345678901234567890123456789", with: { terraform_version: "1.11.4" } }, "setup-terraform's wrapper (terraform_wrapper) cannot be emulated here"],
    [{ uses: "hashicorp/setup-terraform@0123456789012345678901234567890123456789", with: { terraform_version: "1.9.0", terraform_wrapper: false } }, "setup-terraform asks for 1.9.0; this machine has Terraform v1.11.4"],
  ])("stops at a step it cannot run as GitHub would: %j", async (step, message) => {
    await expect(run({ on: "push", jobs: { only: { steps: [step] } } })).rejects.toThrow(message);
  });

  it("fails the credentials step, as the action does, when the role's variable is unset", async () => {
    const result = await run({ on: "push", jobs: { only: { steps: [{ uses: "aws-actions/configure-aws-credentials@x", with: { "role-to-assume": "${{ vars.ROLE }}", "aws-region": "us-west-2" } }] } } });
    expect(result.instances[0].steps[0]).toMatchObject({ status: "failure", output: "Error: Credentials could not be loaded: role-to-assume is empty (is its variable set?)" });
  });

  it("refuses an event the workflow does not run on", async () => {
    await expect(run({ on: "push", jobs: {} }, { event: "schedule" })).rejects.toThrow("workflow harness: wf.yml does not run on schedule");
  });
});

// ---------------------------------------------------------------------------------------------------
// Whole runs of small workflows, in a repository of a few files (each job's checkout is a copy of it).

/** A repository root of two files, with an (empty) node_modules the checkouts link to. */
function tinyRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "smart-routing-tiny-root-"));
  mkdirSync(join(root, "node_modules"));
  writeFileSync(join(root, ".gitignore"), "node_modules\n");
  writeFileSync(join(root, "README.md"), "tiny\n");
  git(root, "init", "-q", "-b", "main");
  return root;
}

function git(cwd: string, ...args: string[]): string {
  const ran = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });
  if (ran.status !== 0) throw new Error(`git ${args.join(" ")}: ${ran.stderr}`);
  return ran.stdout.trim();
}

/** Workflow files in one .github/workflows folder; the path of the first, the one that is run. */
function workflowFiles(files: Record<string, unknown>): string {
  const dir = join(mkdtempSync(join(tmpdir(), "smart-routing-wfs-")), ".github", "workflows");
  mkdirSync(dir, { recursive: true });
  for (const [name, doc] of Object.entries(files)) writeFileSync(join(dir, name), stringify(doc));
  return join(dir, Object.keys(files)[0]);
}

const tiny = tinyRoot();
const runFiles = (files: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  runWorkflow(workflowFiles(files), { root: tiny, event: "push", env: { PATH: process.env.PATH, HOME: process.env.HOME }, ...extra });

interface Instance {
  jobId: string;
  label: string;
  status: string;
  matrix?: Record<string, unknown>;
  caller?: { jobId: string; label: string; matrix?: Record<string, unknown>; workflow: string; caller?: unknown };
  workspace: string;
  environment?: string;
  annotations: string[];
  steps: { id?: string; status: string; output: string }[];
  credentials: { subject: string }[];
}
const labels = (run: { instances: Instance[] }) => run.instances.map((j) => j.label).sort();

describe("a matrix in a run", () => {
  it("names each job as GitHub's UI does: the id or plain name with the matrix values, or the evaluated name", async () => {
    const result = await runFiles({
      "wf.yml": {
        on: "push",
        jobs: {
          plain: { strategy: { matrix: { stack: ["a", "b"] } }, steps: [{ run: "true" }] },
          named: { name: "build", strategy: { matrix: { include: [{ job: "x", stacks: "x y" }] } }, steps: [{ run: "true" }] },
          evaluated: { name: "plan ${{ matrix.stack }}", strategy: { matrix: { stack: ["c"] } }, steps: [{ run: "true" }] },
          single: { name: "comment on it", steps: [{ run: "true" }] },
        },
      },
    });
    expect(labels(result)).toEqual(["build (x, x y)", "comment on it", "plain (a)", "plain (b)", "plan c"]);
  });

  it("takes a whole matrix from fromJSON of a job's output, include entries and all", async () => {
    const result = await runFiles({
      "wf.yml": {
        on: "push",
        jobs: {
          stacks: { outputs: { matrix: "${{ steps.m.outputs.matrix }}" }, steps: [{ id: "m", run: `echo 'matrix={"include":[{"job":"a","stacks":"a b"},{"job":"c","stacks":"c"}]}' >> "$GITHUB_OUTPUT"` }] },
          plan: { needs: "stacks", strategy: { matrix: "${{ fromJSON(needs.stacks.outputs.matrix) }}" }, steps: [{ run: 'test "${{ matrix.stacks }}" != ""' }] },
        },
      },
    });
    expect(result.results).toEqual({ stacks: "success", plan: "success" });
    expect(result.instances.filter((j: Instance) => j.jobId === "plan").map((j: Instance) => j.matrix)).toEqual([{ job: "a", stacks: "a b" }, { job: "c", stacks: "c" }]);
  });

  it.each([
    ["an empty axis", '{"stack":[]}', "Error when evaluating 'strategy' for job 'plan'. Matrix vector 'stack' does not contain any values"],
    ["an empty include", '{"include":[]}', "Error when evaluating 'strategy' for job 'plan'. Matrix must define at least one vector"],
    ["257 jobs", JSON.stringify({ include: Array.from({ length: 257 }, (_, job) => ({ job })) }), "Strategy expansion exceeded 256 results for job 'plan'"],
    ["text that is not JSON", "not json", `Error when evaluating 'strategy' for job 'plan'. fromJSON() of "not json"`],
  ])("that GitHub refuses (%s) is a failed job with GitHub's message: the jobs that need it are skipped, the run goes on", async (_, matrix, message) => {
    const result = await runFiles({
      "wf.yml": {
        on: "push",
        jobs: {
          stacks: { outputs: { matrix: "${{ steps.m.outputs.matrix }}" }, steps: [{ id: "m", run: `echo 'matrix=${matrix}' >> "$GITHUB_OUTPUT"` }] },
          plan: { needs: "stacks", strategy: { matrix: "${{ fromJSON(needs.stacks.outputs.matrix) }}" }, steps: [{ run: "true" }] },
          after: { needs: "plan", steps: [{ run: "true" }] },
          always: { needs: "plan", if: "${{ always() }}", steps: [{ run: 'test "${{ needs.plan.result }}" = failure' }] },
        },
      },
    });
    expect(result.results).toEqual({ stacks: "success", plan: "failure", after: "skipped", always: "success" });
    const plan = result.instances.find((j: Instance) => j.jobId === "plan");
    expect(plan).toMatchObject({ label: "plan", status: "failure", steps: [] });
    expect(plan.annotations).toEqual([expect.stringContaining(`::error::${message}`)]);
  });
});

describe("a job's steps", () => {
  it("go on after a step with continue-on-error fails: its outcome is failure, its conclusion success, and the job passes", async () => {
    const result = await runFiles({
      "wf.yml": {
        on: "push",
        jobs: {
          tolerant: {
            steps: [
              { id: "flaky", "continue-on-error": true, run: "exit 3" },
              { id: "next", run: 'test "${{ steps.flaky.outcome }} ${{ steps.flaky.conclusion }}" = "failure success"' },
            ],
          },
          strict: { steps: [{ id: "flaky", "continue-on-error": "${{ vars.TOLERATE == 'yes' }}", run: "exit 3" }, { id: "next", run: "true" }] },
        },
      },
    });
    expect(result.results).toEqual({ tolerant: "success", strict: "failure" });
    const strict = result.instances.find((j: Instance) => j.jobId === "strict") as Instance;
    expect(strict.steps.map((s) => s.status)).toEqual(["failure", "skipped"]);
  });

  it("write summaries of up to 1 MiB each; a larger one is dropped with the runner's error annotation, the step's result unchanged", async () => {
    const result = await runFiles({
      "wf.yml": {
        on: "push",
        jobs: {
          j: {
            steps: [
              { id: "fits", run: `head -c ${1024 * 1024} /dev/zero | tr '\\0' a >> "$GITHUB_STEP_SUMMARY"` },
              { id: "over", run: `head -c ${1024 * 1024 + 1} /dev/zero | tr '\\0' b >> "$GITHUB_STEP_SUMMARY"` },
            ],
          },
        },
      },
    });
    const job = result.instances[0] as Instance & { summary: string };
    expect(job.steps.map((s) => s.status)).toEqual(["success", "success"]);
    expect(job.summary).toBe("a".repeat(1024 * 1024));
    expect(job.annotations).toEqual([
      "::error::$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got 1024k. For more information see: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-markdown-summary",
    ]);
  });

  it("read the strategy context: the job's index in its matrix, the number of jobs, fail-fast and max-parallel", async () => {
    const result = await runFiles({
      "wf.yml": {
        on: "push",
        jobs: {
          m: { strategy: { "fail-fast": false, matrix: { n: [1, 2] } }, steps: [{ run: 'echo "${{ strategy.job-index }}/${{ strategy.job-total }} ${{ strategy.fail-fast }} ${{ strategy.max-parallel }}" >> "$GITHUB_STEP_SUMMARY"' }] },
          one: { steps: [{ run: 'echo "${{ strategy.job-index }}/${{ strategy.job-total }} ${{ strategy.fail-fast }} ${{ strategy.max-parallel }}" >> "$GITHUB_STEP_SUMMARY"' }] },
        },
      },
    });
    expect(result.instances.map((j: Instance & { summary: string }) => [j.label, j.summary]).sort()).toEqual([
      ["m (1)", "0/2 false 2\n"],
      ["m (2)", "1/2 false 2\n"],
      ["one", "0/1 true 1\n"],
    ]);
  });

  it("of a matrix with fail-fast (the default) stop the run when one fails: which others GitHub cancels depends on timing", async () => {
    const matrixJob = (strategy: Record<string, unknown>) => ({ "wf.yml": { on: "push", jobs: { m: { strategy: { ...strategy, matrix: { n: [1, 2] } }, steps: [{ run: 'test "${{ matrix.n }}" = 1' }] } } } });
    await expect(runFiles(matrixJob({}))).rejects.toThrow("m: a job of the matrix failed and fail-fast is on (GitHub's default), so GitHub would cancel the others still queued or running");
    expect((await runFiles(matrixJob({ "fail-fast": false }))).results).toEqual({ m: "failure" });
    // Nothing failed: nothing to cancel.
    const green = { "wf.yml": { on: "push", jobs: { m: { strategy: { matrix: { n: [1, 2] } }, steps: [{ run: "true" }] } } } };
    expect((await runFiles(green)).results).toEqual({ m: "success" });
  });

  it("stop the run at a job's continue-on-error, which the harness does not emulate", async () => {
    await expect(runFiles({ "wf.yml": { on: "push", jobs: { j: { "continue-on-error": true, steps: [{ run: "true" }] } } } })).rejects.toThrow("job j: a job's continue-on-error cannot be emulated here");
  });
});

describe("a reusable workflow", () => {
  /** A called workflow that applies each stack of a batch, in the stack's environment, with the role of vars.ROLE. */
  const applyBatch = (extraInputs: Record<string, unknown> = {}) => ({
    on: {
      workflow_call: {
        inputs: { stacks: { type: "string", required: true }, batch: { type: "number", required: true }, dry: { type: "boolean", default: true }, note: { type: "string", default: "none" }, ...extraInputs },
        secrets: { TOKEN: { required: false } },
        outputs: { applied: { value: "${{ jobs.apply.outputs.last }}" } },
      },
    },
    jobs: {
      list: { outputs: { stacks: "${{ steps.l.outputs.stacks }}" }, steps: [{ id: "l", env: { STACKS: "${{ inputs.stacks }}" }, run: `echo "stacks=$(jq -cn --arg s "$STACKS" '$s | split(" ")')" >> "$GITHUB_OUTPUT"` }] },
      apply: {
        name: "apply ${{ matrix.stack }}",
        needs: "list",
        environment: "${{ matrix.stack }}",
        permissions: { contents: "read", "id-token": "write" },
        strategy: { "fail-fast": false, matrix: { stack: "${{ fromJSON(needs.list.outputs.stacks) }}" } },
        outputs: { last: "${{ steps.a.outputs.applied }}" },
        steps: [
          { uses: "aws-actions/configure-aws-credentials@x", with: { "role-to-assume": "${{ vars.ROLE }}", "aws-region": "us-west-2" } },
          {
            id: "a",
            run: 'test -z "$CALLER_ONLY"\necho "${{ inputs.batch }} ${{ inputs.dry }} ${{ inputs.note }} ${{ github.event_name }} ${{ vars.ROLE }} ${{ secrets.TOKEN }}" > out.txt\ntest "${{ matrix.stack }}" != broken\necho "applied=${{ matrix.stack }}" >> "$GITHUB_OUTPUT"',
          },
        ],
      },
    },
  });
  const matrix = JSON.stringify({ include: [{ batch: 1, stacks: "stack-a stack-b" }, { batch: 2, stacks: "stack-c" }] });
  const caller = (apply: Record<string, unknown> = {}, stacksMatrix = matrix) => ({
    on: "push",
    env: { CALLER_ONLY: "set" },
    jobs: {
      stacks: { outputs: { matrix: "${{ steps.m.outputs.matrix }}" }, steps: [{ id: "m", run: `echo 'matrix=${stacksMatrix}' >> "$GITHUB_OUTPUT"` }] },
      apply: {
        needs: "stacks",
        if: "${{ needs.stacks.result == 'success' }}",
        strategy: { "fail-fast": false, matrix: "${{ fromJSON(needs.stacks.outputs.matrix) }}" },
        uses: "./.github/workflows/apply-batch.yml",
        with: { stacks: "${{ matrix.stacks }}", batch: "${{ matrix.batch }}", dry: false },
        secrets: "inherit",
        ...apply,
      },
      after: { needs: "apply", if: "${{ always() }}", steps: [{ run: 'echo "${{ needs.apply.result }} ${{ needs.apply.outputs.applied }}" >> "$GITHUB_STEP_SUMMARY"' }] },
    },
  });
  const options = { vars: { ROLE: "arn:aws:iam::123456789012:role/apply" }, secrets: { TOKEN: "s3cret" } };

  it("runs the called jobs per matrix entry of the caller, each with its own matrix, typed inputs, the caller's vars, github and secrets, not its env", async () => {
    const result = await runFiles({ "caller.yml": caller(), "apply-batch.yml": applyBatch() }, options);
    expect(result.results).toEqual({ stacks: "success", apply: "success", after: "success" });
    expect(labels(result)).toEqual([
      "apply (1, stack-a stack-b) / apply stack-a",
      "apply (1, stack-a stack-b) / apply stack-b",
      "apply (1, stack-a stack-b) / list",
      "apply (2, stack-c) / apply stack-c",
      "apply (2, stack-c) / list",
      "stacks",
      "after",
    ].sort());
    const a = result.instances.find((j: Instance) => j.label.endsWith("apply stack-a")) as Instance;
    expect(a.caller).toEqual({ jobId: "apply", label: "apply (1, stack-a stack-b)", matrix: { batch: 1, stacks: "stack-a stack-b" }, workflow: "caller.yml" });
    expect(a.matrix).toEqual({ stack: "stack-a" });
    expect(readFileSync(join(a.workspace, "out.txt"), "utf8")).toBe("1 false none push arn:aws:iam::123456789012:role/apply s3cret\n");
    // A called job in an environment presents that environment's OIDC subject, as any job does.
    expect(a.environment).toBe("stack-a");
    expect(a.credentials.map((c) => c.subject)).toEqual(["repo:acme/smart-routing:environment:stack-a"]);
    // The caller's outputs are the called workflow's on.workflow_call.outputs (of its last matrix entry).
    expect(result.instances.find((j: Instance) => j.jobId === "after").summary).toBe("success stack-c\n");
  });

  it("fails the calling job when a called job failed, and only then", async () => {
    const broken = JSON.stringify({ include: [{ batch: 1, stacks: "stack-a broken" }] });
    const result = await runFiles({ "caller.yml": caller({}, broken), "apply-batch.yml": applyBatch() }, options);
    expect(result.results).toEqual({ stacks: "success", apply: "failure", after: "success" });
    expect(result.instances.filter((j: Instance) => j.caller !== undefined).map((j: Instance) => [j.label, j.status])).toEqual(
      expect.arrayContaining([
        ["apply (1, stack-a broken) / apply stack-a", "success"],
        ["apply (1, stack-a broken) / apply broken", "failure"],
      ]),
    );
  });

  it("is not called when the calling job's if: is false", async () => {
    const result = await runFiles({ "caller.yml": caller({ if: "${{ vars.ROLE == 'none' }}" }), "apply-batch.yml": applyBatch() }, options);
    expect(result.results).toEqual({ stacks: "success", apply: "skipped", after: "success" });
    expect(result.instances.some((j: Instance) => j.caller !== undefined)).toBe(false);
  });

  it("takes a literal of another scalar type as a string input, and the defaults of inputs not passed", async () => {
    const result = await runFiles({ "caller.yml": caller({ with: { stacks: "${{ matrix.stacks }}", batch: 3, note: 42 } }), "apply-batch.yml": applyBatch() }, options);
    const a = result.instances.find((j: Instance) => j.label.endsWith("apply stack-c")) as Instance;
    expect(readFileSync(join(a.workspace, "out.txt"), "utf8")).toBe("3 true 42 push arn:aws:iam::123456789012:role/apply s3cret\n");
  });

  it("gets no secret but GITHUB_TOKEN without secrets: inherit", async () => {
    const result = await runFiles({ "caller.yml": caller({ secrets: undefined }), "apply-batch.yml": applyBatch() }, options);
    const a = result.instances.find((j: Instance) => j.label.endsWith("apply stack-c")) as Instance;
    expect(readFileSync(join(a.workspace, "out.txt"), "utf8")).toBe("2 false none push arn:aws:iam::123456789012:role/apply \n");
  });

  it("fails the calling job, as GitHub does, when an input's value from an expression is not of its declared type", async () => {
    const result = await runFiles({ "caller.yml": caller({ with: { stacks: "${{ matrix.stacks }}", batch: "${{ matrix.stacks }}" } }), "apply-batch.yml": applyBatch() }, options);
    expect(result.results.apply).toBe("failure");
    const refused = result.instances.filter((j: Instance) => j.jobId === "apply" && j.caller === undefined);
    expect(refused.map((j: Instance) => [j.label, j.annotations])).toEqual([
      ["apply (1, stack-a stack-b)", ["::error::Error when evaluating 'with' for job 'apply'. Input batch is a number: Unexpected value 'stack-a stack-b'"]],
      ["apply (2, stack-c)", ["::error::Error when evaluating 'with' for job 'apply'. Input batch is a number: Unexpected value 'stack-c'"]],
    ]);
  });

  it.each([
    ["an input it does not declare", { with: { stacks: "a", batch: 1, extra: "x" } }, {}, "Invalid input, extra is not defined in the referenced workflow."],
    ["no value for a required input", { with: { batch: 1 } }, {}, "Input stacks is required, but not provided while calling."],
    ["a string for a number", { with: { stacks: "a", batch: "one" } }, {}, "Input batch is a number: Unexpected value 'one'"],
    ["a string for a boolean", { with: { stacks: "a", batch: 1, dry: "false" } }, {}, "Input dry is a boolean: Unexpected value 'false'"],
    ["a secret it does not declare", { secrets: { OTHER: "x" } }, {}, "Invalid secret, OTHER is not defined in the referenced workflow."],
    ["an input of another type", {}, { when: { type: "choice" } }, "input when has type choice; a workflow_call input is a string, a number or a boolean"],
  ])("is refused before any job runs, as GitHub refuses the file, for %s", async (_, apply, extraInputs, message) => {
    await expect(runFiles({ "caller.yml": caller(apply), "apply-batch.yml": applyBatch(extraInputs) }, options)).rejects.toThrow(
      `caller.yml is not a valid workflow (GitHub starts no job of it): job apply (./.github/workflows/apply-batch.yml): ${message}`,
    );
  });

  it("must be passed a secret it requires, by name or with secrets: inherit", async () => {
    const needsKey = { on: { workflow_call: { secrets: { KEY: { required: true } } } }, jobs: { use: { steps: [{ run: 'test "${{ secrets.KEY }}" = k' }] } } };
    const calling = (secrets: unknown) => ({ on: "push", jobs: { call: { uses: "./.github/workflows/needs-key.yml", ...(secrets !== undefined && { secrets }) } } });
    await expect(runFiles({ "caller.yml": calling(undefined), "needs-key.yml": needsKey })).rejects.toThrow("job call (./.github/workflows/needs-key.yml): Secret KEY is required, but not provided while calling.");
    expect((await runFiles({ "caller.yml": calling({ KEY: "${{ secrets.MINE }}" }), "needs-key.yml": needsKey }, { secrets: { MINE: "k" } })).results).toEqual({ call: "success" });
    expect((await runFiles({ "caller.yml": calling("inherit"), "needs-key.yml": needsKey }, { secrets: { KEY: "k" } })).results).toEqual({ call: "success" });
  });

  it("must be a workflow that can be called, of the same repository", async () => {
    const notCallable = { ...applyBatch(), on: "push" };
    await expect(runFiles({ "caller.yml": caller(), "apply-batch.yml": notCallable }, options)).rejects.toThrow("workflow_call key is not defined in the referenced workflow.");
    await expect(runFiles({ "caller.yml": caller({ uses: "acme/other/.github/workflows/apply.yml@main" }) }, options)).rejects.toThrow(
      "workflow harness: caller.yml: job apply calls acme/other/.github/workflows/apply.yml@main; only a workflow of the same repository (./.github/workflows/<file>.yml) runs here",
    );
  });

  it("nests up to four levels of workflows, as GitHub does, and no fifth", async () => {
    const level = (next: string | undefined) => ({
      on: { workflow_call: null, push: null },
      jobs: { run: next === undefined ? { steps: [{ run: "true" }] } : { uses: `./.github/workflows/${next}` } },
    });
    const four = await runFiles({ "l1.yml": level("l2.yml"), "l2.yml": level("l3.yml"), "l3.yml": level("l4.yml"), "l4.yml": level(undefined) });
    expect(four.instances.map((j: Instance) => [j.label, j.caller?.caller !== undefined])).toEqual([["run / run / run / run", true]]);
    await expect(runFiles({ "l1.yml": level("l2.yml"), "l2.yml": level("l3.yml"), "l3.yml": level("l4.yml"), "l4.yml": level("l5.yml"), "l5.yml": level(undefined) })).rejects.toThrow(
      "l4.yml is not a valid workflow (GitHub starts no job of it): job run (./.github/workflows/l5.yml) would be a level 5 of workflows; GitHub connects at most 4",
    );
  });

  it("may be one of at most 20 unique workflows a workflow calls, as on GitHub", async () => {
    const files = (n: number) => {
      const called = Object.fromEntries(Array.from({ length: n }, (_, i) => [`w${i}.yml`, { on: "workflow_call", jobs: { j: { steps: [{ run: "true" }] } } }]));
      const calls = Object.fromEntries(Object.keys(called).map((file, i) => [`c${i}`, { uses: `./.github/workflows/${file}` }]));
      return { "wf.yml": { on: "push", jobs: calls }, ...called };
    };
    expect(Object.values((await runFiles(files(20))).results)).toEqual(Array(20).fill("success"));
    await expect(runFiles(files(21))).rejects.toThrow("more than 20 reusable workflows are called; GitHub allows 20");
  });

  it("is called by a job that has no steps of its own", async () => {
    const called = { on: "workflow_call", jobs: { j: { steps: [{ run: "true" }] } } };
    await expect(runFiles({ "wf.yml": { on: "push", jobs: { c: { uses: "./.github/workflows/w.yml", steps: [{ run: "true" }] } } }, "w.yml": called })).rejects.toThrow("job c (./.github/workflows/w.yml): a job that calls a workflow has no steps");
  });

  it("called from a matrix, with a matrix of its own, runs past 256 jobs in all (each matrix within the limit)", async () => {
    const outer = Array.from({ length: 17 }, (_, i) => i);
    const inner = Array.from({ length: 16 }, (_, i) => i);
    const result = await runFiles({
      "wf.yml": { on: "push", jobs: { batch: { strategy: { matrix: { outer } }, uses: "./.github/workflows/batch.yml", with: { n: "${{ matrix.outer }}" } } } },
      "batch.yml": { on: { workflow_call: { inputs: { n: { type: "number" } } } }, jobs: { one: { strategy: { matrix: { inner } }, steps: [{ run: 'test "${{ inputs.n }}" -ge 0' }] } } },
    });
    expect(result.results).toEqual({ batch: "success" });
    expect(result.instances).toHaveLength(17 * 16);
    expect(new Set(result.instances.map((j: Instance) => `${j.caller?.matrix?.outer}/${j.matrix?.inner}`)).size).toBe(272);
  });
});

describe("actions/checkout of a git repository (RunOptions.repository)", () => {
  /** A repository with three commits on main (the first tagged v1) and a branch `side` with one more. */
  function repository() {
    const repo = mkdtempSync(join(tmpdir(), "smart-routing-source-"));
    git(repo, "init", "-q", "-b", "main");
    const commits: string[] = [];
    for (const n of [1, 2, 3]) {
      writeFileSync(join(repo, `file${n}.txt`), `${n}\n`);
      git(repo, "add", ".");
      git(repo, "commit", "-q", "-m", `commit ${n}`);
      commits.push(git(repo, "rev-parse", "HEAD"));
    }
    git(repo, "tag", "v1", commits[0]);
    git(repo, "checkout", "-q", "-b", "side");
    writeFileSync(join(repo, "side.txt"), "side\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "side");
    const side = git(repo, "rev-parse", "HEAD");
    git(repo, "checkout", "-q", "main");
    return { repo, commits, side };
  }
  const source = repository();
  /** One job: a step before the checkout, the checkout with `w`, then `script` in the checkout. */
  const checkoutJob = (w: Record<string, unknown>, script: string, extra: Record<string, unknown> = {}) =>
    runFiles(
      {
        "wf.yml": {
          on: ["push", "pull_request"],
          defaults: { run: { shell: "bash" } },
          jobs: { job: { steps: [{ id: "before", run: 'test -z "$(ls -A)"' }, { id: "checkout", uses: "actions/checkout@x", with: w }, { id: "after", run: script }] } },
        },
      },
      { repository: source.repo, extraFiles: { "config.yaml": "extra: true\n" }, ...extra },
    );
  const output = (run: { instances: Instance[] }, id: string) => run.instances[0].steps.find((s) => s.id === id);

  it("clones github.sha (the repository's HEAD by default) with fetch-depth 1 on the branch of github.ref, origin at the source, into an empty workspace", async () => {
    const run = await checkoutJob(
      {},
      [
        `test "$(git rev-parse HEAD)" = "${source.commits[2]}"`,
        'test "$GITHUB_SHA" = "$(git rev-parse HEAD)"',
        "test \"$(git rev-list --count HEAD)\" = 1",
        'test "$(git rev-parse --abbrev-ref HEAD)" = main',
        `test "$(git remote get-url origin)" = "file://${source.repo}"`,
        "test -z \"$(git tag)\"",
        // What the installed checkout has besides the clone: node_modules, the caller's files.
        "test -L node_modules && test -f config.yaml",
      ].join("\n"),
    );
    expect(run.results).toEqual({ job: "success" });
    expect(run.instances[0].steps.map((s: { status: string }) => s.status)).toEqual(["success", "success", "success"]);
  });

  it("lets a step fetch a reachable commit by its SHA with --depth=1, then diff and archive it, as on a runner (over protocol v0 too)", async () => {
    const run = await checkoutJob(
      {},
      [
        `git fetch --no-tags --depth=1 origin ${source.commits[0]}`,
        `test "$(git diff --name-only ${source.commits[0]} HEAD | tr '\\n' ' ')" = "file2.txt file3.txt "`,
        `git archive ${source.commits[0]} | tar -t | grep -qx file1.txt`,
        `git -c protocol.version=0 fetch --no-tags --depth=1 origin ${source.commits[1]}`,
      ].join("\n"),
    );
    expect(output(run, "after")).toMatchObject({ status: "success" });
    expect(git(source.repo, "config", "uploadpack.allowReachableSHA1InWant")).toBe("true");
  });

  it("fetches all history, every branch and tag, with fetch-depth 0", async () => {
    const run = await checkoutJob({ "fetch-depth": 0 }, ['test "$(git rev-list --count HEAD)" = 3', 'test "$(git tag)" = v1', `test "$(git rev-parse origin/side)" = "${source.side}"`].join("\n"));
    expect(output(run, "after")).toMatchObject({ status: "success" });
  });

  it("fetches as many commits as fetch-depth says", async () => {
    const run = await checkoutJob({ "fetch-depth": 2 }, 'test "$(git rev-list --count HEAD)" = 2');
    expect(output(run, "after")).toMatchObject({ status: "success" });
  });

  it("checks out the ref input: a SHA detached, a branch as that branch, a tag detached", async () => {
    const bySha = await checkoutJob({ ref: source.commits[1] }, `test "$(git rev-parse HEAD)" = "${source.commits[1]}" && test "$(git rev-parse --abbrev-ref HEAD)" = HEAD`);
    expect(output(bySha, "after")).toMatchObject({ status: "success" });
    const byBranch = await checkoutJob({ ref: "side" }, `test "$(git rev-parse HEAD)" = "${source.side}" && test "$(git rev-parse --abbrev-ref HEAD)" = side`);
    expect(output(byBranch, "after")).toMatchObject({ status: "success" });
    const byTag = await checkoutJob({ ref: "v1" }, `test "$(git rev-parse HEAD)" = "${source.commits[0]}"`);
    expect(output(byTag, "after")).toMatchObject({ status: "success" });
  });

  it("checks out a pull request's commit detached, from its refs/pull ref", async () => {
    const run = await checkoutJob({}, `test "$(git rev-parse HEAD)" = "${source.side}" && test "$(git rev-parse --abbrev-ref HEAD)" = HEAD && git rev-parse --verify -q refs/remotes/pull/7/merge`, {
      event: "pull_request",
      github: { ref: "refs/pull/7/merge", sha: source.side },
    });
    expect(output(run, "after")).toMatchObject({ status: "success" });
  });

  it("fails the checkout step, as the action does, for a commit the repository does not have or a ref it does not know", async () => {
    const missing = await checkoutJob({}, "true", { github: { sha: "1".repeat(40) } });
    expect(missing.results).toEqual({ job: "failure" });
    expect(output(missing, "checkout")).toMatchObject({ status: "failure", output: expect.stringContaining("The process 'git' failed") });
    // A shallow fetch of refs that match nothing fails in git itself; a full one finds no such ref.
    const shallow = await checkoutJob({ ref: "nope" }, "true");
    expect(output(shallow, "checkout")).toMatchObject({ status: "failure", output: expect.stringContaining("The process 'git' failed") });
    const full = await checkoutJob({ ref: "nope", "fetch-depth": 0 }, "true");
    expect(output(full, "checkout")).toMatchObject({ status: "failure", output: "A branch or tag with the name 'nope' could not be found" });
  });

  it("of this project (throwawayRepo): a pull request's job fetches its base and sees what the change touched", async () => {
    const project = throwawayRepo({ "smart-routing.yaml": "stacks: []\n" });
    const base = project.head();
    project.remove("README.md");
    const head = project.commit("a change", { "smart-routing.yaml": "stacks: [changed]\n" });
    const run = await runWorkflow(
      workflowFiles({
        "pr.yml": {
          on: "pull_request",
          defaults: { run: { shell: "bash" } },
          jobs: {
            changed: {
              steps: [
                { uses: "actions/checkout@x" },
                { run: 'git fetch --no-tags --depth=1 origin "$BASE"\ngit diff --name-status "$BASE" HEAD > changed.txt\ntest -L node_modules', env: { BASE: "${{ github.event.pull_request.base.sha }}" } },
              ],
            },
          },
        },
      }),
      { root: ROOT, repository: project.dir, event: "pull_request", github: { ref: "refs/pull/9/merge", sha: head, event: { pull_request: { number: 9, base: { sha: base } } } }, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
    );
    expect(run.results).toEqual({ changed: "success" });
    expect(readFileSync(join(run.instances[0].workspace, "changed.txt"), "utf8")).toBe("D\tREADME.md\nM\tsmart-routing.yaml\n");
  });

  it("stops at an input it cannot follow", async () => {
    await expect(checkoutJob({ "sparse-checkout": "src" }, "true")).rejects.toThrow("workflow harness: actions/checkout: sparse-checkout cannot be emulated here");
  });
});

// ---------------------------------------------------------------------------------------------------
// The stand-in gh (support/fake-gh.js): gh api's argument rules and GitHub's REST API for deployments.

describe("the stand-in gh", () => {
  const REPO = "acme/smart-routing";
  const SHA = (n: number) => String(n).repeat(40).slice(0, 40);
  function ghWith(options: Parameters<typeof fakeGh>[1] = {}, comments: Parameters<typeof fakeGh>[0] = []) {
    const fake = fakeGh(comments, options);
    const gh = (args: string[], extra: { input?: string; env?: Record<string, string | undefined> } = {}) => {
      const ran = spawnSync(join(fake.bin, "gh"), ["api", ...args], { encoding: "utf8", input: extra.input, env: { PATH: process.env.PATH, GH_TOKEN: "t", ...fake.env, ...extra.env } });
      return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr, json: () => JSON.parse(ran.stdout) };
    };
    return { ...fake, gh };
  }
  const deployments = `repos/${REPO}/deployments`;

  it("needs GH_TOKEN, as gh does in a workflow (exit 4)", () => {
    const { gh } = ghWith();
    const ran = gh([deployments], { env: { GH_TOKEN: undefined } });
    expect([ran.status, ran.stderr]).toEqual([4, expect.stringContaining("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.")]);
  });

  it("creates a deployment with GitHub's defaults, answering 201 with it: fields make the request a POST", () => {
    const { gh, deployments: read } = ghWith();
    const made = gh([deployments, "-f", `ref=${SHA(1)}`, "-f", "environment=stack-a", "-F", "auto_merge=false", "-F", "required_contexts[]"]);
    expect(made.status).toBe(0);
    expect(made.json()).toMatchObject({ id: 1, sha: SHA(1), ref: SHA(1), task: "deploy", environment: "stack-a", original_environment: "stack-a", payload: "", description: "", transient_environment: false, production_environment: false, statuses_url: `https://api.github.com/repos/${REPO}/deployments/1/statuses` });
    const production = gh([deployments, "-f", `ref=${SHA(2)}`, "-f", "task=deploy:migrations", "-F", "payload=@" + writeTemp('{"stacks":["a"]}')]);
    expect(production.json()).toMatchObject({ id: 2, task: "deploy:migrations", environment: "production", production_environment: true, payload: '{"stacks":["a"]}' });
    expect(read(REPO).map((d) => [d.id, d.environment])).toEqual([[2, "production"], [1, "stack-a"]]);
  });

  it("refuses what GitHub refuses: no ref, a ref it does not know, a field of the wrong type (-f sends text), required contexts without statuses", () => {
    const { gh } = ghWith();
    expect(gh([deployments, "-f", "environment=x"])).toMatchObject({ status: 1, stderr: 'gh: Invalid request.\n\n"ref" wasn\'t supplied. (HTTP 422)\n' });
    expect(gh([deployments, "-f", "ref=main"])).toMatchObject({ status: 1, stderr: "gh: No ref found for: main (HTTP 422)\n" });
    const text = gh([deployments, "-f", `ref=${SHA(1)}`, "-f", "auto_merge=false"]);
    expect(text).toMatchObject({ status: 1, stderr: `gh: Invalid request.\n\nFor 'properties/auto_merge', "false" is not a boolean. (HTTP 422)\n` });
    expect(JSON.parse(text.stdout)).toMatchObject({ message: expect.stringContaining("is not a boolean") });
    expect(gh([deployments, "-f", `ref=${SHA(1)}`, "-f", "required_contexts[]=ci"])).toMatchObject({ status: 1, stderr: `gh: Conflict: Commit status checks failed for ${SHA(1)}. (HTTP 409)\n` });
  });

  it("resolves a branch to its commit in the repository it is given", () => {
    const repo = mkdtempSync(join(tmpdir(), "smart-routing-gh-repo-"));
    git(repo, "init", "-q", "-b", "main");
    git(repo, "commit", "-q", "--allow-empty", "-m", "one");
    const { gh } = ghWith({ repository: repo });
    expect(gh([deployments, "-f", "ref=main", "-F", "auto_merge=false"]).json()).toMatchObject({ ref: "main", sha: git(repo, "rev-parse", "HEAD") });
    expect(gh([deployments, "-f", "ref=nope", "-F", "auto_merge=false"])).toMatchObject({ status: 1, stderr: "gh: No ref found for: nope (HTTP 422)\n" });
  });

  it("takes a JSON body from --input (a file or -), the fields then going to the query string", () => {
    const { gh } = ghWith();
    const made = gh([deployments, "--input", "-"], { input: JSON.stringify({ ref: SHA(3), environment: "stack-b", auto_merge: false, payload: { stacks: ["b"] }, transient_environment: true }) });
    expect(made.json()).toMatchObject({ sha: SHA(3), environment: "stack-b", payload: { stacks: ["b"] }, transient_environment: true });
    gh([deployments, "-f", `ref=${SHA(4)}`, "-f", "environment=stack-c", "-F", "auto_merge=false"]);
    const listed = gh(["-X", "GET", deployments, "--input", writeTemp(""), "-f", "environment=stack-c"]);
    expect(listed.json().map((d: { sha: string }) => d.sha)).toEqual([SHA(4)]);
  });

  it("lists deployments newest first, filtered by sha, ref, task and environment, a page at a time", () => {
    const seeded = [1, 2, 3, 4, 5].map((n) => ({ repo: REPO, sha: SHA(n), environment: n % 2 === 0 ? "stack-b" : "stack-a", task: n === 5 ? "other" : "deploy" }));
    const { gh } = ghWith({ deployments: [...seeded, { repo: "acme/other", sha: SHA(6), environment: "stack-a" }] });
    const ids = (args: string[]) => gh(args).json().map((d: { id: number }) => d.id);
    expect(ids([deployments])).toEqual([5, 4, 3, 2, 1]);
    expect(ids(["-X", "GET", deployments, "-f", "environment=stack-a"])).toEqual([5, 3, 1]);
    expect(ids([`${deployments}?environment=stack-a&task=deploy`])).toEqual([3, 1]);
    expect(ids(["-X", "GET", deployments, "-f", `sha=${SHA(2)}`])).toEqual([2]);
    expect(ids(["--method", "GET", deployments, "-f", `ref=${SHA(4)}`])).toEqual([4]);
    expect(ids([`${deployments}?per_page=2&page=2`])).toEqual([3, 2]);
    expect(ids([`${deployments}?per_page=2&page=4`])).toEqual([]);
  });

  it("with --paginate follows every page; --jq is applied to each page; without it the pages join into one list", () => {
    const { gh, state } = ghWith({ deployments: [1, 2, 3, 4, 5].map((n) => ({ repo: REPO, sha: SHA(n), environment: "stack-a" })) });
    expect(gh(["--paginate", `${deployments}?per_page=2`, "--jq", ".[].id"]).stdout).toBe("5\n4\n3\n2\n1\n");
    // Per page: the length of each page, not of the whole.
    expect(gh(["--paginate", `${deployments}?per_page=2`, "--jq", "length"]).stdout).toBe("2\n2\n1\n");
    expect(gh(["--paginate", `${deployments}?per_page=2`]).json().map((d: { id: number }) => d.id)).toEqual([5, 4, 3, 2, 1]);
    expect(gh(["--paginate", deployments, "--jq", ".[0] | {id, sha}"]).stdout).toBe(`{"id":5,"sha":"${SHA(5)}"}\n`);
    expect(gh(["--paginate", "-X", "POST", deployments])).toMatchObject({ status: 1, stderr: "the `--paginate` option is not supported for non-GET requests\n" });
    expect(state().calls.slice(0, 2)).toEqual([
      { method: "GET", endpoint: deployments },
      { method: "GET", endpoint: deployments },
    ]);
  });

  it("adds statuses; a success makes prior successful deployments of the same environment inactive, unless transient, production or auto_inactive false", () => {
    const success = [{ state: "success" as const }];
    const { gh, deployments: read } = ghWith({
      deployments: [
        { repo: REPO, sha: SHA(1), environment: "stack-a", statuses: success },
        { repo: REPO, sha: SHA(2), environment: "stack-a", statuses: [{ state: "failure" }] },
        { repo: REPO, sha: SHA(3), environment: "stack-b", statuses: success },
        { repo: REPO, sha: SHA(4), environment: "stack-a", transient_environment: true, statuses: success },
        { repo: REPO, sha: SHA(5), environment: "stack-a", production_environment: true, statuses: success },
        { repo: REPO, sha: SHA(6), environment: "stack-a" },
      ],
    });
    const status = gh([`${deployments}/6/statuses`, "-f", "state=success", "-f", "log_url=https://example.com/run", "-f", "description=applied"]);
    expect(status.json()).toMatchObject({ state: "success", environment: "stack-a", log_url: "https://example.com/run", target_url: "https://example.com/run", description: "applied", deployment_url: `https://api.github.com/repos/${REPO}/deployments/6` });
    const latest = () => Object.fromEntries(read(REPO).map((d) => [d.sha.slice(0, 1), d.statuses[0]?.state]));
    expect(latest()).toEqual({ "1": "inactive", "2": "failure", "3": "success", "4": "success", "5": "success", "6": "success" });
    // A later success with auto_inactive false leaves the one before it active.
    gh([deployments, "-f", `ref=${SHA(7)}`, "-f", "environment=stack-a", "-F", "auto_merge=false"]);
    gh([`${deployments}/7/statuses`, "-f", "state=success", "-F", "auto_inactive=false"]);
    expect(latest()).toMatchObject({ "6": "success", "7": "success" });
    expect(gh([`${deployments}/6/statuses`, "--jq", "[.[].state]"]).stdout).toBe('["success"]\n');
  });

  it("refuses a status GitHub would refuse, and answers 404 for a deployment it does not have", () => {
    const { gh } = ghWith({ deployments: [{ repo: REPO, sha: SHA(1), environment: "stack-a" }] });
    expect(gh([`${deployments}/1/statuses`, "-f", "state=done"])).toMatchObject({ status: 1, stderr: expect.stringContaining(`For 'properties/state', "done" is not a member of`) });
    expect(gh([`${deployments}/1/statuses`, "-f", "state=success", "-f", `description=${"x".repeat(141)}`])).toMatchObject({ status: 1, stderr: "gh: Validation Failed (HTTP 422)\n" });
    expect(gh([`${deployments}/1/statuses`, "-f", "state=success", "-f", `description=${"x".repeat(140)}`]).status).toBe(0);
    expect(gh([`${deployments}/9/statuses`, "-f", "state=success"])).toMatchObject({ status: 1, stderr: "gh: Not Found (HTTP 404)\n" });
    expect(gh([`${deployments}/9`])).toMatchObject({ status: 1, stderr: "gh: Not Found (HTTP 404)\n" });
  });

  it("deletes only an inactive deployment, unless it is the repository's only one (422 otherwise), answering 204 with no output", () => {
    const { gh, deployments: read } = ghWith({
      deployments: [
        { repo: REPO, sha: SHA(1), environment: "stack-a", statuses: [{ state: "success" }, { state: "inactive" }] },
        { repo: REPO, sha: SHA(2), environment: "stack-a", statuses: [{ state: "success" }] },
        { repo: "acme/alone", sha: SHA(3), environment: "stack-a", statuses: [{ state: "success" }] },
      ],
    });
    expect(gh(["-X", "DELETE", `${deployments}/2`])).toMatchObject({ status: 1, stderr: "gh: We cannot delete an active deployment unless it is the only deployment in a given environment. (HTTP 422)\n" });
    expect(gh(["-X", "DELETE", `${deployments}/1`])).toMatchObject({ status: 0, stdout: "" });
    expect(read(REPO).map((d) => d.id)).toEqual([2]);
    expect(gh(["-X", "DELETE", "repos/acme/alone/deployments/3"]).status).toBe(0);
    expect(read("acme/alone")).toEqual([]);
  });

  it("answers calls made at the same time (a matrix's jobs) one after another, losing none", async () => {
    const { bin, env, deployments: read } = ghWith();
    const create = (n: number) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(join(bin, "gh"), ["api", deployments, "-f", `ref=${SHA(n % 10)}`, "-f", `environment=stack-${n}`, "-F", "auto_merge=false"], { env: { PATH: process.env.PATH, GH_TOKEN: "t", ...env }, stdio: "ignore" });
        child.on("close", resolve);
      });
    expect(await Promise.all(Array.from({ length: 20 }, (_, n) => create(n)))).toEqual(Array(20).fill(0));
    expect(read(REPO).map((d) => d.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("keeps issue comments as before, and refuses one over 65,536 characters", () => {
    const { gh, state } = ghWith({}, [{ id: 5, user: { login: "octocat" }, body: "hi", repo: REPO, issue: 7 }]);
    const comments = `repos/${REPO}/issues/7/comments`;
    expect(gh([comments, "-F", "body=@" + writeTemp("x".repeat(65536))]).status).toBe(0);
    expect(gh([comments, "-F", "body=@" + writeTemp("x".repeat(65537))])).toMatchObject({ status: 1, stderr: "gh: Validation Failed (HTTP 422)\n" });
    expect(gh(["--paginate", comments, "--jq", ".[].id"]).stdout).toBe("5\n1001\n");
    expect(gh(["--method", "PATCH", `repos/${REPO}/issues/comments/1001`, "-f", "body=short"]).json()).toMatchObject({ id: 1001, body: "short" });
    expect(state().comments.map((c) => c.body)).toEqual(["hi", "short"]);
  });
});

function writeTemp(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "smart-routing-gh-field-")), "field");
  writeFileSync(file, text);
  return file;
}
