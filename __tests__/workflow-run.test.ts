// The workflow harness (scripts/lib/workflow-run.js) does what GitHub does with the parts of a workflow
// the repository's workflows use, and fails loudly on any part it does not know, so a workflow can never
// pass here by being half-run.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ROOT } from "./support/run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { conditionHolds, evaluate, expandMatrix, readKeyValueFile, runWorkflow, substitute } = require("../scripts/lib/workflow-run");
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
});

describe("the matrix", () => {
  it("is every combination of its axes, and GitHub's refusal of an empty one is an error", () => {
    expect(expandMatrix({ stack: ["a", "b"], os: ["x"] }, "plan")).toEqual([{ stack: "a", os: "x" }, { stack: "b", os: "x" }]);
    expect(() => expandMatrix({ stack: [] }, "plan")).toThrow("Error when evaluating 'strategy' for job 'plan'. Matrix vector 'stack' does not contain any values");
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
          strategy: { matrix: { item: "${{ fromJSON(needs.first.outputs.list) }}" } },
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
