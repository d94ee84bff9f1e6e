// The generator of the apply property test (support/valid-configs.ts), checked without Terraform: every
// config it makes, and every change it makes of one, passes validation with no error, and together they reach
// every feature of the schema it claims to. A generator that drifted into invalid configs, or stopped making
// some kind of config, would otherwise make the apply test pass without testing much.
import fc from "fast-check";
import { validateConfig } from "../src/validation/validate";
import { configFor, FEATURES, featuresOf, validConfigs } from "./support/valid-configs";

const SAMPLE = 300;

describe("the apply property test's configs", () => {
  const generated = fc.sample(validConfigs(), { numRuns: SAMPLE, seed: 20261127 });

  it.each([
    ["first configs", (i: number) => configFor(generated[i].first, `fuzz-state-${i}`, `c${i}.example.com`)],
    ["changes", (i: number) => configFor(generated[i].second, `fuzz-state-${i}`, `c${i}.example.com`)],
  ] as const)("are valid: %s", (_what, configOf) => {
    const invalid = generated
      .map((_, i) => configOf(i))
      .map((config) => ({ config, result: validateConfig(config) }))
      .filter(({ result }) => !result.ok);
    expect(invalid.map(({ config, result }) => ({ config: JSON.stringify(config), errors: result.ok ? [] : result.errors }))).toEqual([]);
  });

  it(`reach every feature in ${SAMPLE} configs`, () => {
    const seen = new Set(generated.flatMap((g, i) => [...featuresOf(configFor(g.first, `fuzz-state-${i}`, "example.com"))]));
    expect(FEATURES.filter((f) => !seen.has(f))).toEqual([]);
    expect([...seen].filter((f) => !FEATURES.includes(f))).toEqual([]);
  });

  it("keep each stack's identity in a change (its name, accelerator and BYOIP addresses), and change something", () => {
    const identity = (config: { stacks: { name: string; accelerator: { name: string; ipAddresses?: string[] } }[] }) =>
      config.stacks.map((s) => [s.name, s.accelerator.name, s.accelerator.ipAddresses]);
    const changed = generated.filter((g) => JSON.stringify(g.first) !== JSON.stringify(g.second));
    expect(generated.map((g) => identity(configFor(g.second, "b", "z.example.com")))).toEqual(generated.map((g) => identity(configFor(g.first, "b", "z.example.com"))));
    expect(changed.length).toBeGreaterThan(SAMPLE * 0.9);
  });
});
