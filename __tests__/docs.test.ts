// The docs stay true: the README and the guides in docs/ link only to files and headings that exist; every
// `npm run` command and flag they and `help` name exists, asked of each command's own --help (so a flag a
// command gains or loses is known here at once, with no list to keep); `help` names every flag of every
// command; docs/config-reference.md is what `npm run docs` writes, and cannot be written while a rule or
// warning lacks its documentation or a field its description; the README stays short, and its diagram is
// what `npm run diagram` draws for its config.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { configReferenceMarkdown, REGISTRY, referenceProblems, schemaFields } from "../src/docs/config-reference";
import { anchorsOf, brokenLinks, cdktfFlags, flagsOfUsage, helpFlags, markdownFlags, type NamedFlag, scriptsNamed, scriptUsages, slugOf } from "./support/docs-check";
import { ROOT } from "./support/run";

const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const text = (file: string) => readFileSync(join(ROOT, file), "utf8");
const help = text("help");
const scripts = JSON.parse(text("package.json")).scripts as Record<string, string>;

/** The examples scripts/docs.js takes each field's example from, in its order. */
function exampleConfigs() {
  const source = readFileSync(join(ROOT, "scripts", "docs.js"), "utf8");
  const names = JSON.parse(/const EXAMPLES = (\[[^\]]*\]);/.exec(source)![1]) as string[];
  return names.map((name) => ({ name: `examples/${name}`, data: parse(text(`examples/${name}`)) }));
}

describe("docs/config-reference.md", () => {
  it("is what npm run docs writes from the validator (run npm run docs after changing a field, a rule or rule-docs.ts)", () => {
    expect(text("docs/config-reference.md")).toBe(configReferenceMarkdown(exampleConfigs()));
  });

  it("documents every field of the schema with its description, and every rule and warning with its paths, reason and source", () => {
    const fields = schemaFields();
    expect(fields.length).toBeGreaterThan(80);
    expect(referenceProblems(fields)).toEqual([]);
    const reference = text("docs/config-reference.md");
    for (const name of [...REGISTRY.ruleNames, ...REGISTRY.warningNames]) expect(reference).toContain(`### ${name}\n`);
    expect(reference).toContain("### `stacks[].listeners[].endpointGroups[].healthCheck.thresholdCount`\n\nConsecutive checks that turn an endpoint healthy or unhealthy.\n\n- type: integer\n- default: `3`\n- allowed: 1 to 10\n");
  });

  it("cannot be generated while a field has no description", () => {
    const schema = { type: "object", properties: { version: { type: "number", description: "The version." }, stacks: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } } } };
    expect(referenceProblems(schemaFields(schema), { ...REGISTRY, rules: {}, warnings: {}, fields: {}, ruleNames: [], warningNames: [] })).toEqual([
      "stacks: the schema gives this field no description (add .describe() in src/validation/schema.ts)",
      "stacks[].name: the schema gives this field no description (add .describe() in src/validation/schema.ts)",
    ]);
  });

  it("cannot be generated while a rule lacks its entry, paths, reason or source, or the registry names a rule that does not exist", () => {
    const { portRangeInOrder, uniqueStackNames, ...others } = REGISTRY.rules;
    const registry = {
      ...REGISTRY,
      rules: { ...others, uniqueStackNames: { ...uniqueStackNames, paths: [], reason: " " }, portRangesInOrder: { ...portRangeInOrder, source: "" }, watermarksInOrder: { ...others.watermarksInOrder, paths: ["stacks[].autopilot.lowWatermark"] } },
      warnings: { ...REGISTRY.warnings, flowLogsOff: { ...REGISTRY.warnings.flowLogsOff, source: "the developer guide" } },
    };
    const problems = [
      "rule portRangeInOrder (src/validation/rules.ts) has no entry in src/docs/rule-docs.ts",
      "rule uniqueStackNames: no paths",
      "rule uniqueStackNames: no reason",
      'rule portRangesInOrder: no source (an https:// URL or a docs/ guide), received ""',
      "src/docs/rule-docs.ts names rule portRangesInOrder, which src/validation/rules.ts does not export",
      "rule watermarksInOrder: stacks[].autopilot.lowWatermark is no field of the schema",
      'warning flowLogsOff: no source (an https:// URL or a docs/ guide), received "the developer guide"',
    ];
    expect(referenceProblems(schemaFields(), registry).sort()).toEqual([...problems].sort());
    expect(() => configReferenceMarkdown(exampleConfigs(), registry)).toThrow(`the config reference cannot be generated:\n  ${referenceProblems(schemaFields(), registry).join("\n  ")}`);
  });

  it("is refused as stale by npm run docs -- --check, and found up to date", () => {
    const run = spawnSync(process.execPath, ["scripts/docs.js", "--check"], { cwd: ROOT, encoding: "utf8" });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, `${join(ROOT, "docs", "config-reference.md")} is up to date\n`, ""]);
  });
});

