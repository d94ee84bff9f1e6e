// The plan gate's refusal of plans whose final config is valid but that no single apply reaches (each case
// proved with the real provider in plan-gate-swap.terraform.test.ts): on plans built here, each check both
// ways, at its edges (ranges that touch, ports at a range's ends), on every position it loops over (the
// second and the last listener or group, each change kind), with the exact message.
// GIVEN a plan's resource changes, WHEN the gate reviews it, THEN these problems.
import { orderingConflicts } from "../src/plan-gate/ordering";
import type { Action, Plan, ResourceChange } from "../src/plan-gate/plan-json";
import { renderMarkdown, renderText } from "../src/plan-gate/render";
import { passed, reviewPlan } from "../src/plan-gate/review";

type Values = Record<string, unknown> | null;
type Ports = readonly (number | [number, number])[];

function change(type: string, name: string, before: Values, after: Values, actions?: Action[]): ResourceChange {
  const inferred: Action[] = before === null ? ["create"] : after === null ? ["delete"] : JSON.stringify(before) === JSON.stringify(after) ? ["no-op"] : ["update"];
  return { address: `${type}.${name}`, mode: "managed", type, name, change: { actions: actions ?? inferred, before, after } };
}

const ranges = (ports: Ports) => ports.map((p) => (Array.isArray(p) ? { from_port: p[0], to_port: p[1] } : { from_port: p, to_port: p }));
/** A listener's values: its protocol and port ranges (a port, or [from, to]). */
const L = (protocol: string, ports: Ports, affinity = "NONE") => ({ protocol, port_range: ranges(ports), client_affinity: affinity });
const listener = (name: string, before: Values, after: Values, actions?: Action[]) => change("aws_globalaccelerator_listener", name, before, after, actions);
/** An endpoint group's values: its overrides [listener port, endpoint port] and endpoint IDs. */
const G = (overrides: readonly [number, number][], endpoints: readonly string[] = ["i-0123456789abcdef0"]) => ({
  port_override: overrides.map(([listener_port, endpoint_port]) => ({ listener_port, endpoint_port })),
  endpoint_configuration: endpoints.map((endpoint_id) => ({ endpoint_id, weight: 128 })),
});
const group = (name: string, before: Values, after: Values, actions?: Action[]) => change("aws_globalaccelerator_endpoint_group", name, before, after, actions);
const accelerator = (before: string | null, after: string | null) =>
  change("aws_globalaccelerator_accelerator", "accelerator", before === null ? null : { ip_address_type: before }, after === null ? null : { ip_address_type: after });

const planOf = (...changes: ResourceChange[]): Plan => ({ format_version: "1.2", resource_changes: changes, errored: false, configured: [] });
const conflicts = (...changes: ResourceChange[]) => orderingConflicts(planOf(...changes));

const RACE = "Terraform changes listeners in parallel, in no set order, and the API refuses a port range that another listener of the protocol still holds (InvalidPortRangeException), so the apply can fail half-way. Apply it in two steps:";
const takes = (x: string, what: string, y: string) =>
  `aws_globalaccelerator_listener.${x} takes ${what}, which aws_globalaccelerator_listener.${y} gives up in the same apply: ${RACE} first a config in which aws_globalaccelerator_listener.${y} has given them up and aws_globalaccelerator_listener.${x} does not take them yet, then this one.`;
const swap = (x: string, xTakes: string, y: string, yTakes: string, protocol = "TCP") =>
  `aws_globalaccelerator_listener.${x} and aws_globalaccelerator_listener.${y} swap ${protocol} ports (aws_globalaccelerator_listener.${x} takes ${xTakes}, aws_globalaccelerator_listener.${y} takes ${yTakes}): ${RACE} first a config in which both move to ports that neither uses now, then this one.`;
const override = (g: string, listenerPort: number, endpointPort: number, holder: string) =>
  `aws_globalaccelerator_endpoint_group.${g} overrides listener port ${listenerPort} onto endpoint port ${endpointPort}, ${holder} until the same apply changes that: Terraform changes them in no set order, and the API refuses such an override (InvalidArgumentException), so the apply can fail half-way. Apply it in two steps: first a config without this override, then this one.`;
