// `npm run -s stacks -- [--json | --matrix]`: the one list of stacks every workflow's matrix is built from.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support/run";

function stacks(args: string[], config?: string) {
  return spawnSync(process.execPath, ["scripts/stacks.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, SMART_ROUTING_CONFIG: config, SMART_ROUTING_STRICT: undefined },
  });
}

describe("npm run stacks", () => {
  it("prints the config's stacks as one JSON array on one line with --json", () => {
    expect(stacks(["--json"], "examples/full.yaml")).toMatchObject({ status: 0, stdout: '["ai-models-prod","ai-models-dualstack"]\n', stderr: "" });
    expect(stacks(["--json"])).toMatchObject({ status: 0, stdout: '["smart-routing"]\n' });
  });

  it("prints one name a line without it, and only the named stacks, in the config's order", () => {
    expect(stacks([], "examples/multi-stack.yaml").stdout).toBe("llm-staging\nllm-prod\n");
    expect(stacks(["--json", "llm-prod", "llm-staging"], "examples/multi-stack.yaml").stdout).toBe('["llm-staging","llm-prod"]\n');
  });

  it("fails a bad config with the usual error lines and prints no stack", () => {
    const file = join(mkdtempSync(join(tmpdir(), "smart-routing-config-")), "bad.yaml");
    writeFileSync(file, "version: 1\nstacks: []\n");
    const result = stacks(["--json"], file);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: stacks: .+\n1 error\(s\); nothing was synthesized\.\n$/);
  });

  it("exits 2 naming the config's stacks when a named stack is not in it", () => {
    expect(stacks(["--json", "nope"])).toMatchObject({ status: 2, stdout: "", stderr: 'stacks: no stack named "nope" in this config; its stacks are: smart-routing\n' });
  });
});

describe("npm run stacks --matrix", () => {
  const matrix = (args: string[], config?: string) => {
    const ran = stacks(["--matrix", ...args], config);
    return { status: ran.status, stderr: ran.stderr, include: ran.status === 0 ? (JSON.parse(ran.stdout).include as { job: string; stacks: string }[]) : undefined };
  };

  it("puts each stack in a job of its own while there are no more stacks than jobs", () => {
    expect(matrix([], "examples/multi-stack.yaml")).toEqual({
      status: 0,
      stderr: "",
      include: [
        { job: "llm-staging", stacks: "llm-staging" },
        { job: "llm-prod", stacks: "llm-prod" },
      ],
    });
  });

  it("with --max-jobs, shares jobs out in the config's order, sizes differing by at most one", () => {
    expect(matrix(["--max-jobs", "1"], "examples/multi-stack.yaml").include).toEqual([{ job: "llm-staging +1", stacks: "llm-staging llm-prod" }]);
    expect(matrix(["--max-jobs", "2", "llm-prod"], "examples/multi-stack.yaml").include).toEqual([{ job: "llm-prod", stacks: "llm-prod" }]);
  });

  it.each([
    [["--max-jobs", "0"], '--max-jobs must be a whole number from 1 to 256 (GitHub runs at most 256 jobs per matrix), received "0"'],
    [["--max-jobs", "257"], '--max-jobs must be a whole number from 1 to 256 (GitHub runs at most 256 jobs per matrix), received "257"'],
    [["--max-jobs", "2.5"], '--max-jobs must be a whole number from 1 to 256 (GitHub runs at most 256 jobs per matrix), received "2.5"'],
    [["--json"], "--json and --matrix print different things: choose one"],
  ])("refuses %j with exit 2 and prints nothing", (args, message) => {
    const ran = stacks(["--matrix", ...args]);
    expect([ran.status, ran.stdout, ran.stderr.split("\n")[0]]).toEqual([2, "", `stacks: ${message}`]);
  });
});

describe("npm run stacks: options that need --changed-since", () => {
  it.each([
    [["--max-jobs", "3"], "--max-jobs only applies to --matrix"],
    [["--allow-removed"], "--allow-removed only applies to --changed-since"],
    [["--report", "r.json"], "--report only applies to --changed-since or --applied"],
    [["--changed-since", "HEAD", "--applied", "a.json"], "--changed-since and --applied both choose what to compare with: choose one"],
    [["--changed-since", "HEAD", "smart-routing"], "stack names and --changed-since/--applied both choose stacks: choose one"],
  ])("refuses %j with exit 2 and prints nothing", (args, message) => {
    const ran = stacks(args);
    expect([ran.status, ran.stdout, ran.stderr.split("\n")[0]]).toEqual([2, "", `stacks: ${message}`]);
  });

  it("refuses an --applied file that is not a map of stack to commit, with exit 1", () => {
    const file = join(mkdtempSync(join(tmpdir(), "smart-routing-applied-")), "applied.json");
    writeFileSync(file, '["smart-routing"]');
    expect(stacks(["--applied", file])).toMatchObject({ status: 1, stdout: "", stderr: `stacks: --applied ${file}: expected a JSON object of stack name to commit, {"stack": "<sha>"}, received ["smart-routing"]\n` });
    writeFileSync(file, "{");
    expect(stacks(["--applied", file]).stderr).toMatch(/^stacks: --applied .+: not JSON \(/);
  });
});