describe("links and anchors of README.md and docs/", () => {
  it("point at files and headings that exist", () => {
    expect(DOCS).toEqual(expect.arrayContaining(["README.md", "docs/config-reference.md", "docs/ci.md", "docs/explain-and-capacity.md"]));
    expect(DOCS.flatMap((file) => brokenLinks(file, text(file), ROOT))).toEqual([]);
  });

  it("are checked: a missing file, a missing heading and an anchor into a file that is no Markdown are each found", () => {
    const planted = "# Title\n\n## Two words\n\nSee [a](ci.md#the-plan-gate), [b](#two-words), [c](#three-words), [d](missing.md),\n[e](ci.md#no-such-heading), [f](../help#x), `[g](not-a-link.md)` and <https://example.com>.\n\n```sh\n[h](inside-code.md)\n```\n";
    expect(brokenLinks("docs/planted.md", planted, ROOT)).toEqual([
      "docs/planted.md:5: #three-words: docs/planted.md has no heading #three-words",
      "docs/planted.md:5: missing.md: no file docs/missing.md",
      "docs/planted.md:6: ci.md#no-such-heading: docs/ci.md has no heading #no-such-heading",
      "docs/planted.md:6: ../help#x: an anchor into help, which is no Markdown file",
    ]);
  });

  it("follow GitHub's anchors: code and punctuation dropped, repeated headings numbered", () => {
    expect(slugOf("`stacks[].listeners[].name`")).toBe("stackslistenersname");
    expect(slugOf("Explain and capacity: where each client goes, and whether the GPUs left can carry it")).toBe("explain-and-capacity-where-each-client-goes-and-whether-the-gpus-left-can-carry-it");
    expect(slugOf("Model-server presets")).toBe("model-server-presets");
    expect([...anchorsOf("# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n")]).toEqual(["a", "notes", "notes-1"]);
  });
});

