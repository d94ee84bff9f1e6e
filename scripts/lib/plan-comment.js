// @ts-check
// The pull request's one plan comment, rendered from the stacks' results (result.json and summary.md of
// `npm run plan-stacks`): a heading, removed stacks, a table of every stack, then each stack's details,
// failing and destructive plans first. It always fits GitHub's limit on a comment body: what does not fit
// is dropped from the end (details first, then table rows) and the comment says how much and where the
// rest is. Pure: no files, no environment; scripts/plan-comment.js reads the inputs.
//
// Plain JavaScript, not TypeScript under src/: the comment job needs no npm ci or bundle, only node and
// the checkout, and nothing here needs the config.
"use strict";

/**
 * GitHub refuses a comment body over 65,536 characters (HTTP 422, "Body is too long (maximum is 65536
 * characters)"). What it counts is not documented: the message says characters, and bisections reported
 * on GitHub's issue trackers found comments refused past 262,144 UTF-8 bytes. Measured here as JS string
 * length (UTF-16 code units), a body within 65,536 is within both readings: a code point is one or two
 * code units, and a code unit is at most 3 UTF-8 bytes (65,536 x 3 = 196,608 < 262,144).
 */
const COMMENT_LIMIT = 65536;
/** The workflow finds its own comment by this first line and updates it in place. */
const MARKER = "<!-- smart-routing: terraform plan -->";
/** Below this many characters left, a detail that does not fit whole is dropped rather than cut short. */
const MIN_CUT = 1500;
/** Capacity warnings named in a table cell; the rest are counted. */
const WARNINGS_IN_CELL = 3;

/**
 * @typedef {"passed" | "failed" | "no-plan" | "drift" | "no-drift"} Status
 * @typedef {{ create: number, update: number, replace: number, delete: number, move: number }} Counts
 * @typedef {{ listener: string, region: string, load?: number, capacity?: number }} CapacityWarning
 * @typedef {{ stack: string, status: Status, counts: Counts | null, destructive: boolean, capacityWarnings: CapacityWarning[] }} StackResult
 * @typedef {{ result: StackResult, summary: string }} StackReport
 * @typedef {{ name: string, acknowledged: boolean }} RemovedStack
 * @typedef {{
 *   stacks: readonly string[],
 *   reports: ReadonlyMap<string, StackReport>,
 *   head: string,
 *   base?: string,
 *   total?: number,
 *   removed?: readonly RemovedStack[],
 *   runUrl?: string,
 * }} CommentInput
 */

/** @type {Record<Status | "no-result", string>} */
const VERDICT = {
  passed: "✅ passed",
  failed: "❌ failed",
  "no-plan": "❌ no plan",
  "no-result": "❌ no result",
  drift: "⚠️ drift",
  "no-drift": "✅ no drift",
};

/** The text of a stack whose job reported nothing, as the comment job wrote it before. @param {string} stack */
const noResultSummary = (stack) => `### Terraform plan for \`${stack}\`: ❌ no result\n\nIts plan job reported nothing.\n`;

/**
 * Where a stack goes: 0 failing or without a result, 1 destructive (replace or delete), 2 other changes,
 * 3 no changes.
 * @param {StackReport | undefined} report
 */
function rank(report) {
  if (report === undefined) return 0;
  const { status, counts, destructive } = report.result;
  if (status !== "passed" && status !== "no-drift") return 0;
  if (destructive) return 1;
  return counts !== null && Object.values(counts).some((n) => n > 0) ? 2 : 3;
}

const RANK_NAMES = ["failing or without a result", "destructive", "with other changes", "without changes"];

/** @param {string} text */
const cell = (text) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** @param {StackReport | undefined} report @param {string} stack */
function row(stack, report) {
  if (report === undefined) return `| \`${cell(stack)}\` | ${VERDICT["no-result"]} | – | – | – | – | – |`;
  const { status, counts, capacityWarnings } = report.result;
  /** @param {number | undefined} n @param {boolean} loud */
  const count = (n, loud) => (n === undefined ? "–" : loud && n > 0 ? `**${n}**` : String(n));
  const warnings =
    capacityWarnings.length === 0
      ? "–"
      : `⚠️ ${capacityWarnings
          .slice(0, WARNINGS_IN_CELL)
          .map((w) => `${w.listener}/${w.region}`)
          .join(", ")}${capacityWarnings.length > WARNINGS_IN_CELL ? ` and ${capacityWarnings.length - WARNINGS_IN_CELL} more` : ""}`;
  return `| \`${cell(stack)}\` | ${VERDICT[status]} | ${count(counts?.create, false)} | ${count(counts?.update, false)} | ${count(counts?.replace, true)} | ${count(counts?.delete, true)} | ${cell(warnings)} |`;
}

