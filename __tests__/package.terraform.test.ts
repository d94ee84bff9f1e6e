// The hand-off proven with plain Terraform: each package is copied to an empty folder far from
// node_modules, its checksums verified, then `terraform init` against a local S3 API (moto) with the
// team's own -backend-config and -lockfile=readonly, `validate`, and `plan` with and without operator
// overrides, read back with `terraform show -json`. The only file the test adds is an override file
// with test credentials (Terraform merges *_override.tf.json files); the providers reach moto through
// AWS_ENDPOINT_URL in the environment.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadModel } from "../src/app";
import type { StackModel } from "../src/model/model";
import { endpointWeightKey, trafficDialKey } from "../src/model/contract";
import { backendConfig, localEndpointEnvironment, providerKeysOverride } from "../src/local-aws/terraform-overrides";
import { checksumProblems, filesOf, runPackage } from "./support/packages";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { terraformAvailability, terraformEnv, terraformAsync } = require("../scripts/lib/terraform");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startS3Server, createStateBucket } = require("../scripts/lib/moto-server");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createHostedZone, createKmsKey, createLoadBalancer, createLockTable } = require("../scripts/lib/moto-fixtures");

const env = terraformEnv(terraformAvailability().mirror);
const BUCKET = "handoff-team-state";

type Values = Record<string, unknown>;
type Resources = Record<string, Values>;

let s3: { endpoint: string; stop(): Promise<void> };
let kmsKeyArn: string;
const LOCK_TABLE = "handoff-team-locks";
const packages: Record<string, string> = {};
const lbArns: Record<string, string> = {};

beforeAll(async () => {
  // A server of this file's own, even when SMART_ROUTING_S3_ENDPOINT names one (other files plan there too).
  s3 = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  await createStateBucket(s3.endpoint, BUCKET);
  kmsKeyArn = await createKmsKey(s3.endpoint, "us-west-2");
  await createLockTable(s3.endpoint, "us-west-2", LOCK_TABLE);
  lbArns["us-east-1/triton-use1"] = await createLoadBalancer(s3.endpoint, "us-east-1", "triton-use1", "network");
  lbArns["us-west-2/vllm-usw2"] = await createLoadBalancer(s3.endpoint, "us-west-2", "vllm-usw2", "application");
  for (const config of [undefined, "examples/full.yaml"]) {
    const run = runPackage(config);
    expect(run).toMatchObject({ status: 0, stderr: expect.not.stringContaining("error") });
    for (const stack of modelOf(config).stacks) {
      packages[stack.name] = join(run.outdir, stack.name);
      // The custom domain's public zone, which the package's data source finds by name.
      if (stack.dns?.zone !== undefined) await createHostedZone(s3.endpoint, stack.dns.zone);
    }
  }
});

afterAll(async () => s3?.stop());

function modelOf(config: string | undefined) {
  const { model } = loadModel({ SMART_ROUTING_CONFIG: config });
  if (model === undefined) throw new Error(`${config} is not valid`);
  return model;
}

/** A copy of a package (or of one folder in it) in an empty temporary folder, as a team would have it. */
function copyOf(pkg: string, sub = ""): string {
  const dir = join(mkdtempSync(join(tmpdir(), "smart-routing-team-")), "routing");
  cpSync(join(pkg, sub), dir, { recursive: true });
  return dir;
}

function noNodeModulesAbove(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "node_modules"))) return false;
    if (dirname(d) === d) return true;
  }
}

/**
 * What a team adds: its backend settings (bucket, key, lock table, KMS key), plus, for this test only, the
 * same loopback settings plan:local uses (scripts/lib/local-plan.js): backend endpoints and fake keys, and
 * providers pointed at moto.
 */
function addTeamFiles(dir: string, configFile: string, key: string): void {
  const stack = JSON.parse(readFileSync(join(dir, configFile), "utf8"));
  const team = {
    bucket: BUCKET,
    key,
    region: "us-west-2",
    // The full example also locks in DynamoDB and encrypts with a KMS key: the team's own, here.
    ...(stack.terraform.backend.s3.dynamodb_table !== undefined && { dynamodb_table: LOCK_TABLE }),
    ...(stack.terraform.backend.s3.kms_key_id !== undefined && { kms_key_id: kmsKeyArn }),
  };
  const teamLines = Object.entries(team).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  writeFileSync(join(dir, "backend.hcl"), [...teamLines, backendConfig(s3.endpoint)].join("\n"));
  writeFileSync(join(dir, "moto_override.tf.json"), JSON.stringify(providerKeysOverride(stack)));
}

// The providers reach moto through AWS_ENDPOINT_URL: an endpoints block in the override would cost each
// configured provider seconds in every command.
async function tf(dir: string, ...args: string[]) {
  return terraformAsync([...args, "-no-color"], { cwd: dir, env: localEndpointEnvironment(env, s3.endpoint) });
}

