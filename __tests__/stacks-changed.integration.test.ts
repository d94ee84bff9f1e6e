// `npm run -s stacks -- --matrix` and `--changed-since <ref>` in a team's repository (a throwaway git
// repository with the project and a config, committed): the matrix past GitHub's 256 jobs, and the
// stacks a change affects decided by two real synths compared stack by stack, whatever files the change
// touched: a dial, a default in the code, a refactor that changes no output, a new or removed stack, the
// provider lock file, the Terraform version, a base that does not synthesize.
/* eslint-disable @typescript-eslint/no-explicit-any -- configs are edited here as the plain data a YAML file holds */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fleetConfig, throwawayRepo, type GitRepo } from "./support/git-repo";

const CONFIG = "fleet.yaml";

function stacks(repo: GitRepo, args: string[]) {
  const ran = spawnSync(process.execPath, ["scripts/stacks.js", ...args], {
    cwd: repo.dir,
    encoding: "utf8",
    env: { ...process.env, SMART_ROUTING_CONFIG: CONFIG, SMART_ROUTING_STRICT: undefined },
  });
  return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `fleet-${String(from + i).padStart(3, "0")}`);

/** Sets a field of one endpoint group of the config's stack at index i. */
const setGroup = (i: number, group: number, field: string, value: unknown) => (s: any[]) => {
  s[i].listeners[0].endpointGroups[group][field] = value;
};

describe("npm run stacks on a 300-stack config", () => {
  let repo: GitRepo;
  beforeAll(() => {
    repo = throwawayRepo({ [CONFIG]: fleetConfig(300) });
  });

  it("--matrix prints at most 256 balanced jobs covering the 300 stacks once each, in the config's order", () => {
    const ran = stacks(repo, ["--matrix"]);
    expect([ran.status, ran.stderr]).toEqual([0, ""]);
    const { include } = JSON.parse(ran.stdout) as { include: { job: string; stacks: string }[] };
    expect(include).toHaveLength(256);
    const covered = include.flatMap((j) => j.stacks.split(" "));
    expect(covered).toEqual(names(300));
    // 300 = 44 jobs of two and 212 of one: sizes differ by at most one.
    expect(include.map((j) => j.stacks.split(" ").length)).toEqual([...Array(44).fill(2), ...Array(212).fill(1)]);
    expect(include.slice(43, 45)).toEqual([
      { job: "fleet-086 +1", stacks: "fleet-086 fleet-087" },
      { job: "fleet-088", stacks: "fleet-088" },
    ]);
    expect(new Set(include.map((j) => j.job)).size).toBe(256);
  });

  it("--changed-since HEAD prints nothing with no change, and after one stack's dial changed, exactly that stack", () => {
    expect(stacks(repo, ["--changed-since", "HEAD", "--json"])).toMatchObject({ status: 0, stdout: "[]\n" });
    repo.write(CONFIG, fleetConfig(300, setGroup(137, 0, "trafficDialPercentage", 60)));
    const ran = stacks(repo, ["--changed-since", "HEAD", "--json"]);
    expect([ran.status, ran.stdout]).toEqual([0, '["fleet-137"]\n']);
    expect(ran.stderr).toContain("stacks: fleet-137: its synthesized JSON differs\n");
    expect(ran.stderr).toMatch(/stacks: 1 of 300 stack\(s\) changed since HEAD \([0-9a-f]{12}\)\n$/);
    // The same decision as a matrix: one job, not 300.
    expect(JSON.parse(stacks(repo, ["--changed-since", "HEAD", "--matrix"]).stdout)).toEqual({ include: [{ job: "fleet-137", stacks: "fleet-137" }] });
    // The working tree is as it was: nothing synthesized into it, nothing checked out.
    expect(repo.git("status", "--porcelain")).toBe(` M ${CONFIG}\n`);
  });
});

