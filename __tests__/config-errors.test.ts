// Every command that reads the config refuses a config it cannot use in the same way: `error: ...` lines
// naming the file, line and column (or the variable), exit 1, nothing written, never a stack trace.
// GIVEN a config that cannot be read, parsed or synthesized, WHEN any command runs, THEN ...
// The same commands refuse an option they do not know the same way too (exit 2), and so do those that
// read no config (schema, docs, build, mutate, bench, local-ga-api).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configFile, ONE_STACK_YAML, projectCopy, ROOT } from "./support/run";

/** A command as users run it, with the place it would write to; `wrote()` says whether anything is there. */
interface Command {
  readonly name: string;
  run(env: NodeJS.ProcessEnv, extraArgs?: readonly string[]): { status: number | null; stdout: string; stderr: string; wrote: boolean };
}

function command(name: string, script: string, args: (out: string) => string[], outEnv: (out: string) => NodeJS.ProcessEnv = () => ({})): Command {
  return {
    name,
    run(env, extraArgs = []) {
      const out = join(mkdtempSync(join(tmpdir(), "smart-routing-out-")), "out");
      const result = spawnSync(process.execPath, [join("scripts", script), ...args(out), ...extraArgs], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, SMART_ROUTING_CONFIG: undefined, SMART_ROUTING_STRICT: undefined, CHECKPOINT_DISABLE: "1", ...outEnv(out), ...env },
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, wrote: existsSync(out) };
    },
  };
}

const COMMANDS: readonly Command[] = [
  command("npm run synth (and cdktf synth, which runs it)", "synth.js", () => [], (out) => ({ CDKTF_OUTDIR: out })),
  command("npm run package", "package.js", () => [], (out) => ({ SMART_ROUTING_PACKAGE_DIR: out })),
  command("npm run diagram", "diagram.js", () => []),
  command("npm run plan-gate", "plan-gate.js", (out) => [join("__tests__", "fixtures", "plans", "listener-moved.json"), "--markdown", out]),
  command("npm run iam-policy", "iam-policy.js", (out) => ["--repo", "acme/smart-routing", "--account", "123456789012", "--out", out]),
  command("npm run plan:local", "plan-local.js", () => [], (out) => ({ SMART_ROUTING_PLAN_DIR: out })),
  command("npm run deploy:local", "deploy-local.js", () => [], (out) => ({ SMART_ROUTING_DEPLOY_DIR: out })),
  command("npm run explain", "explain.js", (out) => ["--markdown", out]),
];

/**
 * A command that writes into the project itself (schema/, dist/, reports/, bench/results/), run in a copy
 * of it; `wrote()` says whether any of `writes` (relative to the copy) is there afterwards.
 */
function commandInCopy(name: string, script: string, writes: readonly string[], copied: readonly string[] = []): Command {
  return {
    name,
    run(env, extraArgs = []) {
      const dir = projectCopy(copied);
      // What a developer's own runs left in the project (bench/results/, say) is not the command's doing.
      for (const w of writes) rmSync(join(dir, w), { recursive: true, force: true });
      const result = spawnSync(process.execPath, [join(dir, script), ...extraArgs], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, SMART_ROUTING_CONFIG: undefined, CHECKPOINT_DISABLE: "1", ...env },
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, wrote: writes.some((w) => existsSync(join(dir, w))) };
    },
  };
}

/** The commands that read no config, each with everything it would write. */
const OTHER_COMMANDS: readonly Command[] = [
  commandInCopy("npm run schema", join("scripts", "schema.js"), [join("schema", "smart-routing.schema.json"), "dist"]),
  commandInCopy("npm run docs", join("scripts", "docs.js"), [join("docs", "config-reference.md"), "dist"], ["examples"]),
  commandInCopy("npm run build", join("scripts", "build.js"), ["dist"]),
  commandInCopy("npm run mutate", join("scripts", "mutate.js"), ["reports", ".stryker-tmp", "stryker"], ["stryker.config.json"]),
  commandInCopy("npm run bench", join("bench", "bench.js"), [join("bench", "results"), "dist"], ["bench"]),
  command("npm run local-ga-api", "local-ga-api.js", (out) => ["--state-file", out, "--call-log", `${out}.log`]),
];

