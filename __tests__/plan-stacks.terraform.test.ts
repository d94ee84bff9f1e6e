// `npm run plan-stacks`: several synthesized stacks planned in one job with real Terraform and the real
// provider, state in S3 on moto (and the local Global Accelerator API for the stack the drift check finds
// applied), at most N at a time. One stack's state bucket does not exist: that stack has no plan, the
// others pass, and every one reports separately (its folder, its step-summary section, its lines).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { loadModel } from "../src/app";
import { defaultConfigNamed, startLocalAws, type LocalAws } from "./support/deploy";
import { ROOT, runSynth } from "./support/run";
import { localAwsEnv, plain, runnerEnv } from "./support/workflows";
/* eslint-disable @typescript-eslint/no-require-imports */
const { seedStack } = require("../scripts/lib/moto-fixtures");
const { request } = require("../scripts/lib/moto-server");
const { terraformAsync, LOCK_FILE } = require("../scripts/lib/terraform");
const { STEP_SUMMARY_LIMIT } = require("../scripts/lib/plan-stacks");
const { runAsync } = require("../scripts/lib/run-async");
/* eslint-enable @typescript-eslint/no-require-imports */

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws(0);
});
afterAll(async () => aws?.stop());

/** A config of default-config stacks under these names (the last ones' state bucket as given), written, seeded and synthesized; resolves its folder. */
async function project(names: string[], buckets: Record<string, string> = {}): Promise<{ dir: string; config: string }> {
  const stacks = names.map((name) => {
    const stack = (defaultConfigNamed(name) as { stacks: { backend: { bucket: string } }[] }).stacks[0];
    if (buckets[name] !== undefined) stack.backend.bucket = buckets[name];
    return stack;
  });
  const config = join(mkdtempSync(join(tmpdir(), "smart-routing-plan-stacks-")), "config.yaml");
  writeFileSync(config, stringify({ version: 1, stacks }));
  for (const stack of loadModel({ SMART_ROUTING_CONFIG: config }).model!.stacks) {
    if (buckets[stack.name] === undefined) await seedStack(aws.s3, stack);
  }
  const synth = runSynth({ SMART_ROUTING_CONFIG: config });
  if (synth.status !== 0) throw new Error(synth.stderr);
  return { dir: dirname(synth.outdir), config };
}

/** The environment a plan job gives its steps: the runner's, the credentials step's, the local endpoints. */
function jobEnv(config: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...runnerEnv(),
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-west-2",
    ...localAwsEnv(aws.s3, aws.ga.endpoint),
    SMART_ROUTING_CONFIG: config,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    ...extra,
  };
}

function planStacks(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return runAsync(process.execPath, [join(ROOT, "scripts", "plan-stacks.js"), ...args], { cwd, env });
}

const read = (...parts: string[]) => readFileSync(join(...parts), "utf8");
const result = (dir: string, stack: string) => JSON.parse(read(dir, "plans", stack, "result.json"));

