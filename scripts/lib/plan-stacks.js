// @ts-check
// Planning one synthesized stack as the plan and drift workflows plan it, and what `npm run plan-stacks`
// makes of it: its folder of results (summary.md, result.json, plan.json, logs) and its section of the
// job summary, budgeted under GitHub's limit per step.
"use strict";
const { copyFileSync, mkdirSync, rmSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { LOCK_FILE, terraformAsync } = require("./terraform");

/** GitHub refuses a step summary over 1 MiB ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k"). */
const STEP_SUMMARY_LIMIT = 1024 * 1024;
/** Kept free of the limit: the runner's own accounting is not documented to the byte. */
const STEP_SUMMARY_MARGIN = 8 * 1024;

/**
 * The texts of the workflows' job summaries, as they wrote them per stack.
 */
const TEXT = {
  /** @param {string} stack */
  noPlan: (stack) => `### Terraform plan for \`${stack}\`: ❌ no plan\n\nTerraform failed before the plan gate could run; see the log of this job.\n`,
  /** A plan the gate could not read: not Terraform's failure, so not the text above. @param {string} stack @param {string} problem */
  unreadable: (stack, problem) => `### Terraform plan for \`${stack}\`: ❌ no plan\n\nThe plan gate could not read the plan: ${problem}\n`,
  /** @param {string} stack */
  noDrift: (stack) => `### \`${stack}\`: no drift\n\nWhat AWS holds matches the config.\n`,
  /** @param {string} stack @param {string} gateMarkdown */
  drift: (stack, gateMarkdown) =>
    `### ⚠️ Drift in \`${stack}\`\n\nWhat AWS holds differs from the config: it was changed outside Terraform (in the console, say). The plan below would put it back; nothing was applied. Run the apply workflow (terraform-apply.yml) for this stack, or change the config to match.\n\n${gateMarkdown}`,
  /** @param {string} stack */
  driftAnnotation: (stack) => `::error title=Drift in ${stack}::What AWS holds differs from the config; see the job summary.`,
};

/**
 * @typedef {import("./plan-comment").Status} Status
 * @typedef {import("./plan-comment").Counts} Counts
 * @typedef {{
 *   stack: string,
 *   mode: "plan" | "drift",
 *   status: Status,
 *   counts: Counts | null,
 *   destructive: boolean,
 *   capacityWarnings: { listener: string, region: string, load: number, capacity: number }[],
 *   exitCodes: { init: number | null, plan: number | null, show: number | null, gate: number | null },
 *   problem?: string,
 *   seconds: number,
 * }} PlanResult
 * @typedef {{ result: PlanResult, summary: string, logs: { step: string, status: number | null, text: string }[], gateText: string }} PlannedStack
 */

/**
 * Plans one stack in its synthesized folder and gates the plan in this process; never throws for what
 * Terraform or the gate reports (that is the result), only when it cannot run at all or is aborted.
 * @param {import("../../src/model/model").StackModel} stack
 * @param {{
 *   stackDir: string,
 *   drift: boolean,
 *   env: NodeJS.ProcessEnv,
 *   cli: Pick<typeof import("../../src/cli-api"), "readPlan" | "planOfAnotherStack" | "reviewPlan" | "reviewCapacity" | "renderMarkdown" | "renderText" | "gatePassed" | "PlanFormatError">,
 *   signal?: AbortSignal,
 *   onPlanJson?: (text: string) => void,
 * }} options
 * @returns {Promise<PlannedStack>}
 */
async function planStack(stack, { stackDir, drift, env, cli, signal, onPlanJson }) {
  const started = process.hrtime.bigint();
  const name = stack.name;
  /** @type {PlannedStack["logs"]} */
  const logs = [];
  /** @type {PlanResult["exitCodes"]} */
  const exitCodes = { init: null, plan: null, show: null, gate: null };
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  /** @param {Status} status @param {string} summary @param {Partial<PlanResult>} [more] @param {string} [gateText] @returns {PlannedStack} */
  const done = (status, summary, more = {}, gateText = "") => ({
    result: { stack: name, mode: drift ? /** @type {const} */ ("drift") : "plan", status, counts: null, destructive: false, capacityWarnings: [], exitCodes, ...more, seconds: seconds() },
    summary,
    logs,
    gateText,
  });
  /** @param {"init" | "plan" | "show"} step @param {string[]} args */
  const terraform = async (step, args) => {
    const result = await terraformAsync(args, { cwd: stackDir, env, signal });
    exitCodes[step] = result.status;
    // show's stdout is the plan JSON (plan.json); its log is what it says besides, if anything.
    if (step !== "show") logs.push({ step, status: result.status, text: result.stdout + result.stderr });
    else if (result.status !== 0 || result.stderr !== "") logs.push({ step, status: result.status, text: result.stderr });
    return result;
  };

  // The committed lock file pins hashicorp/aws and its checksums; init may not change it.
  copyFileSync(LOCK_FILE, join(stackDir, ".terraform.lock.hcl"));
  rmSync(join(stackDir, "tfplan"), { force: true });
  try {
    const init = await terraform("init", ["init", "-input=false", "-lockfile=readonly"]);
    if (init.status !== 0) return done("no-plan", TEXT.noPlan(name), { problem: `terraform init failed (exit ${init.status})` });
    // Drift: -detailed-exitcode (0 no changes, 2 changes, else failed), and the drift workflow's longer lock wait.
    const planArgs = drift ? ["-lock-timeout=10m", "-detailed-exitcode"] : ["-lock-timeout=5m"];
    const plan = await terraform("plan", ["plan", "-input=false", ...planArgs, "-out=tfplan"]);
    const planned = plan.status === 0 || (drift && plan.status === 2);
    if (!planned) return done("no-plan", TEXT.noPlan(name), { problem: `terraform plan failed (exit ${plan.status})` });
    const zero = { create: 0, update: 0, replace: 0, delete: 0, move: 0 };
    if (drift && plan.status === 0) return done("no-drift", TEXT.noDrift(name), { counts: zero });
    const show = await terraform("show", ["show", "-json", "tfplan"]);
    if (show.status !== 0) return done("no-plan", TEXT.noPlan(name), { problem: `terraform show -json failed (exit ${show.status})` });
    onPlanJson?.(show.stdout);
    return gate(stack, show.stdout, drift, cli, exitCodes, done);
  } finally {
    // 675 MB of hashicorp/aws 5.100.0 per stack folder when init installs it from the registry: a job
    // planning many stacks would fill the runner's disk. The plan is done; nothing here needs it again.
    rmSync(join(stackDir, ".terraform", "providers"), { recursive: true, force: true });
  }
}

/**
 * The plan gate, in this process: what `npm run plan-gate -- - --stack <stack> --markdown summary.md` does.
 * @param {import("../../src/model/model").StackModel} stack @param {string} planJson @param {boolean} drift
 * @param {Parameters<typeof planStack>[1]["cli"]} cli @param {PlanResult["exitCodes"]} exitCodes
 * @param {(status: Status, summary: string, more?: Partial<PlanResult>, gateText?: string) => PlannedStack} done
 */
function gate(stack, planJson, drift, cli, exitCodes, done) {
  let plan;
  try {
    plan = cli.readPlan(planJson, "terraform show -json tfplan");
  } catch (err) {
    if (!(err instanceof cli.PlanFormatError)) throw err;
    exitCodes.gate = 2;
    return done("no-plan", TEXT.unreadable(stack.name, err.message), { problem: err.message });
  }
  const foreign = cli.planOfAnotherStack(plan, stack);
  if (foreign !== undefined) {
    exitCodes.gate = 2;
    const problem = `the plan ${foreign}`;
    return done("no-plan", TEXT.unreadable(stack.name, problem), { problem });
  }
  const review = cli.reviewPlan(plan, stack);
  const capacity = cli.reviewCapacity(plan, stack, false);
  const passed = cli.gatePassed(review, capacity);
  exitCodes.gate = passed ? 0 : 1;
  const n = (/** @type {string} */ kind) => review.changes.filter((c) => c.kind === kind).length;
  const counts = { create: n("create"), update: n("update"), replace: n("replace"), delete: n("delete"), move: n("move") };
  const more = {
    counts,
    destructive: counts.replace + counts.delete > 0,
    capacityWarnings: capacity.overloads.map((o) => ({ listener: o.listener, region: o.region, load: o.load, capacity: o.capacity })),
  };
  const markdown = cli.renderMarkdown(review, stack.name, capacity);
  const text = cli.renderText(review, stack.name, capacity);
  // In drift mode the verdict does not matter: any change is drift, and fails either way.
  if (drift) return done("drift", TEXT.drift(stack.name, markdown), more, text);
  return done(passed ? "passed" : "failed", markdown, more, text);
}

/**
 * Writes a stack's folder of results: summary.md, result.json, <step>.log, gate.txt (plan.json is written
 * as soon as Terraform gives it).
 * @param {string} dir @param {PlannedStack} planned
 */
function writeResults(dir, planned) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "summary.md"), planned.summary);
  writeFileSync(join(dir, "result.json"), `${JSON.stringify(planned.result, null, 2)}\n`);
  for (const log of planned.logs) writeFileSync(join(dir, `${log.step}.log`), log.text);
  if (planned.gateText !== "") writeFileSync(join(dir, "gate.txt"), planned.gateText);
}

