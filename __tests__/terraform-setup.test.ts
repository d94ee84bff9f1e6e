// Where the hashicorp/aws provider comes from, decided without any network: the registry is the normal
// case (Terraform's own installation, checked against the committed lock file); a filesystem mirror is
// used when one is found or named. And which Terraform tests run: only a machine without Terraform (or
// moto) leaves them out, and in CI that fails instead.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ROOT } from "./support/run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { PROVIDER, PROVIDER_VERSION, cliConfigText, providerSource, terraformAvailability, terraformEnv } = require("../scripts/lib/terraform");
/* eslint-enable @typescript-eslint/no-require-imports */

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A folder laid out as a filesystem mirror of the pinned provider. */
function mirror(): string {
  const dir = temp("smart-routing-mirror-");
  mkdirSync(join(dir, PROVIDER, PROVIDER_VERSION, "linux_amd64"), { recursive: true });
  return dir;
}

/** A stand-in terraform binary that only answers `terraform version`. */
function fakeTerraform(): string {
  const file = join(temp("smart-routing-fake-terraform-"), "terraform");
  writeFileSync(file, '#!/bin/sh\necho "Terraform v1.11.4"\n');
  chmodSync(file, 0o755);
  return file;
}

describe("the provider's source", () => {
  it("is the registry when no mirror is found and none is named: the normal case on a machine with internet", () => {
    expect(providerSource({}, [temp("empty-"), "/does/not/exist"])).toEqual({ mirror: undefined });
  });

  it("is the first mirror found in the searched folders", () => {
    const found = mirror();
    expect(providerSource({}, ["/does/not/exist", found, mirror()])).toEqual({ mirror: found });
  });

  it("is the mirror SMART_ROUTING_PROVIDER_MIRROR names, before any found", () => {
    const named = mirror();
    expect(providerSource({ SMART_ROUTING_PROVIDER_MIRROR: named }, [mirror()])).toEqual({ mirror: named });
  });

  it("is an error when the named folder holds no provider: a typo never silently turns into a download", () => {
    const empty = temp("empty-");
    expect(providerSource({ SMART_ROUTING_PROVIDER_MIRROR: empty }, [mirror()])).toEqual({
      error: `SMART_ROUTING_PROVIDER_MIRROR=${empty} holds no registry.terraform.io/hashicorp/aws 5.100.0 (expected ${empty}/registry.terraform.io/hashicorp/aws/5.100.0/<os>_<arch>/); unset it to use a mirror found in the usual folders, or set it to none to install the provider from the registry`,
    });
  });

  it("is the registry with SMART_ROUTING_PROVIDER_MIRROR=none, even where a mirror would be found", () => {
    expect(providerSource({ SMART_ROUTING_PROVIDER_MIRROR: "none" }, [mirror()])).toEqual({ mirror: undefined });
  });
});

