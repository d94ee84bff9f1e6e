// The synth build is cached and never stale: it rebuilds exactly when an input changed.
import { readFileSync, writeFileSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { projectCopy } from "./support/run";

describe("scripts/build.js", () => {
  const dir = projectCopy();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build = require(join(dir, "scripts", "build.js"));
  const source = join(dir, "src", "config", "default-config.ts");

  it("builds dist/main.js once, then reuses it while no input changes", async () => {
    expect(await build.ensureBuilt()).toBe(true);
    expect(await build.ensureBuilt()).toBe(false);
  });

  it("puts the two stubs in both bundles, and not the modules they replace", () => {
    // A cdktf upgrade that moved either file would silently drop its stub: this fails instead.
    for (const bundle of [build.bundles.main.file, build.bundles["cli-api"].file]) {
      const text = readFileSync(bundle, "utf8");
      expect(text).toContain("smart-routing bundles no zip support");
      expect(text).not.toMatch(/node_modules\/(archiver|zip-stream|archiver-utils)\//);
      // esbuild names a module by its real path relative to the project: "node_modules/..." in a clone,
      // "../<elsewhere>/node_modules/..." where node_modules is a link to a shared install.
      const stackTrace = text.split(/\n\/\/ (?:\S*\/)?node_modules\/cdktf\/lib\/tokens\/private\/stack-trace\.js\n/)[1]?.split("\n// ")[0];
      expect(stackTrace).toContain("captureStackTrace = () => [];");
      expect(stackTrace).not.toContain("stackTraceLimit");
    }
  });

  it("rebuilds when a source changes, even if its mtime goes back in time", async () => {
    writeFileSync(source, readFileSync(source, "utf8").replace('name: "smart-routing",\n        // Off', 'name: "renamed-accelerator",\n        // Off'));
    utimesSync(source, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(await build.ensureBuilt()).toBe(true);
    expect(readFileSync(build.outfile, "utf8")).toContain("renamed-accelerator");
  });

  it("rebuilds when package-lock.json changes (new library versions)", async () => {
    writeFileSync(join(dir, "package-lock.json"), `${readFileSync(join(dir, "package-lock.json"), "utf8")}\n`);
    expect(await build.ensureBuilt()).toBe(true);
  });
});
