// Every cross-field rule of src/validation/rules.ts on every position it loops over: a later listener, the
// last endpoint group, a later endpoint, override or stack, each endpoint type. A rule that stopped looking
// after the first item passes the both-ways tests of validation.test.ts (which break the first item); it
// fails here. Also: a value with its own error is not reasoned from again (no follow-up errors), and the
// edges of each comparison (port 1 and 65535, ranges listed high to low, a range of one port).
// GIVEN the valid test config (two listeners: TCP 443 with groups in us-west-1 and us-east-1, UDP 9000-9010
// with one group in ap-northeast-1), WHEN one change is made, THEN exactly these errors, with their messages.
import { formatPath } from "../src/config/show";
import * as rules from "../src/validation/rules";
import { validateConfig } from "../src/validation/validate";
import { ALB_USE1, NLB_USE1, PROMETHEUS, steer, validConfig } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;

const stack = (c: Config, s = 0) => c.stacks[s];
const listener = (c: Config, l = 0) => c.stacks[0].listeners[l];
const group = (c: Config, l = 0, g = 0) => c.stacks[0].listeners[l].endpointGroups[g];
const instance = (id: string) => ({ type: "instance", id });

function errorsOf(change: (c: Config) => void): string[] {
  const config = validConfig();
  change(config);
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map((e) => `${formatPath(e.path)}: ${e.message}`);
}

/** A third listener, TCP 8080, with groups in eu-west-1 and (last) ap-south-1. */
const thirdListener = (c: Config, more: Record<string, unknown> = {}) =>
  stack(c).listeners.push({
    name: "batch",
    protocol: "TCP",
    portRanges: [{ fromPort: 8080 }],
    endpointGroups: [
      { region: "eu-west-1", endpoints: [instance("i-0000000a")] },
      { region: "ap-south-1", endpoints: [instance("i-0000000b"), instance("i-0000000c")] },
    ],
    ...more,
  });
/** A second or third stack: its own name and state key, the first stack's listeners. */
const anotherStack = (name: string, more: Record<string, unknown> = {}) => (c: Config) =>
  c.stacks.push({ ...stack(c), name, backend: { ...stack(c).backend, key: `${name}.tfstate` }, ...more });

const L1 = "stacks[0].listeners[1]";
const L2 = "stacks[0].listeners[2]";
const ARN_EUW1 = ALB_USE1.replace("us-east-1", "eu-west-1");
const NLB_EUW1 = NLB_USE1.replace("us-east-1", "eu-west-1");

describe("loadBalancerArnInGroupRegion", () => {
  it("checks the second endpoint of a group, an NLB as well as an ALB", () => {
    expect(errorsOf((c) => (group(c, 0, 1).endpoints[1] = { type: "nlb", id: NLB_EUW1 }))).toEqual([
      "stacks[0].listeners[0].endpointGroups[1].endpoints[1].id: is a load balancer in eu-west-1, but this endpoint group is in us-east-1",
    ]);
  });

  it("checks the last group of a later listener", () => {
    expect(errorsOf((c) => thirdListener(c, { endpointGroups: [{ region: "eu-west-1", endpoints: [instance("i-0000000a")] }, { region: "ap-south-1", endpoints: [{ type: "alb", id: ARN_EUW1 }] }] }))).toEqual([
      `${L2}.endpointGroups[1].endpoints[0].id: is a load balancer in eu-west-1, but this endpoint group is in ap-south-1`,
    ]);
  });

  it("does not take an Elastic IP or an instance given a load balancer's ARN for a load balancer: only their ID errors", () => {
    expect(errorsOf((c) => ((group(c).endpoints[0].id = ARN_EUW1), (group(c).endpoints[1].id = NLB_EUW1)))).toEqual([
      `stacks[0].listeners[0].endpointGroups[0].endpoints[0].id: must be an Elastic IP allocation ID ("eipalloc-" and 8 or 17 hex digits), received ${JSON.stringify(ARN_EUW1).slice(0, 77)}...`,
      `stacks[0].listeners[0].endpointGroups[0].endpoints[1].id: must be an EC2 instance ID ("i-" and 8 or 17 hex digits), received ${JSON.stringify(NLB_EUW1).slice(0, 77)}...`,
    ]);
  });

  it("does not reason from a load balancer ID that is no ARN: only its own error", () => {
    expect(errorsOf((c) => (group(c, 0, 1).endpoints[0].id = "vllm-use1"))).toEqual([
      'stacks[0].listeners[0].endpointGroups[1].endpoints[0].id: must be an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<16 hex digits>), received "vllm-use1"',
    ]);
  });
});

