// Lint, and above all: the provider package is loaded one module per class, never from its root:
// the root loads ~2,200 modules (seconds and hundreds of MB per process).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./support/run";

describe("provider imports", () => {
  it("load only the five provider modules a synth uses", async () => {
    // GIVEN the synth's own bundle inputs WHEN listed THEN only these provider modules appear
    const result = await build({ entryPoints: [join(ROOT, "main.ts")], bundle: true, platform: "node", write: false, metafile: true, logLevel: "silent" });
    const providerModules = Object.keys(result.metafile.inputs)
      .map((path) => /@cdktf\/provider-aws\/(.*)$/.exec(path)?.[1])
      .filter((path): path is string => path !== undefined)
      .sort();
    expect(providerModules).toEqual([
      "lib/data-aws-lb/index.js",
      "lib/globalaccelerator-accelerator/index.js",
      "lib/globalaccelerator-endpoint-group/index.js",
      "lib/globalaccelerator-listener/index.js",
      "lib/provider/index.js",
    ]);
  });

  it("from the package root are rejected by the lint rule", () => {
    // ESLint loads its flat config with a dynamic import, which jest's VM does not allow: run the CLI.
    const lint = (code: string) =>
      spawnSync(join(ROOT, "node_modules", ".bin", "eslint"), ["--stdin", "--stdin-filename", "src/x.ts", "--format", "json"], { cwd: ROOT, input: code, encoding: "utf8" });
    const rootPackage = "@cdktf/provider-aws"; // the import the rule exists to reject
    const root = lint(`import { provider } from "${rootPackage}";\nexport const p = provider;\n`);
    expect(JSON.parse(root.stdout)[0].messages.map((m: { ruleId: string }) => m.ruleId)).toEqual(["no-restricted-imports"]);
    const deep = lint('import { AwsProvider } from "@cdktf/provider-aws/lib/provider";\nexport const p = AwsProvider;\n');
    expect(JSON.parse(deep.stdout)[0].messages).toEqual([]);
  });

  it("and the whole project passes the lint", () => {
    const lint = spawnSync(join(ROOT, "node_modules", ".bin", "eslint"), ["."], { cwd: ROOT, encoding: "utf8" });
    expect(lint.stdout + lint.stderr).toBe("");
    expect(lint.status).toBe(0);
  });
});
