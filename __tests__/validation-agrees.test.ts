// The rules that keep validation in agreement with the Global Accelerator API (and the project's local
// stand-in for it, which refuses the same configs at apply): each tested both ways with its exact message, on
// every position it loops over (the second address, the last group, the second listener, the second and
// third stack), and next to the rules it must not repeat (an error is reported once, by the rule that owns it).
// GIVEN the valid config of support/configs.ts, WHEN one part changes, THEN exactly these errors.
import { formatPath } from "../src/config/show";
import { validateConfig } from "../src/validation/validate";
import { RULES_TESTED_IN_VALIDATION_AGREES } from "./support/agreement-rules";
import { validConfig } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;
type Rule = (typeof RULES_TESTED_IN_VALIDATION_AGREES)[number];

function errorsOf(change: (c: Config) => void): string[] {
  const config = validConfig();
  change(config);
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map((e) => `${formatPath(e.path)}: ${e.message}`);
}

const stack = (c: Config, s = 0) => c.stacks[s];
/** Adds stacks (their own names, so their own state keys) copied from the first. */
const moreStacks = (c: Config, n: number) => {
  for (let i = 1; i <= n; i++) c.stacks.push({ ...structuredClone(stack(c)), name: `other-${i}` });
};
const addresses = (c: Config, s: number, list: string[]) => (stack(c, s).accelerator.ipAddresses = list);

const G = (l: number, g: number) => `stacks[0].listeners[${l}].endpointGroups[${g}]`;
/** Listener 0 takes 443-444, so overrides from both ports are its own. */
const twoPorts = (c: Config) => (stack(c).listeners[0].portRanges = [{ fromPort: 443, toPort: 444 }]);
const overrides = (c: Config, l: number, g: number, list: [number, number][]) =>
  (stack(c).listeners[l].endpointGroups[g].portOverrides = list.map(([listenerPort, endpointPort]) => ({ listenerPort, endpointPort })));

type Case = readonly [rule: Rule, name: string, change: (c: Config) => void, errors: readonly string[]];

