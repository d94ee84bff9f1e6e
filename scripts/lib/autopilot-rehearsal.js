// @ts-check
// The rehearsal's pieces that do no I/O (npm run autopilot:local, scripts/autopilot-local.js): the
// scenario (steps of model-server load per region over time) read and checked, the load each region's
// fake servers show at a moment, the timeline printed, and the report's HTML page with one SVG chart per
// region of its signal and its dial over time (self-contained: no script, no CDN).
"use strict";
const { parse } = require("yaml");

/**
 * @typedef {{ at: number, region: string, waiting: number, running: number, replicas: number, kvCache?: number }} Step
 * @typedef {{ stack: string, listener: string, region: string, signal: number | null, sampleAgeSeconds?: number | null, from: number, to: number, ceiling: number, action: string, reason: string }} Decision
 * @typedef {{ at: number, decisions: Decision[] }} Tick
 */

/**
 * The default scenario: every region calm; one region (the first) saturates at 10 s (20 requests waiting
 * per replica, over any high watermark the example sets) and clears at 70 s.
 * @param {readonly string[]} regions
 * @returns {Step[]}
 */
function defaultScenario(regions) {
  const calm = (/** @type {string} */ region, /** @type {number} */ at) => ({ at, region, waiting: 2, running: 8, replicas: 4, kvCache: 0.4 });
  return [
    ...regions.map((r) => calm(r, 0)),
    { at: 10, region: regions[0], waiting: 80, running: 32, replicas: 4, kvCache: 0.97 },
    { ...calm(regions[0], 70), waiting: 0 },
  ];
}

/**
 * Reads a scenario (JSON or YAML: a list of steps) and checks it against the config's regions. Returns the
 * steps sorted by time, or the problems found (every one, each naming the step and the field).
 * @param {string} text @param {readonly string[]} regions
 * @returns {{ steps: Step[], errors?: undefined } | { errors: string[] }}
 */
