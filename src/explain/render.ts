// `npm run explain` as terminal text and as Markdown: the same facts, scenario by scenario.
import { GEOGRAPHIES, type Geography } from "../config/limits";
import type { ListenerModel } from "../model/model";
import type { RegionLoad, Share } from "./routing";
import type { Overload, ScenarioRouting, StackExplanation } from "./scenarios";

export const PROXIMITY_NOTE =
  "Closest means the great-circle distance from a point in each client geography to each region: an approximation of the network proximity AWS routes by, not its routing table.";
/** What the annotations mean, from the Global Accelerator Developer Guide. */
export const LEGEND =
  "A dial keeps its share of the clients a group is closest to and sends the rest on to the next closest group with a dial above 0; a group that is down (or has every weight at 0) fails over to the closest group up among the three closest, whatever its dial; if none is up, Global Accelerator fails open to the closest group.";

/** At most one decimal, no trailing zero: 1620, 12.5. */
const number = (n: number) => String(Math.round(n * 10) / 10);
const percent = (fraction: number) => `${number(fraction * 100)}%`;

/** "1620 / 1100 (147.3%)": a load against a capacity, as explain and the plan gate print it. */
export function loadOfCapacity(load: number, capacity: number): string {
  return `${number(load)} / ${number(capacity)} (${percent(load / capacity)})`;
}

/** Shares that reach one region the same way, added up (two failed regions failing over to one). */
interface Merged {
  readonly via: Share["via"];
  readonly fraction: number;
  readonly from: string;
}

/** The shares by region, in the order the regions were reached. */
function byRegion(shares: readonly Share[]): Map<string, Merged[]> {
  const regions = new Map<string, Merged[]>();
  for (const s of shares) {
    const ways = regions.get(s.region) ?? [];
    const i = ways.findIndex((w) => w.via === s.via);
    if (i === -1) ways.push({ via: s.via, fraction: s.fraction, from: s.from ?? "" });
    else ways[i] = { ...ways[i], fraction: ways[i].fraction + s.fraction, from: `${ways[i].from} and ${s.from ?? ""}` };
    regions.set(s.region, ways);
  }
  return regions;
}

function reason(way: Merged): string {
  switch (way.via) {
    case "closest":
      return "closest";
    case "spill":
      return `held back by ${way.from}'s dial`;
    case "failover":
      return `failover from ${way.from}`;
    case "fail-open":
      return "fails open: no group tried is up";
    case "all-dials-zero":
      return "every dial is 0";
  }
}

/** "eu-west-1 30%, us-east-1 70% (held back by eu-west-1's dial)"; a region reached two ways says how much each. */
export function servedBy(shares: readonly Share[]): string {
  const regions = [...byRegion(shares)];
  return (
    regions
      .map(([region, ways]) => {
        const total = ways.reduce((sum, w) => sum + w.fraction, 0);
        // "closest" goes without saying, unless the region is also reached another way.
        const shown = ways.length > 1 ? ways : ways.filter((w) => w.via !== "closest");
        const reasons = shown.map((w) => (ways.length > 1 ? `${percent(w.fraction)} ${reason(w)}` : reason(w)));
        return `${region}${regions.length > 1 ? ` ${percent(total)}` : ""}${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}`;
      })
      .join(", ") || "no endpoint group"
  );
}

function listenerTitle(stack: string, listener: ListenerModel): string {
  const ranges = listener.portRanges.map((r) => (r.fromPort === r.toPort ? `${r.fromPort}` : `${r.fromPort}-${r.toPort}`)).join(", ");
  return `${stack}, listener ${listener.name} (${listener.protocol} ${ranges})`;
}

const hasDemand = (e: StackExplanation) => Object.keys(e.demand).length > 0;
const hasCapacity = (loads: readonly RegionLoad[]) => loads.some((l) => l.capacity !== undefined);

function loadCells(l: RegionLoad): { load: string; capacity: string; use: string; flag: string } {
  if (l.down) return { load: number(l.load), capacity: "down", use: "", flag: l.load > 0 ? "NOT SERVED" : "" };
  const capacity = l.capacity === undefined ? "" : number(l.capacity);
  const use = l.capacity === undefined ? "" : percent(l.load / l.capacity);
  return { load: number(l.load), capacity, use, flag: l.overloaded ? "OVERLOADED" : "" };
}

function demandOf(e: StackExplanation, g: Geography): string {
  return number(e.demand[g] ?? 0);
}

