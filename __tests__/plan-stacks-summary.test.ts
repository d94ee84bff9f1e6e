// The job summary of `npm run plan-stacks`: every stack's section, cut so that the step stays within
// GitHub's 1 MiB per step (budgetSections in scripts/lib/plan-stacks.js), and the pool that plans stacks
// at most N at a time.
/* eslint-disable @typescript-eslint/no-require-imports */
const { budgetSections, runPool, STEP_SUMMARY_LIMIT } = require("../scripts/lib/plan-stacks");
/* eslint-enable @typescript-eslint/no-require-imports */

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const note = (name: string, shown: number, full: number) => `\n_${name}: cut short (${shown} of ${full} bytes)._\n\n`;
const section = (name: string, lines: number, line = `| update | \`${name}.resource\` | traffic dial 10% → 20% |`) =>
  `### Terraform plan for \`${name}\`: ✅ plan gate passed\n\n${`${line}\n`.repeat(lines)}`;

describe("the step summary's budget", () => {
  it("keeps every section whole, in the given order, when they fit", () => {
    const sections = ["a", "b", "c"].map((name) => ({ name, text: section(name, 5) }));
    expect(budgetSections(sections, 10000, note)).toEqual({ text: sections.map((s) => `${s.text}\n`).join(""), cut: [], omitted: [] });
  });

  it("serves small sections whole and cuts the large ones, at a line end, to what is left, each saying so", () => {
    const sections = [
      { name: "huge", text: section("huge", 40000) },
      { name: "small", text: section("small", 3) },
      { name: "large", text: section("large", 20000) },
    ];
    const available = STEP_SUMMARY_LIMIT - 8192;
    const { text, cut, omitted } = budgetSections(sections, available, note);
    expect(bytes(text)).toBeLessThanOrEqual(available);
    expect(bytes(text)).toBeGreaterThan(available - 2000);
    expect([cut, omitted]).toEqual([["huge", "large"], []]);
    // In the given order: huge, small, large; small whole.
    expect(text.indexOf("`huge`")).toBeLessThan(text.indexOf("`small`"));
    expect(text.indexOf("`small`")).toBeLessThan(text.indexOf("`large`"));
    expect(text).toContain(`${sections[1].text}\n`);
    for (const s of [sections[0], sections[2]]) {
      const shown = new RegExp(`\\n_${s.name}: cut short \\((\\d+) of (\\d+) bytes\\)\\._\\n\\n`).exec(text);
      expect(Number(shown?.[2])).toBe(bytes(s.text));
      const kept = Buffer.from(s.text).subarray(0, Number(shown?.[1])).toString();
      expect(kept.endsWith("|\n")).toBe(true);
      expect(text).toContain(`${kept}\n_${s.name}: cut short`);
    }
  });

  it("never splits a character: counts UTF-8 bytes and cuts at line ends", () => {
    const text = section("wide", 30000, "| update | `x` | 日本語の説明 → 🚨🚨🚨 |");
    const { text: out } = budgetSections([{ name: "wide", text }], 100000, note);
    expect(bytes(out)).toBeLessThanOrEqual(100000);
    expect(out).not.toContain("\ufffd");
    expect(out).toMatch(/→ 🚨🚨🚨 \|\n\n_wide: cut short/);
  });

  it("leaves out a section whose share cannot hold its first line and the note, and says how many were left out", () => {
    const sections = Array.from({ length: 50 }, (_, i) => ({ name: `s${i}`, text: section(`s${i}`, 100) }));
    const { text, omitted, cut } = budgetSections(sections, 3000, note);
    expect(bytes(text)).toBeLessThanOrEqual(3000);
    expect(omitted.length).toBeGreaterThan(0);
    expect(omitted.length + cut.length).toBe(50);
    expect(text).toContain(`\n_${omitted.length} stack section(s) left out of this job summary (over GitHub's 1 MiB per step); see each stack's summary.md in the job's artifact._\n`);
  });
});

describe("the pool", () => {
  it("runs at most N at once, starts in order and resolves the results in the items' order", async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    const pool = runPool([0, 1, 2, 3, 4], 2, async (item: number) => {
      started.push(item);
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      return item * 10;
    });
    // Release them in reverse order of arrival, one at a time, as they come.
    while (started.length < 5 || release.length > 0) {
      await new Promise((r) => setImmediate(r));
      release.pop()?.();
    }
    expect(await pool).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it("starts nothing new after a failure and rejects once the running ones settle", async () => {
    const settled: number[] = [];
    const pool = runPool([0, 1, 2, 3], 2, async (item: number) => {
      await new Promise((r) => setImmediate(r));
      if (item === 0) throw new Error("boom");
      settled.push(item);
      return item;
    });
    await expect(pool).rejects.toThrow("boom");
    expect(settled).toEqual([1]);
  });
});