const dualStack = (g: string, eips: string) =>
  `aws_globalaccelerator_accelerator.accelerator becomes DUAL_STACK while aws_globalaccelerator_endpoint_group.${g} still has Elastic IP endpoints (${eips}): Terraform changes the accelerator before its endpoint groups, and the API refuses a dual-stack accelerator with Elastic IP endpoints (InvalidArgumentException), so the apply fails half-way. Apply it in two steps: first a config that removes the Elastic IP endpoints and keeps ipAddressType IPV4, then this one.`;
const quota = (created: number, what: string, deleted: number, existing: number, max: number) =>
  `the plan creates ${created} ${what} and deletes ${deleted} of the ${existing} there are: Terraform creates and deletes them in parallel, in no set order, and the API refuses more than ${max} ${what} per accelerator (LimitExceededException), so the apply can fail half-way. Apply it in two steps: first a config without the new ${what} (the deletes), then this one.`;

describe("listeners that take port ranges another listener gives up", () => {
  it("are one finding for a swap, at the first of the two, with the recipe for a swap", () => {
    expect(conflicts(listener("a", L("TCP", [443]), L("TCP", [80])), listener("b", L("TCP", [80]), L("TCP", [443])))).toEqual([swap("a", "80", "b", "443")]);
  });

  it("list every range each listener of a swap takes, in its own order", () => {
    expect(conflicts(listener("a", L("TCP", [443, 8443]), L("TCP", [8080, 80])), listener("b", L("TCP", [80, 8080]), L("TCP", [8443, 443])))).toEqual([
      swap("a", "8080, 80", "b", "8443, 443"),
    ]);
  });

  it("are found for the second and the last of three listeners, beside one that changes nothing", () => {
    const quiet = listener("a", L("TCP", [22]), L("TCP", [22]));
    expect(conflicts(quiet, listener("b", L("UDP", [53]), L("UDP", [[5000, 5010]])), listener("c", L("UDP", [[5000, 5010]]), L("UDP", [53])))).toEqual([
      swap("b", "5000-5010", "c", "53", "UDP"),
    ]);
  });

  it("name the listener a created one takes ports from, when that one is deleted", () => {
    expect(conflicts(listener("serving", null, L("TCP", [443])), listener("inference", L("TCP", [443]), null))).toEqual([takes("serving", "TCP 443", "inference")]);
  });

  it("name the one an updated listener takes ports from, when that one moves elsewhere", () => {
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [80, 443])), listener("b", L("TCP", [443]), L("TCP", [8443])))).toEqual([takes("a", "TCP 443", "b")]);
  });

  it("list only the ranges that overlap what is given up, including a range that only touches its end", () => {
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [[443, 450], [9000, 9001]])), listener("b", L("TCP", [[440, 443]]), L("TCP", [8443])))).toEqual([
      takes("a", "TCP 443-450", "b"),
    ]);
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [[430, 440]])), listener("b", L("TCP", [[440, 443]]), null))).toEqual([takes("a", "TCP 430-440", "b")]);
  });

  it("list every range a listener takes from another, in its own order", () => {
    expect(conflicts(listener("a", null, L("TCP", [8443, 443])), listener("b", L("TCP", [443, 8443]), null))).toEqual([takes("a", "TCP 8443, 443", "b")]);
  });

  it("count a listener replaced (delete and create) as taking its ports", () => {
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [443]), ["delete", "create"]), listener("b", L("TCP", [443]), null))).toEqual([takes("a", "TCP 443", "b")]);
  });

  it("count a listener that changes protocol as giving up its ports of the old one", () => {
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [443])), listener("b", L("TCP", [443]), L("UDP", [443])))).toEqual([takes("a", "TCP 443", "b")]);
  });

  it("are not found for ranges next to each other, another protocol, ports kept, ports nobody gave up, or a listener that changes nothing", () => {
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [[444, 450]])), listener("b", L("TCP", [[440, 443]]), null))).toEqual([]);
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [[430, 439]])), listener("b", L("TCP", [[440, 443]]), null))).toEqual([]);
    expect(conflicts(listener("a", L("UDP", [80]), L("UDP", [443])), listener("b", L("TCP", [443]), L("TCP", [8443])))).toEqual([]);
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [80])), listener("b", L("TCP", [443]), L("TCP", [443], "SOURCE_IP")))).toEqual([]);
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [8080])), listener("b", L("TCP", [443]), L("TCP", [8443])))).toEqual([]);
    expect(conflicts(listener("a", L("TCP", [80]), L("TCP", [80])), listener("b", L("TCP", [80]), null))).toEqual([]);
    expect(conflicts(listener("a", L("TCP", [80]), null), listener("b", L("TCP", [443]), L("TCP", [80])))).toEqual([takes("b", "TCP 80", "a")]);
  });
});

