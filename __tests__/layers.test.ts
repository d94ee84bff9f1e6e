// The code reads in the direction the data flows: config -> validation -> model -> constructs ->
// stacks -> app, then the tools that read the model. Each folder of src/ imports only from itself and
// the folders before it, so a newcomer can read the tree top to bottom and no module depends on one
// that depends on it.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ROOT } from "./support/run";

/** src/'s folders (and top-level modules, without .ts) in the order data flows through them. */
const LAYERS = ["config", "validation", "model", "constructs", "stacks", "app", "explain", "plan-gate", "iam", "handoff", "docs", "local-aws", "autopilot", "cli-api", "autopilot-api"];

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g;

/** The layer of a file, by its path relative to src/ ("config/load.ts" -> "config", "app.ts" -> "app"). */
function layerOf(path: string): string {
  return path.split("/")[0].replace(/\.ts$/, "");
}

/** Every import that runs against the flow, for files given as { path relative to src/: text }. */
function flowViolations(files: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    const from = LAYERS.indexOf(layerOf(path));
    if (from === -1) {
      problems.push(`${path}: src/${layerOf(path)} has no place in the layer list of __tests__/layers.test.ts`);
      continue;
    }
    for (const [, target] of text.matchAll(IMPORT)) {
      if (!target.startsWith(".")) continue;
      const resolved = relative(resolve("/src"), resolve("/src", path, "..", target));
      if (resolved.startsWith("..")) {
        problems.push(`${path} imports ${target}, outside src/`);
        continue;
      }
      const to = LAYERS.indexOf(layerOf(resolved));
      if (to > from) problems.push(`${path} imports ${target}: ${layerOf(resolved)} comes after ${layerOf(path)}`);
    }
  }
  return problems;
}

function sourceFiles(dir: string): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }) as { isFile(): boolean; name: string; parentPath: string }[];
  return Object.fromEntries(
    entries
      .filter((e) => e.isFile() && e.name.endsWith(".ts"))
      .map((e) => join(e.parentPath, e.name))
      .map((file) => [relative(dir, file).split("\\").join("/"), readFileSync(file, "utf8")]),
  );
}

describe("src/", () => {
  it("imports only along the flow: each folder from itself and the folders before it", () => {
    const files = sourceFiles(join(ROOT, "src"));
    expect(Object.keys(files).length).toBeGreaterThan(20);
    expect(flowViolations(files)).toEqual([]);
  });
});

describe("the flow check", () => {
  it("finds an import against the flow, an import out of src/ and a folder with no layer", () => {
    expect(
      flowViolations({
        "config/load.ts": 'import { toModel } from "../model/model";',
        "validation/rules.ts": 'import type { X } from "../../scripts/x";\nconst y = require("./schema");',
        "model/model.ts": 'import { DEFAULTS } from "../config/defaults";',
        "extras/thing.ts": "",
      }),
    ).toEqual([
      "config/load.ts imports ../model/model: model comes after config",
      "validation/rules.ts imports ../../scripts/x, outside src/",
      "extras/thing.ts: src/extras has no place in the layer list of __tests__/layers.test.ts",
    ]);
  });
});