const unresolved = configFile("unresolved.yaml", ONE_STACK_YAML.replace("name: prod\n    backend", "name: *stack-name\n    backend"));
const constructorListener = configFile("constructor.yaml", ONE_STACK_YAML.replace("name: inference", "name: constructor"));

const INPUTS: readonly [what: string, env: NodeJS.ProcessEnv, stderr: string][] = [
  [
    "an alias used before its anchor",
    { SMART_ROUTING_CONFIG: unresolved },
    `error: ${unresolved}:3:11: invalid YAML: alias *stack-name has no anchor &stack-name before it (an anchor must come earlier in the file than its aliases)\n1 error(s); nothing was synthesized.\n`,
  ],
  [
    "a listener named constructor",
    { SMART_ROUTING_CONFIG: constructorListener },
    `error: stacks[0].listeners[0].name: must not be "constructor", a name cdktf cannot give a construct (every JavaScript object already has it); choose another name (${constructorListener}:7:9)\n1 error(s); nothing was synthesized.\n`,
  ],
  [
    "a config file that does not exist",
    { SMART_ROUTING_CONFIG: "missing.yaml" },
    "error: missing.yaml: cannot read the file (ENOENT)\n1 error(s); nothing was synthesized.\n",
  ],
  [
    "SMART_ROUTING_CONFIG set but empty",
    { SMART_ROUTING_CONFIG: "" },
    "error: SMART_ROUTING_CONFIG is set but empty; unset it to use the embedded default config, or set it to a .yaml, .yml or .json file\n1 error(s); nothing was synthesized.\n",
  ],
];

describe.each(COMMANDS.map((c) => [c.name, c] as const))("%s", (_name, cmd) => {
  it.each(INPUTS)("refuses %s with error lines, exit 1, and writes nothing", (_what, env, stderr) => {
    const run = cmd.run(env);
    expect(run.stderr).toBe(stderr);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.wrote).toBe(false);
  });
});

// An option a command does not know is a mistake to report, not a stack name to look for or a word to drop.
describe.each([...COMMANDS, ...OTHER_COMMANDS].map((c) => [c.name, c] as const))("%s with an option it does not know", (_name, cmd) => {
  it("refuses it with exit 2, names it, and writes nothing", () => {
    const run = cmd.run({}, ["--bogus"]);
    const [command] = cmd.name.replace(/^npm run /, "").split(" ");
    expect(run.stderr).toMatch(new RegExp(`^${command}: (Unknown option '--bogus'\\.\\nusage: npm run |unknown flag --bogus )`));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.wrote).toBe(false);
  });
});

// A word after a command that takes none is refused too, not dropped.
describe.each([COMMANDS[0], ...OTHER_COMMANDS.filter((c) => !c.name.endsWith("local-ga-api"))].map((c) => [c.name, c] as const))("%s with an argument", (_name, cmd) => {
  it("refuses it with exit 2, names it, and writes nothing", () => {
    const run = cmd.run({}, ["extra"]);
    expect(run.stderr).toMatch(/^\S+: Unexpected argument 'extra'\.\nusage: npm run /);
    expect([run.status, run.stdout, run.wrote]).toEqual([2, "", false]);
  });
});

describe.each(
  [...COMMANDS, ...OTHER_COMMANDS].filter((c) => !c.name.endsWith("local-ga-api")).map((c) => [c.name, c] as const),
)("%s --help", (_name, cmd) => {
  it("prints the usage, exits 0, and runs nothing", () => {
    const run = cmd.run({}, ["--help"]);
    expect(run.stdout).toMatch(/^usage: npm run (-s )?[\w:-]+( -- .*| \(no options: .*\))\n\(see help, the command reference, and README\.md\)\n$/);
    expect([run.status, run.stderr, run.wrote]).toEqual([0, "", false]);
  });
});

describe("SMART_ROUTING_CONFIG", () => {
  it("of only blanks is as empty as an empty one", () => {
    const run = COMMANDS[0].run({ SMART_ROUTING_CONFIG: "  " });
    expect(run.stderr).toMatch(/^error: SMART_ROUTING_CONFIG is set but empty; /);
    expect(run.status).toBe(1);
  });
});
