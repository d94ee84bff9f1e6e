// What __tests__/docs.test.ts reads in the README, docs/*.md and `help`: links and heading anchors as
// GitHub renders them, and the commands and flags they name, each attributed to the command it belongs to.
// Pure functions over text, so that the test can also prove each check fails on a planted mistake.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** A Markdown file's lines with fenced code blocks marked, each with its fence's info string. */
interface Line {
  readonly text: string;
  readonly number: number;
  /** The info string of the fenced block the line is in ("" for a fence without one), or undefined outside. */
  readonly fence?: string;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let fence: string | undefined;
  text.split("\n").forEach((line, i) => {
    const opening = /^\s*```(.*)$/.exec(line);
    if (opening && fence === undefined) {
      fence = opening[1].trim();
      return;
    }
    if (/^\s*```\s*$/.test(line) && fence !== undefined) {
      fence = undefined;
      return;
    }
    lines.push({ text: line, number: i + 1, fence });
  });
  return lines;
}

/** Text without inline code spans (links inside them are not links). */
function withoutCode(text: string): string {
  return text.replace(/`[^`]*`/g, "");
}

/** GitHub's anchor of a heading: its text as rendered, lower case, punctuation dropped, spaces as hyphens. */
export function slugOf(heading: string): string {
  const rendered = heading
    .replace(/`([^`]*)`/g, "$1")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "");
  return rendered
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a Markdown file's headings give, with GitHub's -1, -2 for repeated ones. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of linesOf(markdown)) {
    if (line.fence !== undefined) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line.text);
    if (!heading) continue;
    const slug = slugOf(heading[1]);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

export interface Link {
  readonly line: number;
  readonly target: string;
}

/** Every Markdown link and image of a file outside code, by its target. */
export function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  for (const line of linesOf(markdown)) {
    if (line.fence !== undefined) continue;
    for (const match of withoutCode(line.text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ line: line.number, target: match[1] });
  }
  return links;
}

/**
 * Every broken relative link of a file: a target that does not exist, or an anchor its file's headings do
 * not give. `read` returns a Markdown file's text (relative to the project), or undefined for none.
 */
