// `npm run -s stacks -- [--json]`: the one list of stacks every workflow's matrix is built from.
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
