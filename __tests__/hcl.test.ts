// The repairs applied to cdktf's HCL output before it goes into a package (the package test then
// proves with terraform that the repaired HCL plans like the JSON).
import { repairCdktfHcl } from "../src/handoff/hcl";

describe("repairCdktfHcl", () => {
  it("writes the required_version constraint that cdktf renders as `0 = \"required_version\"`", () => {
    const hcl = 'terraform {\n  backend "s3" {\n    bucket = "b"\n  }\n\n  0 = "required_version"\n}\n';
    expect(repairCdktfHcl(hcl, { terraform: { required_version: ">= 1.10.0" } })).toBe(
      'terraform {\n  backend "s3" {\n    bucket = "b"\n  }\n\n  required_version = ">= 1.10.0"\n}\n',
    );
  });

  it("unquotes the attributes of ignore_changes, and nothing else", () => {
    const hcl = ['resource "x" "y" {', '  name = "traffic_dial_percentage"', "  lifecycle {", "    ignore_changes = [", '      "traffic_dial_percentage",', '      "tags"', "    ]", "  }", "}", ""].join("\n");
    expect(repairCdktfHcl(hcl, {})).toBe(['resource "x" "y" {', '  name = "traffic_dial_percentage"', "  lifecycle {", "    ignore_changes = [", "      traffic_dial_percentage,", "      tags", "    ]", "  }", "}", ""].join("\n"));
  });

  it("turns postcondition lists into blocks, unquotes provider references and restores nullable = false", () => {
    const hcl = [
      'variable "traffic_dials" {',
      '  type = map(number)',
      "}",
      'data "aws_lb" "x" {',
      '  provider = "aws.us-east-1"',
      "  lifecycle {",
      "    postcondition = [",
      "      {",
      "        condition = true",
      "      },",
      "    ]",
      "  }",
      "}",
      "",
    ].join("\n");
    expect(repairCdktfHcl(hcl, { variable: { traffic_dials: { nullable: false } } })).toBe(
      [
        'variable "traffic_dials" {',
        "  nullable = false",
        '  type = map(number)',
        "}",
        'data "aws_lb" "x" {',
        "  provider = aws.us-east-1",
        "  lifecycle {",
        "    postcondition {",
        "        condition = true",
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });
});