/** Plans (with the given -var arguments) and returns the planned resources by address, sets sorted. */
async function plan(dir: string, name: string, vars: string[] = []): Promise<Resources> {
  const planned = await tf(dir, "plan", "-input=false", `-out=${name}.tfplan`, ...vars.flatMap((v) => ["-var", v]));
  if (planned.status !== 0) throw new Error(`plan failed:\n${planned.stderr}\n${planned.stdout}`);
  const shown = await tf(dir, "show", "-json", `${name}.tfplan`);
  const resources: { address: string; values: Values }[] = JSON.parse(shown.stdout).planned_values.root_module.resources;
  return Object.fromEntries(
    resources.map((r) => {
      const values = { ...r.values };
      // endpoint_configuration and port_override are sets: compare them by content, not position.
      for (const set of ["endpoint_configuration", "port_override"]) {
        if (Array.isArray(values[set])) values[set] = [...(values[set] as Values[])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      }
      return [r.address, values];
    }),
  );
}

/** Every attribute that differs between two plans, as "<address>.<path>: <before> -> <after>". */
function differences(before: Resources, after: Resources): string[] {
  const flat = (value: unknown, path: string, out: Record<string, string>) => {
    if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) flat(v, `${path}.${k}`, out);
    else out[path] = JSON.stringify(value);
    return out;
  };
  const [a, b] = [flat(before, "", {}), flat(after, "", {})];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).map((k) => `${k.slice(1)}: ${a[k]} -> ${b[k]}`);
}

/** Terraform wraps diagnostics to the terminal width; compare messages with single spaces. */
const oneLine = (text: string) => text.replace(/\s+/g, " ");

const endpointIdOf = (region: string, ep: StackModel["listeners"][number]["endpointGroups"][number]["endpoints"][number]) =>
  ep.lookup !== undefined ? lbArns[`${region}/${ep.lookup.name}`] : ep.id;