describe("overrides onto an endpoint port that another group or listener gives up", () => {
  it("are found for both groups of a swap of endpoint ports, across listeners", () => {
    expect(conflicts(group("web_us-east-1", G([[80, 9443]]), G([[80, 8443]])), group("api_eu-west-1", G([[443, 8443]]), G([[443, 9443]])))).toEqual([
      override("web_us-east-1", 80, 8443, "which aws_globalaccelerator_endpoint_group.api_eu-west-1 maps from listener port 443"),
      override("api_eu-west-1", 443, 9443, "which aws_globalaccelerator_endpoint_group.web_us-east-1 maps from listener port 80"),
    ]);
  });

  it("are found for a created group's second override, onto a port a deleted group maps from another listener port", () => {
    expect(conflicts(group("a_us-east-1", null, G([[80, 1080], [81, 8443]])), group("b_us-west-2", G([[443, 8443]]), null))).toEqual([
      override("a_us-east-1", 81, 8443, "which aws_globalaccelerator_endpoint_group.b_us-west-2 maps from listener port 443"),
    ]);
  });

  it("are found for an endpoint port at either end of another listener's range that it gives up", () => {
    const webMoves = listener("web", L("TCP", [[8000, 8443]]), L("TCP", [80]));
    for (const port of [8000, 8443]) {
      expect(conflicts(webMoves, group("api_us-east-1", G([]), G([[443, port]])))).toEqual([
        override("api_us-east-1", 443, port, "which is in aws_globalaccelerator_listener.web's port range 8000-8443"),
      ]);
    }
    expect(conflicts(webMoves, group("api_us-east-1", G([]), G([[443, 8444]])))).toEqual([]);
    expect(conflicts(webMoves, group("api_us-east-1", G([]), G([[443, 7999]])))).toEqual([]);
  });

  it("are not found for the same listener port, the group's own old overrides, the group's own listener, or a group that changes nothing", () => {
    expect(conflicts(group("a_us-east-1", null, G([[443, 8443]])), group("b_us-west-2", G([[443, 8443]]), null))).toEqual([]);
    // A group's old overrides go in the same call as its new ones.
    expect(conflicts(group("a_us-east-1", G([[80, 8443]]), G([[443, 8443]])))).toEqual([]);
    expect(conflicts(listener("api", L("TCP", [[8000, 8443]]), L("TCP", [443])), group("api_us-east-1", G([]), G([[443, 8080]])))).toEqual([]);
    expect(conflicts(group("a_us-east-1", G([[80, 8443]]), G([[80, 8443]])), group("b_us-west-2", G([[443, 8443]]), null))).toEqual([]);
  });
});

describe("a switch to DUAL_STACK while groups hold Elastic IP endpoints", () => {
  const EIP1 = "eipalloc-0a1b2c3d4e5f60718";
  const EIP2 = "eipalloc-0f1e2d3c4b5a69788";

  it("is found for every group that holds one, listing only the Elastic IPs", () => {
    expect(
      conflicts(
        accelerator("IPV4", "DUAL_STACK"),
        group("a_us-east-1", G([], ["i-0123456789abcdef0"]), G([], ["i-0123456789abcdef0"])),
        group("a_us-west-1", G([], [EIP1, "i-0123456789abcdef0"]), G([], ["i-0123456789abcdef0"])),
        group("b_us-west-1", G([], [EIP2]), null),
      ),
    ).toEqual([dualStack("a_us-west-1", EIP1), dualStack("b_us-west-1", EIP2)]);
  });

  it("lists every Elastic IP of a group", () => {
    expect(conflicts(accelerator("IPV4", "DUAL_STACK"), group("a_us-east-1", G([], [EIP1, EIP2]), G([], ["i-0123456789abcdef0"])))).toEqual([dualStack("a_us-east-1", `${EIP1}, ${EIP2}`)]);
  });

  it("is not found for an accelerator that stays IPV4, was DUAL_STACK already, is created, or goes back to IPV4", () => {
    const withEip = group("a_us-east-1", G([], [EIP1]), G([], [EIP1]));
    expect(conflicts(accelerator("IPV4", "IPV4"), withEip)).toEqual([]);
    expect(conflicts(accelerator("DUAL_STACK", "DUAL_STACK"), group("a_us-east-1", G([], [EIP1]), null))).toEqual([]);
    expect(conflicts(accelerator(null, "DUAL_STACK"), group("a_us-east-1", null, G([], ["i-0123456789abcdef0"])))).toEqual([]);
    expect(conflicts(accelerator("DUAL_STACK", "IPV4"), withEip)).toEqual([]);
  });
});

