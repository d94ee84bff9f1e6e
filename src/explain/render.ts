// `npm run explain` as terminal text and as Markdown: the same facts, scenario by scenario; and one
// client's answer as text.
import { GEOGRAPHIES, type Geography } from "../config/limits";
import { METROS } from "../config/metros";
import type { ListenerModel } from "../model/model";
import { geographyLoad, nearestMetro, type Client } from "./clients";
import { NEAR_TIE, type ClientRouting, type MetroTie, type NearTie, type RegionLoad, type Share } from "./routing";
import type { ClientExplanation, ClientScenario, Overload, ScenarioRouting, StackExplanation } from "./scenarios";

export const PROXIMITY_NOTE = `Closest means the great-circle distance from each of ${METROS.length} metro areas (src/config/metros.ts, each standing for the internet users nearest it) to each region: an approximation of the network proximity AWS routes by, not its routing table. A geography's shares are of its load where the stack gives one, else of its internet users.`;
/** What the annotations mean, from the Global Accelerator Developer Guide. */
export const LEGEND =
  "A dial keeps its share of the clients a group is closest to and sends the rest on to the next closest group with a dial above 0; a group that is down (or has every weight at 0) fails over to the closest group up among the three closest, whatever its dial; if none is up, Global Accelerator fails open to the closest group.";
/** What "nearly as close" means, in the words the output uses. */
export const NEAR_TIE_NOTE = `nearly as close to two regions (the second less than ${NEAR_TIE * 100}% farther: real routing may send them to either)`;

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
    // Stryker disable next-line StringLiteral: only closest and all-dials-zero shares come from no group, and their reasons do not name one
    const from = s.from ?? "";
    if (i === -1) ways.push({ via: s.via, fraction: s.fraction, from });
    else ways[i] = { ...ways[i], fraction: ways[i].fraction + s.fraction, from: `${ways[i].from} and ${from}` };
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

/** " (75% held back by us-east-1's dial, 25% failover from us-east-1)", " (failover from eu-west-1)", or "" for closest alone. */
function reasons(ways: readonly Merged[]): string {
  // "closest" goes without saying, unless the region is also reached another way.
  const shown = ways.length > 1 ? ways : ways.filter((w) => w.via !== "closest");
  const text = shown.map((w) => (ways.length > 1 ? `${percent(w.fraction)} ${reason(w)}` : reason(w)));
  return text.length > 0 ? ` (${text.join(", ")})` : "";
}

/** "us-east-1 70% (held back by eu-west-1's dial), eu-west-1 30%"; a region reached two ways says how much each. */
export function servedBy(shares: readonly Share[]): string {
  const regions = [...byRegion(shares)];
  return (
    regions
      .map(([region, ways]) => {
        const total = ways.reduce((sum, w) => sum + w.fraction, 0);
        return `${region}${regions.length > 1 ? ` ${percent(total)}` : ""}${reasons(ways)}`;
      })
      .join(", ") || "no endpoint group"
  );
}

function listenerTitle(stack: string, listener: ListenerModel): string {
  const ranges = listener.portRanges.map((r) => (r.fromPort === r.toPort ? `${r.fromPort}` : `${r.fromPort}-${r.toPort}`)).join(", ");
  return `${stack}, listener ${listener.name} (${listener.protocol} ${ranges})`;
}

const hasDemand = (e: StackExplanation) => Object.keys(e.demand).length > 0;
// Stryker disable next-line MethodExpression: a listener's groups have a capacity all or none (rule capacityOnEveryGroup), so some and every agree
const hasCapacity = (loads: readonly RegionLoad[]) => loads.some((l) => l.capacity !== undefined);

function loadCells(l: RegionLoad): { load: string; capacity: string; use: string; flag: string } {
  if (l.down) return { load: number(l.load), capacity: "down", use: "", flag: l.load > 0 ? "NOT SERVED" : "" };
  // Stryker disable next-line ConditionalExpression,StringLiteral: a listener's groups have a capacity all or none (rule capacityOnEveryGroup), and these cells are shown only when they have
  const capacity = l.capacity === undefined ? "" : number(l.capacity);
  // Stryker disable next-line ConditionalExpression,StringLiteral: as above
  const use = l.capacity === undefined ? "" : percent(l.load / l.capacity);
  return { load: number(l.load), capacity, use, flag: l.overloaded ? "OVERLOADED" : "" };
}