const CASES: readonly Case[] = [
  // byoipAddressesFromTwoRanges
  ["byoipAddressesFromTwoRanges", "the same address twice", (c) => addresses(c, 0, ["198.51.100.7", "198.51.100.7"]), [
    'stacks[0].accelerator.ipAddresses[1]: "198.51.100.7" is already ipAddresses[0]; the two addresses must come from two different BYOIP ranges, one from each',
  ]],
  ["byoipAddressesFromTwoRanges", "two addresses of one /24", (c) => addresses(c, 0, ["198.51.100.7", "198.51.100.200"]), [
    'stacks[0].accelerator.ipAddresses[1]: "198.51.100.200" is in 198.51.100.0/24, like ipAddresses[0] ("198.51.100.7"); an accelerator takes one address from each of two BYOIP ranges (each at least a /24, in its own network zone), so its two addresses cannot share a /24',
  ]],
  ["byoipAddressesFromTwoRanges", "two addresses of one /24 in the second stack", (c) => (moreStacks(c, 1), addresses(c, 1, ["203.0.113.1", "203.0.113.2"])), [
    'stacks[1].accelerator.ipAddresses[1]: "203.0.113.2" is in 203.0.113.0/24, like ipAddresses[0] ("203.0.113.1"); an accelerator takes one address from each of two BYOIP ranges (each at least a /24, in its own network zone), so its two addresses cannot share a /24',
  ]],
  ["byoipAddressesFromTwoRanges", "a third address in the first one's /24, besides the count", (c) => addresses(c, 0, ["198.51.100.7", "203.0.113.1", "198.51.100.9"]), [
    "stacks[0].accelerator.ipAddresses: allows at most 2 addresses, received 3",
    'stacks[0].accelerator.ipAddresses[2]: "198.51.100.9" is in 198.51.100.0/24, like ipAddresses[0] ("198.51.100.7"); an accelerator takes one address from each of two BYOIP ranges (each at least a /24, in its own network zone), so its two addresses cannot share a /24',
  ]],
  ["byoipAddressesFromTwoRanges", "a malformed first address beside one of its /24 (its own error only)", (c) => addresses(c, 0, ["198.51.100.7/32", "198.51.100.8"]), [
    'stacks[0].accelerator.ipAddresses[0]: must be written without the /32 suffix (198.51.100.7), received "198.51.100.7/32"',
  ]],
  ["byoipAddressesFromTwoRanges", "a malformed second address (its own error only)", (c) => addresses(c, 0, ["198.51.100.7", "198.51.100.7/32"]), [
    'stacks[0].accelerator.ipAddresses[1]: must be written without the /32 suffix (198.51.100.7), received "198.51.100.7/32"',
  ]],
  ["byoipAddressesFromTwoRanges", "two addresses of neighbouring /24s", (c) => addresses(c, 0, ["198.51.100.255", "198.51.101.0"]), []],
  ["byoipAddressesFromTwoRanges", "one address (Global Accelerator adds one of Amazon's)", (c) => addresses(c, 0, ["198.51.100.7"]), []],

  // byoipAddressOfOneStack
  ["byoipAddressOfOneStack", "one address in two stacks", (c) => (moreStacks(c, 1), addresses(c, 0, ["198.51.100.7", "203.0.113.7"]), addresses(c, 1, ["203.0.113.7"])), [
    'stacks[1].accelerator.ipAddresses[0]: "203.0.113.7" is already stacks[0].accelerator.ipAddresses[1]; a BYOIP address can be the static IP of one accelerator only',
  ]],
  ["byoipAddressOfOneStack", "one address in the first and the third stack, in different accounts", (c) => {
    moreStacks(c, 2);
    stack(c, 0).allowedAccountIds = ["111111111111"];
    stack(c, 2).allowedAccountIds = ["222222222222"];
    addresses(c, 0, ["198.51.100.7"]);
    addresses(c, 1, ["198.51.100.8"]);
    addresses(c, 2, ["192.0.2.1", "198.51.100.7"]);
  }, [
    'stacks[2].accelerator.ipAddresses[1]: "198.51.100.7" is already stacks[0].accelerator.ipAddresses[0]; a BYOIP address can be the static IP of one accelerator only',
  ]],
  ["byoipAddressOfOneStack", "one address twice in a stack and once in another (each reported by its own rule)", (c) => (moreStacks(c, 1), addresses(c, 0, ["198.51.100.7", "198.51.100.7"]), addresses(c, 1, ["198.51.100.7"])), [
    'stacks[0].accelerator.ipAddresses[1]: "198.51.100.7" is already ipAddresses[0]; the two addresses must come from two different BYOIP ranges, one from each',
    'stacks[1].accelerator.ipAddresses[0]: "198.51.100.7" is already stacks[0].accelerator.ipAddresses[0]; a BYOIP address can be the static IP of one accelerator only',
  ]],
  ["byoipAddressOfOneStack", "one malformed address in two stacks (its own errors only)", (c) => (moreStacks(c, 1), addresses(c, 0, ["198.51.100.7/32"]), addresses(c, 1, ["198.51.100.7/32"])), [
    'stacks[0].accelerator.ipAddresses[0]: must be written without the /32 suffix (198.51.100.7), received "198.51.100.7/32"',
    'stacks[1].accelerator.ipAddresses[0]: must be written without the /32 suffix (198.51.100.7), received "198.51.100.7/32"',
  ]],
  ["byoipAddressOfOneStack", "addresses of their own in two stacks, in one /24", (c) => (moreStacks(c, 1), addresses(c, 0, ["198.51.100.7"]), addresses(c, 1, ["198.51.100.8"])), []],

  // endpointPortFromOneListenerPort
  ["endpointPortFromOneListenerPort", "one endpoint port from two listener ports, in the last group of a listener", (c) => (twoPorts(c), overrides(c, 0, 0, [[443, 8443]]), overrides(c, 0, 1, [[444, 8443]])), [
    `${G(0, 1)}.portOverrides[0].endpointPort: 8443 is already the endpoint port of listener port 443 in listeners[0].endpointGroups[0].portOverrides[0]; in an accelerator, an endpoint port can be overridden from one listener port only`,
  ]],
  ["endpointPortFromOneListenerPort", "one endpoint port from the second listener's port too (across protocols), as its second override", (c) => overrides(c, 1, 0, [[9000, 9443], [9001, 8443]]), [
    `${G(1, 0)}.portOverrides[1].endpointPort: 8443 is already the endpoint port of listener port 443 in listeners[0].endpointGroups[0].portOverrides[0]; in an accelerator, an endpoint port can be overridden from one listener port only`,
  ]],
  ["endpointPortFromOneListenerPort", "one endpoint port from two listener ports in one group (reported by uniquePortOverrides only)", (c) => (twoPorts(c), overrides(c, 0, 0, [[443, 8443], [444, 8443]])), [
    `${G(0, 0)}.portOverrides[1].endpointPort: 8443 is already the target of portOverrides[0]`,
  ]],
  ["endpointPortFromOneListenerPort", "an endpoint port out of range in two groups (its own errors only)", (c) => (twoPorts(c), overrides(c, 0, 0, [[443, 70000]]), overrides(c, 0, 1, [[444, 70000]])), [
    `${G(0, 0)}.portOverrides[0].endpointPort: must be an integer from 1 to 65535, received 70000`,
    `${G(0, 1)}.portOverrides[0].endpointPort: must be an integer from 1 to 65535, received 70000`,
  ]],
  ["endpointPortFromOneListenerPort", "a listener port out of range onto a used endpoint port (its own error only)", (c) => (overrides(c, 0, 0, [[443, 8443]]), overrides(c, 0, 1, [[0, 8443]])), [
    `${G(0, 1)}.portOverrides[0].listenerPort: must be an integer from 1 to 65535, received 0`,
  ]],
  ["endpointPortFromOneListenerPort", "one listener port onto one endpoint port in every group", (c) => (overrides(c, 0, 0, [[443, 8443]]), overrides(c, 0, 1, [[443, 8443]])), []],
  ["endpointPortFromOneListenerPort", "two listener ports onto endpoint ports of their own in two groups", (c) => (twoPorts(c), overrides(c, 0, 0, [[443, 8443]]), overrides(c, 0, 1, [[444, 8444]])), []],
];

describe.each(RULES_TESTED_IN_VALIDATION_AGREES.map((rule) => [rule]))("rule %s", (rule) => {
  const cases = CASES.filter((c) => c[0] === rule);
  it.each(cases.filter((c) => c[3].length > 0).map((c) => c.slice(1) as [string, Case[2], Case[3]]))("rejects %s with the exact message", (_name, change, errors) => {
    expect(errorsOf(change)).toEqual(errors);
  });
  it.each(cases.filter((c) => c[3].length === 0).map((c) => c.slice(1) as [string, Case[2]]))("accepts %s", (_name, change) => {
    expect(errorsOf(change)).toEqual([]);
  });
  it("is tested both ways here", () => {
    expect([cases.some((c) => c[3].length > 0), cases.some((c) => c[3].length === 0)]).toEqual([true, true]);
  });
});
