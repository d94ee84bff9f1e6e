// Rules that relate several fields of a config. Each is pure: it takes the part
// of the config that holds everything it reads and returns its findings, with
// paths relative to that part. The schema attaches each rule at its level.
// The one-line comment above a rule says which AWS behaviour it protects.
// Everything this module exports is a rule (tests check each is attached and tested both ways).
import type {
  AcceleratorConfig,
  AutopilotConfig,
  BackendConfig,
  DnsConfig,
  EndpointConfig,
  EndpointGroupConfig,
  GroupAutopilotConfig,
  ListenerConfig,
  PortRangeConfig,
  RoutingConfig,
  StackConfig,
} from "../config/types";
import { ALB_ARN, DNS_NAME, endpointIdentity, GA_REGIONS, IPV4_ADDRESS, MAX_ENDPOINT_GROUPS, NLB_ARN, S3_BUCKET_NAME } from "../config/limits";
import { DURATION_PATTERN, durationSeconds } from "../config/duration";
import { DEFAULTS, stateKey } from "../config/defaults";
import { MODEL_SERVER_NAMES, MODEL_SERVERS, presetFor, type ModelServerPreset } from "../config/model-servers";
import { show } from "../config/show";

export interface Finding {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly received?: unknown;
}

export type Rule<T> = (value: T) => Finding[];

type Span = { readonly from: number; readonly to: number };

const isPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;

/**
 * A port range as numbers, or undefined when the range is itself invalid:
 * its own field errors are already reported, and reasoning further from a
 * wrong value would only add confusing follow-up errors.
 */
function span(range: PortRangeConfig): Span | undefined {
  const to = range.toPort ?? range.fromPort;
  return isPort(range.fromPort) && isPort(to) && range.fromPort <= to ? { from: range.fromPort, to } : undefined;
}

function spans(listener: ListenerConfig): Span[] {
  return listener.portRanges.flatMap((r) => span(r) ?? []);
}

function showSpan(s: Span): string {
  return s.from === s.to ? String(s.from) : `${s.from}-${s.to}`;
}

function inside(port: number, s: Span): boolean {
  return port >= s.from && port <= s.to;
}

/** The region in an Elastic Load Balancing ARN, or undefined for anything else. */
function arnRegion(arn: string): string | undefined {
  return (ALB_ARN.exec(arn) ?? NLB_ARN.exec(arn))?.[1];
}