describe.each([
  ["smart-routing", "the embedded default", undefined],
  ["ai-models-prod", "examples/full.yaml", "examples/full.yaml"],
  ["ai-models-dualstack", "examples/full.yaml", "examples/full.yaml"],
])("the package of %s (%s), run with plain Terraform", (stackName, _source, config) => {
  const stack = modelOf(config).stacks.find((s) => s.name === stackName) as StackModel;
  const groups = stack.listeners.flatMap((l) => l.endpointGroups);
  let dir: string;
  let base: Resources;

  beforeAll(async () => {
    dir = copyOf(packages[stackName]);
  });

  it("is self-contained, with checksums that verify in the copy", () => {
    expect(noNodeModulesAbove(dir)).toBe(true);
    expect(checksumProblems(dir)).toEqual([]);
    expect(filesOf(dir).map(([f]) => f)).toEqual([".terraform.lock.hcl", "README.md", "SHA256SUMS", "backend.hcl.example", "hcl/.terraform.lock.hcl", "hcl/main.tf", "main.tf.json"]);
  });

  it("inits against the team's S3 backend with -backend-config and -lockfile=readonly, and validates", async () => {
    addTeamFiles(dir, "main.tf.json", `teams/${stackName}.tfstate`);
    const init = await tf(dir, "init", "-input=false", "-backend-config=backend.hcl", "-lockfile=readonly");
    expect(init.stderr).toBe("");
    expect(init.stdout).toContain('Successfully configured the backend "s3"!');
    expect(init.stdout).toMatch(/- (Installed|Using) hashicorp\/aws v5\.100\.0 /);
    const validate = await tf(dir, "validate", "-json");
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("plans exactly the config's dials, weights and enabled flag when given no -var", async () => {
    base = await plan(dir, "base");
    expect(base["aws_globalaccelerator_accelerator.accelerator"].enabled).toBe(stack.accelerator.enabled);
    for (const g of groups) {
      const planned = base[`aws_globalaccelerator_endpoint_group.${g.listener}_${g.region}`];
      expect(planned.traffic_dial_percentage).toBe(g.trafficDialPercentage);
      const weights = Object.fromEntries((planned.endpoint_configuration as Values[]).map((e) => [e.endpoint_id, e.weight]));
      expect(weights).toEqual(Object.fromEntries(g.endpoints.map((ep) => [endpointIdOf(g.region, ep), ep.weight])));
    }
  });

  it("drains one region with -var traffic_dials={...=0} and changes nothing else", async () => {
    const group = groups[groups.length - 1];
    const drained = await plan(dir, "drain", [`traffic_dials={"${trafficDialKey(group)}"=0}`]);
    expect(differences(base, drained)).toEqual([
      `aws_globalaccelerator_endpoint_group.${group.listener}_${group.region}.traffic_dial_percentage: ${group.trafficDialPercentage} -> 0`,
    ]);
  });

  it("rejects an out-of-range dial with the validation message, before planning anything", async () => {
    const run = await tf(dir, "plan", "-input=false", "-var", `traffic_dials={"${trafficDialKey(groups[0])}"=101}`);
    expect(run.status).toBe(1);
    expect(oneLine(run.stderr)).toContain(`traffic_dials values must be numbers from 0 to 100 (percent); out of range: {"${trafficDialKey(groups[0])}":101}.`);
  });
});

describe("the operator overrides of ai-models-prod (examples/full.yaml)", () => {
  const stack = modelOf("examples/full.yaml").stacks[0];
  const useast1 = stack.listeners[0].endpointGroups[1];
  const triton = useast1.endpoints[1];
  let dir: string;
  let base: Resources;

  beforeAll(async () => {
    dir = copyOf(packages[stack.name]);
    addTeamFiles(dir, "main.tf.json", "teams/overrides.tfstate");
    const init = await tf(dir, "init", "-input=false", "-backend-config=backend.hcl", "-lockfile=readonly");
    expect(init.status).toBe(0);
    base = await plan(dir, "base");
  });

  it("shift one endpoint's weight with endpoint_weights and change nothing else", async () => {
    const shifted = await plan(dir, "weight", [`endpoint_weights={"${endpointWeightKey(useast1, triton)}"=0}`]);
    const address = `aws_globalaccelerator_endpoint_group.inference_${useast1.region}`;
    const [diff] = differences(base, shifted);
    expect(differences(base, shifted)).toHaveLength(1);
    expect(diff).toMatch(new RegExp(`^${address.replace(/\./g, "\\.")}\\.endpoint_configuration\\.\\d\\.weight: ${triton.weight} -> 0$`));
    const config = (shifted[address].endpoint_configuration as Values[]).find((e) => e.weight === 0);
    expect(config?.endpoint_id).toBe(lbArns[`${useast1.region}/${triton.lookup?.name}`]);
  });

  it("disable the accelerator with accelerator_enabled=false and change nothing else", async () => {
    const disabled = await plan(dir, "disabled", ["accelerator_enabled=false"]);
    expect(differences(base, disabled)).toEqual(["aws_globalaccelerator_accelerator.accelerator.enabled: true -> false"]);
  });

  it("reject unknown keys, fractional or out-of-range weights, with messages naming them", async () => {
    const unknown = await tf(dir, "plan", "-input=false", "-var", 'traffic_dials={"inference/us-east-2"=0}');
    expect(unknown.status).toBe(1);
    expect(oneLine(unknown.stderr)).toContain(
      `Unknown traffic_dials key(s): inference/us-east-2. Keys are <listener>/<region>; this stack has: ${stack.listeners.flatMap((l) => l.endpointGroups.map(trafficDialKey)).join(", ")}.`,
    );
    const weight = await tf(dir, "plan", "-input=false", "-var", `endpoint_weights={"${endpointWeightKey(useast1, triton)}"=1.5,"${endpointWeightKey(useast1, useast1.endpoints[0])}"=256}`);
    expect(weight.status).toBe(1);
    expect(oneLine(weight.stderr)).toContain(
      `endpoint_weights values must be whole numbers from 0 to 255; out of range: {"${endpointWeightKey(useast1, triton)}":1.5,"${endpointWeightKey(useast1, useast1.endpoints[0])}":256}.`,
    );
  });

  it("plan the same resources from hcl/main.tf as from the JSON", async () => {
    const hclDir = copyOf(packages[stack.name], "hcl");
    cpSync(join(dir, "moto_override.tf.json"), join(hclDir, "moto_override.tf.json"));
    cpSync(join(dir, "backend.hcl"), join(hclDir, "backend.hcl"));
    const init = await tf(hclDir, "init", "-input=false", "-backend-config=backend.hcl", "-backend-config=key=teams/hcl.tfstate", "-lockfile=readonly");
    expect(init.status).toBe(0);
    expect(await plan(hclDir, "hcl")).toEqual(base);
  });
});

describe("each package's README", () => {
  it.each(["smart-routing", "ai-models-prod", "ai-models-dualstack"])("%s lists every variable, output and operator key the JSON declares", (name) => {
    const json = JSON.parse(readFileSync(join(packages[name], "main.tf.json"), "utf8"));
    const readme = readFileSync(join(packages[name], "README.md"), "utf8");
    for (const variable of Object.keys(json.variable)) expect(readme).toContain(`| \`${variable}\` | \`${json.variable[variable].type}\` |`);
    for (const output of Object.keys(json.output)) expect(readme).toContain(`| \`${output}\` |`);
    for (const key of [...Object.keys(json.variable.traffic_dials.default), ...Object.keys(json.variable.endpoint_weights.default)]) {
      expect(readme).toContain(`| \`${key}\` |`);
    }
    expect(readme).toContain("```mermaid\nflowchart LR\n");
  });
});

describe("packaging", () => {
  it("is deterministic: a second run writes identical bytes", () => {
    const again = runPackage(undefined);
    expect(again.status).toBe(0);
    expect(filesOf(join(again.outdir, "smart-routing"))).toEqual(filesOf(packages["smart-routing"]));
  });
});