/**
 * A stack's details: its summary, open when it fails or destroys something, folded otherwise; as the
 * text around the summary and the summary, so that a cut can keep the fold whole.
 * @param {string} stack @param {StackReport | undefined} report @param {number} r its rank
 * @returns {{ before: string, summary: string, after: string }}
 */
function details(stack, report, r) {
  const text = report === undefined ? noResultSummary(stack) : report.summary;
  const summary = text.endsWith("\n") ? text : `${text}\n`;
  if (r <= 1 || report === undefined) return { before: "", summary, after: "\n" };
  const c = report.result.counts;
  const what = c === null ? "" : `: ${c.create} to create, ${c.update} to update, ${c.move} to move`;
  return { before: `<details><summary><code>${escapeHtml(stack)}</code> ${VERDICT[report.result.status]}${what}</summary>\n\n`, summary, after: "\n</details>\n\n" };
}

/** @param {string} text */
const escapeHtml = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A stack's details with its summary cut at a line end, so that all of it, with `note(shownCharacters)`,
 * takes at most `room` characters; undefined when not even the note and a few lines fit.
 * @param {{ before: string, summary: string, after: string }} block @param {number} room @param {(shown: number) => string} note
 */
function cutShort(block, room, note) {
  const budget = room - block.before.length - note(block.summary.length).length - block.after.length;
  if (budget < MIN_CUT / 2) return undefined;
  const end = block.summary.lastIndexOf("\n", budget - 1);
  if (end <= 0) return undefined;
  const shown = block.summary.slice(0, end + 1);
  return `${block.before}${shown}${note(shown.length)}${block.after}`;
}

