// npm run autopilot's command line, as a process: bad input is one "autopilot: ..." line (with the usage for
// a flag), nothing done, exit 2; a stack without steered groups is nothing to do, exit 0; an invalid config
// is reported as every command reports it, exit 1. What it does with real parts is in
// autopilot-runner.prometheus.terraform.test.ts.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./support/run";

const EXAMPLE = join(ROOT, "examples", "autopilot.yaml");
const USAGE =
  "usage: npm run autopilot -- [stack ...] [--once] [--dry-run] [--json] [--clamp | --reset] [--pause <listener/region> --reason <text> | --resume <listener/region>] [--metrics-port N] [--holder NAME] [--at <epoch seconds>]";

/** `config` null: the embedded default config. */
function autopilot(args: string[], config: string | null = EXAMPLE) {
  // No AWS or Prometheus endpoint is reachable here: any call that got that far would fail, not pass.
  const env = { ...process.env, SMART_ROUTING_CONFIG: config ?? undefined, SMART_ROUTING_PROMETHEUS_URL: "http://127.0.0.1:9", AWS_ENDPOINT_URL: "http://127.0.0.1:9" };
  return spawnSync(process.execPath, ["scripts/autopilot.js", ...args], { cwd: ROOT, encoding: "utf8", env });
}

describe("npm run autopilot's command line", () => {
  it.each([
    ["an unknown flag", ["--bogus"], `autopilot: Unknown option '--bogus'.\n${USAGE}\n`],
    ["an unknown stack", ["nope"], 'autopilot: no stack named "nope" in this config; its stacks are: autopilot-demo\n'],
    ["--clamp with --reset", ["--clamp", "--reset"], `autopilot: --clamp and --reset go alone: --clamp lowers dials above their ceilings, --reset puts every dial at its ceiling\n${USAGE}\n`],
    ["--pause without --reason", ["--pause", "chat/us-east-1"], `autopilot: --pause needs --reason <text>: the next operator reads why the group is held\n${USAGE}\n`],
    ["--reason without --pause", ["--reason", "x"], `autopilot: --reason goes with --pause\n${USAGE}\n`],
    ["--pause and --resume", ["--pause", "chat/us-east-1", "--reason", "x", "--resume", "chat/us-east-1"], `autopilot: --pause and --resume go alone\n${USAGE}\n`],
    [
      "--pause with --once",
      ["--pause", "chat/us-east-1", "--reason", "x", "--once"],
      `autopilot: --pause and --resume change one group's hold and run no tick: give them without --once, --dry-run, --json, --clamp, --reset or --metrics-port\n${USAGE}\n`,
    ],
    ["a malformed group", ["--resume", "us-east-1"], 'autopilot: --resume takes a group as <listener>/<region> (the traffic_dials key), e.g. chat/us-east-1; received "us-east-1"\n'],
    ["a group not steered", ["--pause", "chat/us-east-9", "--reason", "x"], 'autopilot: no steered group "chat/us-east-9" in autopilot-demo; steered groups: chat/us-east-1, chat/us-west-2, chat/eu-west-1\n'],
    ["a bad metrics port", ["--metrics-port", "70000"], 'autopilot: --metrics-port takes a port from 0 (any free one) to 65535, received "70000"\n'],
    ["--at without a one-off run", ["--at", "1800000000"], `autopilot: --at replays one tick: give it with --once, --clamp or --reset\n${USAGE}\n`],
    ["a bad --at", ["--once", "--at", "yesterday"], 'autopilot: --at takes a time in epoch seconds (e.g. 1796298154.5), received "yesterday"\n'],
  ])("refuses %s with exit 2 and one line", (_, args, stderr) => {
    const run = autopilot(args);
    expect(run.stderr).toBe(stderr);
    expect(run.stdout).toBe("");
    expect(run.status).toBe(2);
  });

  it("--clamp for a config whose stacks steer nothing succeeds doing nothing (the apply workflow runs it for every stack)", () => {
    const run = autopilot(["--clamp"], null);
    expect(run.stderr).toBe("autopilot: smart-routing steers no endpoint group (no autopilot settings on the stack or its groups): nothing to do\n");
    expect(run.stdout).toBe("");
    expect(run.status).toBe(0);
  });

  it("reports an invalid config as every command does, exit 1", () => {
    const run = autopilot(["--once"], join(ROOT, "no-such-config.yaml"));
    expect(run.stderr).toMatch(/^error: /);
    expect(run.status).toBe(1);
  });

  it("--help prints the usage and runs nothing", () => {
    const run = autopilot(["--help"]);
    expect(run.stdout).toBe(`${USAGE}\n(see help, the command reference, and README.md)\n`);
    expect(run.status).toBe(0);
  });
});