export function brokenLinks(file: string, markdown: string, root: string): string[] {
  const problems: string[] = [];
  for (const { line, target } of linksOf(markdown)) {
    if (/^[a-z][a-z+.-]*:/i.test(target)) continue;
    const [path, anchor] = target.split("#", 2) as [string, string | undefined];
    if (path === "") {
      if (anchor !== undefined && !anchorsOf(markdown).has(anchor)) problems.push(`${file}:${line}: ${target}: ${file} has no heading #${anchor}`);
      continue;
    }
    const resolved = join(root, dirname(file), decodeURIComponent(path));
    const shown = relative(root, resolved) || ".";
    if (!resolved.startsWith(root)) {
      problems.push(`${file}:${line}: ${target} points outside the project`);
      continue;
    }
    if (!existsSync(resolved)) {
      problems.push(`${file}:${line}: ${target}: no file ${shown}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!resolved.endsWith(".md") || statSync(resolved).isDirectory()) {
      problems.push(`${file}:${line}: ${target}: an anchor into ${shown}, which is no Markdown file`);
      continue;
    }
    if (!anchorsOf(readFileSync(resolved, "utf8")).has(anchor)) problems.push(`${file}:${line}: ${target}: ${shown} has no heading #${anchor}`);
  }
  return problems;
}

/** A flag named in the docs, with the command it was named for. */
export interface NamedFlag {
  readonly where: string;
  /** "npm run <script>", "cdktf <subcommand>", or undefined for a flag named alone (`--fail`). */
  readonly command: string | undefined;
  readonly flag: string;
}

/** Words that start another program's command line: its flags are not the project's. */
const OTHER_PROGRAM = /\b(?:terraform|tsc|jest|eslint|node|bash|git|aws|sha256sum|apt-get|pipx)\s/;
/** A script's name: words joined by hyphens or colons (a colon at its end is the sentence's). */
const SCRIPT = "[\\w-]+(?::[\\w-]+)*";

/**
 * The commands and flags of one command line or one stretch of prose: each flag belongs to the `npm run`
 * or `cdktf` command before it, until a clause ends (",", ";", ":", "(", ")", ". ") or another program
 * starts; a line of `help` carries its entry's command over (`owner`).
 */
export function flagsOfText(text: string, where: string, owner?: string): { flags: NamedFlag[]; owner: string | undefined } {
  const flags: NamedFlag[] = [];
  let command = owner;
  const token = new RegExp(`npm run (?:-s |--silent )?(${SCRIPT})|npm test\\b|(?:npx )?cdktf ([a-z]+)|--([a-z][a-z0-9-]*)|([,;:()]|\\.\\s|\\|\\||&&|\\||#\\s)`, "g");
  let clauseOwner = command;
  let lastEnd = 0;
  for (const match of text.matchAll(token)) {
    // Another program named since the last token takes the flags after it, until the clause ends.
    if (OTHER_PROGRAM.test(text.slice(lastEnd, match.index))) clauseOwner = "other";
    lastEnd = match.index + match[0].length;
    if (match[1] !== undefined) command = clauseOwner = `npm run ${match[1]}`;
    else if (match[0].startsWith("npm test")) command = clauseOwner = "npm test";
    else if (match[2] !== undefined) clauseOwner = `cdktf ${match[2]}`;
    else if (match[3] !== undefined) {
      if (clauseOwner !== "other") flags.push({ where, command: clauseOwner, flag: `--${match[3]}` });
    } else clauseOwner = command;
  }
  return { flags, owner: command };
}

/** Every `npm run` script a text names. */
export function scriptsNamed(text: string): string[] {
  return [...text.matchAll(new RegExp(`npm run (?:-s |--silent )?(${SCRIPT})`, "g"))].map((m) => m[1]);
}

/**
 * The flags a Markdown file names: in code spans and lines of code blocks, each attributed to its command
 * (a span of flags alone, such as `--fail`, to none); console blocks are left to readme-examples.test.ts,
 * which runs them (they show refused flags on purpose).
 */
export function markdownFlags(file: string, markdown: string): NamedFlag[] {
  const flags: NamedFlag[] = [];
  for (const line of linesOf(markdown)) {
    if (line.fence === "console" || line.fence === "yaml" || line.fence === "mermaid" || line.fence === "ini") continue;
    const pieces = line.fence !== undefined ? [line.text] : [...line.text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    for (const piece of pieces) {
      const where = `${file}:${line.number}`;
      // A line of another program (`bash --noprofile`, `cd ...`, `terraform ...`) names that program's flags.
      const other = /^\s*(?![A-Z_]+=|npm\b|npx\b|cdktf\b|--)[a-z]/.test(piece) ? "other" : undefined;
      const found = flagsOfText(piece, where, other).flags;
      flags.push(...(piece.trimStart().startsWith("--") ? found.map((f) => ({ ...f, command: undefined })) : found));
    }
  }
  return flags;
}

/** The flags `help` names, each attributed to the command of its entry (an indented `npm run ...` line). */
export function helpFlags(help: string): NamedFlag[] {
  const flags: NamedFlag[] = [];
  let owner: string | undefined;
  help.split("\n").forEach((text, i) => {
    // An entry starts at a command in the first column of its section; its description lines carry it on.
    if (/^ {4}(?:npm |npx |\.github|cd |terraform )/.test(text)) owner = undefined;
    if (/^\s*$/.test(text) || /^ {2}\S/.test(text)) owner = undefined;
    const result = flagsOfText(text, `help:${i + 1}`, owner);
    flags.push(...result.flags);
    owner = result.owner;
  });
  return flags;
}

/** The flags a usage text shows. */
export function flagsOfUsage(usage: string): Set<string> {
  return new Set([...usage.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]));
}

/**
 * Each npm script's own usage (its --help), asked of the script itself, so that a flag added to a command
 * is known here the moment the command has it. Scripts that are not one node program (test, lint, ...)
 * have none: the docs may name them, but no flag of theirs.
 */
export function scriptUsages(root: string): Map<string, string | undefined> {
  const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts as Record<string, string>;
  const usages = new Map<string, string | undefined>();
  for (const [name, line] of Object.entries(scripts)) {
    const program = /^node ([\w/.-]+\.js)((?: --?[\w-]+)*)$/.exec(line);
    if (!program) {
      usages.set(name, undefined);
      continue;
    }
    const run = spawnSync(process.execPath, [program[1], ...program[2].split(" ").filter(Boolean), "--help"], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    if (run.status !== 0) throw new Error(`npm run ${name} --help exited ${run.status}: ${run.stderr}`);
    // npm run destroy:local is deploy-local.js --destroy: the flag its script line gives is its own too.
    usages.set(name, `${run.stdout}${program[2]}`);
  }
  return usages;
}

/** The cdktf CLI's flags of one subcommand, from its own --help. */
export function cdktfFlags(root: string, subcommand: string): Set<string> {
  const run = spawnSync(join(root, "node_modules", ".bin", "cdktf"), [subcommand, "--help"], { cwd: root, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1", NO_COLOR: "1" } });
  if (run.status !== 0) throw new Error(`cdktf ${subcommand} --help exited ${run.status}: ${run.stderr}`);
  return flagsOfUsage(run.stdout);
}
