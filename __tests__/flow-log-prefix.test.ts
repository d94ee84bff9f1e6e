// The flow-log prefix: the API reference requires one whenever flow logs are on ("Attribute is required if
// FlowLogsEnabled is true"), the provider sends none for an empty string, and the local Global Accelerator
// API refuses the call without one. So the model writes the stack's name when the config gives none or "",
// and keeps what the config gives otherwise. GIVEN flow logs on, WHEN synthesized, THEN ...
import { GlobalacceleratorAccelerator } from "@cdktf/provider-aws/lib/globalaccelerator-accelerator";
import "cdktf/lib/testing/adapters/jest";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { synthOne, synthStacks, validConfig } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;
const withFlowLogs = (flowLogs: Config) => {
  const c = validConfig();
  c.stacks[0].accelerator.flowLogs = flowLogs;
  return c;
};

describe("the flow-log prefix", () => {
  it("is the stack's name when the config gives none", () => {
    expect(synthOne(withFlowLogs({ bucket: "acme-flow-logs" }))).toHaveResourceWithProperties(GlobalacceleratorAccelerator, {
      attributes: { flow_logs_enabled: true, flow_logs_s3_bucket: "acme-flow-logs", flow_logs_s3_prefix: "test" },
    });
  });

  it("is the stack's name when the config gives an empty one (the provider would send no prefix at all)", () => {
    expect(synthOne(withFlowLogs({ bucket: "acme-flow-logs", prefix: "" }))).toHaveResourceWithProperties(GlobalacceleratorAccelerator, {
      attributes: { flow_logs_enabled: true, flow_logs_s3_bucket: "acme-flow-logs", flow_logs_s3_prefix: "test" },
    });
  });

  it("is the config's own when it gives one", () => {
    expect(toModel(parseConfig(withFlowLogs({ bucket: "acme-flow-logs", prefix: "ga/prod" })).config).stacks[0].accelerator.flowLogs).toEqual({
      bucket: "acme-flow-logs",
      prefix: "ga/prod",
    });
  });

  it("is each stack's own name in a config of two stacks sharing one bucket", () => {
    const c = withFlowLogs({ bucket: "acme-flow-logs" });
    c.stacks.push({ ...c.stacks[0], name: "second", backend: { ...c.stacks[0].backend, key: "second.tfstate" } });
    const stacks = synthStacks(c);
    expect(JSON.parse(stacks.test).resource.aws_globalaccelerator_accelerator.accelerator.attributes.flow_logs_s3_prefix).toBe("test");
    expect(JSON.parse(stacks.second).resource.aws_globalaccelerator_accelerator.accelerator.attributes.flow_logs_s3_prefix).toBe("second");
  });

  it("is not written when flow logs are off", () => {
    const json = JSON.parse(synthOne(validConfig()));
    expect(json.resource.aws_globalaccelerator_accelerator.accelerator.attributes).toEqual({ flow_logs_enabled: false });
  });
});
