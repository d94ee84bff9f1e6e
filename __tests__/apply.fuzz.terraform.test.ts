// Property: every config that validates also applies. Configs valid by construction over the schema's whole
// space (support/valid-configs.ts: every endpoint type, lookups by name, dual-stack, BYOIP, port overrides,
// health checks and presets, flow logs, listeners of both protocols, several regions and stacks, DNS, Shield)
// are synthesized, their load balancers and hosted zones seeded in moto, and applied with the real provider
// against the local Global Accelerator API: every apply succeeds and every second plan is empty. Then a second
// valid config of the same stacks is applied on top (a change: listeners and groups kept, dropped, added,
// ports moved); where the plan gate refuses the change as one no single apply reaches, its failure is expected,
// anywhere else it must succeed and re-plan empty. A failure prints the config as YAML and the API's refusals.
// `npm test` runs SMART_ROUTING_FUZZ_APPLY_RUNS (default 1) case with a fixed seed (each case is two real
// applies of up to three stacks: about a CPU-minute); `npm run fuzz:apply` runs 20 with a new seed each time
// (SMART_ROUTING_FUZZ_SEED=<n> replays one). support/valid-configs.ts's own test checks, without Terraform,
// that the generator's configs validate and reach every feature.
import fc from "fast-check";
import { asYaml, applyConfig } from "./support/apply";
import { startLocalAws, type LocalAws } from "./support/deploy";
import { configFor, featuresOf, validConfigs } from "./support/valid-configs";

const RUNS = Number(process.env.SMART_ROUTING_FUZZ_APPLY_RUNS ?? 1);
const SEED_SETTING = process.env.SMART_ROUTING_FUZZ_SEED ?? "20261127";
const SEED = SEED_SETTING === "random" ? Date.now() % 2 ** 31 : Number(SEED_SETTING);
// Per case, generously: two applies of up to three stacks, with DNS records the provider waits 10-20 s on.
jest.setTimeout(120_000 + RUNS * 300_000);

let moto: LocalAws;
beforeAll(async () => {
  moto = await startLocalAws(0);
});
afterAll(async () => moto?.stop());

it(`${RUNS} valid configs (seed ${SEED}) apply, re-plan empty, and take a change on top`, async () => {
  let run = 0;
  const covered = new Set<string>();
  let expectedFailures = 0;
  const known: string[] = [];
  await fc.assert(
    fc.asyncProperty(validConfigs(), async (generated) => {
      run++;
      // A bucket and a zone of the run's own: runs share moto, and a record or a state key must not meet another run's.
      const bucket = `fuzz-apply-${SEED}-${run}`;
      const zone = `r${run}.s${SEED}.example.com`;
      const [config, change] = [configFor(generated.first, bucket, zone), configFor(generated.second, bucket, zone)];
      for (const feature of featuresOf(config)) covered.add(feature);
      const result = await applyConfig(moto, config, change);
      expectedFailures += Object.values(result.gateFindings).filter((f) => f.length > 0).length;
      known.push(...Object.entries(result.known).map(([stack, reason]) => `run ${run} ${stack}: ${reason}`));
      if (result.failures.length > 0) {
        throw new Error(
          `run ${run} failed:\n${result.failures.join("\n")}\n\nthe config (YAML):\n${asYaml(config)}\nthe change applied on top (YAML):\n${asYaml(change)}`,
        );
      }
    }),
    // No shrinking: every step is a real apply; the case that failed is printed whole, and the seed replays it.
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  process.stdout.write(
    `apply fuzz: ${RUNS} configs (seed ${SEED}) applied and changed; changes the plan gate refused: ${expectedFailures}; plans after a change that differed for a known reason: ${known.length > 0 ? known.join("; ") : "none"}; features covered: ${[...covered].sort().join(", ")}\n`,
  );
  expect(run).toBe(RUNS);
});