describe("plan-stacks: three stacks, two at a time, one without a state bucket", () => {
  const STACKS = ["edge-a", "edge-broken", "edge-c"];
  let dir: string;
  let run: Run;
  let cache: string;
  let summaryFile: string;
  /** What the step summary held before: the step had written most of its 1 MiB already. */
  const BEFORE = STEP_SUMMARY_LIMIT - 8 * 1024 - 1200;
  beforeAll(async () => {
    const made = await project(STACKS, { "edge-broken": "no-such-state-bucket" });
    dir = made.dir;
    cache = mkdtempSync(join(tmpdir(), "smart-routing-plugin-cache-"));
    summaryFile = join(dir, "step-summary.md");
    writeFileSync(summaryFile, "x".repeat(BEFORE));
    run = await planStacks(dir, [...STACKS, "--concurrency", "2", "--summary", summaryFile], jobEnv(made.config, { TF_PLUGIN_CACHE_DIR: cache }));
  });

  it("exits 1, plans the two good stacks as the workflow did (gate passed) and reports the broken one as 'no plan'", () => {
    expect([run.status, run.stderr]).toEqual([1, expect.any(String)]);
    for (const stack of ["edge-a", "edge-c"]) {
      expect(result(dir, stack)).toEqual({
        stack,
        mode: "plan",
        status: "passed",
        counts: { create: 4, update: 0, replace: 0, delete: 0, move: 0 },
        destructive: false,
        capacityWarnings: [],
        exitCodes: { init: 0, plan: 0, show: 0, gate: 0 },
        seconds: expect.any(Number),
      });
      expect(read(dir, "plans", stack, "summary.md")).toMatch(new RegExp(`^### Terraform plan for \`${stack}\`: ✅ plan gate passed\n\n4 to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n`));
      expect(read(dir, "plans", stack, "summary.md")).toContain("| create | `aws_globalaccelerator_accelerator.accelerator` |  |");
      expect(plain(read(dir, "plans", stack, "init.log"))).toContain("Terraform has been successfully initialized!");
      expect(plain(read(dir, "plans", stack, "plan.log"))).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
      expect(read(dir, "plans", stack, "gate.txt")).toMatch(new RegExp(`^Plan for ${stack}: 4 to create, [^]*plan-gate: passed\n$`));
      expect(JSON.parse(read(dir, "plans", stack, "plan.json")).resource_changes.map((rc: { address: string }) => rc.address)).toContain("aws_globalaccelerator_accelerator.accelerator");
      expect(read(dir, "cdktf.out", "stacks", stack, ".terraform.lock.hcl")).toBe(readFileSync(LOCK_FILE, "utf8"));
      // The provider (675 MB when installed from the registry) is gone once the stack is planned.
      expect(existsSync(join(dir, "cdktf.out", "stacks", stack, ".terraform", "providers"))).toBe(false);
    }
    expect(result(dir, "edge-broken")).toEqual({
      stack: "edge-broken",
      mode: "plan",
      status: "no-plan",
      counts: null,
      destructive: false,
      capacityWarnings: [],
      exitCodes: { init: 1, plan: null, show: null, gate: null },
      problem: "terraform init failed (exit 1)",
      seconds: expect.any(Number),
    });
    expect(read(dir, "plans", "edge-broken", "summary.md")).toBe("### Terraform plan for `edge-broken`: ❌ no plan\n\nTerraform failed before the plan gate could run; see the log of this job.\n");
    expect(read(dir, "plans", "edge-broken", "init.log")).toContain("no-such-state-bucket");
    expect(readdirSync(join(dir, "plans", "edge-broken")).sort()).toEqual(["init.log", "result.json", "summary.md"]);
  });

  it("runs at most two at once: the third starts only after one has finished", () => {
    const started = STACKS.map((s) => run.stdout.indexOf(`plan-stacks: ${s}: started\n`));
    const firstDone = run.stdout.indexOf("(1 of 3 done");
    expect(started.every((i) => i >= 0)).toBe(true);
    expect(started.filter((i) => i < firstDone)).toHaveLength(2);
    expect(started.filter((i) => i > firstDone)).toHaveLength(1);
  });

  it("folds each stack's logs in groups and prints each result, then all of them", () => {
    const out = plain(run.stdout);
    expect(out).toContain("plan-stacks: planning 3 stack(s), 2 at a time; results in ");
    expect(out).toMatch(/::group::edge-broken: terraform init \(exit 1\)\n[^]*no-such-state-bucket[^]*\n::endgroup::\nplan-stacks: edge-broken: ❌ no plan: terraform init failed \(exit 1\) \(\d of 3 done, [\d.]+ s\)\n/);
    for (const stack of ["edge-a", "edge-c"]) {
      expect(out).toMatch(new RegExp(`::group::${stack}: terraform plan \\(exit 0\\)\n[^]*Plan: 4 to add[^]*\n::endgroup::\n::group::${stack}: plan gate \\(passed\\)\nPlan for ${stack}: [^]*plan-gate: passed\n::endgroup::\nplan-stacks: ${stack}: ✅ passed: 4 to create, 0 to update, 0 to replace, 0 to delete, 0 to move \\(\\d of 3 done`));
    }
    expect(out).toMatch(
      /\nplan-stacks: 3 stack\(s\), 2 at a time, [\d.]+ s: (2 passed, 1 no-plan|1 no-plan, 2 passed)\n {2}✅ passed {2}edge-a: 4 to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n {2}❌ no plan {2}edge-broken: terraform init failed \(exit 1\)\n {2}✅ passed {2}edge-c: 4 to create/,
    );
    expect(out).not.toMatch(/^::error/m);
  });

  it("gives terraform no plugin cache while inits run at once, and says so", () => {
    expect(run.stderr).toContain(`plan-stacks: TF_PLUGIN_CACHE_DIR (${cache}) is not passed to terraform: 2 inits run at once, and Terraform's plugin cache is not safe for concurrent use\n`);
    expect(readdirSync(cache)).toEqual([]);
  });

  it("appends each stack's section to the step summary within 1 MiB, cutting the large ones and pointing to the artifact", () => {
    expect(statSync(summaryFile).size).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT);
    const added = read(summaryFile).slice(BEFORE);
    // The short section whole, the two long ones cut at a line end, in the stacks' order.
    expect(added.indexOf("`edge-a`")).toBeLessThan(added.indexOf("`edge-broken`"));
    expect(added.indexOf("`edge-broken`")).toBeLessThan(added.indexOf("`edge-c`"));
    expect(added).toContain(`${read(dir, "plans", "edge-broken", "summary.md")}\n`);
    for (const stack of ["edge-a", "edge-c"]) {
      const whole = read(dir, "plans", stack, "summary.md");
      const note = new RegExp(
        `\n_… cut short here \\(([\\d,]+) of ${Buffer.byteLength(whole).toLocaleString("en-US")} bytes\\) to keep this job summary within GitHub's 1 MiB per step: the whole section is plans/${stack}/summary.md in the job's artifact\\._\n\n`,
      ).exec(added);
      expect(note).not.toBeNull();
      const kept = Buffer.from(whole).subarray(0, Number(note![1].replace(/,/g, ""))).toString();
      expect(kept.endsWith("\n")).toBe(true);
      expect(added).toContain(`${kept}${note![0]}`);
    }
    expect(run.stderr).toContain("plan-stacks: edge-a: its job summary section is cut short (GitHub allows 1 MiB per step); its summary.md is whole\n");
  });
});

