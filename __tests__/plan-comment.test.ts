// The pull request's plan comment (scripts/lib/plan-comment.js and `npm run plan-comment`): table first,
// failing and destructive stacks first, and always within GitHub's 65,536 characters, saying exactly what
// it left out.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support/run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { renderComment, COMMENT_LIMIT, MARKER } = require("../scripts/lib/plan-comment");
/* eslint-enable @typescript-eslint/no-require-imports */

type Status = "passed" | "failed" | "no-plan" | "drift" | "no-drift";
interface Counts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  move: number;
}
interface Report {
  result: { stack: string; status: Status; counts: Counts | null; destructive: boolean; capacityWarnings: { listener: string; region: string }[] };
  summary: string;
}

const counts = (c: Partial<Counts> = {}): Counts => ({ create: 0, update: 0, replace: 0, delete: 0, move: 0, ...c });
function report(stack: string, status: Status, c: Counts | null, summary?: string, capacityWarnings: { listener: string; region: string }[] = []): Report {
  return {
    result: { stack, status, counts: c, destructive: c !== null && c.replace + c.delete > 0, capacityWarnings },
    summary: summary ?? `### Terraform plan for \`${stack}\`: ${status === "passed" ? "✅ plan gate passed" : "❌ plan gate failed"}\n\nsummary of ${stack}\n`,
  };
}
const reports = (...list: Report[]) => new Map(list.map((r) => [r.result.stack, r]));
const RUN = "https://github.com/acme/smart-routing/actions/runs/4242";

/** The table's rows: the stack and the verdict of each, in order. */
const tableRows = (body: string) => [...body.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)].map((m) => ({ stack: m[1], verdict: m[2].trim() }));

