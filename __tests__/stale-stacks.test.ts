// No ghosts in cdktf.out: a synth removes the folder of a stack the config no longer has (renamed or
// removed), and only such folders: those the previous synth's manifest listed. Anything else a user keeps
// in the output folder stays.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { staleStackFolders } from "../src/app";
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

  it("removes nothing when the config is invalid: nothing is synthesized", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-stale-")), "cdktf.out");
    expect(synth(outdir, named("alpha", "beta")).status).toBe(0);
    const bad = named("alpha");
    bad.stacks[0].listeners[0].endpointGroups[0].region = "us-moon-1";
    expect(synth(outdir, bad).status).toBe(1);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["alpha", "beta"]);
  });
});