describe("uniqueEndpoints", () => {
  it("names the first listing of an instance listed again later in the group, for each repeat", () => {
    expect(errorsOf((c) => group(c).endpoints.push(instance("i-0000000d"), instance("i-0123456789abcdef0"), instance("i-0123456789abcdef0")))).toEqual([
      "stacks[0].listeners[0].endpointGroups[0].endpoints[3]: is the same endpoint as endpoints[1]",
      "stacks[0].listeners[0].endpointGroups[0].endpoints[4]: is the same endpoint as endpoints[1]",
    ]);
  });

  it("checks the group of a later listener", () => {
    expect(errorsOf((c) => group(c, 1).endpoints.push(instance("i-0fedcba9")))).toEqual([`${L1}.endpointGroups[0].endpoints[1]: is the same endpoint as endpoints[0]`]);
  });
});

describe("uniquePortOverrides", () => {
  it("checks every later override against every earlier one", () => {
    expect(
      errorsOf((c) => {
        listener(c).portRanges = [{ fromPort: 440, toPort: 445 }];
        group(c).portOverrides = [
          { listenerPort: 440, endpointPort: 8440 },
          { listenerPort: 441, endpointPort: 8441 },
          { listenerPort: 441, endpointPort: 8442 },
          { listenerPort: 443, endpointPort: 8440 },
        ];
      }),
    ).toEqual([
      "stacks[0].listeners[0].endpointGroups[0].portOverrides[2].listenerPort: 441 is already overridden by portOverrides[1]",
      "stacks[0].listeners[0].endpointGroups[0].portOverrides[3].endpointPort: 8440 is already the target of portOverrides[0]",
    ]);
  });
});

describe("oneEndpointGroupPerRegion", () => {
  it("checks the last group of a later listener", () => {
    expect(errorsOf((c) => thirdListener(c, { endpointGroups: [{ region: "eu-west-1", endpoints: [instance("i-0000000a")] }, { region: "us-west-1", endpoints: [instance("i-0000000b")] }, { region: "eu-west-1", endpoints: [instance("i-0000000c")] }] }))).toEqual([
      `${L2}.endpointGroups[2].region: "eu-west-1" already has endpointGroups[0]; a listener has one endpoint group per region`,
    ]);
  });
});

describe("albNotOnUdpListener", () => {
  it("finds every ALB of a UDP listener, in any group and at any position", () => {
    expect(
      errorsOf((c) => {
        group(c, 1).endpoints.push({ type: "alb", lookup: { name: "vllm-apne1" } });
        listener(c, 1).endpointGroups.push({ region: "eu-west-1", endpoints: [{ type: "nlb", lookup: { name: "tgi-euw1" } }, { type: "alb", id: ARN_EUW1 }] });
      }),
    ).toEqual([
      `${L1}.endpointGroups[0].endpoints[1].type: is "alb" on a UDP listener, but an Application Load Balancer has no UDP listeners, so no traffic could reach it (use an nlb, instance or eip endpoint, or a TCP listener)`,
      `${L1}.endpointGroups[1].endpoints[1].type: is "alb" on a UDP listener, but an Application Load Balancer has no UDP listeners, so no traffic could reach it (use an nlb, instance or eip endpoint, or a TCP listener)`,
    ]);
  });
});

