// The gate's verdict and a summary of every change, as terminal text and as
// Markdown for a pull-request comment or a GitHub job summary: the same facts.
import { loadOfCapacity } from "../explain";
import { capacityPassed, type CapacityOverload, type CapacityReview } from "./capacity";
import { passed, type Change, type ChangeKind, type Review } from "./review";

const ORDER: readonly ChangeKind[] = ["delete", "replace", "create", "update", "move", "forget"];

function counts(review: Review): string {
  const n = (kind: ChangeKind) => review.changes.filter((c) => c.kind === kind).length;
  return `${n("create")} to create, ${n("update")} to update, ${n("replace")} to replace, ${n("delete")} to delete, ${n("move")} to move`;
}

function sorted(review: Review): Change[] {
  return [...review.changes].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || a.address.localeCompare(b.address));
}

function describe(change: Change): string[] {
  return [...(change.movedFrom !== undefined ? [`moved from ${change.movedFrom}`] : []), ...change.details];
}

/** The gate's verdict: the plan's changes and, when given, its capacity. */
export function gatePassed(review: Review, capacity?: CapacityReview): boolean {
  return passed(review) && capacityPassed(capacity);
}

function overloadText(o: CapacityOverload): string {
  return `${o.listener}/${o.region} at ${loadOfCapacity(o.load, o.capacity)}`;
}

function capacityLines(capacity: CapacityReview | undefined): string[] {
  if (capacity === undefined || !capacity.checked) return [];
  const lines = [`plan-gate: capacity with the dials and weights the plan leaves (every region healthy): ${capacity.groups.join("; ")}`];
  if (capacity.overloads.length === 0) return [...lines, "plan-gate: capacity: every region within its capacity"];
  const consequence = capacity.strict ? "FAILED (--capacity-strict)" : "warning (--capacity-strict would fail the gate)";
  return [...lines, `plan-gate: capacity: ${consequence}: the plan would overload ${capacity.overloads.length} region(s):`, ...capacity.overloads.map((o) => `  ${overloadText(o)}`)];
}

export function renderText(review: Review, stack: string, capacity?: CapacityReview): string {
  const lines = [`Plan for ${stack}: ${counts(review)}`];
  for (const change of sorted(review)) {
    const details = describe(change);
    lines.push(`  ${change.kind.padEnd(8)}${change.address}${details.length > 0 ? `  (${details.join("; ")})` : ""}`);
  }
  if (review.changes.length === 0) lines.push("  no changes");
  lines.push(...review.problems.map((p) => `plan-gate: ${p}`));
  if (review.violations.length > 0) {
    lines.push(`plan-gate: FAILED: the plan would destroy ${review.violations.length} protected resource(s):`);
    lines.push(...review.violations.map((v) => `  ${v.address}: ${v.kind}: ${v.reason}`));
  }
  lines.push(...capacityLines(capacity));
  lines.push(gatePassed(review, capacity) ? "plan-gate: passed" : "plan-gate: failed");
  return `${lines.join("\n")}\n`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderMarkdown(review: Review, stack: string, capacity?: CapacityReview): string {
  const ok = gatePassed(review, capacity);
  const lines = [`### Terraform plan for \`${stack}\`: ${ok ? "✅ plan gate passed" : "❌ plan gate failed"}`, "", counts(review), ""];
  if (capacity?.checked && capacity.overloads.length > 0) {
    lines.push(`**Capacity${capacity.strict ? " (--capacity-strict)" : ""}:** the plan's dials and weights would overload:`, ...capacity.overloads.map((o) => `- \`${overloadText(o)}\``), "");
  }
  if (!passed(review)) {
    lines.push(...review.problems.map((p) => `- **${cell(p)}**`));
    lines.push(...review.violations.map((v) => `- **\`${v.address}\`: ${v.kind}**: ${cell(v.reason)}`));
    lines.push("");
  }
  if (review.changes.length > 0) {
    lines.push("| Action | Resource | Details |", "| --- | --- | --- |");
    for (const change of sorted(review)) lines.push(`| ${change.kind} | \`${change.address}\` | ${cell(describe(change).join("; "))} |`);
  } else {
    lines.push("No changes.");
  }
  return `${lines.join("\n")}\n`;
}