/**
 * Runs `work` for each item, at most `concurrency` at a time, in order of start; resolves every result in
 * the items' order. A rejection stops new starts and rejects once the running ones have settled.
 * @template T, R
 * @param {readonly T[]} items @param {number} concurrency @param {(item: T, index: number) => Promise<R>} work
 * @returns {Promise<R[]>}
 */
async function runPool(items, concurrency, work) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  /** @type {unknown} */
  let failure;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i], i);
      } catch (err) {
        if (!failed) failure = err;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed) throw failure;
  return results;
}

/**
 * The step summary's sections, each cut to its share of `available` bytes (UTF-8) so that the whole stays
 * within it: sections are served smallest first, each getting at most an equal share of what is left, so
 * small ones stay whole and what they leave goes to the large ones. A section cut short ends in
 * `note(shownBytes, fullBytes)`; one whose share cannot hold even its first line and the note is left out
 * and counted in the last line.
 * @param {readonly { name: string, text: string }[]} sections
 * @param {number} available
 * @param {(name: string, shownBytes: number, fullBytes: number) => string} note
 * @returns {{ text: string, cut: string[], omitted: string[] }}
 */
function budgetSections(sections, available, note) {
  const bytes = (/** @type {string} */ s) => Buffer.byteLength(s, "utf8");
  const omittedLine = (/** @type {number} */ n) => `\n_${n} stack section(s) left out of this job summary (over GitHub's 1 MiB per step); see each stack's summary.md in the job's artifact._\n`;
  // Room for that line, in case it is needed.
  let left = available - bytes(omittedLine(sections.length));
  /** @type {(string | undefined)[]} */
  const out = new Array(sections.length);
  /** @type {string[]} */
  const cut = [];
  /** @type {string[]} */
  const omitted = [];
  const order = sections.map((s, i) => ({ ...s, i, size: bytes(`${s.text}\n`) })).sort((a, b) => a.size - b.size || a.i - b.i);
  for (const [k, s] of order.entries()) {
    const share = Math.floor(left / (order.length - k));
    if (s.size <= share) {
      out[s.i] = `${s.text}\n`;
      left -= s.size;
      continue;
    }
    const shortened = cutToBytes(s.text, share, (shown) => note(s.name, shown, bytes(s.text)));
    if (shortened === undefined) {
      omitted.push(s.name);
      continue;
    }
    out[s.i] = shortened;
    left -= bytes(shortened);
    cut.push(s.name);
  }
  const text = out.filter((t) => t !== undefined).join("") + (omitted.length > 0 ? omittedLine(omitted.length) : "");
  return { text, cut: sections.filter((s) => cut.includes(s.name)).map((s) => s.name), omitted: sections.filter((s) => omitted.includes(s.name)).map((s) => s.name) };
}

/**
 * `text` cut at a line end so that it and its note take at most `room` bytes; undefined when not even
 * the first line fits with the note.
 * @param {string} text @param {number} room @param {(shownBytes: number) => string} note
 */
function cutToBytes(text, room, note) {
  const buffer = Buffer.from(text, "utf8");
  // The note's own length depends on the number it shows; its widest form bounds it.
  const budget = room - Buffer.byteLength(note(buffer.length), "utf8");
  if (budget <= 0) return undefined;
  const end = buffer.lastIndexOf(0x0a, budget - 1);
  if (end <= 0) return undefined;
  return `${buffer.subarray(0, end + 1).toString("utf8")}${note(end + 1)}`;
}

module.exports = { planStack, writeResults, runPool, budgetSections, TEXT, STEP_SUMMARY_LIMIT, STEP_SUMMARY_MARGIN };
