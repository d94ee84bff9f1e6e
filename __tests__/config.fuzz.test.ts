// Property: whatever text a config file holds, the path every command takes (load, validate, model, synth,
// the diagram, the package README) ends in a model and its output, or in error lines; never in a throw.
// Inputs: configs generated from the committed JSON Schema, and the examples with mutations (see
// support/config-arbitraries.ts). `npm test` runs SMART_ROUTING_FUZZ_RUNS (default 2,000) cases with a fixed
// seed; `npm run fuzz` runs 10,000 with a new seed each time (SMART_ROUTING_FUZZ_SEED=<n> replays one).
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { modelFrom } from "../src/app";
import { parseConfigText } from "../src/config/load";
import { packageReadme, routingDiagram, synthInto } from "../src/handoff";
import type { StackJson } from "../src/handoff/readme";
import { ADDRESS, RESOURCE_NAME } from "../src/model/contract";
import type { RoutingModel } from "../src/model/model";
import { configsFromSchema, mutatedExamples, type ConfigText } from "./support/config-arbitraries";

// As in the synth bundle (scripts/build.js): cdktf captures a full stack for every token, for messages
// about unresolvable tokens only, and under jest each capture is mapped through source maps; that was
// most of the time of building thousands of stacks. setup.js has loaded cdktf already, so the function is
// replaced on the module every cdktf file shares, for this file only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTrace: { captureStackTrace: () => string[] } = require("cdktf/lib/tokens/private/stack-trace");
const capture = stackTrace.captureStackTrace;
beforeAll(() => (stackTrace.captureStackTrace = () => []));
afterAll(() => (stackTrace.captureStackTrace = capture));

const OUTDIR = mkdtempSync(join(tmpdir(), "smart-routing-fuzz-"));
afterAll(() => rmSync(OUTDIR, { recursive: true, force: true }));

const RUNS = Number(process.env.SMART_ROUTING_FUZZ_RUNS ?? 2000);
const SEED_SETTING = process.env.SMART_ROUTING_FUZZ_SEED ?? "20261126";
const SEED = SEED_SETTING === "random" ? Date.now() % 2 ** 31 : Number(SEED_SETTING);
/**
 * A watchdog for a hang, not a speed check (jest.config.js): 2,000 cases took 183 s on a loaded 2-core
 * machine against the 260 s this allowed before; a large `npm run fuzz` gets a second per case.
 */
const TIMEOUT_MS = Math.max(30 * 60_000, RUNS * 1000);

/** zod's own wording, which a user must never see: every message of ours says what is allowed. */
const ZOD_WORDING = /\b(Invalid input|Invalid key in record|Invalid option|Invalid element|Too small|Too big|Expected \w+, received)\b/;

interface Tally {
  synthesized: number;
  refused: number;
}

/** Everything a command does with a config text, in-process; returns what it ends in, or throws. */
function throughEveryStep(config: ConfigText): { errors: readonly string[] } | { model: RoutingModel; stacks: Record<string, string>; data: unknown } {
  const source = `fuzz.${config.format}`;
  let data: unknown;
  const { model, report } = modelFrom(() => {
    const loaded = parseConfigText(config.text, source, config.format);
    data = loaded.data;
    return loaded;
  }, false);
  if (model === undefined) return { errors: report.errors };
  // As npm run synth and npm run package write it. One folder for every case: a synth writes every stack
  // of its config (or throws), so what is read below is always this case's.
  synthInto(model, OUTDIR);
  const stacks: Record<string, string> = {};
  for (const stack of model.stacks) {
    const json = readFileSync(join(OUTDIR, "stacks", stack.name, "cdk.tf.json"), "utf8");
    stacks[stack.name] = json;
    routingDiagram(stack);
    packageReadme({ stack, json: JSON.parse(json) as StackJson, source, providerVersion: "5.100.0", lockPlatforms: ["linux_amd64"] });
  }
  return { model, stacks, data };
}

/** Checks one case's outcome; throws (so fast-check reports the input) when it is not a clean one. */
function expectModelOrErrors(config: ConfigText, tally: Tally): void {
  const outcome = throughEveryStep(config);
  const source = `fuzz.${config.format}`;
  if ("errors" in outcome) {
    tally.refused++;
    if (outcome.errors.length === 0) throw new Error("no model and no error");
    for (const error of outcome.errors) {
      if (error.includes("\n")) throw new Error(`an error message spans lines: ${JSON.stringify(error)}`);
      if (ZOD_WORDING.test(error)) throw new Error(`an error message in zod's words: ${error}`);
      const fileError = error.startsWith(`${source}:`) || error.startsWith("SMART_ROUTING_CONFIG");
      const located = new RegExp(` \\(${source.replace(".", "\\.")}:\\d+:\\d+\\)$`).test(error);
      if (!fileError && !located) throw new Error(`an error names neither the file nor its line: ${error}`);
    }
    return;
  }
  tally.synthesized++;
  // What the file said, to hold the output to it (not to the model, which could have lost something).
  const written = outcome.data as { stacks: { tags?: Record<string, string> }[] };
  for (const [index, stack] of outcome.model.stacks.entries()) {
    const json = JSON.parse(outcome.stacks[stack.name]);
    // Every address comes from a name in the config, exactly; tags reach every provider unchanged.
    const expected = {
      listeners: stack.listeners.map((l) => RESOURCE_NAME.listener(l.name)).sort(),
      groups: stack.listeners.flatMap((l) => l.endpointGroups.map((g) => RESOURCE_NAME.endpointGroup(g))).sort(),
      lookups: stack.lookups.map((l) => RESOURCE_NAME.lookup(l)).sort(),
    };
    const actual = {
      listeners: Object.keys(json.resource.aws_globalaccelerator_listener ?? {}).sort(),
      groups: Object.keys(json.resource.aws_globalaccelerator_endpoint_group ?? {}).sort(),
      lookups: Object.keys(json.data?.aws_lb ?? {}).sort(),
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${stack.name}: addresses ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    if (json.resource.aws_globalaccelerator_accelerator?.accelerator === undefined) throw new Error(`${stack.name}: no ${ADDRESS.accelerator}`);
    const configTags = JSON.stringify(Object.entries(written.stacks[index].tags ?? {}).sort());
    for (const provider of json.provider.aws as { default_tags?: { tags: Record<string, string> }[] }[]) {
      const tags = JSON.stringify(Object.entries(provider.default_tags?.[0]?.tags ?? {}).sort());
      if (tags !== configTags) throw new Error(`${stack.name}: provider tags ${tags}, config tags ${configTags}`);
    }
  }
}

function check(name: string, arbitrary: fc.Arbitrary<ConfigText>, runs: number, seed: number, minimumSynthesized: number) {
  it(`${name}: ${runs} configs (seed ${seed}) each end in a model and its output, or in error lines`, () => {
    const tally: Tally = { synthesized: 0, refused: 0 };
    fc.assert(
      fc.property(arbitrary, (config) => expectModelOrErrors(config, tally)),
      { numRuns: runs, seed, examples: [] },
    );
    // A fuzz that stopped reaching synth (or stopped producing errors) would pass without testing much.
    expect(tally.synthesized).toBeGreaterThanOrEqual(Math.floor(runs * minimumSynthesized));
    expect(tally.refused).toBeGreaterThanOrEqual(Math.floor(runs * 0.1));
  }, TIMEOUT_MS);
}

describe("any config text", () => {
  check("generated from the JSON Schema", configsFromSchema(), Math.ceil(RUNS / 2), SEED, 0.3);
  check("the examples, mutated", mutatedExamples(), Math.floor(RUNS / 2), SEED + 1, 0.15);
});
