// The README and the guides in docs/ show what commands print exactly as they print it: every ```console
// block of README.md and docs/*.md is run here and
// its output compared line by line ("..." stands for any lines, a line ending in "..." for any line that
// starts like it). In a block, `$ cat <file>` followed by
// lines is a file the next commands use (written to a folder of the test's own); `$ [VAR=value ...] npm
// run [-s] <script> [-- args]` runs for real, from the project folder, with its outputs sent to a folder
// of the test's own; a command that cannot run here (Terraform against AWS) must be listed in RECORDED
// with the recorded file it stands for. Anything else in a block fails the test.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support/run";

interface Step {
  readonly command: string;
  readonly output: string[];
}

/** Commands the docs show that need Terraform and an AWS account, and the recorded file each one's result is. */
const RECORDED: Record<string, { file: string; recorded: string }> = {
  // __tests__/fixtures/plans/README.md: recorded from exactly this plan of examples/llm-multi-region.yaml.
  [`terraform plan -var 'traffic_dials={"chat/us-east-1"=0}' -out=tfplan && terraform show -json tfplan > plan.json`]: {
    file: "plan.json",
    recorded: join("__tests__", "fixtures", "plans", "llm-drain-us-east-1.json"),
  },
};

/** Every ```console block of a Markdown file, as its steps, with the line it starts on. */
function consoleBlocks(file: string, text: string): { file: string; line: number; steps: Step[] }[] {
  const lines = text.split("\n");
  const blocks: { file: string; line: number; steps: Step[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```console") continue;
    const steps: Step[] = [];
    const start = i + 1;
    for (i++; lines[i] !== "```"; i++) {
      if (lines[i].startsWith("$ ")) steps.push({ command: lines[i].slice(2), output: [] });
      else if (steps.length === 0) throw new Error(`${file}:${i + 1}: a console block must start with a "$ " command`);
      else steps[steps.length - 1].output.push(lines[i]);
    }
    blocks.push({ file, line: start, steps });
  }
  return blocks;
}

/**
 * Whether `actual` matches `expected`, where a line "..." (indented or not) matches any lines, none
 * included, and a line ending in "..." matches one line that starts with what comes before it.
 */
function matches(expected: readonly string[], actual: readonly string[]): boolean {
  if (expected.length === 0) return actual.length === 0;
  if (expected[0].trim() === "...") return actual.some((_, skip) => matches(expected.slice(1), actual.slice(skip))) || matches(expected.slice(1), []);
  return actual.length > 0 && lineMatches(expected[0], actual[0]) && matches(expected.slice(1), actual.slice(1));
}

function lineMatches(expected: string, actual: string): boolean {
  return expected.endsWith("...") ? actual.startsWith(expected.slice(0, -3)) : expected === actual;
}

/** Runs one `[VAR=value ...] npm run ...` step in the project folder; files the block wrote are in `dir`. */
function runNpm(command: string, dir: string, files: Set<string>): string[] {
  if (/['"\\|&;<>$`]/.test(command)) throw new Error(`the test cannot run this command of the docs: ${command}`);
  const words = command.split(/\s+/);
  const env: NodeJS.ProcessEnv = {};
  while (/^[A-Z_]+=/.test(words[0])) {
    const [name, value] = words.shift()!.split(/=(.*)/s);
    env[name] = files.has(value) ? join(dir, value) : value;
  }
  if (words[0] !== "npm" || words[1] !== "run") throw new Error(`the test cannot run this README command: ${command}`);
  const args = words.slice(1).map((w) => (files.has(w) ? join(dir, w) : w));
  const run = spawnSync("npm", args, {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      ...process.env,
      SMART_ROUTING_CONFIG: undefined,
      SMART_ROUTING_STRICT: undefined,
      // Whatever a command would write goes to the test's folder, never into the project.
      CDKTF_OUTDIR: join(dir, "cdktf.out"),
      SMART_ROUTING_PACKAGE_DIR: join(dir, "packages"),
      SMART_ROUTING_PLAN_DIR: join(dir, "plan-local"),
      SMART_ROUTING_DEPLOY_DIR: join(dir, "deploy-local"),
      CHECKPOINT_DISABLE: "1",
      NO_COLOR: "1",
      npm_config_update_notifier: "false",
      ...env,
    },
  });
  // As a terminal shows it, with the block's files named as the README names them.
  const output = `${run.stdout}${run.stderr}`.split(`${dir}/`).join("");
  return output.replace(/\n$/, "").split("\n");
}

/** The README and the guides, relative to the project. */
const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const blocks = DOCS.flatMap((file) => consoleBlocks(file, readFileSync(join(ROOT, file), "utf8")));

describe("the console blocks of README.md and docs/", () => {
  it("are there to check (the error examples among them)", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(blocks.flatMap((b) => b.steps.map((s) => s.command))).toEqual(expect.arrayContaining(["SMART_ROUTING_CONFIG=bad.yaml npm run -s synth", "npm run -s diagram -- --bogus"]));
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))("block at %s prints what it shows", (_where, block) => {
    const dir = mkdtempSync(join(tmpdir(), "smart-routing-readme-"));
    const files = new Set<string>();
    for (const step of block.steps) {
      const cat = /^cat (\S+)$/.exec(step.command);
      const recorded = RECORDED[step.command];
      if (cat) {
        writeFileSync(join(dir, cat[1]), `${step.output.join("\n")}\n`);
        files.add(cat[1]);
      } else if (recorded) {
        copyFileSync(join(ROOT, recorded.recorded), join(dir, recorded.file));
        files.add(recorded.file);
        expect(step.output).toEqual([]);
      } else {
        const actual = runNpm(step.command, dir, files);
        // On a mismatch, the whole output is shown beside what the README says.
        if (!matches(step.output, actual)) expect({ command: step.command, output: actual }).toEqual({ command: step.command, output: step.output });
      }
    }
  });
});