function demandOf(e: StackExplanation, g: Geography): string {
  return number(geographyLoad(e.demand, g));
}

const km = (n: number) => `${Math.round(n)} km`;
const tie = (t: NearTie) => `${t.closest.region} ${km(t.closest.km)} / ${t.second.region} ${km(t.second.km)}`;
/** How many near ties a scenario names; the rest are counted. */
const NEAR_TIES_SHOWN = 6;

/**
 * "nearly as close to two regions (...): Denver (us-west-2 1582 km / us-east-1 1690 km), ... and 3 more",
 * most users first; after the first scenario of a listener, only the ties it did not already name.
 */
export function nearTiesLine(ties: readonly MetroTie[], named: readonly MetroTie[]): string | undefined {
  const same = (a: MetroTie, b: MetroTie) => a.metro === b.metro && a.closest.region === b.closest.region && a.second.region === b.second.region;
  const fresh = ties.filter((t) => !named.some((n) => same(n, t)));
  if (fresh.length === 0) return undefined;
  const shown = fresh.slice(0, NEAR_TIES_SHOWN).map((t) => `${t.metro.name} (${tie(t)})`);
  const more = fresh.length - NEAR_TIES_SHOWN;
  return `${named.length > 0 ? "also " : ""}${NEAR_TIE_NOTE}: ${shown.join(", ")}${more > 0 ? `, and ${more} more` : ""}`;
}

