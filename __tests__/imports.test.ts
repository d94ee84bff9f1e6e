// The provider package is loaded one module per class, never from its root:
// the root loads ~2,200 modules (seconds and hundreds of MB per process).
import { build } from "esbuild";
import { join } from "node:path";
import { ROOT } from "./support/run";

describe("provider imports", () => {
  it("load only the nine provider modules a synth uses", async () => {
    // GIVEN the synth's own bundle inputs WHEN listed THEN only these provider modules appear
    const result = await build({ entryPoints: [join(ROOT, "main.ts")], bundle: true, platform: "node", write: false, metafile: true, logLevel: "silent" });
    const providerModules = Object.keys(result.metafile.inputs)
      .map((path) => /@cdktf\/provider-aws\/(.*)$/.exec(path)?.[1])
      .filter((path): path is string => path !== undefined)
      .sort();
    expect(providerModules).toEqual([
      "lib/data-aws-lb/index.js",
      "lib/data-aws-route53-zone/index.js",
      "lib/globalaccelerator-accelerator/index.js",
      "lib/globalaccelerator-endpoint-group/index.js",
      "lib/globalaccelerator-listener/index.js",
      "lib/provider/index.js",
      "lib/route53-record/index.js",
      "lib/shield-protection/index.js",
      "lib/ssm-parameter/index.js",
    ]);
  });
});
