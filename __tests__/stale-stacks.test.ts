// No ghosts in cdktf.out: a synth removes the folder of a stack the config no longer has (renamed or
// removed), and only such folders: those the previous synth's manifest listed. Anything else a user keeps
// in the output folder stays. A synth that fails leaves no stack JSON behind, of this config or an
// earlier one, that a later terraform plan could take for current.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { staleStackFolders, synthesizedStackFiles } from "../src/app";
import { DEFAULT_CONFIG } from "../src/config/default-config";
import { ROOT } from "./support/run";

const entry = (name: string) => ({ name, workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` });

describe("staleStackFolders", () => {
  it("names the folders of stacks the previous manifest listed and the config no longer has", () => {
    const previous = { stacks: { old: entry("old"), kept: entry("kept") } };
    expect(staleStackFolders(previous, ["kept", "new"])).toEqual(["stacks/old"]);
  });

  it("names nothing without a previous manifest, or when every listed stack is live", () => {
    expect(staleStackFolders(undefined, ["a"])).toEqual([]);
    expect(staleStackFolders({ version: "0.21.0" }, ["a"])).toEqual([]);
    expect(staleStackFolders({ stacks: { a: entry("a") } }, ["a"])).toEqual([]);
  });

  it("never names a folder outside stacks/<name>, whatever the manifest says", () => {
    const tampered = {
      stacks: {
        up: { name: "up", workingDirectory: "../up" },
        other: { name: "other", workingDirectory: "stacks/elsewhere" },
        dots: { name: "..", workingDirectory: "stacks/.." },
        odd: { name: 42, workingDirectory: "stacks/42" },
        none: null,
      },
    };
    expect(staleStackFolders(tampered, [])).toEqual([]);
  });
});

describe("npm run synth into an output folder that holds an older synth", () => {
  function synth(outdir: string, config: unknown) {
    const file = join(mkdtempSync(join(tmpdir(), "smart-routing-config-")), "config.json");
    writeFileSync(file, JSON.stringify(config));
    return spawnSync(process.execPath, ["scripts/synth.js"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, SMART_ROUTING_CONFIG: file, SMART_ROUTING_STRICT: undefined, CDKTF_OUTDIR: outdir },
    });
  }
  const named = (...names: string[]) => {
    const config = JSON.parse(JSON.stringify(DEFAULT_CONFIG));
    config.stacks = names.map((name) => ({ ...config.stacks[0], name, accelerator: { ...config.stacks[0].accelerator, name } }));
    return config;
  };

  it("removes the folder of a renamed or removed stack, keeps the live ones and everything it did not write", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-stale-")), "cdktf.out");
    expect(synth(outdir, named("alpha", "beta", "gamma")).status).toBe(0);
    mkdirSync(join(outdir, "stacks", "notes"));
    writeFileSync(join(outdir, "stacks", "notes", "keep.txt"), "mine");
    writeFileSync(join(outdir, "stacks", "alpha", "terraform.tfvars"), "mine too");

    // beta renamed to delta, gamma removed
    const second = synth(outdir, named("alpha", "delta"));
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(`removed ${join(outdir, "stacks", "beta")}: its stack is no longer in the config\nremoved ${join(outdir, "stacks", "gamma")}: its stack is no longer in the config\n`);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["alpha", "delta", "notes"]);
    expect(readFileSync(join(outdir, "stacks", "notes", "keep.txt"), "utf8")).toBe("mine");
    expect(existsSync(join(outdir, "stacks", "alpha", "terraform.tfvars"))).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks).sort()).toEqual(["alpha", "delta"]);
  });

  it("leaves no stack JSON of the earlier config when the config is invalid: a later terraform plan finds none to take for current", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-stale-")), "cdktf.out");
    expect(synth(outdir, named("alpha", "beta")).status).toBe(0);
    writeFileSync(join(outdir, "stacks", "alpha", "terraform.tfvars"), "mine");
    const bad = named("alpha");
    bad.stacks[0].listeners[0].endpointGroups[0].region = "us-moon-1";
    const failed = synth(outdir, bad);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/^error: stacks\[0\]\.listeners\[0\]\.endpointGroups\[0\]\.region: .*\n1 error\(s\); nothing was synthesized\.\n/);
    expect(failed.stderr.split("\n").slice(2).join("\n")).toBe(
      ["alpha", "beta"].map((s) => `removed ${join(outdir, "stacks", s, "cdk.tf.json")}: it was synthesized from an earlier config\n`).join(""),
    );
    expect(failed.stdout).toBe("");
    // The folders and what else is in them stay; the next good synth writes them again.
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["alpha", "beta"]);
    expect(readdirSync(join(outdir, "stacks", "alpha"))).toEqual(["terraform.tfvars"]);
    expect(readdirSync(join(outdir, "stacks", "beta"))).toEqual([]);
    expect(synth(outdir, named("alpha")).status).toBe(0);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["alpha"]);
    expect(existsSync(join(outdir, "stacks", "alpha", "cdk.tf.json"))).toBe(true);
  });

  it("leaves no stack JSON when cdktf cannot write a stack: neither the new ones nor the earlier ones", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-stale-")), "cdktf.out");
    expect(synth(outdir, named("alpha", "beta")).status).toBe(0);
    // beta's folder is a file now: cdktf writes alpha's new JSON, then fails on beta.
    rmSync(join(outdir, "stacks", "beta"), { recursive: true });
    writeFileSync(join(outdir, "stacks", "beta"), "in the way");
    const changed = named("alpha", "beta");
    changed.stacks[0].listeners[0].endpointGroups[0].trafficDialPercentage = 50;
    const failed = synth(outdir, changed);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`^error: synthesizing into ${outdir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} failed: .+\n`));
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    expect(failed.stderr).toContain(`removed ${join(outdir, "stacks", "alpha", "cdk.tf.json")}: it was synthesized from an earlier config\n`);
    expect(existsSync(join(outdir, "stacks", "alpha", "cdk.tf.json"))).toBe(false);
  });
});

describe("synthesizedStackFiles", () => {
  it("names each stack's cdk.tf.json (or cdk.tf from cdktf synth --hcl) that the manifest lists", () => {
    const hcl = { name: "hcl", workingDirectory: "stacks/hcl", synthesizedStackPath: "stacks/hcl/cdk.tf" };
    expect(synthesizedStackFiles({ stacks: { a: entry("a"), hcl } })).toEqual(["stacks/a/cdk.tf.json", "stacks/hcl/cdk.tf"]);
    expect(synthesizedStackFiles(undefined)).toEqual([]);
  });

  it("never names a file outside stacks/<name>/, whatever the manifest says", () => {
    const tampered = {
      stacks: {
        up: { name: "up", synthesizedStackPath: "../up/cdk.tf.json" },
        other: { name: "other", synthesizedStackPath: "stacks/elsewhere/cdk.tf.json" },
        state: { name: "state", synthesizedStackPath: "stacks/state/terraform.tfstate" },
        odd: { name: 42, synthesizedStackPath: "stacks/42/cdk.tf.json" },
        none: null,
      },
    };
    expect(synthesizedStackFiles(tampered)).toEqual([]);
  });
});