/** @param {number} n @param {string} one @param {string} [many] */
const plural = (n, one, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/**
 * The comment body: always at most `limit` characters (JS string length).
 * @param {CommentInput} input
 * @param {number} [limit]
 * @returns {string}
 */
function renderComment(input, limit = COMMENT_LIMIT) {
  const order = input.stacks
    .map((stack, index) => ({ stack, index, report: input.reports.get(stack) }))
    .map((s) => ({ ...s, rank: rank(s.report) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index);
  const tally = RANK_NAMES.map((name, r) => ({ name, n: order.filter((s) => s.rank === r).length })).filter((t) => t.n > 0);
  const run = input.runUrl === undefined ? "the run" : `[the run](${input.runUrl})`;

  const total = input.total ?? input.stacks.length;
  const head = [
    MARKER,
    `## Terraform plan of ${input.stacks.length.toLocaleString("en-US")} of ${plural(total, "stack")} at ${input.head}${input.base === undefined ? "" : ` (base ${input.base})`}`,
    "",
  ];
  if (input.stacks.length < total) {
    head.push(`The synthesized Terraform of the other ${plural(total - input.stacks.length, "stack")} is the same as the base's: not planned.`, "");
  }
  head.push(...removedSection(input.removed ?? [], Math.floor(limit / 4), run));
  head.push(input.stacks.length === 0 ? "No stack to plan." : `${tally.map((t) => `${plural(t.n, "stack")} ${t.name}`).join(", ")}.`, "");
  const headText = `${head.join("\n")}\n`;

  const rows = order.map((s) => `${row(s.stack, s.report)}\n`);
  const tableHead = "| Stack | Verdict | Create | Update | Replace | Delete | Capacity warnings |\n| --- | --- | --- | --- | --- | --- | --- |\n";
  const blocks = order.map((s) => details(s.stack, s.report, s.rank));

  /** The closing lines: what was left out, and the run. @param {number} rowsOut @param {number} detailsOut @param {string | undefined} cut */
  const footer = (rowsOut, detailsOut, cut) => {
    const parts = [
      ...(rowsOut > 0 ? [`${plural(rowsOut, "table row")} (the last in the order above)`] : []),
      ...(detailsOut > 0 ? [`the details of ${plural(detailsOut, "stack")}`] : []),
    ];
    const lines = [];
    if (parts.length > 0 || cut !== undefined) {
      const left = parts.length > 0 ? `Left out to fit GitHub's limit of ${COMMENT_LIMIT.toLocaleString("en-US")} characters per comment: ${parts.join(" and ")}${cut === undefined ? "" : `; the details of \`${cut}\` are cut short`}.` : `The details of \`${cut}\` are cut short to fit GitHub's limit of ${COMMENT_LIMIT.toLocaleString("en-US")} characters per comment.`;
      lines.push(`**${left}** Every stack's summary is in ${run}: its job summaries and its artifacts.`);
    } else lines.push(input.runUrl === undefined ? "" : `[The run](${input.runUrl})`);
    return `${lines.join("\n")}\n`;
  };
  // The largest footer there can be: the counts at their widest.
  const footerRoom = footer(order.length, order.length, "x".repeat(Math.max(0, ...order.map((s) => s.stack.length)))).length;

  let room = limit - headText.length - footerRoom;
  if (room < 0) throw new Error(`the comment's heading alone takes ${headText.length} characters, over the limit of ${limit}`);
  // The table first: rows from the top while they fit, then details.
  let table = "";
  let rowsShown = 0;
  if (order.length > 0) {
    // The heading and the blank line after the table.
    room -= tableHead.length + 1;
    for (const r of rows) {
      if (r.length > room) break;
      table += r;
      room -= r.length;
      rowsShown++;
    }
    table = `${tableHead}${table}\n`;
  }
  let body = "";
  let detailsShown = 0;
  /** @type {string | undefined} */
  let cut;
  for (const [i, block] of blocks.entries()) {
    if (i >= rowsShown) break; // a stack's details never appear without its row
    const whole = `${block.before}${block.summary}${block.after}`;
    if (whole.length <= room) {
      body += whole;
      room -= whole.length;
      detailsShown++;
      continue;
    }
    const short = cutShort(block, room, (shown) => `\n_… cut short here (${shown.toLocaleString("en-US")} of ${block.summary.length.toLocaleString("en-US")} characters); the whole summary is in ${run}._\n`);
    if (short !== undefined) {
      body += short;
      room -= short.length;
      detailsShown++;
      cut = order[i].stack;
    }
    break;
  }
  const text = `${headText}${table}${body}${footer(order.length - rowsShown, order.length - detailsShown, cut)}`;
  // The budget above is exact by construction; this only guards it.
  if (text.length > limit) throw new Error(`the comment took ${text.length} characters, over the limit of ${limit}`);
  return text;
}

/**
 * The removed stacks, prominently, at most `room` characters (rows beyond it are counted).
 * @param {readonly RemovedStack[]} removed @param {number} room @param {string} run
 */
function removedSection(removed, room, run) {
  if (removed.length === 0) return [];
  const pending = removed.filter((r) => !r.acknowledged).length;
  const lines = [
    `### ⚠️ ${plural(removed.length, "stack")} removed from the config${pending > 0 ? `, ${pending} not acknowledged` : ""}`,
    "",
    "A removed stack's accelerator, its static IP addresses and its Terraform state still exist: nothing plans or destroys them any more. Destroy them on purpose, or leave them unmanaged knowingly, and acknowledge the removal.",
    "",
    "| Removed stack | Removal |",
    "| --- | --- |",
  ];
  let size = lines.join("\n").length + 200;
  let shown = 0;
  for (const r of removed) {
    const line = `| \`${cell(r.name)}\` | ${r.acknowledged ? "✅ acknowledged" : "❌ not acknowledged: the check fails until it is"} |`;
    if (size + line.length + 1 > room) break;
    lines.push(line);
    size += line.length + 1;
    shown++;
  }
  if (shown < removed.length) lines.push("", `…and ${plural(removed.length - shown, "more removed stack")}; see ${run}.`);
  lines.push("");
  return lines;
}

module.exports = { renderComment, COMMENT_LIMIT, MARKER, VERDICT, noResultSummary, rank };
