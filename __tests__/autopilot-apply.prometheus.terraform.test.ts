// The autopilot beside a real apply: examples/autopilot.yaml applied with real Terraform and the real
// provider (moto for the state and the parameter the stack publishes, the local Global Accelerator API),
// then `npm run autopilot -- --once` as its own process (reading that parameter, a real Prometheus's
// backfilled samples at --at) sheds the saturated region, and the next plan is empty; an operator's drain
// through traffic_dials applies without touching the steered dial, `--clamp` lowers it, and the plan
// with the same variables is empty again. (The parameter's own contract is autopilot-plan.terraform.test.ts.)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { endpointGroupIn, prepare, startLocalAws, terraform, type Deployment, type LocalAws } from "./support/deploy";
import { FAKE_KEYS, vllmSeries } from "./support/autopilot-live";
import { ROOT } from "./support/run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { startPrometheus } = require("../scripts/lib/prometheus-server");
/* eslint-enable @typescript-eslint/no-require-imports */

const T = 1_790_000_000;
const NAME = "autopilot-demo";
const DRAIN = ['-var', 'traffic_dials={"chat/us-west-2"=0}'];

let aws: LocalAws;
let d: Deployment;
let prometheus: { url: string; stop(): Promise<void> };
let configFile: string;

beforeAll(async () => {
  const series = ["us-east-1", "us-west-2", "eu-west-1"].map((region) => vllmSeries({ region }, () => (region === "us-east-1" ? 20 : 1), T - 300, T + 300));
  prometheus = await startPrometheus({ backfill: ["# TYPE vllm:num_requests_waiting gauge\n", ...series.map((s) => s.waiting), "# TYPE vllm:num_requests_running gauge\n", ...series.map((s) => s.running), "# EOF\n"].join("") });
  aws = await startLocalAws(0);
  const config = parse(readFileSync(join(ROOT, "examples", "autopilot.yaml"), "utf8"));
  configFile = join(mkdtempSync(join(tmpdir(), "smart-routing-autopilot-apply-")), "config.json");
  writeFileSync(configFile, JSON.stringify(config));
  d = await prepare(aws, config, NAME);
  const init = await terraform(d, ["init", "-input=false", "-no-color"]);
  if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stdout}${init.stderr}`);
  const apply = await terraform(d, ["apply", "-auto-approve", "-input=false", "-no-color"]);
  if (apply.status !== 0) throw new Error(`terraform apply failed:\n${apply.stdout}${apply.stderr}`);
});
afterAll(async () => {
  await aws?.stop();
  await prometheus?.stop();
});

function autopilot(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env = { ...d.env, AWS_ACCESS_KEY_ID: FAKE_KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_KEYS.secretAccessKey, SMART_ROUTING_CONFIG: configFile, SMART_ROUTING_PROMETHEUS_URL: prometheus.url };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/autopilot.js", ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (x) => (stdout += x));
    child.stderr.on("data", (x) => (stderr += x));
    child.on("error", reject);
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

const dial = (region: string): number => endpointGroupIn(aws, NAME, region).TrafficDialPercentage;

describe("the autopilot beside a real apply", () => {
  it("sheds from the published parameter, and the plan after its move is empty", async () => {
    const applied = await terraform(d, ["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    expect(applied.status).toBe(0); // the apply converged before the autopilot moved anything
    const run = await autopilot(["--once", "--json", "--at", String(T)]);
    expect(run.stderr).toMatch(/^\{"time":.*"event":"change".*"group":"chat\/us-east-1"/);
    expect(run.status).toBe(0);
    const east = JSON.parse(run.stdout).decisions.find((x: { region: string }) => x.region === "us-east-1");
    expect(east).toEqual(expect.objectContaining({ stack: NAME, from: 100, ceiling: 100, action: "shed", signal: 20 }));
    expect(dial("us-east-1")).toBe(east.to);
    expect(east.to).toBeLessThan(100);
    const plan = await terraform(d, ["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    expect(plan.stdout).toContain("No changes.");
    expect(plan.status).toBe(0);
  });

  it("an operator's drain is applied as a ceiling, --clamp writes it, and the plan with the same variables is empty", async () => {
    const apply = await terraform(d, ["apply", "-auto-approve", "-input=false", "-no-color", ...DRAIN]);
    expect(apply.status).toBe(0);
    // ignore_changes: Terraform changed the published ceiling, not the steered dial.
    expect(dial("us-west-2")).toBe(100);
    const clamp = await autopilot(["--clamp", "--json", "--at", String(T + 120)]);
    expect(clamp.status).toBe(0);
    const west = JSON.parse(clamp.stdout).decisions.find((x: { region: string }) => x.region === "us-west-2");
    expect(west).toEqual(expect.objectContaining({ from: 100, to: 0, ceiling: 0, action: "shed", reason: "above its ceiling 0 (drained by the operator): lowered to it at once" }));
    expect(dial("us-west-2")).toBe(0);
    const plan = await terraform(d, ["plan", "-detailed-exitcode", "-input=false", "-no-color", ...DRAIN]);
    expect(plan.stdout).toContain("No changes.");
    expect(plan.status).toBe(0);
  });
});