/** Columns two spaces apart, numbers (the columns in `right`) aligned right; the last column is not padded. */
function columns(rows: readonly (readonly string[])[], indent: string, right: readonly number[] = []): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const pad = (cell: string, i: number, last: boolean) => (right.includes(i) ? cell.padStart(widths[i]) : last ? cell : cell.padEnd(widths[i]));
  return rows.map((r) => `${indent}${r.map((cell, i) => pad(cell, i, i === r.length - 1)).join("  ")}`.trimEnd());
}

function overloadText(o: Overload): string {
  return `${o.listener}, ${o.scenario}: ${o.region} ${loadOfCapacity(o.load, o.capacity)}`;
}

function scenarioText(e: StackExplanation, { scenario, routing }: ScenarioRouting): string[] {
  const demand = hasDemand(e);
  const routes = GEOGRAPHIES.map((g) => [g, ...(demand ? [demandOf(e, g)] : []), servedBy(routing.routes[g])]);
  const lines = [`  ${scenario.title}`, ...columns([["geography", ...(demand ? ["demand"] : []), "served by"], ...routes], "    ", demand ? [1] : [])];
  if (demand) {
    const capacity = hasCapacity(routing.loads);
    const rows = routing.loads.map((l) => {
      const c = loadCells(l);
      return [l.region, c.load, ...(capacity ? [c.capacity, c.use] : []), c.flag];
    });
    lines.push(...columns([["region", "load", ...(capacity ? ["capacity", "use"] : []), ""], ...rows], "    ", capacity ? [1, 2, 3] : [1]));
  }
  return lines;
}

/** Every stack's scenarios as terminal text. */
export function renderExplainText(explanations: readonly StackExplanation[]): string {
  const lines = [PROXIMITY_NOTE, LEGEND];
  for (const e of explanations) {
    for (const { listener, scenarios } of e.listeners) {
      lines.push("", `${listenerTitle(e.stack, listener)}:`);
      for (const s of scenarios) lines.push("", ...scenarioText(e, s));
    }
    lines.push("", ...summary(e).map((l) => l.replace(/^- /, "  ")));
  }
  return `${lines.join("\n")}\n`;
}

function summary(e: StackExplanation): string[] {
  const capacity = e.listeners.some((l) => l.listener.endpointGroups.some((g) => g.capacity !== undefined));
  if (!hasDemand(e) || !capacity) return [`${e.stack}: no overload check (it needs demand on the stack and capacity on the endpoint groups).`];
  if (e.overloads.length === 0) return [`${e.stack}: no scenario sends a region more than its capacity.`];
  return [`${e.stack}: ${e.overloads.length} overload(s):`, ...e.overloads.map((o) => `- ${overloadText(o)}`)];
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

function scenarioMarkdown(e: StackExplanation, { scenario, routing }: ScenarioRouting): string[] {
  const demand = hasDemand(e);
  const lines = [`#### ${scenario.title}`, "", `| Geography |${demand ? " Demand |" : ""} Served by |`, `| --- |${demand ? " ---: |" : ""} --- |`];
  for (const g of GEOGRAPHIES) lines.push(`| ${g} |${demand ? ` ${demandOf(e, g)} |` : ""} ${cell(servedBy(routing.routes[g]))} |`);
  if (demand) {
    const capacity = hasCapacity(routing.loads);
    lines.push("", `| Region | Load |${capacity ? " Capacity | Use |" : ""} |`, `| --- | ---: |${capacity ? " ---: | ---: |" : ""} --- |`);
    for (const l of routing.loads) {
      const c = loadCells(l);
      lines.push(`| ${l.region} | ${c.load} |${capacity ? ` ${c.capacity} | ${c.use} |` : ""} ${c.flag ? `**${c.flag}**` : ""} |`);
    }
  }
  return lines;
}

/** The same as Markdown, for a pull request or a runbook. */
export function renderExplainMarkdown(explanations: readonly StackExplanation[]): string {
  const lines = [`_${PROXIMITY_NOTE}_`, "", `_${LEGEND}_`];
  for (const e of explanations) {
    lines.push("", `## ${e.stack}`, "", ...summary(e));
    for (const { listener, scenarios } of e.listeners) {
      lines.push("", `### ${listenerTitle(e.stack, listener)}`);
      for (const s of scenarios) lines.push("", ...scenarioMarkdown(e, s));
    }
  }
  return `${lines.join("\n")}\n`;
}
