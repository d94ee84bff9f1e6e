// npm run autopilot:local, for real and in real time (with the one smoke test, the only autopilot tests that
// are): deploy:local of examples/autopilot.yaml on moto and the local Global Accelerator API, fake vLLM
// servers under the default scenario, a real Prometheus, the autopilot as its own process, SIGTERM, and
// the plan afterwards. The run waits on its own events (data, ticks, exits), never on a sleep here.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support/run";

function rehearse(args: string[], dir: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/autopilot-local.js", ...args], { cwd: ROOT, env: { ...process.env, SMART_ROUTING_CONFIG: undefined, SMART_ROUTING_AUTOPILOT_LOCAL_DIR: dir } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("npm run autopilot:local", () => {
  it("sheds the saturated region, restores it, writes the report and its chart, and ends with an empty plan", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "smart-routing-rehearsal-")), "work");
    const run = await rehearse([], dir);
    expect(run.stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?trace-warnings[^\n]*\n/g, "")).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    const reportFile = join(dir, "report.json");
    expect(lines[lines.length - 1]).toBe(reportFile);
    expect(run.stdout).toContain("terraform plan -detailed-exitcode after the rehearsal: no changes");
    expect(run.stdout).toMatch(/\n\s+\+[\d.]+s {2}shed {4}chat\/us-east-1: dial 100 -> /);

    const report = JSON.parse(readFileSync(reportFile, "utf8"));
    expect(report.plan).toBe("no changes");
    type D = { region: string; from: number; to: number; ceiling: number; action: string; signal: number | null };
    const east = (report.ticks as { at: number; decisions: D[] }[]).map((t) => ({ at: t.at, ...t.decisions.find((d) => d.region === "us-east-1")! }));
    const sheds = east.filter((d) => d.action === "shed" && d.to < d.from);
    const restores = east.filter((d) => d.action === "restore" && d.to > d.from);
    expect(sheds.length).toBeGreaterThan(0);
    expect(restores.length).toBeGreaterThan(0);
    // Shed after the saturation began (10 s), restored after it cleared (70 s), and back at the ceiling.
    expect(sheds[0].at).toBeGreaterThan(10);
    expect(restores[0].at).toBeGreaterThan(70);
    expect(Math.max(...sheds.map((d) => d.at))).toBeLessThan(restores[0].at);
    expect(east[east.length - 1].to).toBe(100);
    // The neighbours were never shed, and every change is an UpdateEndpointGroup call the API answered.
    const others = report.ticks.flatMap((t: { decisions: D[] }) => t.decisions.filter((d) => d.region !== "us-east-1"));
    expect(others.every((d: D) => d.to === d.from)).toBe(true);
    expect(report.updateEndpointGroupCalls.length).toBe(sheds.length + restores.length);
    expect(report.updateEndpointGroupCalls.every((c: { status: number }) => c.status === 200)).toBe(true);
    // Each tick as --json prints it, with its time from the start.
    expect(Object.keys(report.ticks[0]).sort()).toEqual(["at", "decisions"]);
    expect(Object.keys(report.ticks[0].decisions[0]).sort()).toEqual(["action", "ceiling", "from", "listener", "reason", "region", "sampleAgeSeconds", "signal", "stack", "to"]);

    const html = readFileSync(join(dir, "report.html"), "utf8");
    const titles = [...html.matchAll(/<text[^>]*class="title">([^<]*)</g)].map((m) => m[1]);
    expect(titles).toEqual(["autopilot-demo chat/us-east-1", "autopilot-demo chat/us-west-2", "autopilot-demo chat/eu-west-1"]);
    expect(html).not.toMatch(/<script|<link |src="http/);
    expect(html).toContain("Plan after the rehearsal: <strong>no changes</strong>");
  });

  it("refuses a scenario it cannot use before starting anything, naming every problem (exit 2)", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "smart-routing-rehearsal-")), "work");
    const scenario = join(dir, "..", "scenario.yaml");
    writeFileSync(scenario, "- { at: 5, region: mars-1, waiting: 1, running: 1, replicas: 1 }\n- { at: -1, region: us-east-1, waiting: 1, running: 1, replicas: 0 }\n");
    const run = await rehearse(["--scenario", scenario], dir);
    expect(run.stderr).toBe(
      `autopilot:local: the scenario ${scenario} is not usable:\n` +
        "  step 1: region \"mars-1\" is not one of the config's steered regions (us-east-1, us-west-2, eu-west-1)\n" +
        "  step 2: at must be a number >= 0, received -1\n" +
        "  step 2: replicas must be a whole number >= 1, received 0\n",
    );
    expect(run.status).toBe(2);
    expect(existsSync(dir)).toBe(false);
  });
});
