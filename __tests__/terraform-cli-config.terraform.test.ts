// Many processes write Terraform's CLI config while many `terraform init` read it: every jest worker and
// every plan:local or deploy:local calls terraformEnv (scripts/lib/terraform.js) while others' inits run.
// Each init must read the whole file and install the provider from the mirror it names. (Rewritten in
// place, a reader could find the file truncated, no provider_installation in it, and go to the registry:
// four tests of a CI run failed that way.) The mirror here holds a stand-in provider of a few bytes, so
// forty inits take seconds; Terraform only links and checksums it.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { arch, platform, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support/run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { LOCK_FILE, PROVIDER, PROVIDER_VERSION, cliConfigText, downloadedProvider, terraformAvailability, terraformEnv, terraformAsync } = require("../scripts/lib/terraform");
const { runAsync } = require("../scripts/lib/run-async");
/* eslint-enable @typescript-eslint/no-require-imports */

const WRITERS = 4;
const INITS = 40;
/** How many inits run at once. */
const AT_ONCE = 8;

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A filesystem mirror holding a stand-in hashicorp/aws of this machine's platform. */
function stubMirror(): string {
  const mirror = temp("smart-routing-stub-mirror-");
  const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386" };
  const dir = join(mirror, PROVIDER, PROVIDER_VERSION, `${platform()}_${goArch[arch()] ?? arch()}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `terraform-provider-aws_v${PROVIDER_VERSION}_x5`), "#!/bin/sh\nexit 1\n");
  chmodSync(join(dir, `terraform-provider-aws_v${PROVIDER_VERSION}_x5`), 0o755);
  return mirror;
}

/** A process calling terraformEnv(mirror) in a loop until killed; resolves once it has written the config. */
function startWriter(mirror: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const script = `const { terraformEnv } = require(${JSON.stringify(join(ROOT, "scripts", "lib", "terraform.js"))});
terraformEnv(process.argv[1]);
process.stdout.write("writing\\n");
for (;;) terraformEnv(process.argv[1]);`;
  const child = spawn(process.execPath, ["-e", script, mirror], { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`a writer exited with ${code} before it wrote`)));
    child.stdout.once("data", () => resolve(child));
  });
}

/** `terraform init` of a folder that needs the provider (with the committed lock file: -lockfile=readonly); its status and output. */
async function init(env: NodeJS.ProcessEnv, i: number, { lockFile = false } = {}) {
  const dir = temp(`smart-routing-reader-${i}-`);
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: PROVIDER_VERSION } } } }));
  if (lockFile) copyFileSync(LOCK_FILE, join(dir, ".terraform.lock.hcl"));
  const run = await terraformAsync(["init", "-backend=false", "-input=false", "-no-color", ...(lockFile ? ["-lockfile=readonly"] : [])], { cwd: dir, env });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("Terraform's CLI config, written by many processes while many inits read it", () => {
  it("is read whole by every init, each installing the provider from the mirror it names", async () => {
    const mirror = stubMirror();
    const env = { ...process.env, SMART_ROUTING_TERRAFORM_DIR: temp("smart-routing-terraform-") };
    const tfEnv = terraformEnv(mirror, env);
    expect(readFileSync(tfEnv.TF_CLI_CONFIG_FILE, "utf8")).toContain(`path    = ${JSON.stringify(mirror)}`);
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => startWriter(mirror, env)));
    const results: { status: number | null; output: string }[] = [];
    try {
      for (let next = 0; next < INITS; next += AT_ONCE) {
        results.push(...(await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => init(tfEnv, next + i)))));
      }
    } finally {
      for (const writer of writers) writer.kill("SIGKILL");
    }
    const failed = results.filter((r) => r.status !== 0 || !/- Installed hashicorp\/aws v5\.100\.0 \(unauthenticated\)/.test(r.output));
    expect(results).toHaveLength(INITS);
    // How many went wrong, and how the first did.
    expect({ failed: failed.length, first: failed[0]?.output }).toEqual({ failed: 0, first: undefined });
  });
});

describe("the provider without a mirror: downloaded once, then a mirror no init writes into", () => {
  // The download is Terraform's own `init -lockfile=readonly`; here it installs from this machine's mirror
  // when there is one (no internet), else from the registry, as on a user's machine.
  const { mirror } = terraformAvailability();
  const source = mirror === undefined ? undefined : cliConfigText(mirror);

  /** A process calling downloadedProvider(root); resolves its status and what it printed. */
  function download(root: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const script = `const { downloadedProvider } = require(${JSON.stringify(join(ROOT, "scripts", "lib", "terraform.js"))});
process.stdout.write(downloadedProvider(process.argv[1], process.env, process.argv[2] || undefined));`;
    return runAsync(process.execPath, ["-e", script, root, source ?? ""], { cwd: ROOT, env: process.env });
  }

  it("leaves one whole copy when several processes download at once, and every init installs from it", async () => {
    const root = temp("smart-routing-terraform-");
    const runs = await Promise.all([download(root), download(root), download(root)]);
    expect(runs.map((r) => [r.status, r.stdout, r.stderr])).toEqual(Array(3).fill([0, join(root, "providers"), ""]));
    expect(existsSync(join(root, "providers", PROVIDER, PROVIDER_VERSION))).toBe(true);
    // Each download worked in a folder of its own, removed after: only the copy and the CLI config stay.
    expect(readdirSync(root).filter((f) => !/^cli-[0-9a-f]{16}\.tfrc$/.test(f))).toEqual(["providers"]);
    const env = terraformEnv(undefined, { ...process.env, SMART_ROUTING_TERRAFORM_DIR: root });
    expect(readFileSync(env.TF_CLI_CONFIG_FILE, "utf8")).toBe(cliConfigText(join(root, "providers")));
    const inits = await Promise.all([0, 1, 2].map((i) => init(env, i, { lockFile: true })));
    expect(inits.map((r) => [r.status, /- Installed hashicorp\/aws v5\.100\.0 \(unauthenticated\)/.test(r.output)])).toEqual(Array(3).fill([0, true]));
  });

  it("says why when the download fails, and leaves nothing behind", () => {
    const root = temp("smart-routing-terraform-");
    const empty = temp("smart-routing-empty-mirror-");
    expect(() => downloadedProvider(root, process.env, cliConfigText(empty))).toThrow(
      /^installing registry\.terraform\.io\/hashicorp\/aws 5\.100\.0 from the registry failed \(terraform init, exit 1\); without internet, name a filesystem mirror with SMART_ROUTING_PROVIDER_MIRROR:\n[\s\S]*Failed to query available provider packages/,
    );
    expect(readdirSync(root).filter((f) => !/^cli-[0-9a-f]{16}\.tfrc$/.test(f))).toEqual([]);
  });
});
