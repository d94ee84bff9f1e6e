// A listener rename moves the listener and its endpoint groups (Terraform `moved`
// blocks) instead of destroying and recreating them.
import { synthOne, validConfig } from "./support/configs";

describe("a listener with renamedFrom", () => {
  it("emits a moved block for the listener and for each of its endpoint groups, old address to new", () => {
    // GIVEN the first listener was called "inference-v1"
    const config = validConfig();
    config.stacks[0].listeners[0].renamedFrom = "inference-v1";
    // WHEN the stack is synthesized
    const json = JSON.parse(synthOne(config));
    // THEN every address of that listener moves, and nothing else does
    expect(json.moved).toEqual([
      { from: "aws_globalaccelerator_listener.inference-v1", to: "aws_globalaccelerator_listener.inference" },
      { from: "aws_globalaccelerator_endpoint_group.inference-v1_us-west-1", to: "aws_globalaccelerator_endpoint_group.inference_us-west-1" },
      { from: "aws_globalaccelerator_endpoint_group.inference-v1_us-east-1", to: "aws_globalaccelerator_endpoint_group.inference_us-east-1" },
    ]);
  });

  it("is the only way a moved block appears: a config without renames has none", () => {
    expect(JSON.parse(synthOne(validConfig()))).not.toHaveProperty("moved");
  });
});