describe("commands and flags the docs and help name", () => {
  const usages = scriptUsages(ROOT);
  const named: NamedFlag[] = [...DOCS.flatMap((file) => markdownFlags(file, text(file))), ...helpFlags(help)];
  const cdktfSubcommands = [...new Set(["deploy", ...named.flatMap((f) => (f.command?.startsWith("cdktf ") ? [f.command.slice("cdktf ".length)] : []))])];
  const cdktf = new Map(cdktfSubcommands.map((sub) => [sub, cdktfFlags(ROOT, sub)]));
  const known = new Set([...[...usages.values()].flatMap((u) => (u === undefined ? [] : [...flagsOfUsage(u)])), ...[...cdktf.values()].flatMap((f) => [...f])]);

  /** Every named flag its command does not have, as "where: command flag". */
  function unknownFlags(flags: readonly NamedFlag[]): string[] {
    return flags.flatMap(({ where, command, flag }) => {
      if (flag === "--help") return [];
      if (command === undefined) return known.has(flag) ? [] : [`${where}: ${flag} is no flag of any command`];
      if (command.startsWith("cdktf ")) return cdktf.get(command.slice("cdktf ".length))?.has(flag) ? [] : [`${where}: ${command} has no ${flag}`];
      const script = command.replace(/^npm run /, "");
      if (command === "npm test" || !(script in scripts)) return [`${where}: ${command} takes no flags the docs may name`];
      const usage = usages.get(script);
      if (usage === undefined) return [`${where}: ${command} is no node script with a --help to check ${flag} against`];
      return flagsOfUsage(usage).has(flag) ? [] : [`${where}: ${command} has no ${flag} (its usage: ${usage.split("\n")[0]})`];
    });
  }

  it("name only npm scripts that exist", () => {
    const unknown = DOCS.flatMap((file) => scriptsNamed(text(file)).filter((s) => !(s in scripts)).map((s) => `${file}: npm run ${s}`));
    expect(unknown).toEqual([]);
  });

  it("name only flags the commands have (each command's own --help)", () => {
    expect(named.length).toBeGreaterThan(60);
    expect(named).toEqual(expect.arrayContaining([{ where: expect.stringMatching(/^docs\/ci\.md:/), command: "npm run plan-gate", flag: "--capacity-strict" }]));
    expect(unknownFlags(named)).toEqual([]);
  });

  it("are checked: a flag its command lacks, a flag of no command and a flag of a command without --help are each found", () => {
    const planted = [
      "Run `npm run schema -- --check --chek`, then `npm run -s explain -- --client Seattle --faill us-east-1`;",
      "`--nonesuch` alone, `npm run lint -- --fix`, `npx cdktf deploy --auto-aprove` and `terraform plan --whatever`.",
      "```sh",
      "npm run stacks -- --json --jsn   # --check here is the comment's",
      "```",
      "```console",
      "$ npm run -s diagram -- --bogus",
      "```",
    ].join("\n");
    expect(unknownFlags(markdownFlags("planted.md", planted)).map((p) => p.replace(/ \(its usage: .*\)$/, ""))).toEqual([
      "planted.md:1: npm run schema has no --chek",
      "planted.md:1: npm run explain has no --faill",
      "planted.md:2: --nonesuch is no flag of any command",
      "planted.md:2: npm run lint is no node script with a --help to check --fix against",
      "planted.md:2: cdktf deploy has no --auto-aprove",
      "planted.md:4: npm run stacks has no --jsn",
      "planted.md:4: npm run stacks has no --check",
    ]);
    expect(unknownFlags(helpFlags("    npm run bench [-- --runs N] [--warmup N]\n                            Time it; terraform plan --lock=false is not its flag.\n"))).toEqual([
      expect.stringMatching(/^help:1: npm run bench has no --warmup /),
    ]);
  });

  it("help names every flag of every command, under that command", () => {
    // Scripts that run one program (deploy:local and destroy:local) share its flags.
    const programOf = (script: string) => scripts[script].replace(/ --?[\w-]+$/, "");
    const documented = new Map<string, Set<string>>();
    for (const { command, flag } of helpFlags(help)) {
      const script = command?.replace(/^npm run /, "");
      if (script === undefined || !(script in scripts)) continue;
      documented.set(programOf(script), new Set([...(documented.get(programOf(script)) ?? []), flag]));
    }
    const missing = [...usages].flatMap(([script, usage]) =>
      usage === undefined ? [] : [...flagsOfUsage(usage)].filter((f) => f !== "--help" && !documented.get(programOf(script))?.has(f)).map((f) => `npm run ${script} ${f}`),
    );
    expect(missing).toEqual([]);
  });
});

describe("README.md", () => {
  const readme = text("README.md");

  it("is at most 200 lines: the rest is in the guides", () => {
    expect(readme.split("\n").length - 1).toBeLessThanOrEqual(200);
  });

  it("shows the diagram npm run diagram draws for the README's config", () => {
    const config = /## A config[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(readme)![1];
    const file = join(mkdtempSync(join(tmpdir(), "smart-routing-docs-")), "readme.yaml");
    writeFileSync(file, config);
    const run = spawnSync(process.execPath, ["scripts/diagram.js"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, SMART_ROUTING_CONFIG: file, SMART_ROUTING_STRICT: undefined } });
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toBe(diagram);
  });

  it("has a row for every npm script in its table of commands", () => {
    const rows = readme.split("\n").filter((line) => line.startsWith("| `npm "));
    const listed = new Set(rows.flatMap((row) => [...row.matchAll(/`npm (?:run (?:-s )?)?([\w-]+(?::[\w-]+)*)/g)].map((m) => m[1])));
    expect(Object.keys(scripts).filter((script) => !listed.has(script))).toEqual([]);
  });

  it("links every guide of docs/", () => {
    const guides = DOCS.filter((f) => f.startsWith("docs/"));
    expect(guides.filter((g) => !readme.includes(`](${g}`))).toEqual([]);
  });
});