describe("npm run stacks --changed-since on a 12-stack config", () => {
  let repo: GitRepo;
  let base: string;
  beforeAll(() => {
    // Even stacks name the health check's threshold; odd ones take the default from the code.
    const config = fleetConfig(12, (s) => s.forEach((stack, i) => i % 2 === 0 && stack.listeners[0].endpointGroups.forEach((g: any) => (g.healthCheck = { thresholdCount: 3 }))));
    repo = throwawayRepo({ [CONFIG]: config });
    base = repo.git("rev-parse", "HEAD").trim();
  });
  afterEach(() => {
    repo.git("reset", "-q", "--hard", base);
    repo.git("clean", "-qfd");
  });

  it("a default changed in the code plans every stack that takes it and no other", () => {
    const file = "src/config/defaults.ts";
    const text = repo.read(file);
    expect(text).toContain("thresholdCount: 3 }");
    repo.commit("a lower default threshold", { [file]: text.replace("thresholdCount: 3 }", "thresholdCount: 2 }") });
    const ran = stacks(repo, ["--changed-since", base, "--json"]);
    expect([ran.status, JSON.parse(ran.stdout)]).toEqual([0, names(12).filter((_, i) => i % 2 === 1)]);
  });

  it("a change that touches files but no output plans nothing", () => {
    // The config's keys reordered and commented, and a comment in the code: the same JSON.
    const reordered = repo.read(CONFIG).replace(/^version: 1\n/, "# the team's fleet\n").concat("version: 1\n");
    repo.commit("tidy", { [CONFIG]: reordered, "src/config/defaults.ts": `// tidied\n${repo.read("src/config/defaults.ts")}` });
    expect(stacks(repo, ["--changed-since", base, "--json"])).toMatchObject({ status: 0, stdout: "[]\n" });
  });

  it("lists a new stack as changed, with its reason", () => {
    repo.write(CONFIG, fleetConfig(13));
    const ran = stacks(repo, ["--changed-since", base]);
    expect([ran.status, ran.stdout]).toEqual([0, "fleet-012\n"]);
    expect(ran.stderr).toContain("stacks: fleet-012: new stack\n");
  });

  it("reports a removed stack apart and exits 3 until the removal is acknowledged; --report holds it", () => {
    repo.write(CONFIG, fleetConfig(12, (s) => s.splice(4, 1)));
    const report = join(repo.dir, "report.json");
    const ran = stacks(repo, ["--changed-since", base, "--json", "--report", report]);
    expect([ran.status, ran.stdout]).toEqual([3, "[]\n"]);
    expect(ran.stderr).toContain(`stacks: fleet-004 was removed from the config since ${base.slice(0, 12)}: its accelerator, its static IP addresses and its Terraform state still exist`);
    expect(ran.stderr).toMatch(/acknowledge the removal with --allow-removed \(on a pull request: the label remove-stacks\)\.\n$/);
    expect(JSON.parse(readFileSync(report, "utf8"))).toMatchObject({ changed: [], removed: [{ name: "fleet-004", base }], total: 11, acknowledged: false });

    const acknowledged = stacks(repo, ["--changed-since", base, "--json", "--allow-removed", "--report", report]);
    expect([acknowledged.status, acknowledged.stdout]).toEqual([0, "[]\n"]);
    expect(acknowledged.stderr).toContain("stacks: removal acknowledged (--allow-removed)\n");
    expect(JSON.parse(readFileSync(report, "utf8"))).toMatchObject({ removed: [{ name: "fleet-004", base }], acknowledged: true });
  });

  it("plans every stack when the provider lock file changed", () => {
    const lock = "terraform/.terraform.lock.hcl";
    repo.commit("a provider upgrade", { [lock]: `${repo.read(lock)}\n` });
    const ran = stacks(repo, ["--changed-since", base, "--json"]);
    expect([ran.status, JSON.parse(ran.stdout)]).toEqual([0, names(12)]);
    expect(ran.stderr).toContain("stacks: fleet-011: the provider lock file (terraform/.terraform.lock.hcl) changed\n");
  });

  it("plans every stack when the Terraform version the workflows install changed", () => {
    const workflow = ".github/workflows/terraform-plan.yml";
    repo.write(workflow, repo.read(workflow).replace(/terraform_version: "1\.11\.4"/g, 'terraform_version: "1.11.5"'));
    const ran = stacks(repo, ["--changed-since", base, "--json"]);
    expect(JSON.parse(ran.stdout)).toEqual(names(12));
    expect(ran.stderr).toContain("stacks: fleet-000: the Terraform version the workflows install changed (1.11.4 -> 1.11.4, 1.11.5)\n");
  });

  it("lists every stack as new when the base has no config file yet", () => {
    repo.commit("the config moves", { "fleet-v2.yaml": repo.read(CONFIG) });
    const ran = spawnSync(process.execPath, ["scripts/stacks.js", "--changed-since", base, "--json"], {
      cwd: repo.dir,
      encoding: "utf8",
      env: { ...process.env, SMART_ROUTING_CONFIG: "fleet-v2.yaml", SMART_ROUTING_STRICT: undefined },
    });
    expect([ran.status, JSON.parse(ran.stdout)]).toEqual([0, names(12)]);
    expect(ran.stderr).toContain(`stacks: ${base.slice(0, 12)} has no fleet-v2.yaml: every stack of it is new\n`);
    expect(ran.stderr).toContain("stacks: fleet-011: new stack\n");
  });

  it("plans every stack when the base does not synthesize (nothing can have been applied from it)", () => {
    repo.commit("a broken config", { [CONFIG]: "version: 1\nstacks: []\n" });
    const broken = repo.git("rev-parse", "HEAD").trim();
    repo.write(CONFIG, fleetConfig(12));
    const ran = stacks(repo, ["--changed-since", broken, "--json"]);
    expect([ran.status, JSON.parse(ran.stdout)]).toEqual([0, names(12)]);
    expect(ran.stderr).toContain(`stacks: fleet-000: the base ${broken.slice(0, 12)} does not synthesize\n`);
  });

  it("--applied compares each stack with its own last applied commit; unknown or missing commits count as changed", () => {
    const first = base;
    const second = repo.commit("fleet-002 and fleet-005 at 50", { [CONFIG]: fleetConfig(12, (s) => [2, 5].forEach((i) => setGroup(i, 1, "trafficDialPercentage", 50)(s))) });
    // fleet-002 was applied at the second commit, fleet-005 only at the first; fleet-007 never; fleet-009 at
    // a commit this checkout does not have (a force-push); a stack no longer in the config is reported.
    // A commit that changes nothing has the same tree as the one before: it is synthesized once with it.
    const same = repo.commit("nothing");
    const applied: Record<string, string> = Object.fromEntries(names(12).map((n, i) => [n, i % 2 === 0 ? second : same]));
    Object.assign(applied, { "fleet-005": first, "fleet-009": "f".repeat(40), "fleet-old": first });
    delete applied["fleet-007"];
    const file = join(repo.dir, "applied.json");
    repo.write("applied.json", JSON.stringify(applied));
    const ran = stacks(repo, ["--applied", file, "--json", "--report", join(repo.dir, "report.json")]);
    expect([ran.status, JSON.parse(ran.stdout)]).toEqual([0, ["fleet-005", "fleet-007", "fleet-009"]]);
    expect(ran.stderr).toContain("stacks: comparing 10 stack(s) with their last applied commits: 2 distinct tree(s) to synthesize\n");
    expect(ran.stderr).toContain("stacks: fleet-007: no applied commit is recorded for it\n");
    expect(ran.stderr).toContain("stacks: fleet-009: its last applied commit ffffffffffff is not in this checkout's history\n");
    expect(ran.stderr).toContain(`stacks: fleet-old was removed from the config since ${first.slice(0, 12)}`);
    expect(JSON.parse(repo.read("report.json"))).toMatchObject({ changed: [{ name: "fleet-005", base: first }, { name: "fleet-007" }, { name: "fleet-009" }], removed: [{ name: "fleet-old", base: first }] });
  });

  it("gives a base whose package-lock.json differs its own install (npm ci) and synthesizes it with its own synth script", () => {
    // A base from an older tool: its own package.json, lock file (no dependencies) and synth, which
    // writes one stack and fails unless npm ci gave it a node_modules of its own.
    const synth = [
      'const fs = require("fs");',
      'if (fs.existsSync("node_modules") && fs.lstatSync("node_modules").isSymbolicLink()) { console.error("node_modules is the working tree\'s"); process.exit(1); }',
      'const dir = `${process.env.CDKTF_OUTDIR}/stacks/legacy`;',
      "fs.mkdirSync(dir, { recursive: true });",
      'fs.writeFileSync(`${dir}/cdk.tf.json`, "{}");',
    ].join("\n");
    const old = repo.commit("an older tool", {
      "package.json": JSON.stringify({ name: "legacy", version: "1.0.0", private: true, scripts: { synth: "node legacy-synth.js" } }),
      "package-lock.json": JSON.stringify({ name: "legacy", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "legacy", version: "1.0.0" } } }),
      "legacy-synth.js": synth,
    });
    repo.git("checkout", "-q", base, "--", "package.json", "package-lock.json");
    repo.git("rm", "-q", "legacy-synth.js");
    const ran = stacks(repo, ["--changed-since", old, "--json", "--allow-removed"]);
    expect([ran.status, JSON.parse(ran.stdout)]).toEqual([0, names(12)]);
    expect(ran.stderr).toContain(`stacks: installing ${old.slice(0, 12)}'s own dependencies (its package-lock.json differs from the working tree's)\n`);
    expect(ran.stderr).toContain(`stacks: legacy was removed from the config since ${old.slice(0, 12)}`);
    expect(ran.stderr).toContain("stacks: fleet-000: new stack\n");
  });

  it("says that a config outside the repository cannot be compared, and compares the code", () => {
    const outside = join(mkdtempSync(join(tmpdir(), "smart-routing-outside-")), "fleet.yaml");
    writeFileSync(outside, repo.read(CONFIG));
    const ran = spawnSync(process.execPath, ["scripts/stacks.js", "--changed-since", base, "--json"], {
      cwd: repo.dir,
      encoding: "utf8",
      env: { ...process.env, SMART_ROUTING_CONFIG: outside, SMART_ROUTING_STRICT: undefined },
    });
    expect([ran.status, ran.stdout]).toEqual([0, "[]\n"]);
    expect(ran.stderr).toContain(`stacks: ${outside} is outside the repository, so both sides read the same file: a change to it is not seen, only changes to the code\n`);
  });

  it("refuses a ref that is not a commit here, saying how to fetch it, and prints no stack", () => {
    const ran = stacks(repo, ["--changed-since", "no-such-branch", "--json"]);
    expect([ran.status, ran.stdout]).toEqual([1, ""]);
    expect(ran.stderr).toContain('stacks: "no-such-branch" is not a commit of the repository at');
    expect(ran.stderr).toContain("git fetch --no-tags --depth=1 origin <commit>");
  });
});