describe("overrideListenerPortInListener", () => {
  it("checks the second override of the last group, and lists every range of the listener", () => {
    expect(
      errorsOf((c) => {
        listener(c).portRanges = [{ fromPort: 443 }, { fromPort: 8000, toPort: 8010 }];
        group(c, 0, 1).portOverrides = [{ listenerPort: 8010, endpointPort: 9443 }, { listenerPort: 8011, endpointPort: 9444 }];
      }),
    ).toEqual(["stacks[0].listeners[0].endpointGroups[1].portOverrides[1].listenerPort: 8011 is not a port of this listener (its ranges: 443, 8000-8010)"]);
  });

  it("checks a later listener", () => {
    expect(errorsOf((c) => (group(c, 1).portOverrides = [{ listenerPort: 9011, endpointPort: 10011 }]))).toEqual([
      `${L1}.endpointGroups[0].portOverrides[0].listenerPort: 9011 is not a port of this listener (its ranges: 9000-9010)`,
    ]);
  });

  it("accepts an override of port 1, the lowest port", () => {
    expect(errorsOf((c) => ((listener(c).portRanges = [{ fromPort: 1 }]), (group(c).portOverrides = [{ listenerPort: 1, endpointPort: 8443 }])))).toEqual([]);
  });

  it("checks overrides against a range that starts at port 1", () => {
    expect(errorsOf((c) => ((listener(c).portRanges = [{ fromPort: 1, toPort: 2 }]), (group(c).portOverrides = [{ listenerPort: 3, endpointPort: 8443 }])))).toEqual([
      "stacks[0].listeners[0].endpointGroups[0].portOverrides[0].listenerPort: 3 is not a port of this listener (its ranges: 1-2)",
    ]);
  });

  it("does not reason from the ranges when one of them has its own error", () => {
    expect(errorsOf((c) => ((listener(c).portRanges = [{ fromPort: 443 }, { fromPort: 450, toPort: 445 }]), (group(c).portOverrides = [{ listenerPort: 446, endpointPort: 8443 }])))).toEqual([
      "stacks[0].listeners[0].portRanges[1].toPort: must not be below fromPort (450), received 445",
    ]);
  });
});

describe("capacityOnEveryGroup", () => {
  it("names the first group with a capacity when it is the last one, and every group without", () => {
    expect(errorsOf((c) => thirdListener(c, { endpointGroups: [{ region: "eu-west-1", endpoints: [instance("i-0000000a")] }, { region: "us-west-1", endpoints: [instance("i-0000000b")] }, { region: "ap-south-1", capacity: 10, endpoints: [instance("i-0000000c")] }] }))).toEqual([
      `${L2}.endpointGroups[0].capacity: is required: endpointGroups[2] has a capacity, so every group of this listener needs one (in the unit of the stack's demand), or none does`,
      `${L2}.endpointGroups[1].capacity: is required: endpointGroups[2] has a capacity, so every group of this listener needs one (in the unit of the stack's demand), or none does`,
    ]);
  });
});

describe("uniqueListenerNames", () => {
  it("checks a third listener against the first", () => {
    expect(errorsOf((c) => thirdListener(c, { name: "inference" }))).toEqual([`${L2}.name: "inference" is already the name of listeners[0]`]);
  });
});

describe("renamedFromAFormerName", () => {
  it("checks a later listener, against the name of a listener after it", () => {
    expect(errorsOf((c) => ((listener(c, 1).renamedFrom = "batch"), thirdListener(c)))).toEqual([
      `${L1}.renamedFrom: "batch" is the name of listeners[2]; a listener can only be renamed from a name no listener has now`,
    ]);
  });

  it("checks a third listener renamed from the first one's former name", () => {
    expect(errorsOf((c) => ((listener(c).renamedFrom = "old"), thirdListener(c, { renamedFrom: "old" })))).toEqual([`${L2}.renamedFrom: "old" is already the renamedFrom of listeners[0]`]);
  });
});

