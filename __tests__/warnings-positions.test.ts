// Every warning on every position it loops over: a later stack, a later listener, the last endpoint group.
// validation.test.ts tests each warning both ways on the first of each; a warning that stopped looking
// after the first item would pass there and fails here.
// GIVEN the valid test config (no warnings), WHEN one change is made, THEN exactly these warnings.
import { PROMETHEUS, steer, warningsOf } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;

/** A second stack with its own name and state key, the first stack's listeners and the given accelerator. */
const secondStack = (accelerator: Record<string, unknown>) => (c: Config) =>
  c.stacks.push({ ...c.stacks[0], name: "other", backend: { ...c.stacks[0].backend, key: "other.tfstate" }, accelerator });
/** A third listener (TCP 8080) whose last group is `last`. */
const thirdListener = (last: Record<string, unknown>) => (c: Config) =>
  c.stacks[0].listeners.push({
    name: "batch",
    protocol: "TCP",
    portRanges: [{ fromPort: 8080 }],
    endpointGroups: [{ region: "eu-west-1", endpoints: [{ type: "instance", id: "i-0000000a" }] }, { region: "ap-south-1", ...last }],
  });

const L2G1 = "stacks[0].listeners[2].endpointGroups[1]";

describe("warnings on later positions", () => {
  it("flow logs off: on the second stack", () => {
    expect(warningsOf(secondStack({ name: "other" }))).toEqual([
      "stacks[1].accelerator.flowLogs: flow logs are off; set flowLogs: { bucket } to record traffic (the log files go under a folder named like the stack unless you give a prefix), or flowLogs: false to silence this warning",
    ]);
  });

  it("every dial at 0: on the third listener", () => {
    expect(warningsOf((c) => (thirdListener({ trafficDialPercentage: 0, endpoints: [{ type: "instance", id: "i-0000000b" }] })(c), (c.stacks[0].listeners[2].endpointGroups[0].trafficDialPercentage = 0)))).toEqual([
      "stacks[0].listeners[2].endpointGroups: every endpoint group has trafficDialPercentage 0; the listener only serves failover traffic",
    ]);
  });

  it("every weight at 0: in the last group of a later listener", () => {
    expect(warningsOf(thirdListener({ endpoints: [{ type: "instance", id: "i-0000000b", weight: 0 }, { type: "eip", id: "eipalloc-0123abcd", weight: 0 }] }))).toEqual([
      `${L2G1}.endpoints: every endpoint has weight 0; this group sends no traffic to any of them`,
    ]);
  });

  it("a health check on load balancers only: in the last group of a later listener", () => {
    expect(warningsOf(thirdListener({ healthCheck: { protocol: "TCP" }, endpoints: [{ type: "nlb", lookup: { name: "tgi-aps1" } }, { type: "alb", lookup: { name: "vllm-aps1" } }] }))).toEqual([
      `${L2G1}.healthCheck: is ignored: this group has only load balancer endpoints, which Global Accelerator checks with the load balancer's own health checks`,
    ]);
  });

  it("a model-server preset on load balancers only: in the last group of a later listener", () => {
    expect(warningsOf(thirdListener({ modelServer: "vllm", endpoints: [{ type: "nlb", lookup: { name: "tgi-aps1" } }] }))).toEqual([
      `${L2G1}.modelServer: changes nothing here: this group has only load balancer endpoints, which Global Accelerator checks with their target groups' health checks; set the target group's health check to HTTP /health on port 8000 instead`,
    ]);
  });

  it("an autopilot block that steers nothing: on the second stack, not on the first whose only steered group is the last of a later listener", () => {
    expect(
      warningsOf((c) => {
        thirdListener({ capacity: 20, modelServer: "sglang", endpoints: [{ type: "instance", id: "i-0000000b" }] })(c);
        c.stacks[0].listeners[2].endpointGroups[0].capacity = 10;
        steer(c, 2, 1);
        secondStack({ name: "other", flowLogs: false })(c);
        c.stacks[1].autopilot = { prometheus: PROMETHEUS };
        c.stacks[1].listeners = c.stacks[1].listeners.slice(0, 2);
      }),
    ).toEqual([
      "stacks[1].autopilot: steers nothing: no endpoint group of this stack has an autopilot block (signal and watermarks); add one to each group to steer, or remove this block",
    ]);
  });

  it("a weak readiness check: in the last group of a later listener", () => {
    expect(warningsOf(thirdListener({ modelServer: "ollama", endpoints: [{ type: "instance", id: "i-0000000b" }] }))).toEqual([
      `${L2G1}.modelServer: ollama's readiness check proves only that the process is up: GET / answers "Ollama is running" before any model is loaded (Ollama loads models on first use)`,
    ]);
  });
});