describe("the plan comment", () => {
  it("for one stack: the marker, the heading, the table, its details folded, the run", () => {
    const body = renderComment({ stacks: ["edge"], reports: reports(report("edge", "passed", counts({ create: 3 }))), head: "a".repeat(40), runUrl: RUN });
    expect(body).toBe(
      [
        MARKER,
        `## Terraform plan of 1 of 1 stack at ${"a".repeat(40)}`,
        "",
        "1 stack with other changes.",
        "",
        "| Stack | Verdict | Create | Update | Replace | Delete | Capacity warnings |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        "| `edge` | ✅ passed | 3 | 0 | 0 | 0 | – |",
        "",
        "<details><summary><code>edge</code> ✅ passed: 3 to create, 0 to update, 0 to move</summary>",
        "",
        "### Terraform plan for `edge`: ✅ plan gate passed",
        "",
        "summary of edge",
        "",
        "</details>",
        "",
        `[The run](${RUN})`,
        "",
      ].join("\n"),
    );
  });

  it("says how many stacks of the config were planned, at which head and base", () => {
    const body = renderComment({ stacks: ["a", "b"], reports: reports(report("a", "passed", counts()), report("b", "passed", counts())), head: "h1", base: "b0", total: 300 });
    expect(body.split("\n").slice(0, 4)).toEqual([MARKER, "## Terraform plan of 2 of 300 stacks at h1 (base b0)", "", "The synthesized Terraform of the other 298 stacks is the same as the base's: not planned."]);
  });

  it("orders failing and resultless stacks first, destructive next, then other changes, then none, each in the given order; failing and destructive details open", () => {
    const body = renderComment({
      stacks: ["quiet", "grows", "drops", "broken", "lost", "replaces", "unplanned"],
      reports: reports(
        report("quiet", "passed", counts()),
        report("grows", "passed", counts({ create: 2 })),
        report("drops", "passed", counts({ delete: 1 })),
        report("broken", "failed", counts({ replace: 1 })),
        report("replaces", "passed", counts({ replace: 2, update: 1 }), undefined, [{ listener: "inference", region: "us-east-1" }]),
        report("unplanned", "no-plan", null, "### Terraform plan for `unplanned`: ❌ no plan\n\nTerraform failed before the plan gate could run; see the log of this job.\n"),
      ),
      head: "h",
    });
    expect(tableRows(body)).toEqual([
      { stack: "broken", verdict: "❌ failed" },
      { stack: "lost", verdict: "❌ no result" },
      { stack: "unplanned", verdict: "❌ no plan" },
      { stack: "drops", verdict: "✅ passed" },
      { stack: "replaces", verdict: "✅ passed" },
      { stack: "grows", verdict: "✅ passed" },
      { stack: "quiet", verdict: "✅ passed" },
    ]);
    expect(body).toContain("| `lost` | ❌ no result | – | – | – | – | – |");
    expect(body).toContain("| `unplanned` | ❌ no plan | – | – | – | – | – |");
    expect(body).toContain("| `replaces` | ✅ passed | 0 | 1 | **2** | 0 | ⚠️ inference/us-east-1 |");
    expect(body).toContain("3 stacks failing or without a result, 2 stacks destructive, 1 stack with other changes, 1 stack without changes.");
    // Details in the table's order; open for the first five, folded for the rest.
    const headings = [...body.matchAll(/^### Terraform plan for `([^`]+)`/gm)].map((m) => m[1]);
    expect(headings).toEqual(["broken", "lost", "unplanned", "drops", "replaces", "grows", "quiet"]);
    expect(body).toContain("### Terraform plan for `lost`: ❌ no result\n\nIts plan job reported nothing.\n");
    expect([...body.matchAll(/<summary><code>([^<]+)<\/code>/g)].map((m) => m[1])).toEqual(["grows", "quiet"]);
    expect(body.indexOf("| Stack |")).toBeLessThan(body.indexOf("### Terraform plan for"));
  });

  it("names the removed stacks before the table, with whether each removal was acknowledged", () => {
    const body = renderComment({
      stacks: ["a"],
      reports: reports(report("a", "passed", counts())),
      head: "h",
      removed: [
        { name: "old-eu", acknowledged: false },
        { name: "old-us", acknowledged: true },
      ],
    });
    const removed = body.indexOf("### ⚠️ 2 stacks removed from the config, 1 not acknowledged");
    expect(removed).toBeGreaterThan(0);
    expect(removed).toBeLessThan(body.indexOf("| Stack |"));
    expect(body).toContain("| `old-eu` | ❌ not acknowledged: the check fails until it is |\n| `old-us` | ✅ acknowledged |");
    expect(body).toContain("static IP addresses and its Terraform state still exist");
  });

  it("for a pull request that only removes a stack: the removal, and no table", () => {
    const body = renderComment({ stacks: [], reports: new Map(), head: "h", total: 4, removed: [{ name: "old", acknowledged: false }], runUrl: RUN });
    expect(body).toBe(
      [
        MARKER,
        "## Terraform plan of 0 of 4 stacks at h",
        "",
        "The synthesized Terraform of the other 4 stacks is the same as the base's: not planned.",
        "",
        "### ⚠️ 1 stack removed from the config, 1 not acknowledged",
        "",
        "A removed stack's accelerator, its static IP addresses and its Terraform state still exist: nothing plans or destroys them any more. Destroy them on purpose, or leave them unmanaged knowingly, and acknowledge the removal.",
        "",
        "| Removed stack | Removal |",
        "| --- | --- |",
        "| `old` | ❌ not acknowledged: the check fails until it is |",
        "",
        "No stack to plan.",
        "",
        `[The run](${RUN})`,
        "",
      ].join("\n"),
    );
  });

  it("holds every limit from 1,500 characters up, whatever it has to leave out", () => {
    const stacks = Array.from({ length: 60 }, (_, i) => `s${i}`);
    const input = { stacks, reports: reports(...stacks.map((s, i) => report(s, i % 4 === 0 ? "failed" : "passed", counts({ update: i % 3 }), `### ${s}\n\n${"| a | b | c |\n".repeat(i * 5)}`))), head: "h", runUrl: RUN };
    for (let limit = 1500; limit < 40000; limit += 137) expect(renderComment(input, limit).length).toBeLessThanOrEqual(limit);
  });

  it("cuts a huge single summary short at a line end, within the limit, and says so", () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `| update | \`aws_globalaccelerator_endpoint_group.g${i}\` | traffic dial 10% → 20% |`);
    const huge = `### Terraform plan for \`big\`: ❌ plan gate failed\n\n${lines.join("\n")}\n`;
    expect(huge.length).toBeGreaterThan(20 * COMMENT_LIMIT);
    const body = renderComment({ stacks: ["big"], reports: reports(report("big", "failed", counts({ update: 20000 }), huge)), head: "h", runUrl: RUN });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT - 2000);
    expect(body).toContain("| `big` | ❌ failed | 0 | 20000 | 0 | 0 | – |");
    const shown = /_… cut short here \(([\d,]+) of ([\d,]+) characters\); the whole summary is in \[the run\]\(([^)]+)\)\._/.exec(body);
    expect(shown?.slice(2)).toEqual([huge.length.toLocaleString("en-US"), RUN]);
    const kept = Number(shown![1].replace(/,/g, ""));
    expect(body).toContain(huge.slice(0, kept));
    expect(huge[kept - 1]).toBe("\n");
    expect(body).toContain(`**The details of \`big\` are cut short to fit GitHub's limit of 65,536 characters per comment.** Every stack's summary is in [the run](${RUN}): its job summaries and its artifacts.`);
  });

  it("closes a folded summary it cuts short", () => {
    const huge = `### Terraform plan for \`big\`: ✅ plan gate passed\n\n${"| create | `x` | y |\n".repeat(10000)}`;
    const body = renderComment({ stacks: ["big"], reports: reports(report("big", "passed", counts({ create: 10000 }), huge)), head: "h" });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.match(/<details>/g)).toHaveLength(1);
    expect(body.match(/<\/details>/g)).toHaveLength(1);
    expect(body.indexOf("cut short here")).toBeLessThan(body.indexOf("</details>"));
  });

  describe("for 1,000 stacks with mixed results", () => {
    const STATUS: Status[] = ["passed", "passed", "passed", "failed", "passed", "no-plan", "passed", "passed"];
    const stacks = Array.from({ length: 1000 }, (_, i) => `fleet-${String(i).padStart(4, "0")}`);
    const all = stacks.flatMap((stack, i): Report[] => {
      if (i % 97 === 13) return []; // no result
      const status = STATUS[i % STATUS.length];
      if (status === "no-plan") return [report(stack, status, null)];
      const c = i % 11 === 0 ? counts({ delete: 1 }) : i % 7 === 0 ? counts({ replace: 2, create: 1 }) : i % 3 === 0 ? counts() : counts({ update: 1 + (i % 4) });
      const rows = "| update | `aws_globalaccelerator_endpoint_group.inference_us-east-1` | traffic dial 50% → 60% |\n".repeat(i % 20);
      return [report(stack, status, c, `### Terraform plan for \`${stack}\`: ${status === "failed" ? "❌ plan gate failed" : "✅ plan gate passed"}\n\n${rows}`, i % 13 === 0 ? [{ listener: "inference", region: "eu-west-1" }] : [])];
    });
    const input = { stacks, reports: reports(...all), head: "f".repeat(40), base: "e".repeat(40), total: 1200, runUrl: RUN };
    const body = renderComment(input);
    const rankOf = (stack: string): number => {
      const r = input.reports.get(stack);
      if (r === undefined || (r.result.status !== "passed" && r.result.status !== "no-drift")) return 0;
      if (r.result.destructive) return 1;
      return Object.values(r.result.counts!).some((n) => n > 0) ? 2 : 3;
    };

    it("fits: at most 65,536 characters, marker first, table before any details", () => {
      expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
      expect(body.startsWith(`${MARKER}\n## Terraform plan of 1,000 of 1,200 stacks at ${"f".repeat(40)} (base ${"e".repeat(40)})\n`)).toBe(true);
      expect(body.indexOf("| Stack |")).toBeLessThan(body.indexOf("### Terraform plan for"));
    });

    it("lists failing and resultless stacks first, then destructive ones, each group in the given order", () => {
      const rows = tableRows(body).map((r) => r.stack);
      const expected = [...stacks].sort((a, b) => rankOf(a) - rankOf(b) || stacks.indexOf(a) - stacks.indexOf(b));
      expect(rows).toEqual(expected.slice(0, rows.length));
      expect(rows.length).toBeGreaterThan(stacks.filter((s) => rankOf(s) <= 1).length);
      for (const r of tableRows(body)) {
        const status = input.reports.get(r.stack)?.result.status;
        expect([r.stack, r.verdict]).toEqual([r.stack, { passed: "✅ passed", failed: "❌ failed", "no-plan": "❌ no plan", undefined: "❌ no result" }[String(status)]]);
      }
    });

    it("counts exactly what it left out, and counts every stack in its tally", () => {
      const rowsShown = tableRows(body).length;
      const detailsShown = [...body.matchAll(/^### Terraform plan for `([^`]+)`/gm)].length;
      const left = /Left out to fit GitHub's limit of 65,536 characters per comment: (?:([\d,]+) table rows \(the last in the order above\) and )?the details of ([\d,]+) stacks/.exec(body);
      expect(left).not.toBeNull();
      expect(Number((left![1] ?? "0").replace(/,/g, ""))).toBe(1000 - rowsShown);
      expect(Number(left![2].replace(/,/g, ""))).toBe(1000 - detailsShown);
      expect(detailsShown).toBeGreaterThan(0);
      const tally = /^(.*) failing or without a result, (.*) destructive, (.*) with other changes, (.*) without changes\.$/m.exec(body)!;
      const n = tally.slice(1).map((t) => Number(t.replace(/[^\d]/g, "")));
      expect(n).toEqual([0, 1, 2, 3].map((r) => stacks.filter((s) => rankOf(s) === r).length));
      expect(n.reduce((a, b) => a + b)).toBe(1000);
      expect(body.endsWith(`Every stack's summary is in [the run](${RUN}): its job summaries and its artifacts.\n`)).toBe(true);
    });

    it("stays within any limit it is given, dropping table rows once details are gone", () => {
      for (const limit of [8000, 20000, 40000]) {
        const small = renderComment(input, limit);
        expect(small.length).toBeLessThanOrEqual(limit);
        const rowsShown = tableRows(small).length;
        const left = /Left out [^:]+: ([\d,]+) table rows/.exec(small);
        expect(Number(left![1].replace(/,/g, ""))).toBe(1000 - rowsShown);
      }
    });
  });

  it("counts UTF-16 code units (JS length), which bound both characters and GitHub's byte reading", () => {
    const emoji = "🚨".repeat(40000); // 80,000 code units, 40,000 code points
    const body = renderComment({ stacks: ["e"], reports: reports(report("e", "failed", counts(), `### Terraform plan for \`e\`: ❌\n\n${emoji.replace(/(.{200})/gu, "$1\n")}`)), head: "h" });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(Buffer.byteLength(body, "utf8")).toBeLessThanOrEqual(4 * COMMENT_LIMIT);
    expect(body).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/); // no emoji split in half
  });
});