describe("noOverlappingPortRanges", () => {
  it("accepts ranges listed from high to low that do not overlap", () => {
    expect(errorsOf((c) => (listener(c).portRanges = [{ fromPort: 500, toPort: 600 }, { fromPort: 400, toPort: 450 }]))).toEqual([]);
  });

  it("finds a range inside a later, wider one, and a range that ends where another starts", () => {
    expect(errorsOf((c) => (listener(c).portRanges = [{ fromPort: 443 }, { fromPort: 400, toPort: 500 }, { fromPort: 500, toPort: 510 }]))).toEqual([
      "stacks[0].listeners[0].portRanges[1]: 400-500 overlaps listeners[0].portRanges[0] (443); port ranges of one protocol (TCP) must not overlap within an accelerator",
      "stacks[0].listeners[0].portRanges[2]: 500-510 overlaps listeners[0].portRanges[1] (400-500); port ranges of one protocol (TCP) must not overlap within an accelerator",
    ]);
  });

  it("finds two TCP listeners both on port 65535, the highest port", () => {
    expect(errorsOf((c) => ((listener(c).portRanges = [{ fromPort: 443 }, { fromPort: 65535 }]), thirdListener(c, { portRanges: [{ fromPort: 65000, toPort: 65535 }] })))).toEqual([
      `${L2}.portRanges[0]: 65000-65535 overlaps listeners[0].portRanges[1] (65535); port ranges of one protocol (TCP) must not overlap within an accelerator`,
    ]);
  });

  it("does not compare ranges with their own errors", () => {
    expect(errorsOf((c) => (listener(c).portRanges = [{ fromPort: 500, toPort: 400 }, { fromPort: 450, toPort: 420 }]))).toEqual([
      "stacks[0].listeners[0].portRanges[0].toPort: must not be below fromPort (500), received 400",
      "stacks[0].listeners[0].portRanges[1].toPort: must not be below fromPort (450), received 420",
    ]);
  });

  it("does not compare listeners whose protocol has its own error", () => {
    expect(errorsOf((c) => ((listener(c).protocol = "HTTP"), thirdListener(c, { protocol: "HTTPS", portRanges: [{ fromPort: 443 }] })))).toEqual([
      'stacks[0].listeners[0].protocol: must be one of "TCP", "UDP", received "HTTP"',
      `${L2}.protocol: must be one of "TCP", "UDP", received "HTTPS"`,
    ]);
  });

  it("does not compare two listeners that share a protocol with its own error, even on one port", () => {
    expect(errorsOf((c) => ((listener(c).protocol = "HTTP"), thirdListener(c, { protocol: "HTTP", portRanges: [{ fromPort: 443 }] })))).toEqual([
      'stacks[0].listeners[0].protocol: must be one of "TCP", "UDP", received "HTTP"',
      `${L2}.protocol: must be one of "TCP", "UDP", received "HTTP"`,
    ]);
  });
});

describe("overrideEndpointPortOutsideListeners", () => {
  it("checks the overrides of a later listener against the ranges of an earlier one", () => {
    expect(errorsOf((c) => (group(c, 1).portOverrides = [{ listenerPort: 9000, endpointPort: 10000 }, { listenerPort: 9001, endpointPort: 443 }]))).toEqual([
      `${L1}.endpointGroups[0].portOverrides[1].endpointPort: 443 is inside listeners[0]'s port range 443; an endpoint port must be outside every listener port range`,
    ]);
  });

  it("checks the last group's overrides against the second range of a later listener", () => {
    expect(
      errorsOf((c) => {
        listener(c, 1).portRanges = [{ fromPort: 9000, toPort: 9010 }, { fromPort: 9100, toPort: 9110 }];
        group(c, 0, 1).portOverrides = [{ listenerPort: 443, endpointPort: 9105 }];
      }),
    ).toEqual([
      "stacks[0].listeners[0].endpointGroups[1].portOverrides[0].endpointPort: 9105 is inside listeners[1]'s port range 9100-9110; an endpoint port must be outside every listener port range",
    ]);
  });
});

describe("dualStackWithoutElasticIps", () => {
  it("finds every Elastic IP, in the last group of a later listener and at any position", () => {
    expect(
      errorsOf((c) => {
        stack(c).accelerator.ipAddressType = "DUAL_STACK";
        group(c).endpoints.shift();
        thirdListener(c, { endpointGroups: [{ region: "eu-west-1", endpoints: [instance("i-0000000a")] }, { region: "ap-south-1", endpoints: [instance("i-0000000b"), { type: "eip", id: "eipalloc-0123abcd" }] }] });
      }),
    ).toEqual([`${L2}.endpointGroups[1].endpoints[1].type: is "eip", but a DUAL_STACK accelerator accepts only alb, nlb and instance endpoints`]);
  });
});

