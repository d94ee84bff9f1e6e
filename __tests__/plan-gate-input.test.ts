// What the plan gate accepts as a plan: only the output of `terraform show -json <planfile>`, format 1.x.
// Anything else is refused with a message naming the file and what was wrong, because a gate that misreads
// its input passes. And a plan of another stack is told apart by the addresses its configuration declares.
// GIVEN a text, WHEN the gate reads it, THEN ...
import { toModel } from "../src/model/model";
import { planOfAnotherStack, PlanFormatError, readPlan } from "../src/plan-gate/plan-json";
import { parseConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";

const PLAN = { format_version: "1.2", planned_values: {} };
const text = (fields: Record<string, unknown>) => JSON.stringify({ ...PLAN, ...fields });
const CREATE = { address: "aws_globalaccelerator_listener.l", mode: "managed", type: "aws_globalaccelerator_listener", name: "l", change: { actions: ["create"], before: null, after: {} } };

/** The error readPlan throws for this text, or undefined when it reads it. */
function refusal(input: string): { name: string; message: string } | undefined {
  try {
    readPlan(input, "plan.json");
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(PlanFormatError);
    return { name: (err as Error).name, message: (err as Error).message };
  }
}

describe("a text that is not a plan", () => {
  it.each([
    ["a list", "[]", "plan.json: must be a JSON object (terraform show -json <planfile>), received a list"],
    ["null", "null", "plan.json: must be a JSON object (terraform show -json <planfile>), received null"],
    ["a string", '"plan"', "plan.json: must be a JSON object (terraform show -json <planfile>), received string"],
    ["a number", "12", "plan.json: must be a JSON object (terraform show -json <planfile>), received number"],
    ["a format version given as a number", JSON.stringify({ format_version: 1.2, planned_values: {} }), "plan.json: has format_version 1.2; this gate reads format 1.x of terraform show -json"],
    ["format version 11.0", JSON.stringify({ format_version: "11.0", planned_values: {} }), 'plan.json: has format_version "11.0"; this gate reads format 1.x of terraform show -json'],
    ["format version 0.1.0", JSON.stringify({ format_version: "0.1.0", planned_values: {} }), 'plan.json: has format_version "0.1.0"; this gate reads format 1.x of terraform show -json'],
    ["resource_changes that are no list", text({ resource_changes: { a: CREATE } }), "plan.json: resource_changes must be a list"],
  ])("is refused when it is %s, with a PlanFormatError naming the file", (_name, input, message) => {
    expect(refusal(input)).toEqual({ name: "PlanFormatError", message });
  });

  it.each([
    ["null", null],
    ["without an address", { ...CREATE, address: undefined }],
    ["with an address that is no string", { ...CREATE, address: 7 }],
    ["without a type", { ...CREATE, type: undefined }],
    ["without a change", { ...CREATE, change: undefined }],
    ["with actions that are no list", { ...CREATE, change: { ...CREATE.change, actions: "create" } }],
  ])("is refused when a resource change is %s, naming its position", (_name, entry) => {
    expect(refusal(text({ resource_changes: [CREATE, entry] }))).toEqual({ name: "PlanFormatError", message: "plan.json: resource_changes[1] has no address, type or change.actions" });
  });
});

describe("a plan", () => {
  it("without resource_changes (Terraform leaves them out when nothing is managed) has no changes", () => {
    expect(readPlan(text({}), "plan.json")).toEqual({ format_version: "1.2", resource_changes: [], errored: false, configured: [], variables: {} });
  });

  it("of any 1.x format is read, with the addresses its configuration declares", () => {
    const configuration = { root_module: { resources: [{ address: "aws_globalaccelerator_listener.l" }, { mode: "managed" }, null, { address: "data.aws_lb.x" }] } };
    expect(readPlan(text({ format_version: "1.0", resource_changes: [CREATE], configuration }), "plan.json")).toEqual({
      format_version: "1.0",
      resource_changes: [CREATE],
      errored: false,
      configured: ["aws_globalaccelerator_listener.l", "data.aws_lb.x"],
      variables: {},
    });
  });

  it("is read with the value of each variable Terraform evaluated for it", () => {
    const variables = { traffic_dials: { value: { "chat/us-east-1": 40 } }, accelerator_enabled: { value: false }, odd: null };
    expect(readPlan(text({ variables }), "plan.json").variables).toEqual({ traffic_dials: { "chat/us-east-1": 40 }, accelerator_enabled: false, odd: undefined });
  });

  it.each([
    ["no variables", {}],
    ["variables that are no mapping", { variables: "traffic_dials" }],
    ["variables null", { variables: null }],
  ])("with %s has none", (_name, fields) => {
    expect(readPlan(text(fields), "plan.json").variables).toEqual({});
  });

  it.each([
    ["no configuration", {}],
    ["a configuration without a root module", { configuration: {} }],
    ["a root module without resources", { configuration: { root_module: {} } }],
    ["resources that are no list", { configuration: { root_module: { resources: { address: "aws_globalaccelerator_listener.l" } } } }],
  ])("with %s declares no address", (_name, fields) => {
    expect(readPlan(text(fields), "plan.json").configured).toEqual([]);
  });
});

describe("a plan of another stack", () => {
  /** The test config's first listener alone: one listener with two endpoint groups, three addresses. */
  const oneListener = () => {
    const config = validConfig();
    config.stacks[0].listeners.pop();
    return toModel(parseConfig(config).config).stacks[0];
  };
  const declaring = (...addresses: string[]) => readPlan(text({ configuration: { root_module: { resources: addresses.map((address) => ({ address })) } } }), "plan.json");
  const ADDRESSES = ["aws_globalaccelerator_listener.inference", "aws_globalaccelerator_endpoint_group.inference_us-west-1", "aws_globalaccelerator_endpoint_group.inference_us-east-1"];

  it("is not reported when the plan declares every listener and endpoint group of the stack", () => {
    expect(planOfAnotherStack(declaring(...ADDRESSES, "aws_globalaccelerator_accelerator.accelerator"), oneListener())).toBeUndefined();
  });

  it("names every address the plan lacks, up to three", () => {
    expect(planOfAnotherStack(declaring(), oneListener())).toBe(
      `is not a plan of stack test: its configuration declares no ${ADDRESSES.join(", ")}; check --stack and SMART_ROUTING_CONFIG`,
    );
    expect(planOfAnotherStack(declaring(ADDRESSES[0]), oneListener())).toBe(
      `is not a plan of stack test: its configuration declares no ${ADDRESSES.slice(1).join(", ")}; check --stack and SMART_ROUTING_CONFIG`,
    );
  });

  it("counts the addresses beyond the first three it lacks, those of the last listener among them", () => {
    const stack = toModel(parseConfig(validConfig()).config).stacks[0];
    expect(planOfAnotherStack(declaring(), stack)).toBe(
      `is not a plan of stack test: its configuration declares no ${ADDRESSES.join(", ")} and 2 more; check --stack and SMART_ROUTING_CONFIG`,
    );
    expect(planOfAnotherStack(declaring(...ADDRESSES, "aws_globalaccelerator_listener.streaming"), stack)).toBe(
      "is not a plan of stack test: its configuration declares no aws_globalaccelerator_endpoint_group.streaming_ap-northeast-1; check --stack and SMART_ROUTING_CONFIG",
    );
  });
});