describe("creates past a quota that only the deletes of the same apply make room for", () => {
  const listeners = (n: number, from: number) => Array.from({ length: n }, (_, i) => listener(`l${from + i}`, L("TCP", [1000 + from + i]), L("TCP", [1000 + from + i])));
  const groups = (n: number, from: number) => Array.from({ length: n }, (_, i) => group(`g${from + i}_us-east-1`, G([]), G([])));

  it("are found for the 11th listener while one of 10 is deleted", () => {
    expect(conflicts(...listeners(9, 0), listener("old", L("TCP", [2000]), null), listener("new", null, L("TCP", [3000])))).toEqual([quota(1, "listeners", 1, 10, 10)]);
  });

  it("count a replace (delete and create) among the listeners there are, but as neither a create nor a delete", () => {
    const replaced = listener("replaced", L("TCP", [2001]), L("TCP", [2001]), ["delete", "create"]);
    expect(conflicts(...listeners(8, 0), replaced, listener("old", L("TCP", [2000]), null), listener("new", null, L("TCP", [3000])))).toEqual([quota(1, "listeners", 1, 10, 10)]);
  });

  it("are not found for the 10th listener while one of 9 is deleted, counting neither updates nor a replace as creates", () => {
    const updated = (n: number) => listener(`u${n}`, L("TCP", [4000 + n]), L("TCP", [4000 + n], "SOURCE_IP"));
    expect(conflicts(...listeners(5, 0), updated(1), updated(2), updated(3), listener("old", L("TCP", [2000]), null), listener("new", null, L("TCP", [3000])))).toEqual([]);
    expect(conflicts(...listeners(9, 0), listener("swapped", L("TCP", [2000]), L("TCP", [2000]), ["delete", "create"]))).toEqual([]);
  });

  it("are found for the 43rd and 44th endpoint group while two of 42 are deleted, not for the 42nd while one of 41 is", () => {
    expect(conflicts(...groups(40, 0), group("old_eu-west-1", G([]), null), group("older_eu-west-1", G([]), null), group("new_eu-west-1", null, G([])), group("newer_eu-west-1", null, G([])))).toEqual([
      quota(2, "endpoint groups", 2, 42, 42),
    ]);
    expect(conflicts(...groups(40, 0), group("old_eu-west-1", G([]), null), group("new_eu-west-1", null, G([])))).toEqual([]);
  });
});

describe("the gate's verdict", () => {
  it("fails a plan with such a change, printing the finding as a problem in the text and the Markdown", () => {
    const review = reviewPlan(planOf(listener("a", L("TCP", [443]), L("TCP", [80])), listener("b", L("TCP", [80]), L("TCP", [443]))), { allowDestroy: [] });
    expect(passed(review)).toBe(false);
    expect(review.violations).toEqual([]);
    expect(renderText(review, "s")).toContain(`plan-gate: ${swap("a", "80", "b", "443")}\nplan-gate: failed\n`);
    expect(renderMarkdown(review, "s")).toContain(`- **${swap("a", "80", "b", "443")}**`);
  });

  it("passes the same listeners moving to ports nobody gives up, and ignores data sources", () => {
    const data: ResourceChange = { ...listener("x", L("TCP", [80]), L("TCP", [443])), mode: "data" };
    expect(passed(reviewPlan(planOf(listener("a", L("TCP", [443]), L("TCP", [8080])), listener("b", L("TCP", [80]), L("TCP", [8443])), data, listener("c", L("TCP", [443]), null)), { allowDestroy: ["listeners"] }))).toBe(true);
  });
});