describe("byoipAddress", () => {
  it("checks the second address", () => {
    expect(errorsOf((c) => (stack(c).accelerator.ipAddresses = ["198.51.100.7", "198.51.100.8/32"]))).toEqual([
      'stacks[0].accelerator.ipAddresses[1]: must be written without the /32 suffix (198.51.100.8), received "198.51.100.8/32"',
    ]);
  });

  it.each([
    ["a /31 range", "198.51.100.7/31"],
    ["an IPv6 range with /32", "2001:db8::/32"],
  ])("calls %s no IPv4 address, not a /32 written out", (_name, address) => {
    expect(errorsOf((c) => (stack(c).accelerator.ipAddresses = [address]))).toEqual([`stacks[0].accelerator.ipAddresses[0]: must be an IPv4 address, received "${address}"`]);
  });
});

describe("stateKeyFormat", () => {
  const message = (key: string) =>
    `stacks[0].backend.key: must be a relative S3 object key such as "smart-routing/prod.tfstate" (no leading or trailing "/", no "..", no control characters), received ${JSON.stringify(key)}`;
  it.each([
    ["empty", ""],
    ["a folder (a trailing slash)", "teams/"],
  ])("rejects a state key that is %s", (_name, key) => {
    expect(errorsOf((c) => (stack(c).backend.key = key))).toEqual([message(key)]);
  });
});

describe("uniqueStackNames", () => {
  it("checks a third stack against the first", () => {
    expect(errorsOf((c) => (anotherStack("other")(c), anotherStack("test")(c)))).toEqual(['stacks[2].name: "test" is already the name of stacks[0]']);
  });
});

describe("uniqueStateKeys", () => {
  it("checks a third stack against the first, by bucket and key", () => {
    expect(errorsOf((c) => (anotherStack("other")(c), anotherStack("third", { backend: { ...stack(c).backend, key: "smart-routing/test.tfstate" } })(c)))).toEqual([
      "stacks[2].backend.key: s3://acme-terraform-state/smart-routing/test.tfstate is already the state of stacks[0]; every stack needs its own state key",
    ]);
  });

  it("does not compare state keys with their own errors", () => {
    const message = 'must be a relative S3 object key such as "smart-routing/prod.tfstate" (no leading or trailing "/", no "..", no control characters), received "/state.tfstate"';
    expect(errorsOf((c) => ((stack(c).backend.key = "/state.tfstate"), anotherStack("other", { backend: { ...stack(c).backend } })(c)))).toEqual([
      `stacks[0].backend.key: ${message}`,
      `stacks[1].backend.key: ${message}`,
    ]);
  });
});

describe("dnsNamesInZone", () => {
  it("checks the second name", () => {
    expect(errorsOf((c) => (stack(c).dns = { zone: "example.com", names: ["api.example.com", "api.example.org"] }))).toEqual([
      'stacks[0].dns.names[1]: "api.example.org" is not in the zone "example.com": a name must be "example.com" or end with ".example.com"',
    ]);
  });

  it("does not compare names with a zone that has its own error", () => {
    expect(errorsOf((c) => (stack(c).dns = { zone: "example-.com", names: ["api.example.com"] }))).toEqual([
      'stacks[0].dns.zone: must be a DNS name such as "api.example.com": labels of 1-63 letters, digits or hyphens (no hyphen at either end) joined by dots, 253 characters at most, no trailing dot, received "example-.com"',
    ]);
  });
});

describe("uniqueDnsNames", () => {
  it("checks the names of a third stack against those of the second", () => {
    const dns = (names: string[]) => ({ dns: { zone: "example.com", names } });
    expect(errorsOf((c) => (anotherStack("other", dns(["a.example.com", "b.example.com"]))(c), anotherStack("third", dns(["c.example.com", "B.example.com"]))(c)))).toEqual([
      'stacks[2].dns.names[1]: "B.example.com" is already stacks[1].dns.names[1]; a name can point at one accelerator only',
    ]);
  });

  it("ignores ASCII case only: a malformed \"ß\" name is not the name spelled with \"ss\" (\"ß\" upper-cased is \"SS\")", () => {
    const dns = (names: string[]) => ({ dns: { zone: "example.com", names } });
    expect(errorsOf((c) => (anotherStack("other", dns(["ss.example.com"]))(c), anotherStack("third", dns(["ß.example.com"]))(c)))).toEqual([
      'stacks[2].dns.names[0]: must be a DNS name such as "api.example.com": labels of 1-63 letters, digits or hyphens (no hyphen at either end) joined by dots, 253 characters at most, no trailing dot, received "ß.example.com"',
    ]);
  });
});