/** Finds the first earlier index with the same key, for "duplicate of [i]" messages. */
function duplicates<T>(items: readonly T[], key: (item: T) => string | undefined): Array<[number, number]> {
  const seen = new Map<string, number>();
  const pairs: Array<[number, number]> = [];
  items.forEach((item, index) => {
    const k = key(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else pairs.push([index, first]);
  });
  return pairs;
}

// A range whose end is below its start is rejected by the API.
export const portRangeInOrder: Rule<PortRangeConfig> = (range) =>
  // Stryker disable next-line ConditionalExpression: undefined < fromPort is false as well; the test is for the type checker
  range.toPort !== undefined && range.toPort < range.fromPort
    ? [{ path: ["toPort"], message: `must not be below fromPort (${range.fromPort}), received ${range.toPort}`, received: range.toPort }]
    : [];

// The API uses the path only for HTTP and HTTPS probes; on TCP the provider
// shows a change on every plan. A model-server preset makes the check HTTP unless protocol says otherwise.
export const healthCheckPathNeedsHttp: Rule<EndpointGroupConfig> = (group) => {
  const hc = group.healthCheck;
  return hc?.path !== undefined && (hc.protocol ?? presetFor(group)?.protocol ?? "TCP") === "TCP"
    ? [{ path: ["healthCheck", "path"], message: `is only used by HTTP and HTTPS health checks; protocol is TCP (remove path or set protocol: HTTP)`, received: hc.path }]
    : [];
};

// Global Accelerator cannot preserve the client IP for Elastic IP endpoints.
export const eipWithoutClientIpPreservation: Rule<Extract<EndpointConfig, { type: "eip" }>> = (ep) =>
  ep.clientIpPreservation === true
    ? [{ path: ["clientIpPreservation"], message: "is not supported for Elastic IP endpoints (allowed: false or omitted)", received: true }]
    : [];

// EC2 instance endpoints always preserve the client IP; false would be a
// change Terraform shows on every plan.
export const instanceKeepsClientIp: Rule<Extract<EndpointConfig, { type: "instance" }>> = (ep) =>
  ep.clientIpPreservation === false
    ? [{ path: ["clientIpPreservation"], message: "is always on for EC2 instance endpoints (allowed: true or omitted)", received: false }]
    : [];

// A load balancer is named either by its ARN or by a lookup, never both.
export const loadBalancerIdOrLookup: Rule<Extract<EndpointConfig, { type: "alb" | "nlb" }>> = (ep) => {
  if (ep.id !== undefined && ep.lookup !== undefined)
    return [{ path: ["lookup"], message: "cannot be combined with id: give the ARN in id, or the name in lookup, not both" }];
  if (ep.id === undefined && ep.lookup === undefined)
    return [{ path: ["id"], message: "is required (or lookup: { name } to find the load balancer by name)" }];
  return [];
};

// Global Accelerator only reaches load balancers in the endpoint group's own region. A group in no
// region it supports has its own error already.
export const loadBalancerArnInGroupRegion: Rule<EndpointGroupConfig> = (group) =>
  !(GA_REGIONS as readonly string[]).includes(group.region) ? [] : group.endpoints.flatMap((ep, i) => {
    if (ep.type !== "alb" && ep.type !== "nlb") return [];
    // Stryker disable next-line ConditionalExpression: a lookup has no ID, and arnRegion finds no region in nothing either; the test is for the type checker
    if (ep.id === undefined) return [];
    const arnAt = arnRegion(ep.id);
    return arnAt !== undefined && arnAt !== group.region
      ? [{ path: ["endpoints", i, "id"], message: `is a load balancer in ${arnAt}, but this endpoint group is in ${group.region}`, received: ep.id }]
      : [];
  });

// The API rejects an endpoint listed twice in one group; a load balancer given by ARN and by a lookup of
// its name is one endpoint. Unique names also keep the operators' endpoint_weights keys unique.
export const uniqueEndpoints: Rule<EndpointGroupConfig> = (group) =>
  duplicates(group.endpoints, endpointIdentity).map(([index, first]) => ({
    path: ["endpoints", index],
    message: `is the same endpoint as endpoints[${first}]`,
  }));

// Two overrides for one listener port are ambiguous; two onto one endpoint port collide.
export const uniquePortOverrides: Rule<EndpointGroupConfig> = (group) => {
  // Stryker disable next-line ArrayDeclaration: a list of one item has no duplicates, whatever the item
  const overrides = group.portOverrides ?? [];
  return [
    ...duplicates(overrides, (o) => String(o.listenerPort)).map(([index, first]) => ({
      path: ["portOverrides", index, "listenerPort"],
      message: `${overrides[index].listenerPort} is already overridden by portOverrides[${first}]`,
      received: overrides[index].listenerPort,
    })),
    ...duplicates(overrides, (o) => String(o.endpointPort)).map(([index, first]) => ({
      path: ["portOverrides", index, "endpointPort"],
      message: `${overrides[index].endpointPort} is already the target of portOverrides[${first}]`,
      received: overrides[index].endpointPort,
    })),
  ];
};

// "A listener can have only one endpoint group in a specific Region" (API).
export const oneEndpointGroupPerRegion: Rule<ListenerConfig> = (listener) =>
  duplicates(listener.endpointGroups, (g) => g.region).map(([index, first]) => ({
    path: ["endpointGroups", index, "region"],
    message: `${show(listener.endpointGroups[index].region)} already has endpointGroups[${first}]; a listener has one endpoint group per region`,
    received: listener.endpointGroups[index].region,
  }));

// An Application Load Balancer has only HTTP and HTTPS (TCP) listeners: UDP traffic could never reach it.
export const albNotOnUdpListener: Rule<ListenerConfig> = (listener) =>
  listener.protocol !== "UDP"
    ? []
    : listener.endpointGroups.flatMap((group, g) =>
        group.endpoints.flatMap((ep, e) =>
          ep.type === "alb"
            ? [{
                path: ["endpointGroups", g, "endpoints", e, "type"],
                message: 'is "alb" on a UDP listener, but an Application Load Balancer has no UDP listeners, so no traffic could reach it (use an nlb, instance or eip endpoint, or a TCP listener)',
                received: ep.type,
              }]
            : [],
        ),
      );

// An override maps a port the listener accepts; any other listener port never arrives.
export const overrideListenerPortInListener: Rule<ListenerConfig> = (listener) => {
  const ranges = spans(listener);
  // Without one valid range there is nothing to compare with; that error is reported already.
  if (ranges.length === 0 || ranges.length !== listener.portRanges.length) return [];
  return listener.endpointGroups.flatMap((group, g) =>
    // Stryker disable next-line ArrayDeclaration: an item that is no override has no listener port, so nothing to check
    (group.portOverrides ?? []).flatMap((o, i) =>
      !isPort(o.listenerPort) || ranges.some((s) => inside(o.listenerPort, s))
        ? []
        : [{
            path: ["endpointGroups", g, "portOverrides", i, "listenerPort"],
            message: `${o.listenerPort} is not a port of this listener (its ranges: ${ranges.map(showSpan).join(", ")})`,
            received: o.listenerPort,
          }],
    ),
  );
};

// A capacity on some groups only would leave the others out of every overload check, silently.
export const capacityOnEveryGroup: Rule<ListenerConfig> = (listener) => {
  const first = listener.endpointGroups.findIndex((g) => g.capacity !== undefined);
  if (first === -1) return [];
  return listener.endpointGroups.flatMap((g, i) =>
    g.capacity !== undefined
      ? []
      : [{ path: ["endpointGroups", i, "capacity"], message: `is required: endpointGroups[${first}] has a capacity, so every group of this listener needs one (in the unit of the stack's demand), or none does` }],
  );
};

/** A DNS name as Route 53 compares it: case-insensitive. */
const dnsKey = (name: string) => name.toLowerCase();

// A record names its zone by name or by ID, never both: they could disagree.
export const dnsZoneOrZoneId: Rule<DnsConfig> = (dns) => {
  if (dns.zone !== undefined && dns.zoneId !== undefined)
    return [{ path: ["zoneId"], message: "cannot be combined with zone: give the hosted zone's name in zone, or its ID in zoneId, not both", received: dns.zoneId }];
  if (dns.zone === undefined && dns.zoneId === undefined)
    return [{ path: ["zone"], message: 'is required (the hosted zone\'s name, such as "example.com"), or zoneId (its ID)' }];
  return [];
};

// Route 53 rejects a record whose name is outside its zone, at apply time (InvalidChangeBatch).
export const dnsNamesInZone: Rule<DnsConfig> = (dns) => {
  const zone = dns.zone;
  // A zone given by ID has no name to compare with here; malformed names are reported already.
  // Stryker disable next-line ConditionalExpression: without this line the next returns [] too: DNS_NAME.test(undefined) tests "undefined", which has no dot
  if (zone === undefined) return [];
  if (!DNS_NAME.test(zone)) return [];
  return dns.names.flatMap((name, i) => {
    const [n, z] = [dnsKey(name), dnsKey(zone)];
    return !DNS_NAME.test(name) || n === z || n.endsWith(`.${z}`)
      ? []
      : [{ path: ["names", i], message: `${show(name)} is not in the zone ${show(zone)}: a name must be ${show(zone)} or end with ${show(`.${zone}`)}`, received: name }];
  });
};

/** A finding for each item of `list` named like an earlier one. */
function sameNames(items: readonly { readonly name: string }[], list: string): Finding[] {
  return duplicates(items, (item) => item.name).map(([index, first]) => ({
    path: [list, index, "name"],
    message: `${show(items[index].name)} is already the name of ${list}[${first}]`,
    received: items[index].name,
  }));
}

// Listener names become Terraform addresses and output keys.
export const uniqueListenerNames: Rule<StackConfig> = (stack) => sameNames(stack.listeners, "listeners");

// A rename is a move from an address that no longer exists: Terraform refuses to
// move from an address still in the config, or two resources onto one.
export const renamedFromAFormerName: Rule<StackConfig> = (stack) =>
  stack.listeners.flatMap((listener, index) => {
    const from = listener.renamedFrom;
    if (from === undefined) return [];
    const path = ["listeners", index, "renamedFrom"];
    if (from === listener.name) return [{ path, message: `is this listener's own name; remove renamedFrom once the rename is applied`, received: from }];
    const current = stack.listeners.findIndex((l) => l.name === from);
    if (current !== -1)
      return [{ path, message: `${show(from)} is the name of listeners[${current}]; a listener can only be renamed from a name no listener has now`, received: from }];
    const earlier = stack.listeners.findIndex((l, i) => i < index && l.renamedFrom === from);
    return earlier !== -1 ? [{ path, message: `${show(from)} is already the renamedFrom of listeners[${earlier}]`, received: from }] : [];
  });

// 42 endpoint groups per accelerator, across all its listeners (not adjustable).
export const endpointGroupQuota: Rule<StackConfig> = (stack) => {
  const total = stack.listeners.reduce((sum, l) => sum + l.endpointGroups.length, 0);
  return total > MAX_ENDPOINT_GROUPS
    ? [{ path: ["listeners"], message: `have ${total} endpoint groups in all; an accelerator allows at most ${MAX_ENDPOINT_GROUPS}` }]
    : [];
};

// Port ranges of one protocol must be unique across the whole accelerator (InvalidPortRangeException). A TCP
// and a UDP listener may share ports: that is how an NLB's TCP_UDP listener, or HTTP/3 beside HTTPS, is served.
export const noOverlappingPortRanges: Rule<StackConfig> = (stack) => {
  // A listener with an unknown protocol has its own error; comparing it would only add follow-up errors.
  const all = stack.listeners.flatMap((l, li) =>
    l.protocol !== "TCP" && l.protocol !== "UDP"
      ? []
      : l.portRanges.flatMap((r, ri) => {
          const s = span(r);
          return s === undefined ? [] : [{ li, ri, s, protocol: l.protocol }];
        }),
  );
  const findings: Finding[] = [];
  for (let b = 0; b < all.length; b++) {
    for (let a = 0; a < b; a++) {
      const [x, y] = [all[a], all[b]];
      if (x.protocol === y.protocol && x.s.from <= y.s.to && y.s.from <= x.s.to) {
        findings.push({
          path: ["listeners", y.li, "portRanges", y.ri],
          message: `${showSpan(y.s)} overlaps listeners[${x.li}].portRanges[${x.ri}] (${showSpan(x.s)}); port ranges of one protocol (${y.protocol}) must not overlap within an accelerator`,
        });
      }
    }
  }
  return findings;
};

// An endpoint port inside a listener range would take that listener's traffic too. Unlike the ranges
// themselves, this holds across protocols: AWS documents that an override's endpoint port "cannot be
// included in any of the listener port ranges that you've configured for the accelerator".
export const overrideEndpointPortOutsideListeners: Rule<StackConfig> = (stack) => {
  const all = stack.listeners.flatMap((l, li) => spans(l).map((s) => ({ li, s })));
  return stack.listeners.flatMap((listener, li) =>
    listener.endpointGroups.flatMap((group, g) =>
      group.portOverrides?.flatMap((o, i) => {
        const hit = all.find((x) => inside(o.endpointPort, x.s));
        return hit === undefined
          ? []
          : [{
              path: ["listeners", li, "endpointGroups", g, "portOverrides", i, "endpointPort"],
              message: `${o.endpointPort} is inside listeners[${hit.li}]'s port range ${showSpan(hit.s)}; an endpoint port must be outside every listener port range`,
              received: o.endpointPort,
            }];
      }) ?? [],
    ),
  );
};

// "No duplicate endpoint ports. If one port override in an accelerator specifies an endpoint port, you can't
// specify the same endpoint port with port override from a different listener port" (developer guide, port
// overrides). uniquePortOverrides already holds within one group; this holds across the accelerator's groups.
// Ports with their own error are left out.
export const endpointPortFromOneListenerPort: Rule<StackConfig> = (stack) => {
  const all = stack.listeners.flatMap((l, li) =>
    l.endpointGroups.flatMap((g, gi) => g.portOverrides?.flatMap((o, i) => (isPort(o.listenerPort) && isPort(o.endpointPort) ? [{ o, li, gi, i }] : [])) ?? []),
  );
  return all.flatMap((x, b) => {
    const earlier = all.slice(0, b).find((y) => y.o.endpointPort === x.o.endpointPort && y.o.listenerPort !== x.o.listenerPort && (y.li !== x.li || y.gi !== x.gi));
    return earlier === undefined
      ? []
      : [{
          path: ["listeners", x.li, "endpointGroups", x.gi, "portOverrides", x.i, "endpointPort"],
          message: `${x.o.endpointPort} is already the endpoint port of listener port ${earlier.o.listenerPort} in listeners[${earlier.li}].endpointGroups[${earlier.gi}].portOverrides[${earlier.i}]; in an accelerator, an endpoint port can be overridden from one listener port only`,
          received: x.o.endpointPort,
        }];
  });
};

// A dual-stack accelerator accepts only dual-stack endpoints; an Elastic IP is IPv4 only.
export const dualStackWithoutElasticIps: Rule<StackConfig> = (stack) =>
  stack.accelerator.ipAddressType !== "DUAL_STACK"
    ? []
    : stack.listeners.flatMap((listener, li) =>
        listener.endpointGroups.flatMap((group, g) =>
          group.endpoints.flatMap((ep, e) =>
            ep.type === "eip"
              ? [{
                  path: ["listeners", li, "endpointGroups", g, "endpoints", e, "type"],
                  message: 'is "eip", but a DUAL_STACK accelerator accepts only alb, nlb and instance endpoints',
                  received: ep.type,
                }]
              : [],
          ),
        ),
      );

// BYOIP addresses are plain IPv4 addresses; the API rejects a /32 suffix.
export const byoipAddress: Rule<string> = (address) => {
  if (address.endsWith("/32") && IPV4_ADDRESS.test(address.slice(0, -3)))
    return [{ path: [], message: `must be written without the /32 suffix (${address.slice(0, -3)}), received ${show(address)}`, received: address }];
  return IPV4_ADDRESS.test(address) ? [] : [{ path: [], message: `must be an IPv4 address, received ${show(address)}`, received: address }];
};

/** The /24 an IPv4 address is in, the most specific range Global Accelerator takes for BYOIP. */
const slash24 = (address: string) => `${address.split(".").slice(0, 3).join(".")}.0/24`;

// "If you bring two IPv4 address ranges to AWS, you can assign one IPv4 address from each range to your
// accelerator ... because Global Accelerator assigns each address range to a different network zone" (API
// reference, CreateAccelerator IpAddresses); the most specific range ProvisionByoipCidr takes is a /24. So
// two addresses of one accelerator are two different ranges' addresses: never the same one, never one /24.
// Malformed addresses have their own error.
export const byoipAddressesFromTwoRanges: Rule<AcceleratorConfig> = (accelerator) => {
  const addresses = accelerator.ipAddresses;
  if (addresses === undefined) return [];
  return addresses.flatMap((address, i) => {
    if (!IPV4_ADDRESS.test(address)) return [];
    const same = addresses.findIndex((other) => other === address);
    if (same < i) {
      return [{ path: ["ipAddresses", i], message: `${show(address)} is already ipAddresses[${same}]; the two addresses must come from two different BYOIP ranges, one from each`, received: address }];
    }
    const near = addresses.findIndex((other, j) => j < i && IPV4_ADDRESS.test(other) && slash24(other) === slash24(address));
    return near === -1
      ? []
      : [{
          path: ["ipAddresses", i],
          message: `${show(address)} is in ${slash24(address)}, like ipAddresses[${near}] (${show(addresses[near])}); an accelerator takes one address from each of two BYOIP ranges (each at least a /24, in its own network zone), so its two addresses cannot share a /24`,
          received: address,
        }];
  });
};

// A state key is an S3 object key relative to the bucket; "/" at the start or
// ".." would put state somewhere other tooling does not look, and a control
// character (a line break, say) is a slip that no tool shows plainly.
export const stateKeyFormat: Rule<string> = (key) => {
  if (key === "" || key.startsWith("/") || key.endsWith("/") || key.split("/").includes("..") || CONTROL_CHARACTER.test(key))
    return [{ path: [], message: `must be a relative S3 object key such as "smart-routing/prod.tfstate" (no leading or trailing "/", no "..", no control characters), received ${show(key)}`, received: key }];
  return [];
};
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

// Two runs without a lock can both write state; one of them is lost.
export const stateIsLocked: Rule<BackendConfig> = (backend) =>
  backend.lockfile === false && backend.dynamodbTable === undefined
    ? [{ path: ["lockfile"], message: "is false and no dynamodbTable is set, so state would have no lock (set lockfile: true, or give dynamodbTable)", received: false }]
    : [];

// Stack names are cdktf stack names and output folder names.
export const uniqueStackNames: Rule<RoutingConfig> = (config) => sameNames(config.stacks, "stacks");

// One name, one alias record: a second stack (or a second entry) would fail its apply on the existing
// record, or, allowed to overwrite it, take the name from the first accelerator.
export const uniqueDnsNames: Rule<RoutingConfig> = (config) => {
  const names = config.stacks.flatMap((stack, s) => (stack.dns?.names ?? []).map((name, i) => ({ name, s, i })));
  return duplicates(names, (n) => dnsKey(n.name)).map(([index, first]) => {
    const [dup, was] = [names[index], names[first]];
    return {
      path: ["stacks", dup.s, "dns", "names", dup.i],
      message: `${show(dup.name)} is already stacks[${was.s}].dns.names[${was.i}]; a name can point at one accelerator only`,
      received: dup.name,
    };
  });
};

// A BYOIP address is the static IP of one accelerator at a time: the API refuses a second accelerator with an
// address in use. Two stacks naming one address would fail the second stack's apply, whichever account it is
// in (a range is provisioned to one account). Within one stack, byoipAddressesFromTwoRanges reports it.
export const byoipAddressOfOneStack: Rule<RoutingConfig> = (config) => {
  // Stryker disable next-line ArrayDeclaration: a stand-in element is no IPv4 address, and duplicates() leaves those out like any malformed address
  const all = config.stacks.flatMap((stack, s) => (stack.accelerator.ipAddresses ?? []).map((address, i) => ({ address, s, i })));
  return duplicates(all, (x) => (IPV4_ADDRESS.test(x.address) ? x.address : undefined))
    .filter(([index, first]) => all[index].s !== all[first].s)
    .map(([index, first]) => {
      const [dup, was] = [all[index], all[first]];
      return {
        path: ["stacks", dup.s, "accelerator", "ipAddresses", dup.i],
        message: `${show(dup.address)} is already stacks[${was.s}].accelerator.ipAddresses[${was.i}]; a BYOIP address can be the static IP of one accelerator only`,
        received: dup.address,
      };
    });
};

// Two stacks writing one state object would destroy each other's resources. A bucket or key with its
// own error is left out: the message would only repeat the wrong value.
export const uniqueStateKeys: Rule<RoutingConfig> = (config) =>
  duplicates(config.stacks, (s) =>
    S3_BUCKET_NAME.test(s.backend.bucket) && stateKeyFormat(stateKey(s)).length === 0 ? `s3://${s.backend.bucket}/${stateKey(s)}` : undefined,
  ).map(([index, first]) => ({
    path: ["stacks", index, "backend", "key"],
    message: `s3://${config.stacks[index].backend.bucket}/${stateKey(config.stacks[index])} is already the state of stacks[${first}]; every stack needs its own state key`,
    received: config.stacks[index].backend.key,
  }));

// ---------------------------------------------------------------------------------------------------
// The autopilot (issue 16): a steered group's signal, watermarks and timings, and the stack settings it needs.

/** Seconds of a duration, or undefined when it has its own error. */
const seconds = (duration: string): number | undefined => (DURATION_PATTERN.test(duration) ? durationSeconds(duration) : undefined);

// A deadband needs room between its edges: with low >= high every value is above one watermark or the
// other, and the dial moves on every tick.
// A negative watermark has its own error (and a low one at or above a valid high one is not negative).
export const watermarksInOrder: Rule<GroupAutopilotConfig> = ({ lowWatermark: low, highWatermark: high }) =>
  high >= 0 && low >= high
    ? [{ path: ["lowWatermark"], message: `must be below highWatermark (${high}), received ${low}: between the two the dial holds`, received: low }]
    : [];

// KV-cache use is a fraction (0-1): a high watermark above 1 is never reached, and the dial never steps
// down. The low watermark is below the high one (watermarksInOrder), so it needs no check of its own.
export const kvCacheWatermarksAtMostOne: Rule<GroupAutopilotConfig> = ({ signal, highWatermark: high }) =>
  signal === "kvCache" && high > 1
    ? [{ path: ["highWatermark"], message: `must be at most 1 for signal "kvCache" (KV-cache use is a fraction, 0-1), received ${high}`, received: high }]
    : [];

/** The preset metric a built-in signal reads: queue length needs the waiting series, kvCache its own. */
const SIGNAL_METRIC = { queue: "waiting", kvCache: "kvCache" } as const;

// "queue" and "kvCache" read the series the group's modelServer preset names; a preset without one (or no
// preset) would leave the group without a signal, held for ever.
export const autopilotSignalAvailable: Rule<EndpointGroupConfig> = (group) => {
  const signal = group.autopilot?.signal;
  if (signal !== "queue" && signal !== "kvCache") return [];
  const metric = SIGNAL_METRIC[signal];
  const has = (p: ModelServerPreset) => p.metrics?.[metric] !== undefined;
  const withIt = MODEL_SERVER_NAMES.filter((name) => has(MODEL_SERVERS[name])).join(", ");
  const server = group.modelServer;
  // A modelServer with its own error (no such preset) is not reasoned from.
  if (server !== undefined && !MODEL_SERVER_NAMES.includes(server)) return [];
  if (server !== undefined && has(MODEL_SERVERS[server])) return [];
  const why = server === undefined ? "this group names no modelServer" : `modelServer ${show(server)} exposes no such metric`;
  return [{
    path: ["autopilot", "signal"],
    message: `is ${show(signal)}, which reads the modelServer preset's metrics, but ${why} (presets that have one: ${withIt}); set such a modelServer, or give signal: { query: <PromQL> }`,
    received: signal,
  }];
};

// The autopilot measures headroom as load against capacity (queue lengths do not add across regions), so
// a steered group without one could never be judged. Where another group of the listener has a capacity,
// capacityOnEveryGroup reports the missing one already.
export const steeredGroupHasCapacity: Rule<ListenerConfig> = (listener) =>
  listener.endpointGroups.some((g) => g.capacity !== undefined)
    ? []
    : listener.endpointGroups.flatMap((g, i) =>
        g.autopilot === undefined
          ? []
          : [{ path: ["endpointGroups", i, "capacity"], message: "is required on a steered group (one with autopilot): the autopilot measures headroom as load against capacity, in the unit of the stack's demand" }],
      );

// A group's autopilot block says how to steer it; the stack's says where its load is read. Without the
// latter nothing would ever steer the group, yet Terraform would stop setting its dial.
export const steeredGroupsNeedAutopilot: Rule<StackConfig> = (stack) =>
  stack.autopilot !== undefined
    ? []
    : stack.listeners.flatMap((listener, li) =>
        listener.endpointGroups.flatMap((g, gi) =>
          g.autopilot === undefined
            ? []
            : [{
                path: ["listeners", li, "endpointGroups", gi, "autopilot"],
                message: "steers this group, but the stack has no autopilot block: add autopilot: { prometheus: { url } } to the stack, or remove this one",
              }],
        ),
      );

// A sample is at best one interval old when the autopilot reads it; calling it stale sooner would hold
// every dial on every tick.
export const staleAfterAtLeastInterval: Rule<AutopilotConfig> = (autopilot) => {
  const interval = seconds(autopilot.interval ?? `${DEFAULTS.autopilot.intervalSeconds}s`);
  const stale = seconds(autopilot.staleAfter ?? `${DEFAULTS.autopilot.staleAfterSeconds}s`);
  if (interval === undefined || stale === undefined || stale >= interval) return [];
  const shown = autopilot.staleAfter ?? `${DEFAULTS.autopilot.staleAfterSeconds}s (the default)`;
  return [{
    path: ["staleAfter"],
    message: `is ${shown}, shorter than interval (${autopilot.interval ?? `${interval}s, the default`}): a sample is up to one interval old when it is read, so every sample would be stale; make staleAfter at least the interval`,
    received: autopilot.staleAfter,
  }];
};

// The autopilot looks once per interval: a settle or hold window shorter than that ends between two ticks,
// so it means one interval whatever it says.
export const groupDurationsAtLeastInterval: Rule<StackConfig> = (stack) => {
  if (stack.autopilot === undefined) return [];
  const given = stack.autopilot.interval;
  const interval = seconds(given ?? `${DEFAULTS.autopilot.intervalSeconds}s`);
  if (interval === undefined) return [];
  const defaults = { holdFor: DEFAULTS.groupAutopilot.holdForSeconds, settleFor: DEFAULTS.groupAutopilot.settleForSeconds };
  return stack.listeners.flatMap((listener, li) =>
    listener.endpointGroups.flatMap(({ autopilot }, gi) =>
      autopilot === undefined
        ? []
        : (["holdFor", "settleFor"] as const).flatMap((field) => {
            const value = autopilot[field];
            const length = value === undefined ? defaults[field] : seconds(value);
            if (length === undefined || length >= interval) return [];
            const shown = value ?? `${defaults[field]}s (the default)`;
            return [{
              path: ["listeners", li, "endpointGroups", gi, "autopilot", field],
              message: `is ${shown}, shorter than the stack's autopilot.interval (${given ?? `${interval}s, the default`}), which is how often the autopilot looks: make it at least the interval`,
              received: value,
            }];
          }),
    ),
  );
};
