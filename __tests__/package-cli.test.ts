// `npm run package` refuses bad input before doing anything: it names what was wrong and writes nothing.
import { existsSync } from "node:fs";
import { runPackage } from "./support/packages";

describe("npm run package with bad input", () => {
  it("rejects an unknown stack name, lists the config's stacks and writes nothing", () => {
    const run = runPackage("examples/full.yaml", ["nosuch"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('package: no stack named "nosuch" in this config; its stacks are: ai-models-prod, ai-models-dualstack; nothing was written.\n');
    expect(existsSync(run.outdir)).toBe(false);
  });

  it("rejects a config file that does not exist, naming it, and writes nothing", () => {
    const run = runPackage("__tests__/no-such-config.yaml");
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: .*no-such-config\.yaml/);
    expect(existsSync(run.outdir)).toBe(false);
  });
});