/**
 * The third listener with capacities, its last group (ap-south-1) steered with `more`; the stack gets its
 * autopilot block. With `stack` 1, a second stack (other.tfstate) holds it instead, and only it.
 */
const steerLastOfThird = (more: Record<string, unknown> = {}, group: Record<string, unknown> = {}) => (c: Config) => {
  thirdListener(c);
  listener(c, 2).endpointGroups[0].capacity = 10;
  Object.assign(listener(c, 2).endpointGroups[1], { capacity: 20, modelServer: "sglang", ...group });
  steer(c, 2, 1, more);
};
const L2G1 = `${L2}.endpointGroups[1]`;

describe("watermarksInOrder and kvCacheWatermarksAtMostOne", () => {
  it("check the last group of a later listener", () => {
    expect(errorsOf(steerLastOfThird({ lowWatermark: 5, highWatermark: 2 }))).toEqual([`${L2G1}.autopilot.lowWatermark: must be below highWatermark (2), received 5: between the two the dial holds`]);
    expect(errorsOf(steerLastOfThird({ signal: "kvCache", lowWatermark: 0.5, highWatermark: 3 }))).toEqual([
      `${L2G1}.autopilot.highWatermark: must be at most 1 for signal "kvCache" (KV-cache use is a fraction, 0-1), received 3`,
    ]);
  });

  it("do not reason from a watermark with its own error", () => {
    expect(errorsOf(steerLastOfThird({ signal: "kvCache", lowWatermark: -1, highWatermark: -2 }))).toEqual([
      `${L2G1}.autopilot.lowWatermark: must be a number of 0 or more, received -1`,
      `${L2G1}.autopilot.highWatermark: must be a number of 0 or more, received -2`,
    ]);
  });
});

describe("autopilotSignalAvailable", () => {
  it("checks the last group of a later listener, by its own preset", () => {
    expect(errorsOf(steerLastOfThird({ signal: "kvCache", lowWatermark: 0.5, highWatermark: 0.9 }, { modelServer: "kserve" }))).toEqual([
      `${L2G1}.autopilot.signal: is "kvCache", which reads the modelServer preset's metrics, but modelServer "kserve" exposes no such metric (presets that have one: vllm, triton, sglang); set such a modelServer, or give signal: { query: <PromQL> }`,
    ]);
  });

  it("does not reason from a modelServer with its own error", () => {
    expect(errorsOf(steerLastOfThird({}, { modelServer: "vllm2" }))).toEqual([
      `${L2G1}.modelServer: must be one of "vllm", "tgi", "triton", "sglang", "llama-cpp", "ollama", "ray-serve", "trtllm", "kserve", received "vllm2"`,
    ]);
  });
});

describe("steeredGroupHasCapacity", () => {
  it("checks every steered group of a later listener, the last one too", () => {
    expect(
      errorsOf((c) => {
        steerLastOfThird()(c);
        steer(c, 2, 0);
        listener(c, 2).endpointGroups.forEach((g: Config) => delete g.capacity);
      }),
    ).toEqual([
      `${L2}.endpointGroups[0].capacity: is required on a steered group (one with autopilot): the autopilot measures headroom as load against capacity, in the unit of the stack's demand`,
      `${L2G1}.capacity: is required on a steered group (one with autopilot): the autopilot measures headroom as load against capacity, in the unit of the stack's demand`,
    ]);
  });
});