describe("npm run plan-comment", () => {
  const dir = mkdtempSync(join(tmpdir(), "smart-routing-plan-comment-"));
  const results = join(dir, "artifacts");
  // Two layouts at once: a folder per downloaded artifact, and results side by side.
  const write = (path: string, result: object, summary?: string) => {
    mkdirSync(join(results, path), { recursive: true });
    writeFileSync(join(results, path, "result.json"), JSON.stringify(result));
    if (summary !== undefined) writeFileSync(join(results, path, "summary.md"), summary);
  };
  const base = { counts: counts(), destructive: false, capacityWarnings: [], exitCodes: {} };
  write("plan-job-1/a", { ...base, stack: "a", status: "passed" }, "### Terraform plan for `a`: ✅ plan gate passed\n\nNo changes.\n");
  write("plan-job-2/b", { ...base, stack: "b", status: "failed", counts: counts({ delete: 2 }), destructive: true }, "### Terraform plan for `b`: ❌ plan gate failed\n\nb's summary\n");
  write("c", { ...base, stack: "c", status: "no-plan", counts: null });
  write("broken", { stack: "x", status: "maybe" });
  write("other", { ...base, stack: "not-planned", status: "passed" });

  const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, "scripts", "plan-comment.js"), ...args], { cwd: dir, encoding: "utf8" });

  it("reads every result under --results, whatever the layout; a planned stack without one is 'no result'", () => {
    writeFileSync(join(dir, "stacks.json"), JSON.stringify(["a", "b", "c", "d"]));
    const out = run(["--results", "artifacts", "--stacks", "stacks.json", "--head", "abc", "--base", "def", "--run-url", RUN]);
    expect(out.status).toBe(0);
    expect(tableRows(out.stdout)).toEqual([
      { stack: "b", verdict: "❌ failed" },
      { stack: "c", verdict: "❌ no plan" },
      { stack: "d", verdict: "❌ no result" },
      { stack: "a", verdict: "✅ passed" },
    ]);
    expect(out.stdout).toContain("| `b` | ❌ failed | 0 | 0 | 0 | **2** | – |");
    expect(out.stdout).toContain("### Terraform plan for `b`: ❌ plan gate failed\n\nb's summary\n");
    expect(out.stdout).toContain("### Terraform plan for `c`: ❌ no plan\n\nIts results hold no summary.md.\n");
    expect(out.stderr).toContain("broken/result.json: not a result of npm run plan-stacks");
    expect(out.stderr).toContain("other/result.json: not-planned is not among the planned stacks (--stacks); left out");
  });

  it("takes the stacks as a JSON array or a list, and the removed stacks as `npm run stacks` reports them", () => {
    writeFileSync(join(dir, "report.json"), JSON.stringify({ changed: [], removed: [{ name: "gone", base: "0".repeat(40) }], total: 7, acknowledged: false }));
    const listed = run(["--results", "artifacts", "--stacks", "a, b", "--head", "abc", "--removed", "report.json"]);
    const json = run(["--results", "artifacts", "--stacks", '["a","b"]', "--head", "abc", "--removed", "report.json"]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toBe(json.stdout);
    expect(listed.stdout).toContain("## Terraform plan of 2 of 7 stacks at abc\n");
    expect(listed.stdout).toContain("### ⚠️ 1 stack removed from the config, 1 not acknowledged");
    expect(listed.stdout).toContain("| `gone` | ❌ not acknowledged: the check fails until it is |");
    writeFileSync(join(dir, "removed.json"), JSON.stringify([{ name: "gone", acknowledged: true }, "older"]));
    const acknowledged = run(["--results", "artifacts", "--stacks", "a", "--head", "abc", "--removed", "removed.json"]);
    expect(acknowledged.stdout).toContain("| `gone` | ✅ acknowledged |\n| `older` | ❌ not acknowledged: the check fails until it is |");
  });

  it("exits 2 on bad usage, naming what is wrong", () => {
    expect(run(["--results", "artifacts", "--stacks", "a"])).toMatchObject({ status: 2, stdout: "", stderr: expect.stringMatching(/^plan-comment: --head is required\nusage: /) });
    expect(run(["--results", "artifacts", "--stacks", "[1]", "--head", "h"])).toMatchObject({ status: 2, stderr: "plan-comment: --stacks: expected a JSON array of stack names, received [1]\n" });
    expect(run(["--results", "artifacts", "--stacks", "a a", "--head", "h"])).toMatchObject({ status: 2, stderr: 'plan-comment: --stacks names "a" twice\n' });
    expect(run(["--results", "artifacts", "--stacks", "a b", "--head", "h", "--total", "1"])).toMatchObject({ status: 2, stderr: 'plan-comment: --total must be a whole number of at least the 2 stack(s) planned, received "1"\n' });
    expect(run(["--results", "artifacts", "--stacks", "a", "--head", "h", "--removed", "nope.json"])).toMatchObject({ status: 2, stderr: "plan-comment: --removed nope.json: no such file\n" });
  });
});