describe("plan-stacks --drift", () => {
  it("finds no drift in an applied stack and drift in one AWS does not hold, with the drift workflow's texts and annotation, applying nothing", async () => {
    const { dir, config } = await project(["held", "unheld"]);
    const env = jobEnv(config);
    // `held` applied as the apply workflow would.
    const heldDir = join(dir, "cdktf.out", "stacks", "held");
    writeFileSync(join(heldDir, ".terraform.lock.hcl"), readFileSync(LOCK_FILE, "utf8"));
    for (const args of [
      ["init", "-input=false", "-lockfile=readonly", "-no-color"],
      ["apply", "-auto-approve", "-input=false", "-no-color"],
    ]) {
      const applied = await terraformAsync(args, { cwd: heldDir, env });
      expect([args[0], applied.status, applied.stdout + applied.stderr]).toEqual([args[0], 0, expect.any(String)]);
    }
    const before = aws.ga.calls().length;

    const run = await planStacks(dir, ["held", "unheld", "--drift"], env);
    expect([run.status, run.stderr]).toEqual([1, ""]);
    expect(result(dir, "held")).toEqual({
      stack: "held",
      mode: "drift",
      status: "no-drift",
      counts: { create: 0, update: 0, replace: 0, delete: 0, move: 0 },
      destructive: false,
      capacityWarnings: [],
      exitCodes: { init: 0, plan: 0, show: null, gate: null },
      seconds: expect.any(Number),
    });
    expect(read(dir, "plans", "held", "summary.md")).toBe("### `held`: no drift\n\nWhat AWS holds matches the config.\n");
    expect(result(dir, "unheld")).toMatchObject({ stack: "unheld", mode: "drift", status: "drift", counts: { create: 4 }, exitCodes: { init: 0, plan: 2, show: 0, gate: 0 } });
    const drift = read(dir, "plans", "unheld", "summary.md");
    expect(drift).toMatch(/^### ⚠️ Drift in `unheld`\n\nWhat AWS holds differs from the config: it was changed outside Terraform \(in the console, say\)\. The plan below would put it back; nothing was applied\. Run the apply workflow \(terraform-apply\.yml\) for this stack, or change the config to match\.\n\n### Terraform plan for `unheld`: ✅ plan gate passed\n/);
    expect(drift).toContain("| create | `aws_globalaccelerator_accelerator.accelerator` |  |");
    expect(run.stdout.split("\n").filter((l) => l.startsWith("::error"))).toEqual(["::error title=Drift in unheld::What AWS holds differs from the config; see the job summary."]);
    expect(plain(run.stdout)).toMatch(/\n {2}✅ no drift {2}held: 0 to create, [^\n]*\n {2}⚠️ drift {2}unheld: 4 to create, /);
    // Nothing written to AWS: only reads.
    expect(aws.ga.calls().slice(before).filter((c) => !/^(Describe|List)/.test(c.operation ?? ""))).toEqual([]);
  });
});

describe("plan-stacks stopped (a newer push cancels the run)", () => {
  it("stops Terraform with SIGTERM while it holds the state lock, and Terraform releases it: the next run plans the stack", async () => {
    const { dir, config } = await project(["stopped"]);
    const { bucket, key, lockfile } = loadModel({ SMART_ROUTING_CONFIG: config }).model!.stacks[0].backend;
    expect(lockfile).toBe(true);
    const lock = () => request(aws.s3, "GET", `/${bucket}/${key}.tflock`);
    const env = jobEnv(config);
    const child = spawn(process.execPath, [join(ROOT, "scripts", "plan-stacks.js"), "stopped"], { cwd: dir, env });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    let exited = false;
    const closed = new Promise<number | null>((resolve) => child.on("close", (status) => ((exited = true), resolve(status))));
    // The plan holds the lock (S3 native locking: <key>.tflock) while it refreshes and plans.
    while ((await lock()).status !== 200) {
      if (exited) throw new Error(`plan-stacks ended before the state lock was seen:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGTERM");
    expect(await closed).toBe(1);
    expect(stderr).toBe("plan-stacks: SIGTERM: stopping; Terraform gets SIGTERM and releases its state locks\nplan-stacks: stopped before every stack was planned\n");
    expect((await lock()).status).toBe(404);
    const again = await planStacks(dir, ["stopped"], env);
    expect([again.status, result(dir, "stopped").status]).toEqual([0, "passed"]);
  });
});

describe("plan-stacks usage", () => {
  let made: { dir: string; config: string };
  beforeAll(async () => {
    made = await project(["only"]);
  });

  it("exits 2 for a stack the config does not have, or one not synthesized, planning nothing", async () => {
    const env = jobEnv(made.config);
    const unknown = await planStacks(made.dir, ["only", "nope"], env);
    expect(unknown).toEqual({ status: 2, stdout: "", stderr: 'plan-stacks: no stack named "nope" in this config; its stacks are: only\n' });
    const elsewhere = mkdtempSync(join(tmpdir(), "smart-routing-unsynthesized-"));
    const unsynthesized = await planStacks(elsewhere, ["only"], env);
    expect(unsynthesized).toEqual({
      status: 2,
      stdout: "",
      stderr: `plan-stacks: not synthesized: ${join(elsewhere, "cdktf.out", "stacks", "only", "cdk.tf.json")} missing; run npm run synth first (with the same SMART_ROUTING_CONFIG)\n`,
    });
    expect(await planStacks(made.dir, [], env)).toMatchObject({ status: 2, stderr: expect.stringMatching(/^plan-stacks: name at least one stack to plan\nusage: /) });
    expect(await planStacks(made.dir, ["only", "--concurrency", "0"], env)).toMatchObject({ status: 2, stderr: expect.stringMatching(/^plan-stacks: --concurrency takes a whole number from 1, received "0"\n/) });
    expect(existsSync(join(made.dir, "plans"))).toBe(false);
  });
});