/** Columns two spaces apart, numbers (the columns in `right`) aligned right; the last column is not padded. */
function columns(rows: readonly (readonly string[])[], indent: string, right: readonly number[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const pad = (cell: string, i: number, last: boolean) => (right.includes(i) ? cell.padStart(widths[i]) : last ? cell : cell.padEnd(widths[i]));
  // Stryker disable next-line ConditionalExpression,ArithmeticOperator: padding the last column only adds trailing spaces, which trimEnd removes
  return rows.map((r) => `${indent}${r.map((cell, i) => pad(cell, i, i === r.length - 1)).join("  ")}`.trimEnd());
}

function overloadText(o: Overload): string {
  return `${o.listener}, ${o.scenario}: ${o.region} ${loadOfCapacity(o.load, o.capacity)}`;
}

function scenarioText(e: StackExplanation, { scenario, routing }: ScenarioRouting, named: readonly MetroTie[]): string[] {
  const demand = hasDemand(e);
  const routes = GEOGRAPHIES.map((g) => [g, ...(demand ? [demandOf(e, g)] : []), servedBy(routing.routes[g])]);
  // Stryker disable next-line ArrayDeclaration: right-aligned columns are found by their index, so a list holding no number aligns none, as [] does
  const lines = [`  ${scenario.title}`, ...columns([["geography", ...(demand ? ["demand"] : []), "served by"], ...routes], "    ", demand ? [1] : [])];
  if (demand) {
    const capacity = hasCapacity(routing.loads);
    const rows = routing.loads.map((l) => {
      const c = loadCells(l);
      return [l.region, c.load, ...(capacity ? [c.capacity, c.use] : []), c.flag];
    });
    lines.push(...columns([["region", "load", ...(capacity ? ["capacity", "use"] : []), ""], ...rows], "    ", capacity ? [1, 2, 3] : [1]));
  }
  const ties = nearTiesLine(routing.nearTies, named);
  if (ties !== undefined) lines.push(`    ${ties}`);
  return lines;
}

/** Every stack's scenarios as terminal text. */
export function renderExplainText(explanations: readonly StackExplanation[]): string {
  const lines = [PROXIMITY_NOTE, LEGEND];
  for (const e of explanations) {
    for (const { listener, scenarios } of e.listeners) {
      lines.push("", `${listenerTitle(e.stack, listener)}:`);
      for (const s of scenarios) lines.push("", ...scenarioText(e, s, s === scenarios[0] ? [] : scenarios[0].routing.nearTies));
    }
    // Stryker disable next-line Regex: only the overload lines hold "- ", at their start, so anchoring changes nothing
    lines.push("", ...summary(e).map((l) => l.replace(/^- /, "  ")));
  }
  return `${lines.join("\n")}\n`;
}

function summary(e: StackExplanation): string[] {
  // Stryker disable next-line MethodExpression: a listener's groups have a capacity all or none (rule capacityOnEveryGroup), so some and every agree
  const capacity = e.listeners.some((l) => l.listener.endpointGroups.some((g) => g.capacity !== undefined));
  if (!hasDemand(e) || !capacity) return [`${e.stack}: no overload check (it needs demand on the stack and capacity on the endpoint groups).`];
  if (e.overloads.length === 0) return [`${e.stack}: no scenario sends a region more than its capacity.`];
  return [`${e.stack}: ${e.overloads.length} overload(s):`, ...e.overloads.map((o) => `- ${overloadText(o)}`)];
}

// Stryker disable next-line StringLiteral: no cell holds a "|" today (regions, metro names and reasons have none); this keeps a table whole if one ever does
const cell = (text: string) => text.replace(/\|/g, "\\|");

function scenarioMarkdown(e: StackExplanation, { scenario, routing }: ScenarioRouting, named: readonly MetroTie[]): string[] {
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
  const ties = nearTiesLine(routing.nearTies, named);
  if (ties !== undefined) lines.push("", `${ties[0].toUpperCase()}${cell(ties.slice(1))}`);
  return lines;
}

/** The same as Markdown, for a pull request or a runbook. */
export function renderExplainMarkdown(explanations: readonly StackExplanation[]): string {
  const lines = [`_${PROXIMITY_NOTE}_`, "", `_${LEGEND}_`];
  for (const e of explanations) {
    lines.push("", `## ${e.stack}`, "", ...summary(e));
    for (const { listener, scenarios } of e.listeners) {
      lines.push("", `### ${listenerTitle(e.stack, listener)}`);
      for (const s of scenarios) lines.push("", ...scenarioMarkdown(e, s, s === scenarios[0] ? [] : scenarios[0].routing.nearTies));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** "Seattle (US, north-america; 47.61, -122.33)", or "47.61, -122.33 (nearest metro: Seattle, 2 km)". */
export function clientTitle(client: Client): string {
  const at = `${client.lat}, ${client.lon}`;
  if (client.metro !== undefined) return `${client.metro.name} (${client.metro.country}, ${client.metro.geography}; ${at})`;
  const near = nearestMetro(client);
  return `${at} (nearest metro of the table: ${near.metro.name}, ${near.metro.geography}, ${km(near.km)})`;
}

/** "us-west-2 50% 287 km, us-east-1 50% 3676 km (held back by us-west-2's dial); runner-up eu-west-1 7800 km". */
export function clientRoutingText(routing: ClientRouting): string {
  const served = routing.servedBy.map(
    // Stryker disable next-line ArrayDeclaration: every way of a region's share reaches that region, so byRegion always has it
    (s) => `${s.region}${routing.servedBy.length > 1 ? ` ${percent(s.share)}` : ""} ${km(s.km)}${reasons(byRegion(s.ways).get(s.region) ?? [])}`,
  );
  const runnerUp = routing.runnerUp === undefined ? "no other group up" : `${routing.runnerUp.region} ${km(routing.runnerUp.km)}`;
  const near = routing.nearTie === undefined ? "" : `; ${NEAR_TIE_NOTE.replace("two regions", "two regions,")}: ${tie(routing.nearTie)}`;
  return `${served.join(", ") || "no endpoint group"}; runner-up ${runnerUp}${near}`;
}

function clientScenarioText({ scenario, routing }: ClientScenario): string {
  return `  ${scenario.title}: ${clientRoutingText(routing)}`;
}

/** One client's answer, listener by listener, as terminal text. */
export function renderClientText(client: Client, explanations: readonly ClientExplanation[]): string {
  const lines = [PROXIMITY_NOTE, LEGEND, "", `client: ${clientTitle(client)}`];
  for (const e of explanations) {
    for (const { listener, normal, failure } of e.listeners) {
      lines.push("", `${listenerTitle(e.stack, listener)}:`, clientScenarioText(normal), ...(failure !== undefined ? [clientScenarioText(failure)] : []));
    }
  }
  return `${lines.join("\n")}\n`;
}