function parseScenario(text, regions) {
  /** @type {unknown} */
  let raw;
  try {
    raw = parse(text);
  } catch (err) {
    return { errors: [`not JSON or YAML: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`] };
  }
  if (!Array.isArray(raw) || raw.length === 0) return { errors: [`expected a list of steps ({ at, region, waiting, running, replicas, kvCache? }), received ${raw === null ? "nothing" : Array.isArray(raw) ? "an empty list" : typeof raw}`] };
  /** @type {string[]} */
  const errors = [];
  /** @type {Step[]} */
  const steps = [];
  raw.forEach((item, i) => {
    const where = `step ${i + 1}`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      errors.push(`${where}: expected { at, region, waiting, running, replicas, kvCache? }, received ${JSON.stringify(item)}`);
      return;
    }
    const unknown = Object.keys(item).filter((k) => !["at", "region", "waiting", "running", "replicas", "kvCache"].includes(k));
    if (unknown.length > 0) errors.push(`${where}: unknown field(s) ${unknown.join(", ")} (allowed: at, region, waiting, running, replicas, kvCache)`);
    if (typeof item.region !== "string" || !regions.includes(item.region)) errors.push(`${where}: region ${JSON.stringify(item.region)} is not one of the config's steered regions (${regions.join(", ")})`);
    /** @param {string} field @param {number} min @param {number} [max] @param {boolean} [whole] */
    const number = (field, min, max = Infinity, whole = false) => {
      const v = item[field];
      if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (whole && !Number.isInteger(v))) {
        errors.push(`${where}: ${field} must be ${whole ? "a whole number" : "a number"} ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`}, received ${JSON.stringify(v)}`);
      }
    };
    number("at", 0);
    number("waiting", 0);
    number("running", 0);
    number("replicas", 1, Infinity, true);
    if (item.kvCache !== undefined) number("kvCache", 0, 1);
    steps.push(item);
  });
  if (errors.length > 0) return { errors };
  return { steps: [...steps].sort((a, b) => a.at - b.at) };
}

/**
 * What a region's servers show at `at` seconds: its latest step at or before then (undefined before its first).
 * @param {readonly Step[]} steps @param {string} region @param {number} at
 */
function loadAt(steps, region, at) {
  /** @type {Step | undefined} */
  let current;
  for (const s of steps) if (s.region === region && s.at <= at) current = s;
  return current;
}

/** @param {number} n */
const num = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ""));

/**
 * The timeline: one line per tick that changed a dial, and one per scenario step, in time order.
 * @param {readonly Tick[]} ticks @param {readonly Step[]} steps
 */
function timeline(ticks, steps) {
  /** @type {{ at: number, text: string }[]} */
  const lines = [];
  for (const s of steps) lines.push({ at: s.at, text: `load    ${s.region}: ${num(s.waiting)} waiting / ${s.replicas} replicas (${num(s.waiting / s.replicas)} per replica)${s.kvCache !== undefined ? `, KV cache ${Math.round(s.kvCache * 100)}%` : ""}` });
  for (const t of ticks) {
    for (const d of t.decisions) {
      if (d.to === d.from) continue;
      lines.push({ at: t.at, text: `${d.action.padEnd(8)}${d.listener}/${d.region}: dial ${num(d.from)} -> ${num(d.to)} (ceiling ${num(d.ceiling)}; signal ${d.signal === null ? "none" : num(d.signal)}): ${d.reason}` });
    }
  }
  return lines
    .sort((a, b) => a.at - b.at)
    .map((l) => `${`+${l.at.toFixed(1)}s`.padStart(8)}  ${l.text}`)
    .join("\n");
}

/** @param {string} s */
const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * One region's chart: its signal (left axis, with the watermarks) and its dial (right axis, 0-100%, with
 * the ceiling), over the rehearsal's seconds.
 * @param {{ key: string, points: { at: number, signal: number | null, dial: number, ceiling: number }[], low: number, high: number, end: number }} series
 */
function chartSvg(series) {
  const W = 720, H = 220, L = 48, R = 48, T = 28, B = 32;
  const pw = W - L - R, ph = H - T - B;
  const maxSignal = Math.max(series.high * 1.5, ...series.points.map((p) => p.signal ?? 0)) || 1;
  const x = (/** @type {number} */ t) => L + (pw * t) / (series.end || 1);
  const ys = (/** @type {number} */ v) => T + ph - (ph * v) / maxSignal;
  const yd = (/** @type {number} */ v) => T + ph - (ph * v) / 100;
  const path = (/** @type {[number, number][]} */ pts) => pts.map(([px, py], i) => `${i === 0 ? "M" : "L"}${px.toFixed(1)},${py.toFixed(1)}`).join(" ");
  // The dial is a step: it holds its value until the next tick.
  /** @type {[number, number][]} */
  const dial = [];
  series.points.forEach((p, i) => {
    if (i > 0) dial.push([x(p.at), yd(series.points[i - 1].dial)]);
    dial.push([x(p.at), yd(p.dial)]);
  });
  /** @type {[number, number][][]} */
  const signalRuns = [[]];
  for (const p of series.points) {
    if (p.signal === null) signalRuns.push([]);
    else signalRuns[signalRuns.length - 1].push([x(p.at), ys(p.signal)]);
  }
  const ticksX = [];
  const stepX = series.end > 120 ? 30 : series.end > 40 ? 10 : 5;
  for (let t = 0; t <= series.end; t += stepX) ticksX.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${T}" y2="${T + ph}" class="grid"/><text x="${x(t)}" y="${H - 10}" text-anchor="middle">${t}s</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escape(series.key)}: signal and dial over time">`,
    `<text x="${L}" y="16" class="title">${escape(series.key)}</text>`,
    ...ticksX,
    `<rect x="${L}" y="${T}" width="${pw}" height="${ph}" class="frame"/>`,
    `<line x1="${L}" x2="${L + pw}" y1="${ys(series.high)}" y2="${ys(series.high)}" class="high"/><text x="${L - 4}" y="${ys(series.high) + 4}" text-anchor="end" class="signal">${num(series.high)}</text>`,
    `<line x1="${L}" x2="${L + pw}" y1="${ys(series.low)}" y2="${ys(series.low)}" class="low"/><text x="${L - 4}" y="${ys(series.low) + 4}" text-anchor="end" class="signal">${num(series.low)}</text>`,
    `<text x="${L - 4}" y="${T + 4}" text-anchor="end" class="signal">${num(Math.round(maxSignal))}</text>`,
    `<text x="${W - R + 4}" y="${T + 4}" class="dial">100%</text><text x="${W - R + 4}" y="${T + ph + 4}" class="dial">0%</text>`,
    ...signalRuns.filter((r) => r.length > 0).map((r) => `<path d="${path(r)}" class="signal-line"/>`),
    dial.length > 0 ? `<path d="${path(dial)}" class="dial-line"/>` : "",
    "</svg>",
  ].join("\n");
}

/**
 * The report's HTML page: what ran, a legend, one chart per steered group, the plan's verdict.
 * @param {{ title: string, ticks: readonly Tick[], steps: readonly Step[], watermarks: Record<string, { low: number, high: number }>, plan: string }} report
 */
function reportHtml(report) {
  const keys = [...new Set(report.ticks.flatMap((t) => t.decisions.map((d) => `${d.stack} ${d.listener}/${d.region}`)))];
  const end = Math.max(1, ...report.ticks.map((t) => t.at), ...report.steps.map((s) => s.at));
  const charts = keys.map((key) => {
    const points = report.ticks.flatMap((t) => t.decisions.filter((d) => `${d.stack} ${d.listener}/${d.region}` === key).map((d) => ({ at: t.at, signal: d.signal, dial: d.to, ceiling: d.ceiling })));
    const region = key.split("/").pop() ?? "";
    const marks = report.watermarks[key] ?? report.watermarks[region] ?? { low: 0, high: 0 };
    return chartSvg({ key, points, low: marks.low, high: marks.high, end });
  });
  const changes = report.ticks.reduce((n, t) => n + t.decisions.filter((d) => d.to !== d.from).length, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(report.title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
svg { display: block; margin: 1em 0; } svg text { font: 11px system-ui, sans-serif; fill: #555; }
.title { font-weight: 600; fill: #222; font-size: 13px; }
.frame { fill: none; stroke: #bbb; } .grid { stroke: #eee; }
.signal-line { fill: none; stroke: #d9480f; stroke-width: 2; } .dial-line { fill: none; stroke: #1c7ed6; stroke-width: 2.5; }
.high { stroke: #d9480f; stroke-dasharray: 6 4; opacity: .6; } .low { stroke: #2b8a3e; stroke-dasharray: 2 4; opacity: .8; }
.signal { fill: #d9480f; } .dial { fill: #1c7ed6; }
.legend span { display: inline-block; margin-right: 1.5em; } .sw { display: inline-block; width: 1.5em; height: .3em; vertical-align: middle; margin-right: .4em; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
</style></head><body>
<h1>${escape(report.title)}</h1>
<p>${report.ticks.length} ticks over ${num(end)} s, ${changes} dial change(s). Plan after the rehearsal: <strong>${report.plan === "no changes" ? "no changes" : "CHANGES (below)"}</strong>.</p>
<p class="legend"><span><i class="sw" style="background:#d9480f"></i>signal (left axis)</span><span><i class="sw" style="background:#1c7ed6"></i>dial % (right axis)</span><span><i class="sw" style="background:#d9480f;opacity:.6"></i>high watermark</span><span><i class="sw" style="background:#2b8a3e"></i>low watermark</span></p>
${charts.join("\n")}
${report.plan === "no changes" ? "" : `<h2>Plan</h2><pre>${escape(report.plan)}</pre>`}
</body></html>
`;
}

module.exports = { defaultScenario, parseScenario, loadAt, timeline, chartSvg, reportHtml };