describe("steeredGroupsNeedAutopilot", () => {
  it("checks the last group of a later listener of the second stack", () => {
    expect(
      errorsOf((c) => {
        anotherStack("other")(c);
        const other = stack(c, 1);
        other.listeners = [...structuredClone(other.listeners), { name: "batch", protocol: "TCP", portRanges: [{ fromPort: 8080 }], endpointGroups: [{ region: "eu-west-1", capacity: 1, endpoints: [instance("i-0000000a")] }, { region: "ap-south-1", capacity: 2, modelServer: "vllm", autopilot: { signal: "queue", lowWatermark: 1, highWatermark: 2 }, endpoints: [instance("i-0000000b")] }] }];
      }),
    ).toEqual(["stacks[1].listeners[2].endpointGroups[1].autopilot: steers this group, but the stack has no autopilot block: add autopilot: { prometheus: { url } } to the stack, or remove this one"]);
  });
});

describe("staleAfterAtLeastInterval", () => {
  it("checks the second stack", () => {
    expect(errorsOf((c) => anotherStack("other", { autopilot: { prometheus: PROMETHEUS, interval: "1m", staleAfter: "59s" } })(c))).toEqual([
      "stacks[1].autopilot.staleAfter: is 59s, shorter than interval (1m): a sample is up to one interval old when it is read, so every sample would be stale; make staleAfter at least the interval",
    ]);
  });

  it("does not reason from a staleAfter with its own error", () => {
    expect(errorsOf((c) => (steer(c), Object.assign(stack(c).autopilot, { interval: "1m", staleAfter: "30" })))).toEqual([
      'stacks[0].autopilot.staleAfter: must be a duration: a whole number and s, m or h, such as "30s", "2m" or "1h", received "30"',
    ]);
  });

  it("does not reason from an interval with its own error", () => {
    expect(errorsOf((c) => (steer(c), Object.assign(stack(c).autopilot, { interval: "1d", staleAfter: "1s" })))).toEqual([
      'stacks[0].autopilot.interval: must be a duration: a whole number and s, m or h, such as "30s", "2m" or "1h", received "1d"',
    ]);
  });
});

describe("groupDurationsAtLeastInterval", () => {
  it("checks both durations of the last group of a later listener", () => {
    expect(errorsOf((c) => (steerLastOfThird({ holdFor: "20s", settleFor: "25s" })(c), (stack(c).autopilot.interval = "30s")))).toEqual([
      `${L2G1}.autopilot.holdFor: is 20s, shorter than the stack's autopilot.interval (30s), which is how often the autopilot looks: make it at least the interval`,
      `${L2G1}.autopilot.settleFor: is 25s, shorter than the stack's autopilot.interval (30s), which is how often the autopilot looks: make it at least the interval`,
    ]);
  });

  it("checks the groups of the second stack against its own interval", () => {
    expect(
      errorsOf((c) => {
        steer(c, 0, 1, { settleFor: "45s" });
        anotherStack("other", { autopilot: { prometheus: PROMETHEUS, interval: "50s" } })(c);
      }),
    ).toEqual([
      "stacks[1].listeners[0].endpointGroups[1].autopilot.settleFor: is 45s, shorter than the stack's autopilot.interval (50s), which is how often the autopilot looks: make it at least the interval",
    ]);
  });

  it("does not reason from a duration with its own error", () => {
    expect(errorsOf((c) => (steerLastOfThird({ holdFor: "5 s" })(c), (stack(c).autopilot.interval = "30s")))).toEqual([
      `${L2G1}.autopilot.holdFor: must be a duration: a whole number and s, m or h, such as "30s", "2m" or "1h", received "5 s"`,
    ]);
  });
});

describe("the value a rule refuses", () => {
  // Each finding carries the value it refuses, beside its path and message, for whoever shows it.
  it.each([
    ["eipWithoutClientIpPreservation", () => rules.eipWithoutClientIpPreservation({ type: "eip", id: "eipalloc-0123abcd", clientIpPreservation: true }), ["clientIpPreservation"], true],
    ["instanceKeepsClientIp", () => rules.instanceKeepsClientIp({ type: "instance", id: "i-0123abcd", clientIpPreservation: false }), ["clientIpPreservation"], false],
    ["stateIsLocked", () => rules.stateIsLocked({ bucket: "acme-terraform-state", region: "us-west-2", lockfile: false }), ["lockfile"], false],
  ])("is given with the finding of %s", (_name, finding, path, received) => {
    expect(finding()).toEqual([expect.objectContaining({ path, received })]);
  });
});
