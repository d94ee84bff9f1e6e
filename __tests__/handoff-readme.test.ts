// The package README's part for steered groups, written for a team that runs Terraform only: which
// groups the autopilot steers, that the dial Terraform sets for them is a ceiling, the clamp to run after
// every apply (with node, and with the AWS CLI alone), and how to leave groups unsteered. A stack without a
// steered group gets none of it. (package.terraform.test.ts checks the README's variables and outputs.)
// GIVEN the valid test config, WHEN its package README is written, THEN ...
import { packageReadme, type StackJson } from "../src/handoff/readme";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { steer, synthOne, validConfig } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function readmeOf(config: any): string {
  const stack = toModel(parseConfig(config).config).stacks[0];
  return packageReadme({ stack, json: JSON.parse(synthOne(config)) as StackJson, source: "routing.yaml", providerVersion: "5.100.0", lockPlatforms: ["linux_amd64"] });
}

describe("the package README of a stack with steered groups", () => {
  // The last group of the first listener and the group of the second, one with a query of its own.
  const config = steer(steer(validConfig(), 0, 1), 1, 0, { signal: { query: "avg by (region) (load)" }, minDialPercent: 0 });
  const readme = readmeOf(config);

  it("lists every steered group, at any position, with its ceiling, signal, watermarks and floor; no other group", () => {
    expect(readme).toContain(
      [
        "| Group | Ceiling in the config | Signal | Low / high watermark | Floor |",
        "| --- | --- | --- | --- | --- |",
        "| `inference/us-east-1` | 25 | queue | 4 / 16 | 10 |",
        "| `streaming/ap-northeast-1` | 100 | a PromQL query | 4 / 16 | 0 |",
        "",
        "- **Terraform sets their dials only when it creates them**",
      ].join("\n"),
    );
  });

  it("names the published parameter among what the package creates", () => {
    expect(readme).toContain(
      "- `aws_ssm_parameter.autopilot`: the SSM parameter `/smart-routing/test/autopilot` (us-west-2), what the autopilot reads: each steered group's ARN, ceiling and settings\n",
    );
  });

  it("says the dial Terraform sets is the ceiling, and that traffic_dials now sets the ceiling, with a drain of the first steered group", () => {
    expect(readme).toContain("is the group's ceiling:\n  the autopilot never goes above it.");
    expect(readme).toContain("**`traffic_dials` now sets the ceiling of these groups, not their dial.**");
    expect(readme).toContain(`(\`-var 'traffic_dials={"inference/us-east-1"=0}'\`) changes the parameter (the plan shows\n  \`inference/us-east-1 ceiling 25 → 0\`)`);
  });

  it("tells the team to run the clamp after every apply, with node or with the AWS CLI alone", () => {
    expect(readme).toContain("- **After every apply, run the clamp.**");
    expect(readme).toContain("  npm run autopilot -- test --clamp     # in the smart-routing repository\n");
    expect(readme).toContain("  aws ssm get-parameter --region us-west-2 --name /smart-routing/test/autopilot --query Parameter.Value --output text\n");
    expect(readme).toContain("  terraform output -json endpoint_group_arns    # each group's ARN, by <listener>/<region>\n");
    expect(readme).toContain("  aws globalaccelerator update-endpoint-group --region us-west-2 --endpoint-group-arn <ARN> --traffic-dial-percentage <ceiling>\n");
  });

  it("offers to leave groups unsteered instead, and puts the section before the operator keys", () => {
    expect(readme).toContain("- **Not running the autopilot?** Leave groups unsteered");
    expect(readme.indexOf("## Steered groups")).toBeGreaterThan(readme.indexOf("## Operator controls"));
    expect(readme.indexOf("## Steered groups")).toBeLessThan(readme.indexOf("traffic_dials keys"));
  });
});

describe("the package README of a stack without steered groups", () => {
  it("says nothing of the autopilot, even with an autopilot block that steers nothing", () => {
    const config = validConfig();
    config.stacks[0].autopilot = { prometheus: { url: "http://prometheus:9090" } };
    const readme = readmeOf(config);
    expect(readme).not.toMatch(/autopilot|ceiling|clamp/i);
    expect(readme).toBe(readmeOf(validConfig()));
  });
});
