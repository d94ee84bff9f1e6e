// Every example applies: the configs of examples/ that the deploy tests do not already deploy (they deploy the
// embedded default and examples/full.yaml, with the real cdktf CLI: deploy-local.terraform.test.ts), and the
// README's first config example, which a new user copies first (its flow logs give no prefix). Each is
// applied with the real provider against a local Global Accelerator API of its own, and planned again: no
// changes. A new example is picked up here unless the deploy tests name it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfigText } from "../src/config/load";
import { applyConfig, asYaml, type ConfigRun } from "./support/apply";
import { startLocalAws, type LocalAws } from "./support/deploy";
import { ROOT } from "./support/run";

// Real applies on a busy 2-core machine: minutes, not the default three.
jest.setTimeout(900_000);

/**
 * Deployed elsewhere: full.yaml by deploy-local.terraform.test.ts, with the cdktf CLI; autopilot.yaml by
 * autopilot-apply.prometheus.terraform.test.ts (applied, planned empty, moved by the autopilot, planned
 * again) and by the rehearsal (autopilot-local.prometheus.terraform.test.ts, through deploy:local).
 */
const DEPLOYED_ELSEWHERE = ["examples/full.yaml", "examples/autopilot.yaml"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;

function readmeFirstConfig(): Config {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## A config"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (yaml === undefined) throw new Error("README.md has no yaml block under ## A config");
  return parseConfigText(yaml, "README.md", "yaml").data;
}

const examples = readdirSync(join(ROOT, "examples"))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => `examples/${f}`)
  .filter((f) => !DEPLOYED_ELSEWHERE.includes(f))
  .sort();
const configs: [string, Config][] = [
  ...examples.map((f): [string, Config] => [f, parseConfigText(readFileSync(join(ROOT, f), "utf8"), f, "yaml").data]),
  ["the README's first config example", readmeFirstConfig()],
];

let moto: LocalAws;
const runs = new Map<string, ConfigRun>();
// Independent configs, each with its own Global Accelerator API: they apply at once.
beforeAll(async () => {
  moto = await startLocalAws(0);
  const results = await Promise.all(configs.map(async ([name, config]) => [name, await applyConfig(moto, config)] as const));
  for (const [name, result] of results) runs.set(name, result);
});
afterAll(async () => moto?.stop());

it("covers every example but those the deploy tests deploy", () => {
  expect(examples).toEqual(["examples/llm-multi-region.yaml", "examples/minimal.yaml", "examples/multi-stack.yaml"]);
});

it.each(configs)("%s applies with the real provider, and the second plan is empty", (name, config) => {
  const run = runs.get(name)!;
  if (run.failures.length > 0) throw new Error(`${run.failures.join("\n")}\n\nthe config (YAML):\n${asYaml(config)}`);
  expect(run.failures).toEqual([]);
});
