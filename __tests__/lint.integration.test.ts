// ESLint over the project, and its rule against root imports of the provider package (the rule that
// keeps synth and type-check fast; __tests__/imports.test.ts checks what a synth really loads).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./support/run";

describe("lint", () => {
  it("rejects an import from the provider package root, and accepts a deep import", () => {
    // ESLint loads its flat config with a dynamic import, which jest's VM does not allow: run the CLI.
    const lint = (code: string) =>
      spawnSync(join(ROOT, "node_modules", ".bin", "eslint"), ["--stdin", "--stdin-filename", "src/x.ts", "--format", "json"], { cwd: ROOT, input: code, encoding: "utf8" });
    const rootPackage = "@cdktf/provider-aws"; // the import the rule exists to reject
    const root = lint(`import { provider } from "${rootPackage}";\nexport const p = provider;\n`);
    expect(JSON.parse(root.stdout)[0].messages.map((m: { ruleId: string }) => m.ruleId)).toEqual(["no-restricted-imports"]);
    const deep = lint('import { AwsProvider } from "@cdktf/provider-aws/lib/provider";\nexport const p = AwsProvider;\n');
    expect(JSON.parse(deep.stdout)[0].messages).toEqual([]);
  });

  it("passes on the whole project", () => {
    const lint = spawnSync(join(ROOT, "node_modules", ".bin", "eslint"), ["."], { cwd: ROOT, encoding: "utf8" });
    expect(lint.stdout + lint.stderr).toBe("");
    expect(lint.status).toBe(0);
  });
});
