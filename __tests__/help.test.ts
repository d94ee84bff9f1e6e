// `help` is the command reference users read first: it must name every npm script and only real ones.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./support/run";

const help = readFileSync(join(ROOT, "help"), "utf8");
const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts);

describe("help", () => {
  it.each(scripts.filter((s) => s !== "test"))("documents npm run %s", (script) => {
    expect(help).toMatch(new RegExp(`npm run ${script.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`));
  });

  it("documents npm test and names no npm script that does not exist", () => {
    expect(help).toContain("npm test");
    const named = [...help.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named.filter((s) => !scripts.includes(s))).toEqual([]);
  });
});