describe("the Terraform CLI config", () => {
  it("installs hashicorp/aws only from the mirror and everything else from the registry, with no plugin cache", () => {
    expect(cliConfigText("/m")).toBe(
      [
        "provider_installation {",
        "  filesystem_mirror {",
        '    path    = "/m"',
        '    include = ["registry.terraform.io/hashicorp/aws"]',
        "  }",
        "  direct {",
        '    exclude = ["registry.terraform.io/hashicorp/aws"]',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("is the file terraform runs with, named by its text, in SMART_ROUTING_TERRAFORM_DIR", () => {
    const dir = temp("smart-routing-terraform-");
    const env = terraformEnv("/m", { SMART_ROUTING_TERRAFORM_DIR: dir });
    expect(readFileSync(env.TF_CLI_CONFIG_FILE, "utf8")).toBe(cliConfigText("/m"));
    expect(env.TF_CLI_CONFIG_FILE).toMatch(new RegExp(`^${dir}/cli-[0-9a-f]{16}\\.tfrc$`));
    expect(terraformEnv("/m", { SMART_ROUTING_TERRAFORM_DIR: dir }).TF_CLI_CONFIG_FILE).toBe(env.TF_CLI_CONFIG_FILE);
    expect(terraformEnv("/other", { SMART_ROUTING_TERRAFORM_DIR: dir }).TF_CLI_CONFIG_FILE).not.toBe(env.TF_CLI_CONFIG_FILE);
    // Written under a name of its own, then renamed: nothing else is left in the folder.
    expect(readdirSync(dir).sort()).toEqual([basename(env.TF_CLI_CONFIG_FILE), basename(terraformEnv("/other", { SMART_ROUTING_TERRAFORM_DIR: dir }).TF_CLI_CONFIG_FILE)].sort());
    expect(env).toMatchObject({ CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" });
  });

  it("drops a plugin cache the user's environment names: concurrent inits must not share one", () => {
    const env = terraformEnv("/m", { SMART_ROUTING_TERRAFORM_DIR: temp("smart-routing-terraform-"), TF_PLUGIN_CACHE_DIR: "/cache", TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: "1" });
    expect(env.TF_PLUGIN_CACHE_DIR).toBeUndefined();
    expect(env.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE).toBeUndefined();
  });
});

describe("whether real Terraform can run", () => {
  it("needs only terraform: without a mirror the provider comes from the registry", () => {
    expect(terraformAvailability({ TERRAFORM_BINARY_NAME: fakeTerraform() }, [temp("empty-")])).toEqual({ ok: true, mirror: undefined, version: "Terraform v1.11.4" });
  });

  it("says so when terraform is missing, or when the named mirror is not there", () => {
    expect(terraformAvailability({ TERRAFORM_BINARY_NAME: "/does/not/exist/terraform" })).toEqual({ ok: false, reason: "terraform is not on PATH (install Terraform >= 1.10)" });
    const availability = terraformAvailability({ TERRAFORM_BINARY_NAME: fakeTerraform(), SMART_ROUTING_PROVIDER_MIRROR: "/does/not/exist" });
    expect(availability.ok).toBe(false);
    expect(availability.reason).toMatch(/^SMART_ROUTING_PROVIDER_MIRROR=\/does\/not\/exist holds no /);
  });
});

describe("jest.config.js", () => {
  /** A folder of stand-in commands that exit 0 (and print a version). */
  function fakeBin(...names: string[]): string {
    const bin = temp("smart-routing-bin-");
    for (const name of names) {
      writeFileSync(join(bin, name), `#!/bin/sh\necho "${name}, version 0"\n`);
      chmodSync(join(bin, name), 0o755);
    }
    return bin;
  }
  const fakePrometheus = fakeBin("prometheus", "promtool");
  const missingPrometheus = "prometheus is not on PATH (a real Prometheus for the autopilot's tests and rehearsal; install it with: sudo apt-get update && sudo apt-get install -y prometheus)";

  /** Loads the jest config as jest does, in a process with this environment; its ignore patterns, or its error. */
  function loadJestConfig(env: NodeJS.ProcessEnv) {
    const script = 'try { const c = require("./jest.config.js"); console.log(JSON.stringify(c.testPathIgnorePatterns)); } catch (e) { console.log("ERROR " + e.message); }';
    // PATH without moto_server and terraform, unless a test names a fake terraform; with stand-in prometheus
    // and promtool, so that what a test finds does not depend on this machine's Prometheus.
    const result = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { PATH: `${fakePrometheus}:/usr/bin:/bin`, HOME: process.env.HOME, ...env } });
    return { out: result.stdout.trim(), err: result.stderr };
  }

  it("leaves the Terraform tests out, with the reason, on a machine without Terraform and moto", () => {
    const { out, err } = loadJestConfig({ TERRAFORM_BINARY_NAME: "/does/not/exist/terraform" });
    expect(JSON.parse(out)).toContain("\\.terraform\\.test\\.ts$");
    expect(err).toBe(
      "Leaving out the Terraform tests (*.terraform.test.ts): terraform is not on PATH (install Terraform >= 1.10); moto_server is not on PATH (a local S3 API for the backend tests)\n",
    );
  });

  it("fails in CI when a part is missing", () => {
    const { out } = loadJestConfig({ CI: "true", TERRAFORM_BINARY_NAME: "/does/not/exist/terraform" });
    expect(out).toBe("ERROR The Terraform tests cannot run: terraform is not on PATH (install Terraform >= 1.10); moto_server is not on PATH (a local S3 API for the backend tests)");
  });

  it("runs them where terraform and moto are found, with or without a provider mirror", () => {
    const bin = fakeBin("moto_server");
    const { out, err } = loadJestConfig({ PATH: `${bin}:${fakePrometheus}:/usr/bin:/bin`, CI: "true", TERRAFORM_BINARY_NAME: fakeTerraform(), SMART_ROUTING_PROVIDER_MIRROR: "none" });
    expect(JSON.parse(out)).not.toContain("\\.terraform\\.test\\.ts$");
    expect(err).toBe("");
  });

  it("leaves the Prometheus tests out, with how to install it, on a machine without Prometheus", () => {
    // Only stand-ins on PATH: terraform and moto are found, prometheus is not.
    const { out, err } = loadJestConfig({ PATH: fakeBin("moto_server"), TERRAFORM_BINARY_NAME: fakeTerraform(), SMART_ROUTING_PROVIDER_MIRROR: "none" });
    expect(JSON.parse(out)).toEqual(["/node_modules/", "\\.d\\.ts$", "/__tests__/support/", "\\.prometheus\\.[a-z.]*test\\.ts$"]);
    expect(err).toBe(`Leaving out the Prometheus tests (*.prometheus.*test.ts): ${missingPrometheus}\n`);
    const pattern = new RegExp(JSON.parse(out)[3]);
    expect(["autopilot-signals.prometheus.integration.test.ts", "rehearsal.prometheus.terraform.test.ts"].every((f) => pattern.test(f))).toBe(true);
    expect(["autopilot-prometheus.test.ts", "prometheus.test.ts"].some((f) => pattern.test(f))).toBe(false);
  });

  it("fails in CI when Prometheus is missing", () => {
    const { out } = loadJestConfig({ CI: "true", PATH: fakeBin("moto_server"), TERRAFORM_BINARY_NAME: fakeTerraform(), SMART_ROUTING_PROVIDER_MIRROR: "none" });
    expect(out).toBe(`ERROR The Prometheus tests cannot run: ${missingPrometheus}`);
  });
});
