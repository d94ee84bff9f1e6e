// Every check of a config, both ways, grouped by check: the config that breaks it gets exactly one error
// with the exact message, and the config at the edge of what is allowed passes. Each cross-field rule of
// src/validation/rules.ts has its own group (a test checks none is missing, as cdk-nag checks its rule
// packs); the checks on single fields are grouped by the part of the config they guard.
// GIVEN a valid config, WHEN one field changes, THEN ...
import { formatPath } from "../src/config/show";
import * as rules from "../src/validation/rules";
import { ATTACHED_RULES } from "../src/validation/schema";
import { validateConfig } from "../src/validation/validate";
import { ALB_USE1, NLB_USE1, steer, validConfig, warningsOf } from "./support/configs";
import { RULES_TESTED_IN_VALIDATION_AGREES } from "./support/agreement-rules";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;
type Change = (c: Config) => void;
type Group = keyof typeof rules | "the config's shape and keys" | "names" | "the accelerator" | "listeners" | "port ranges" | "endpoint groups" | "health checks" | "model servers" | "endpoints" | "port overrides" | "the stack" | "the backend" | "DNS" | "capacity and demand" | "the autopilot";
/** A config that breaks the check, with the one error it gets; or a config at the edge of what it allows. */
type Case =
  | readonly [group: Group, verdict: "reject", name: string, change: Change, path: string, message: string]
  | readonly [group: Group, verdict: "accept", name: string, change: Change];

const stack = (c: Config) => c.stacks[0];
const listener = (c: Config, i = 0) => c.stacks[0].listeners[i];
const group = (c: Config, i = 0) => c.stacks[0].listeners[0].endpointGroups[i];
const endpoint = (c: Config, g = 0, e = 0) => c.stacks[0].listeners[0].endpointGroups[g].endpoints[e];

function errorsOf(change: (c: Config) => void): string[] {
  const config = validConfig();
  change(config);
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map((e) => `${formatPath(e.path)}: ${e.message}`);
}

/** A stack of five listeners with `total` endpoint groups in all (at most 10 each, one per region). */
const groupsInAll = (total: number) => (c: Config) => {
  const regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "ap-south-1", "sa-east-1"];
  stack(c).listeners = Array.from({ length: 5 }, (_, l) => ({
    name: `l${l}`,
    protocol: "TCP",
    portRanges: [{ fromPort: 100 + l }],
    endpointGroups: regions.slice(0, Math.min(10, total - 10 * l)).map((region) => ({ region, endpoints: [{ type: "instance", id: "i-0123abcd" }] })),
  }));
};

const L0 = "stacks[0].listeners[0]";
const G0 = `${L0}.endpointGroups[0]`;

/** A stack's custom domain in the zone example.com. */
const dns = (c: Config, more: Record<string, unknown> = {}) => (stack(c).dns = { zone: "example.com", names: ["api.example.com"], ...more });
/** A second stack with its own state key and the given DNS names. */
const secondStack = (names: string[]) => (c: Config) =>
  c.stacks.push({ ...stack(c), name: "other", backend: { ...stack(c).backend, key: "other.tfstate" }, dns: { zone: "example.com", names } });
const DNS_NAME_ALLOWED = 'a DNS name such as "api.example.com": labels of 1-63 letters, digits or hyphens (no hyphen at either end) joined by dots, 253 characters at most, no trailing dot';

/**
 * Every check, as [group, verdict, what, change, (path, exact message)]: a cross-field rule's group is
 * its name in rules.ts; the schema's checks on single fields are grouped by the part they guard.
 */
const CASES: readonly Case[] = [
  ["portRangeInOrder", "reject", "a range that ends below its start", (c) => (listener(c).portRanges = [{ fromPort: 443, toPort: 80 }]), `${L0}.portRanges[0].toPort`, "must not be below fromPort (443), received 80"],
  ["portRangeInOrder", "accept", "a range whose end equals its start", (c) => (listener(c).portRanges = [{ fromPort: 443, toPort: 443 }])],
  ["healthCheckPathNeedsHttp", "reject", "a health-check path on a TCP check", (c) => (group(c).healthCheck.protocol = "TCP"), `${G0}.healthCheck.path`, "is only used by HTTP and HTTPS health checks; protocol is TCP (remove path or set protocol: HTTP)"],
  ["healthCheckPathNeedsHttp", "accept", "a path with a query string on HTTPS", (c) => ((group(c).healthCheck.protocol = "HTTPS"), (group(c).healthCheck.path = "/v1/health?deep=true&x=%20"))],
  ["healthCheckPathNeedsHttp", "accept", "a path without a protocol on a group whose model-server preset makes the check HTTP", (c) => ((group(c).modelServer = "vllm"), (group(c).healthCheck = { path: "/v1/models" }))],
  ["healthCheckPathNeedsHttp", "reject", "a path on a preset group whose protocol is set to TCP", (c) => ((group(c).modelServer = "vllm"), (group(c).healthCheck = { protocol: "TCP", path: "/v1/models" })), `${G0}.healthCheck.path`, "is only used by HTTP and HTTPS health checks; protocol is TCP (remove path or set protocol: HTTP)"],
  ["healthCheckPathNeedsHttp", "reject", "a path on a group of only load balancers, where a preset sets nothing", (c) => ((group(c, 1).modelServer = "vllm"), (group(c, 1).healthCheck = { path: "/v1/models" })), `${L0}.endpointGroups[1].healthCheck.path`, "is only used by HTTP and HTTPS health checks; protocol is TCP (remove path or set protocol: HTTP)"],
  ["eipWithoutClientIpPreservation", "reject", "client IP preservation on an Elastic IP", (c) => (endpoint(c).clientIpPreservation = true), `${G0}.endpoints[0].clientIpPreservation`, "is not supported for Elastic IP endpoints (allowed: false or omitted)"],
  ["eipWithoutClientIpPreservation", "accept", "client IP preservation false on an Elastic IP", (c) => (endpoint(c).clientIpPreservation = false)],
  ["instanceKeepsClientIp", "reject", "client IP preservation off on an instance", (c) => (endpoint(c, 0, 1).clientIpPreservation = false), `${G0}.endpoints[1].clientIpPreservation`, "is always on for EC2 instance endpoints (allowed: true or omitted)"],
  ["instanceKeepsClientIp", "accept", "client IP preservation on for an instance", (c) => (endpoint(c, 0, 1).clientIpPreservation = true)],
  ["loadBalancerIdOrLookup", "reject", "a load balancer with neither id nor lookup", (c) => delete endpoint(c, 1, 0).id, `${L0}.endpointGroups[1].endpoints[0].id`, "is required (or lookup: { name } to find the load balancer by name)"],
  ["loadBalancerIdOrLookup", "reject", "a load balancer with both id and lookup", (c) => (endpoint(c, 1, 0).lookup = { name: "vllm" }), `${L0}.endpointGroups[1].endpoints[0].lookup`, "cannot be combined with id: give the ARN in id, or the name in lookup, not both"],
  ["loadBalancerIdOrLookup", "accept", "an NLB by ARN instead of by lookup", (c) => (group(c, 1).endpoints[1] = { type: "nlb", id: NLB_USE1 })],
  ["loadBalancerIdOrLookup", "accept", "an ALB by lookup instead of by ARN", (c) => (group(c, 1).endpoints[0] = { type: "alb", lookup: { name: "vllm-use1" } })],
  ["loadBalancerArnInGroupRegion", "reject", "a load balancer in another region", (c) => (endpoint(c, 1, 0).id = ALB_USE1.replace("us-east-1", "eu-west-1")), `${L0}.endpointGroups[1].endpoints[0].id`, "is a load balancer in eu-west-1, but this endpoint group is in us-east-1"],
  ["loadBalancerArnInGroupRegion", "accept", "a load balancer ARN in its group's region", (c) => ((group(c, 1).region = "eu-west-1"), (endpoint(c, 1, 0).id = ALB_USE1.replace("us-east-1", "eu-west-1")))],
  ["uniqueEndpoints", "reject", "one endpoint listed twice", (c) => group(c).endpoints.push({ type: "eip", id: "eipalloc-0123456789abcdef0", weight: 1 }), `${G0}.endpoints[2]`, "is the same endpoint as endpoints[0]"],
  ["uniqueEndpoints", "reject", "one lookup listed twice", (c) => group(c, 1).endpoints.push({ type: "nlb", lookup: { name: "triton-use1" } }), `${L0}.endpointGroups[1].endpoints[2]`, "is the same endpoint as endpoints[1]"],
  ["uniqueEndpoints", "reject", "a load balancer by ARN and by a lookup of its name", (c) => group(c, 1).endpoints.push({ type: "alb", lookup: { name: "vllm-use1" } }), `${L0}.endpointGroups[1].endpoints[2]`, "is the same endpoint as endpoints[0]"],
  ["uniqueEndpoints", "accept", "two load balancers with different names", (c) => group(c, 1).endpoints.push({ type: "alb", lookup: { name: "vllm-use1-b" } })],
  ["uniquePortOverrides", "reject", "two overrides of one listener port", (c) => (listener(c).portRanges = [{ fromPort: 443, toPort: 444 }], group(c).portOverrides = [{ listenerPort: 443, endpointPort: 8443 }, { listenerPort: 443, endpointPort: 8444 }]), `${G0}.portOverrides[1].listenerPort`, "443 is already overridden by portOverrides[0]"],
  ["uniquePortOverrides", "reject", "two overrides onto one endpoint port", (c) => (listener(c).portRanges = [{ fromPort: 443, toPort: 444 }], group(c).portOverrides = [{ listenerPort: 443, endpointPort: 8443 }, { listenerPort: 444, endpointPort: 8443 }]), `${G0}.portOverrides[1].endpointPort`, "8443 is already the target of portOverrides[0]"],
  ["uniquePortOverrides", "accept", "two overrides with distinct ports", (c) => ((listener(c).portRanges = [{ fromPort: 443, toPort: 444 }]), (group(c).portOverrides = [{ listenerPort: 443, endpointPort: 8443 }, { listenerPort: 444, endpointPort: 8444 }]))],
  ["oneEndpointGroupPerRegion", "reject", "two groups in one region", (c) => listener(c).endpointGroups.push({ region: "us-west-1", endpoints: [{ type: "instance", id: "i-0123abcd" }] }), `${L0}.endpointGroups[2].region`, '"us-west-1" already has endpointGroups[0]; a listener has one endpoint group per region'],
  ["oneEndpointGroupPerRegion", "accept", "one region in two listeners", (c) => listener(c, 1).endpointGroups.push({ region: "us-west-1", endpoints: [{ type: "instance", id: "i-0123abcd" }] })],
  ["overrideListenerPortInListener", "reject", "an override of a port the listener lacks", (c) => (group(c).portOverrides = [{ listenerPort: 80, endpointPort: 8080 }]), `${G0}.portOverrides[0].listenerPort`, "80 is not a port of this listener (its ranges: 443)"],
  ["overrideListenerPortInListener", "accept", "an override of the first port of a range", (c) => ((listener(c).portRanges = [{ fromPort: 440, toPort: 443 }]), (group(c).portOverrides = [{ listenerPort: 440, endpointPort: 8443 }]))],
  ["capacityOnEveryGroup", "reject", "a capacity on one group of a listener only", (c) => (group(c).capacity = 400), `${L0}.endpointGroups[1].capacity`, "is required: endpointGroups[0] has a capacity, so every group of this listener needs one (in the unit of the stack's demand), or none does"],
  ["capacityOnEveryGroup", "accept", "a capacity on every group of one listener and on none of the other", (c) => ((group(c).capacity = 400), (group(c, 1).capacity = 250.5))],
  ["uniqueListenerNames", "reject", "two listeners with one name", (c) => (listener(c, 1).name = "inference"), "stacks[0].listeners[1].name", '"inference" is already the name of listeners[0]'],
  ["uniqueListenerNames", "accept", "two listeners with names that differ", (c) => (listener(c, 1).name = "inference-2")],
  ["renamedFromAFormerName", "reject", "a listener renamed from its own name", (c) => (listener(c).renamedFrom = "inference"), `${L0}.renamedFrom`, "is this listener's own name; remove renamedFrom once the rename is applied"],
  ["renamedFromAFormerName", "reject", "a listener renamed from another listener's name", (c) => (listener(c).renamedFrom = "streaming"), `${L0}.renamedFrom`, '"streaming" is the name of listeners[1]; a listener can only be renamed from a name no listener has now'],
  ["renamedFromAFormerName", "reject", "two listeners renamed from one name", (c) => ((listener(c).renamedFrom = "old"), (listener(c, 1).renamedFrom = "old")), "stacks[0].listeners[1].renamedFrom", '"old" is already the renamedFrom of listeners[0]'],
  ["renamedFromAFormerName", "accept", "a listener renamed from a former name", (c) => (listener(c).renamedFrom = "inference-v1")],
  ["endpointGroupQuota", "reject", "43 endpoint groups in one accelerator", groupsInAll(43), "stacks[0].listeners", "have 43 endpoint groups in all; an accelerator allows at most 42"],
  ["endpointGroupQuota", "accept", "42 endpoint groups in one accelerator", groupsInAll(42)],
  ["noOverlappingPortRanges", "reject", "ranges that overlap in one listener", (c) => (listener(c).portRanges = [{ fromPort: 443 }, { fromPort: 400, toPort: 500 }]), `${L0}.portRanges[1]`, "400-500 overlaps listeners[0].portRanges[0] (443); port ranges of one protocol (TCP) must not overlap within an accelerator"],
  ["noOverlappingPortRanges", "reject", "ranges that overlap across two TCP listeners", (c) => ((listener(c, 1).protocol = "TCP"), (listener(c, 1).portRanges = [{ fromPort: 440, toPort: 450 }])), "stacks[0].listeners[1].portRanges[0]", "440-450 overlaps listeners[0].portRanges[0] (443); port ranges of one protocol (TCP) must not overlap within an accelerator"],
  ["noOverlappingPortRanges", "reject", "ranges that overlap across two UDP listeners", (c) => stack(c).listeners.push({ ...listener(c, 1), name: "quic", portRanges: [{ fromPort: 9010, toPort: 9020 }] }), "stacks[0].listeners[2].portRanges[0]", "9010-9020 overlaps listeners[1].portRanges[0] (9000-9010); port ranges of one protocol (UDP) must not overlap within an accelerator"],
  ["noOverlappingPortRanges", "accept", "adjacent ranges in two listeners", (c) => (listener(c, 1).portRanges = [{ fromPort: 444, toPort: 450 }])],
  ["noOverlappingPortRanges", "accept", "a TCP and a UDP listener on the same port (HTTP/3 beside HTTPS, an NLB's TCP_UDP listener)", (c) => (listener(c, 1).portRanges = [{ fromPort: 443 }])],
  ["albNotOnUdpListener", "reject", "an ALB on a UDP listener", (c) => listener(c, 1).endpointGroups[0].endpoints.push({ type: "alb", lookup: { name: "vllm-apne1" } }), "stacks[0].listeners[1].endpointGroups[0].endpoints[1].type", 'is "alb" on a UDP listener, but an Application Load Balancer has no UDP listeners, so no traffic could reach it (use an nlb, instance or eip endpoint, or a TCP listener)'],
  ["albNotOnUdpListener", "accept", "an NLB on a UDP listener", (c) => listener(c, 1).endpointGroups[0].endpoints.push({ type: "nlb", lookup: { name: "triton-apne1" } })],
  ["overrideEndpointPortOutsideListeners", "reject", "an override onto a port of a listener of the other protocol", (c) => (group(c).portOverrides = [{ listenerPort: 443, endpointPort: 9005 }]), `${G0}.portOverrides[0].endpointPort`, "9005 is inside listeners[1]'s port range 9000-9010; an endpoint port must be outside every listener port range"],
  ["overrideEndpointPortOutsideListeners", "accept", "an override onto the port just above a listener range", (c) => (group(c).portOverrides = [{ listenerPort: 443, endpointPort: 9011 }])],
  ["dualStackWithoutElasticIps", "reject", "an Elastic IP on a dual-stack accelerator", (c) => (stack(c).accelerator.ipAddressType = "DUAL_STACK"), `${G0}.endpoints[0].type`, 'is "eip", but a DUAL_STACK accelerator accepts only alb, nlb and instance endpoints'],
  ["dualStackWithoutElasticIps", "accept", "a dual-stack accelerator without Elastic IPs", (c) => ((stack(c).accelerator.ipAddressType = "DUAL_STACK"), group(c).endpoints.shift())],
  ["byoipAddress", "reject", "a BYOIP address with /32", (c) => (stack(c).accelerator.ipAddresses = ["198.51.100.7/32"]), "stacks[0].accelerator.ipAddresses[0]", 'must be written without the /32 suffix (198.51.100.7), received "198.51.100.7/32"'],
  ["byoipAddress", "reject", "a BYOIP address that is not IPv4", (c) => (stack(c).accelerator.ipAddresses = ["2001:db8::1"]), "stacks[0].accelerator.ipAddresses[0]", 'must be an IPv4 address, received "2001:db8::1"'],
  ["byoipAddress", "accept", "two BYOIP addresses", (c) => (stack(c).accelerator.ipAddresses = ["198.51.100.7", "203.0.113.8"])],
  ["stateKeyFormat", "reject", "a state key with a leading slash", (c) => (stack(c).backend.key = "/state.tfstate"), "stacks[0].backend.key", 'must be a relative S3 object key such as "smart-routing/prod.tfstate" (no leading or trailing "/", no "..", no control characters), received "/state.tfstate"'],
  ["stateKeyFormat", "reject", "a state key with ..", (c) => (stack(c).backend.key = "a/../b.tfstate"), "stacks[0].backend.key", 'must be a relative S3 object key such as "smart-routing/prod.tfstate" (no leading or trailing "/", no "..", no control characters), received "a/../b.tfstate"'],
  ["stateKeyFormat", "reject", "a state key with a line break", (c) => (stack(c).backend.key = "prod\n.tfstate"), "stacks[0].backend.key", 'must be a relative S3 object key such as "smart-routing/prod.tfstate" (no leading or trailing "/", no "..", no control characters), received "prod\\n.tfstate"'],
  ["stateKeyFormat", "accept", "a state key in nested folders", (c) => (stack(c).backend.key = "teams/ai/prod.tfstate")],
  ["stateIsLocked", "reject", "no state locking", (c) => (stack(c).backend.lockfile = false), "stacks[0].backend.lockfile", "is false and no dynamodbTable is set, so state would have no lock (set lockfile: true, or give dynamodbTable)"],
  ["stateIsLocked", "accept", "DynamoDB locking instead of the lockfile", (c) => Object.assign(stack(c).backend, { lockfile: false, dynamodbTable: "terraform-locks" })],
  ["uniqueStackNames", "reject", "two stacks with one name", (c) => c.stacks.push({ ...stack(c), backend: { ...stack(c).backend, key: "other.tfstate" } }), "stacks[1].name", '"test" is already the name of stacks[0]'],
  ["uniqueStackNames", "accept", "two stacks with different names and explicit keys", (c) => c.stacks.push({ ...stack(c), name: "other", backend: { ...stack(c).backend, key: "other.tfstate" } })],
  ["uniqueStateKeys", "reject", "two stacks with one state key", (c) => c.stacks.push({ ...stack(c), name: "other", backend: { ...stack(c).backend, key: "smart-routing/test.tfstate" } }), "stacks[1].backend.key", "s3://acme-terraform-state/smart-routing/test.tfstate is already the state of stacks[0]; every stack needs its own state key"],
  ["uniqueStateKeys", "accept", "two stacks with their own state keys", (c) => c.stacks.push({ ...stack(c), name: "other" })],
  ["dnsZoneOrZoneId", "reject", "a zone given by name and by ID", (c) => dns(c, { zoneId: "Z0123456789ABCDEFGHIJ" }), "stacks[0].dns.zoneId", "cannot be combined with zone: give the hosted zone's name in zone, or its ID in zoneId, not both"],
  ["dnsZoneOrZoneId", "reject", "no zone at all", (c) => (stack(c).dns = { names: ["api.example.com"] }), "stacks[0].dns.zone", 'is required (the hosted zone\'s name, such as "example.com"), or zoneId (its ID)'],
  ["dnsZoneOrZoneId", "accept", "a zone given by ID only", (c) => (stack(c).dns = { zoneId: "Z0123456789ABCDEFGHIJ", names: ["api.example.com"], evaluateTargetHealth: false })],
  ["dnsNamesInZone", "reject", "a name in another domain", (c) => dns(c, { names: ["api.example.org"] }), "stacks[0].dns.names[0]", '"api.example.org" is not in the zone "example.com": a name must be "example.com" or end with ".example.com"'],
  ["dnsNamesInZone", "reject", "a name that only ends with the zone's letters", (c) => dns(c, { names: ["notexample.com"] }), "stacks[0].dns.names[0]", '"notexample.com" is not in the zone "example.com": a name must be "example.com" or end with ".example.com"'],
  ["dnsNamesInZone", "accept", "the zone's apex and a name below it, in any case", (c) => dns(c, { zone: "Example.com", names: ["example.com", "API.eu.example.COM"] })],
  ["uniqueDnsNames", "reject", "one name twice in a stack, in two cases", (c) => dns(c, { names: ["api.example.com", "API.example.com"] }), "stacks[0].dns.names[1]", '"API.example.com" is already stacks[0].dns.names[0]; a name can point at one accelerator only'],
  ["uniqueDnsNames", "reject", "one name in two stacks", (c) => (dns(c), secondStack(["www.example.com", "api.example.com"])(c)), "stacks[1].dns.names[1]", '"api.example.com" is already stacks[0].dns.names[0]; a name can point at one accelerator only'],
  ["uniqueDnsNames", "accept", "two stacks with their own names in one zone", (c) => (dns(c), secondStack(["api-staging.example.com"])(c))],
  ["the config's shape and keys", "reject", "an unknown top-level key", (c) => (c.verison = 1), "verison", 'is not a known key; did you mean "version"? allowed: $schema, version, stacks'],
  ["the config's shape and keys", "reject", "a misspelt listener key", (c) => (listener(c).protocl = "TCP"), `${L0}.protocl`, 'is not a known key; did you mean "protocol"? allowed: name, protocol, portRanges, clientAffinity, endpointGroups, renamedFrom'],
  ["the config's shape and keys", "reject", "a version other than 1", (c) => (c.version = 2), "version", "must be 1, received 2"],
  ["the config's shape and keys", "reject", "no stacks", (c) => (c.stacks = []), "stacks", "must list at least one stack"],
  ["the config's shape and keys", "reject", "a missing backend", (c) => delete stack(c).backend, "stacks[0].backend", "is required"],
  ["the config's shape and keys", "reject", "a string where a list belongs", (c) => (listener(c).portRanges = "443"), `${L0}.portRanges`, 'must be a list, received "443"'],
  ["the config's shape and keys", "reject", "a removed backend key", (c) => (stack(c).backend.roleArn = "arn:aws:iam::123456789012:role/x"), "stacks[0].backend.roleArn", "is not a known key; allowed: bucket, key, region, encrypt, kmsKeyId, lockfile, dynamodbTable"],
  ["the config's shape and keys", "reject", "a lookup on an Elastic IP", (c) => (endpoint(c).lookup = { name: "x" }), `${G0}.endpoints[0].lookup`, 'is not a known key; allowed: type, id, weight, clientIpPreservation'],
  ["the config's shape and keys", "accept", "a JSON Schema reference", (c) => (c.$schema = "../schema/smart-routing.schema.json")],
  ["names", "reject", "an upper-case stack name", (c) => (stack(c).name = "Prod"), "stacks[0].name", 'must be a lowercase name matching ^[a-z][a-z0-9-]{0,62}$, received "Prod"'],
  ["names", "reject", "a listener name with an underscore", (c) => (listener(c).name = "in_ference"), `${L0}.name`, 'must be a lowercase name matching ^[a-z][a-z0-9-]{0,31}$, received "in_ference"'],
  ["names", "reject", "an accelerator name with a leading hyphen", (c) => (stack(c).accelerator.name = "-models"), "stacks[0].accelerator.name", 'must be 1-64 letters, digits or hyphens, with no hyphen at either end, received "-models"'],
  ["names", "reject", "an accelerator name with a period", (c) => (stack(c).accelerator.name = "ai.models"), "stacks[0].accelerator.name", 'must be 1-64 letters, digits or hyphens, with no hyphen at either end, received "ai.models"'],
  ["names", "reject", "an accelerator name of 65 characters", (c) => (stack(c).accelerator.name = "a".repeat(65)), "stacks[0].accelerator.name", `must be 1-64 letters, digits or hyphens, with no hyphen at either end, received "${"a".repeat(65)}"`],
  ["names", "reject", "a renamedFrom that is no listener name", (c) => (listener(c).renamedFrom = "Old_Name"), `${L0}.renamedFrom`, 'must be a listener name matching ^[a-z][a-z0-9-]{0,31}$, received "Old_Name"'],
  ["names", "reject", "a lookup name with an underscore", (c) => (endpoint(c, 1, 1).lookup.name = "triton_use1"), `${L0}.endpointGroups[1].endpoints[1].lookup.name`, 'must be a load balancer name (1-32 letters, digits, hyphens; no hyphen at either end), received "triton_use1"'],
  ["names", "reject", "a stack named constructor, a name cdktf cannot give a construct", (c) => (stack(c).name = "constructor"), "stacks[0].name", 'must not be "constructor", a name cdktf cannot give a construct (every JavaScript object already has it); choose another name'],
  ["names", "reject", "a listener named constructor", (c) => (listener(c).name = "constructor"), `${L0}.name`, 'must not be "constructor", a name cdktf cannot give a construct (every JavaScript object already has it); choose another name'],
  ["names", "accept", "a stack and a listener named prototype, a name objects do not have", (c) => ((stack(c).name = "prototype"), (listener(c).name = "prototype"))],
  ["names", "accept", "an accelerator name of 64 characters", (c) => (stack(c).accelerator.name = "a".repeat(64))],
  ["the accelerator", "reject", "an unknown IP address type", (c) => (stack(c).accelerator.ipAddressType = "IPV6"), "stacks[0].accelerator.ipAddressType", 'must be one of "IPV4", "DUAL_STACK", received "IPV6"'],
  ["the accelerator", "reject", "three BYOIP addresses", (c) => (stack(c).accelerator.ipAddresses = ["1.1.1.1", "1.1.2.1", "1.1.3.1"]), "stacks[0].accelerator.ipAddresses", "allows at most 2 addresses, received 3"],
  ["the accelerator", "reject", "flow logs given as true", (c) => (stack(c).accelerator.flowLogs = true), "stacks[0].accelerator.flowLogs", "must be false or a mapping with bucket (and prefix), received true"],
  ["the accelerator", "reject", "Shield given as text", (c) => (stack(c).accelerator.shield = "yes"), "stacks[0].accelerator.shield", 'must be a boolean, received "yes"'],
  ["the accelerator", "accept", "Shield on", (c) => (stack(c).accelerator.shield = true)],
  ["the accelerator", "reject", "a flow-log prefix of 256 characters", (c) => (stack(c).accelerator.flowLogs = { bucket: "acme-flow-logs", prefix: "p".repeat(256) }), "stacks[0].accelerator.flowLogs.prefix", `must be at most 255 characters long, received "${"p".repeat(76)}...`],
  ["the accelerator", "reject", "a flow-log prefix Terraform would read as an expression", (c) => (stack(c).accelerator.flowLogs = { bucket: "acme-flow-logs", prefix: "ga/${var.env}/" }), "stacks[0].accelerator.flowLogs.prefix", 'must not contain "${" or "%{", which Terraform would read as an expression, received "ga/${var.env}/"'],
  ["the accelerator", "accept", "flow logs with a bucket and a prefix", (c) => (stack(c).accelerator.flowLogs = { bucket: "acme-flow-logs", prefix: "ga/" })],
  ["listeners", "reject", "a listener protocol of HTTP", (c) => (listener(c).protocol = "HTTP"), `${L0}.protocol`, 'must be one of "TCP", "UDP", received "HTTP"'],
  ["listeners", "reject", "an unknown client affinity", (c) => (listener(c).clientAffinity = "STICKY"), `${L0}.clientAffinity`, 'must be one of "NONE", "SOURCE_IP", received "STICKY"'],
  ["listeners", "reject", "eleven listeners", (c) => (stack(c).listeners = Array.from({ length: 11 }, (_, i) => ({ ...listener(c, 1), name: `l${i}`, portRanges: [{ fromPort: 100 + i }] }))), "stacks[0].listeners", "must have 1 to 10 listeners, received 11"],
  ["listeners", "accept", "ten listeners", (c) => (stack(c).listeners = Array.from({ length: 10 }, (_, i) => ({ ...listener(c, 1), name: `l${i}`, portRanges: [{ fromPort: 100 + i }] })))],
  ["port ranges", "reject", "port 0", (c) => (listener(c).portRanges = [{ fromPort: 0 }]), `${L0}.portRanges[0].fromPort`, "must be an integer from 1 to 65535, received 0"],
  ["port ranges", "reject", "port 65536", (c) => (listener(c).portRanges = [{ fromPort: 443, toPort: 65536 }]), `${L0}.portRanges[0].toPort`, "must be an integer from 1 to 65535, received 65536"],
  ["port ranges", "reject", "no port ranges", (c) => (listener(c).portRanges = []), `${L0}.portRanges`, "must have 1 to 10 port ranges, received 0"],
  ["port ranges", "reject", "eleven port ranges", (c) => (listener(c).portRanges = Array.from({ length: 11 }, (_, i) => ({ fromPort: 440 + i }))), `${L0}.portRanges`, "must have 1 to 10 port ranges, received 11"],
  ["port ranges", "accept", "ports 1 and 65535", (c) => (listener(c, 1).portRanges = [{ fromPort: 1 }, { fromPort: 65535 }])],
  ["port ranges", "accept", "ten port ranges", (c) => (listener(c, 1).portRanges = Array.from({ length: 10 }, (_, i) => ({ fromPort: 1000 + i })))],
  ["endpoint groups", "reject", "an unsupported region", (c) => (group(c).region = "us-moon-1"), `${G0}.region`, 'must be a region Global Accelerator supports (us-east-1, us-east-2, us-west-1, us-west-2, af-south-1, ap-east-1, ap-south-1, ap-south-2, ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-4, ap-southeast-5, ap-northeast-1, ap-northeast-2, ap-northeast-3, ca-central-1, ca-west-1, eu-central-1, eu-central-2, eu-west-1, eu-west-2, eu-west-3, eu-south-1, eu-south-2, eu-north-1, il-central-1, me-south-1, me-central-1, sa-east-1), received "us-moon-1"'],
  ["endpoint groups", "reject", "a traffic dial over 100", (c) => (group(c).trafficDialPercentage = 100.5), `${G0}.trafficDialPercentage`, "must be a number from 0 to 100, received 100.5"],
  ["endpoint groups", "reject", "a negative traffic dial", (c) => (group(c).trafficDialPercentage = -1), `${G0}.trafficDialPercentage`, "must be a number from 0 to 100, received -1"],
  ["endpoint groups", "accept", "a traffic dial of 0 and of 100", (c) => ((group(c).trafficDialPercentage = 0), (group(c, 1).trafficDialPercentage = 100))],
  ["endpoint groups", "accept", "a fractional traffic dial", (c) => (group(c).trafficDialPercentage = 12.5)],
  ["health checks", "reject", "a health-check interval of 20", (c) => (group(c).healthCheck.intervalSeconds = 20), `${G0}.healthCheck.intervalSeconds`, "must be 10 or 30 (the API allows no other value), received 20"],
  ["health checks", "reject", "a threshold of 11", (c) => (group(c).healthCheck.thresholdCount = 11), `${G0}.healthCheck.thresholdCount`, "must be an integer from 1 to 10, received 11"],
  ["health checks", "reject", "a threshold of 0", (c) => (group(c).healthCheck.thresholdCount = 0), `${G0}.healthCheck.thresholdCount`, "must be an integer from 1 to 10, received 0"],
  ["health checks", "reject", "a health-check path without a slash", (c) => (group(c).healthCheck.path = "health"), `${G0}.healthCheck.path`, 'must start with "/" and use only letters, digits and -@:%_\\+.~#?&/=, received "health"'],
  ["health checks", "reject", "a health-check path with a space", (c) => (group(c).healthCheck.path = "/he alth"), `${G0}.healthCheck.path`, 'must start with "/" and use only letters, digits and -@:%_\\+.~#?&/=, received "/he alth"'],
  ["health checks", "reject", "an unknown health-check protocol", (c) => (group(c).healthCheck.protocol = "ICMP"), `${G0}.healthCheck.protocol`, 'must be one of "TCP", "HTTP", "HTTPS", received "ICMP"'],
  ["health checks", "reject", "a health-check port of 70000", (c) => (group(c).healthCheck.port = 70000), `${G0}.healthCheck.port`, "must be an integer from 1 to 65535, received 70000"],
  ["health checks", "accept", "a health-check interval of 30", (c) => (group(c).healthCheck.intervalSeconds = 30)],
  ["health checks", "accept", "thresholds of 1 and 10", (c) => ((group(c).healthCheck.thresholdCount = 1), (listener(c, 1).endpointGroups[0].healthCheck = { thresholdCount: 10 }))],
  ["model servers", "reject", "a model server there is no preset for", (c) => (group(c).modelServer = "vllm2"), `${G0}.modelServer`, 'must be one of "vllm", "tgi", "triton", "sglang", "llama-cpp", "ollama", "ray-serve", "trtllm", "kserve", received "vllm2"'],
  ["model servers", "accept", "every preset on a group of instances and on a group of load balancers", (c) => {
    for (const server of ["vllm", "tgi", "triton", "sglang", "llama-cpp", "ollama", "ray-serve", "trtllm", "kserve"]) {
      group(c).modelServer = server;
      group(c, 1).modelServer = server;
      expect(validateConfig(c).ok).toBe(true);
    }
  }],
  ["endpoints", "reject", "a weight of 256", (c) => (endpoint(c).weight = 256), `${G0}.endpoints[0].weight`, "must be an integer from 0 to 255, received 256"],
  ["endpoints", "reject", "a fractional weight", (c) => (endpoint(c).weight = 12.5), `${G0}.endpoints[0].weight`, "must be an integer from 0 to 255, received 12.5"],
  ["endpoints", "reject", "a weight given as text", (c) => (endpoint(c).weight = "high"), `${G0}.endpoints[0].weight`, 'must be an integer from 0 to 255, received "high"'],
  ["endpoints", "reject", "an unknown endpoint type", (c) => (endpoint(c).type = "gwlb"), `${G0}.endpoints[0].type`, 'must be one of "eip", "instance", "alb", "nlb", received "gwlb"'],
  ["endpoints", "reject", "a short Elastic IP ID", (c) => (endpoint(c).id = "eip-12345678"), `${G0}.endpoints[0].id`, 'must be an Elastic IP allocation ID ("eipalloc-" and 8 or 17 hex digits), received "eip-12345678"'],
  ["endpoints", "reject", "an Elastic IP ID of 9 hex digits", (c) => (endpoint(c).id = "eipalloc-0123456789"), `${G0}.endpoints[0].id`, 'must be an Elastic IP allocation ID ("eipalloc-" and 8 or 17 hex digits), received "eipalloc-0123456789"'],
  ["endpoints", "reject", "an instance ID with upper case", (c) => (endpoint(c, 0, 1).id = "i-0123456789ABCDEF0"), `${G0}.endpoints[1].id`, 'must be an EC2 instance ID ("i-" and 8 or 17 hex digits), received "i-0123456789ABCDEF0"'],
  ["endpoints", "reject", "an NLB ARN on an alb endpoint", (c) => (endpoint(c, 1, 0).id = ALB_USE1.replace("/app/", "/net/")), `${L0}.endpointGroups[1].endpoints[0].id`, `must be an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<16 hex digits>), received ${JSON.stringify(ALB_USE1.replace("/app/", "/net/")).slice(0, 77)}...`],
  ["endpoints", "reject", "no endpoints", (c) => (group(c).endpoints = []), `${G0}.endpoints`, "must have 1 to 10 endpoints, received 0"],
  ["endpoints", "reject", "eleven endpoints", (c) => (group(c).endpoints = Array.from({ length: 11 }, (_, i) => ({ type: "instance", id: `i-0000000${i.toString(16)}` }))), `${G0}.endpoints`, "must have 1 to 10 endpoints, received 11"],
  ["endpoints", "accept", "weights 0 and 255", (c) => ((endpoint(c).weight = 0), (endpoint(c, 0, 1).weight = 255))],
  ["endpoints", "accept", "an Elastic IP ID of 8 hex digits", (c) => (endpoint(c).id = "eipalloc-0123abcd")],
  ["endpoints", "accept", "ten endpoints", (c) => (group(c).endpoints = Array.from({ length: 10 }, (_, i) => ({ type: "instance", id: `i-0000000${i}` })))],
  ["port overrides", "reject", "eleven port overrides", (c) => (listener(c).portRanges = [{ fromPort: 400, toPort: 500 }], group(c).portOverrides = Array.from({ length: 11 }, (_, i) => ({ listenerPort: 400 + i, endpointPort: 8000 + i }))), `${G0}.portOverrides`, "allows at most 10 port overrides, received 11"],
  ["port overrides", "accept", "ten port overrides", (c) => ((listener(c).portRanges = [{ fromPort: 400, toPort: 500 }]), (group(c).portOverrides = Array.from({ length: 10 }, (_, i) => ({ listenerPort: 400 + i, endpointPort: 8000 + i }))))],
  ["the stack", "reject", "allowDestroy naming the accelerator", (c) => (stack(c).allowDestroy = ["listeners", "accelerator"]), "stacks[0].allowDestroy[1]", 'must be "listeners" or "endpointGroups" (the accelerator is always protected: deleting it loses its static IPs), received "accelerator"'],
  ["the stack", "reject", "allowDestroy given as a string", (c) => (stack(c).allowDestroy = "listeners"), "stacks[0].allowDestroy", 'must be a list, received "listeners"'],
  ["the stack", "reject", "an account ID of 11 digits", (c) => (stack(c).allowedAccountIds = ["12345678901"]), "stacks[0].allowedAccountIds[0]", 'must be a 12-digit AWS account ID, received "12345678901"'],
  ["the stack", "reject", "an empty allowedAccountIds", (c) => (stack(c).allowedAccountIds = []), "stacks[0].allowedAccountIds", "must have at least 1 item, received 0"],
  ["the stack", "reject", "an empty tag key", (c) => (stack(c).tags = { "": "x" }), 'stacks[0].tags[""]', 'is not an allowed key: must be at least 1 character long, received ""'],
  ["the stack", "reject", "a tag value of 257 characters", (c) => (stack(c).tags = { "cost center": "v".repeat(257) }), 'stacks[0].tags["cost center"]', `must be at most 256 characters long, received "${"v".repeat(76)}...`],
  ["the stack", "reject", "a tag value Terraform would read as an expression", (c) => (stack(c).tags = { team: "${var.team}" }), "stacks[0].tags.team", 'must not contain "${" or "%{", which Terraform would read as an expression, received "${var.team}"'],
  ["the stack", "reject", "a tag key with a template directive", (c) => (stack(c).tags = { "%{ if true }x%{ endif }": "y" }), 'stacks[0].tags["%{ if true }x%{ endif }"]', 'is not an allowed key: must not contain "${" or "%{", which Terraform would read as an expression, received "%{ if true }x%{ endif }"'],
  ["the stack", "accept", "tags with a dollar sign and braces that open no expression", (c) => (stack(c).tags = { "cost-$": "{per hour} $ {x}" })],
  ["the stack", "accept", "allowDestroy of listeners and endpoint groups", (c) => (stack(c).allowDestroy = ["listeners", "endpointGroups"])],
  ["the stack", "accept", "an empty allowDestroy", (c) => (stack(c).allowDestroy = [])],
  ["the stack", "accept", "an empty tags map and two account IDs", (c) => ((stack(c).tags = {}), (stack(c).allowedAccountIds = ["123456789012", "210987654321"]))],
  ["DNS", "reject", "a name with an underscore", (c) => dns(c, { names: ["api_v1.example.com"] }), "stacks[0].dns.names[0]", `must be ${DNS_NAME_ALLOWED}, received "api_v1.example.com"`],
  ["DNS", "reject", "a name with a trailing dot", (c) => dns(c, { names: ["api.example.com."] }), "stacks[0].dns.names[0]", `must be ${DNS_NAME_ALLOWED}, received "api.example.com."`],
  ["DNS", "reject", "a label that ends with a hyphen", (c) => dns(c, { names: ["api-.example.com"] }), "stacks[0].dns.names[0]", `must be ${DNS_NAME_ALLOWED}, received "api-.example.com"`],
  ["DNS", "reject", "a label of 64 characters", (c) => dns(c, { names: [`${"a".repeat(64)}.example.com`] }), "stacks[0].dns.names[0]", `must be ${DNS_NAME_ALLOWED}, received "${"a".repeat(64)}.example.com"`],
  ["DNS", "reject", "a zone of one label", (c) => dns(c, { zone: "com", names: ["example.com"] }), "stacks[0].dns.zone", `must be ${DNS_NAME_ALLOWED}, received "com"`],
  ["DNS", "reject", "a zone ID in lower case", (c) => (stack(c).dns = { zoneId: "z0123456789abcdefghij", names: ["api.example.com"] }), "stacks[0].dns.zoneId", 'must be a Route 53 hosted zone ID ("Z" and up to 31 capital letters or digits), received "z0123456789abcdefghij"'],
  ["DNS", "reject", "no names", (c) => dns(c, { names: [] }), "stacks[0].dns.names", "must list at least one name"],
  ["DNS", "reject", "a TTL, which an alias record has none of", (c) => dns(c, { ttl: 60 }), "stacks[0].dns.ttl", "is not a known key; allowed: zone, zoneId, names, evaluateTargetHealth"],
  ["DNS", "accept", "a label of 63 characters and a name of 253", (c) => dns(c, { names: [`${"a".repeat(63)}.example.com`, `${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(49)}.example.com`] })],
  ["capacity and demand", "reject", "a capacity of 0", (c) => ((group(c).capacity = 0), (group(c, 1).capacity = 10)), `${G0}.capacity`, "must be a number above 0, received 0"],
  ["capacity and demand", "reject", "a negative demand", (c) => (stack(c).demand = { europe: -5 }), "stacks[0].demand.europe", "must be a number of 0 or more, received -5"],
  ["capacity and demand", "reject", "a misspelt geography", (c) => (stack(c).demand = { eurpoe: 5 }), "stacks[0].demand.eurpoe", 'is not a known key; did you mean "europe"? allowed: north-america, south-america, europe, africa, middle-east, asia, oceania, metros'],
  ["capacity and demand", "accept", "a demand of 0 and fractional loads for every geography", (c) => (stack(c).demand = { "north-america": 0, "south-america": 1.5, europe: 600, africa: 2, "middle-east": 3, asia: 400, oceania: 0.25 })],
  ["the backend", "reject", "a KMS key ARN Terraform's backend rejects", (c) => (stack(c).backend.kmsKeyId = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"), "stacks[0].backend.kmsKeyId", 'must be a KMS key ID, alias or ARN (a key ID is a UUID whose fourth group starts with 8, 9, a or b, or mrk- and 32 hex digits), received "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"'],
  ["the backend", "reject", "a bucket name with upper case", (c) => (stack(c).backend.bucket = "Acme-State"), "stacks[0].backend.bucket", 'must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), received "Acme-State"'],
  ["the backend", "reject", "a backend region that is no region", (c) => (stack(c).backend.region = "oregon"), "stacks[0].backend.region", 'must be an AWS region name such as "us-west-2", received "oregon"'],
  ["the backend", "reject", "an empty DynamoDB table name", (c) => (stack(c).backend.dynamodbTable = ""), "stacks[0].backend.dynamodbTable", 'must be at least 1 character long, received ""'],
  ["the backend", "reject", "a state key Terraform would read as an expression", (c) => (stack(c).backend.key = "state/${path.module}.tfstate"), "stacks[0].backend.key", 'must not contain "${" or "%{", which Terraform would read as an expression, received "state/${path.module}.tfstate"'],
  ["the backend", "reject", "a DynamoDB table Terraform would read as an expression", (c) => Object.assign(stack(c).backend, { dynamodbTable: "locks-${var.env}" }), "stacks[0].backend.dynamodbTable", 'must not contain "${" or "%{", which Terraform would read as an expression, received "locks-${var.env}"'],
  ["the backend", "accept", "KMS keys by ID, multi-region ID, alias and ARN", (c) => {
    for (const key of ["1234abcd-12ab-34cd-a6ef-1234567890ab", "mrk-a835af0b39c94b86a21a8fc9535df681", "alias/terraform-state", "arn:aws:kms:us-west-2:123456789012:alias/terraform-state"]) {
      stack(c).backend.kmsKeyId = key;
      expect(validateConfig(c).ok).toBe(true);
    }
  }],
  ["watermarksInOrder", "reject", "a low watermark equal to the high one", (c) => steer(c, 0, 0, { lowWatermark: 16 }), `${G0}.autopilot.lowWatermark`, "must be below highWatermark (16), received 16: between the two the dial holds"],
  ["watermarksInOrder", "reject", "both watermarks 0", (c) => steer(c, 0, 0, { lowWatermark: 0, highWatermark: 0 }), `${G0}.autopilot.lowWatermark`, "must be below highWatermark (0), received 0: between the two the dial holds"],
  ["watermarksInOrder", "accept", "watermarks 0 and 0.5", (c) => steer(c, 0, 0, { lowWatermark: 0, highWatermark: 0.5 })],
  ["kvCacheWatermarksAtMostOne", "reject", "a kvCache high watermark above 1", (c) => steer(c, 0, 0, { signal: "kvCache", lowWatermark: 0.5, highWatermark: 1.5 }), `${G0}.autopilot.highWatermark`, 'must be at most 1 for signal "kvCache" (KV-cache use is a fraction, 0-1), received 1.5'],
  ["kvCacheWatermarksAtMostOne", "reject", "a kvCache low watermark above 1 and above the high one (only their order)", (c) => steer(c, 0, 0, { signal: "kvCache", lowWatermark: 2, highWatermark: 1 }), `${G0}.autopilot.lowWatermark`, "must be below highWatermark (1), received 2: between the two the dial holds"],
  ["kvCacheWatermarksAtMostOne", "accept", "kvCache watermarks 0.7 and 1", (c) => steer(c, 0, 0, { signal: "kvCache", lowWatermark: 0.7, highWatermark: 1 })],
  ["kvCacheWatermarksAtMostOne", "accept", "a queue high watermark above 1", (c) => steer(c, 0, 0, { highWatermark: 40 })],
  ["autopilotSignalAvailable", "reject", "a queue signal on a preset with no queue metric", (c) => ((group(c).modelServer = "llama-cpp"), steer(c)), `${G0}.autopilot.signal`, 'is "queue", which reads the modelServer preset\'s metrics, but modelServer "llama-cpp" exposes no such metric (presets that have one: vllm, tgi, triton, sglang); set such a modelServer, or give signal: { query: <PromQL> }'],
  ["autopilotSignalAvailable", "reject", "a kvCache signal on TGI, which exposes no KV-cache use", (c) => ((group(c).modelServer = "tgi"), steer(c, 0, 0, { signal: "kvCache", lowWatermark: 0.5, highWatermark: 0.9 })), `${G0}.autopilot.signal`, 'is "kvCache", which reads the modelServer preset\'s metrics, but modelServer "tgi" exposes no such metric (presets that have one: vllm, triton, sglang); set such a modelServer, or give signal: { query: <PromQL> }'],
  ["autopilotSignalAvailable", "reject", "a queue signal on a group with no modelServer", (c) => (steer(c), delete group(c).modelServer), `${G0}.autopilot.signal`, 'is "queue", which reads the modelServer preset\'s metrics, but this group names no modelServer (presets that have one: vllm, tgi, triton, sglang); set such a modelServer, or give signal: { query: <PromQL> }'],
  ["autopilotSignalAvailable", "accept", "a queue signal on TGI", (c) => ((group(c).modelServer = "tgi"), steer(c))],
  ["autopilotSignalAvailable", "accept", "a query of one's own on llama.cpp, and on a group with no modelServer", (c) => ((group(c).modelServer = "llama-cpp"), steer(c, 0, 0, { signal: { query: 'avg by (region) (llamacpp:requests_processing{job="llm"})' } }), steer(c, 0, 1, { signal: { query: "avg by (region) (x)" } }), delete group(c, 1).modelServer)],
  ["steeredGroupHasCapacity", "reject", "a steered group in a listener with no capacity", (c) => (steer(c), delete group(c).capacity, delete group(c, 1).capacity), `${G0}.capacity`, "is required on a steered group (one with autopilot): the autopilot measures headroom as load against capacity, in the unit of the stack's demand"],
  ["steeredGroupHasCapacity", "reject", "a steered group without capacity beside one with (once, by capacityOnEveryGroup)", (c) => (steer(c), delete group(c).capacity), `${G0}.capacity`, "is required: endpointGroups[1] has a capacity, so every group of this listener needs one (in the unit of the stack's demand), or none does"],
  ["steeredGroupHasCapacity", "accept", "a steered group with a capacity", (c) => steer(c)],
  ["steeredGroupsNeedAutopilot", "reject", "a steered group in a stack with no autopilot block", (c) => (steer(c), delete stack(c).autopilot), `${G0}.autopilot`, "steers this group, but the stack has no autopilot block: add autopilot: { prometheus: { url } } to the stack, or remove this one"],
  ["steeredGroupsNeedAutopilot", "accept", "a steered group in a stack with an autopilot block", (c) => steer(c)],
  ["staleAfterAtLeastInterval", "reject", "an interval longer than the default staleAfter", (c) => (steer(c, 0, 0, { settleFor: "2m" }), (stack(c).autopilot.interval = "2m")), "stacks[0].autopilot.staleAfter", "is 60s (the default), shorter than interval (2m): a sample is up to one interval old when it is read, so every sample would be stale; make staleAfter at least the interval"],
  ["staleAfterAtLeastInterval", "reject", "a staleAfter shorter than the default interval", (c) => (steer(c), (stack(c).autopilot.staleAfter = "10s")), "stacks[0].autopilot.staleAfter", "is 10s, shorter than interval (15s, the default): a sample is up to one interval old when it is read, so every sample would be stale; make staleAfter at least the interval"],
  ["staleAfterAtLeastInterval", "accept", "a staleAfter equal to the interval, in other units", (c) => (steer(c, 0, 0, { settleFor: "1h", holdFor: "1h" }), Object.assign(stack(c).autopilot, { interval: "60m", staleAfter: "1h" }))],
  ["groupDurationsAtLeastInterval", "reject", "a settleFor shorter than the default interval", (c) => steer(c, 0, 0, { settleFor: "10s" }), `${G0}.autopilot.settleFor`, "is 10s, shorter than the stack's autopilot.interval (15s, the default), which is how often the autopilot looks: make it at least the interval"],
  ["groupDurationsAtLeastInterval", "reject", "the default holdFor under a longer interval", (c) => (steer(c, 0, 0, { settleFor: "3m" }), Object.assign(stack(c).autopilot, { interval: "3m", staleAfter: "3m" })), `${G0}.autopilot.holdFor`, "is 120s (the default), shorter than the stack's autopilot.interval (3m), which is how often the autopilot looks: make it at least the interval"],
  ["groupDurationsAtLeastInterval", "accept", "holdFor and settleFor equal to the interval", (c) => (steer(c, 0, 0, { settleFor: "30s", holdFor: "30s" }), Object.assign(stack(c).autopilot, { interval: "30s" }))],
  ["the autopilot", "reject", "a Prometheus URL without a scheme", (c) => (steer(c), (stack(c).autopilot.prometheus.url = "prometheus.monitoring:9090")), "stacks[0].autopilot.prometheus.url", 'must be an http:// or https:// URL of a Prometheus query API, such as "http://prometheus.monitoring:9090" (no user or password in it), received "prometheus.monitoring:9090"'],
  ["the autopilot", "reject", "a Prometheus URL with a password", (c) => (steer(c), (stack(c).autopilot.prometheus.url = "https://admin:secret@prometheus.example.com")), "stacks[0].autopilot.prometheus.url", 'must be an http:// or https:// URL of a Prometheus query API, such as "http://prometheus.monitoring:9090" (no user or password in it), received "https://admin:secret@prometheus.example.com"'],
  ["the autopilot", "reject", "no Prometheus", (c) => (stack(c).autopilot = { interval: "15s" }), "stacks[0].autopilot.prometheus", "is required"],
  ["the autopilot", "reject", "a SigV4 region that is no region", (c) => (steer(c), (stack(c).autopilot.prometheus.sigv4 = { region: "oregon" })), "stacks[0].autopilot.prometheus.sigv4.region", 'must be an AWS region name such as "us-west-2", received "oregon"'],
  ["the autopilot", "reject", "an interval without a unit", (c) => (steer(c), (stack(c).autopilot.interval = "15")), "stacks[0].autopilot.interval", 'must be a duration: a whole number and s, m or h, such as "30s", "2m" or "1h", received "15"'],
  ["the autopilot", "reject", "an interval of 0s", (c) => (steer(c), (stack(c).autopilot.interval = "0s")), "stacks[0].autopilot.interval", 'must be a duration: a whole number and s, m or h, such as "30s", "2m" or "1h", received "0s"'],
  ["the autopilot", "reject", "a fractional holdFor", (c) => steer(c, 0, 0, { holdFor: "1.5m" }), `${G0}.autopilot.holdFor`, 'must be a duration: a whole number and s, m or h, such as "30s", "2m" or "1h", received "1.5m"'],
  ["the autopilot", "reject", "an unknown mode", (c) => (steer(c), (stack(c).autopilot.mode = "auto")), "stacks[0].autopilot.mode", 'must be one of "enforce", "monitor", received "auto"'],
  ["the autopilot", "reject", "a misspelt stack setting", (c) => (steer(c), (stack(c).autopilot.intervall = "15s")), "stacks[0].autopilot.intervall", 'is not a known key; did you mean "interval"? allowed: prometheus, interval, mode, staleAfter'],
  ["the autopilot", "reject", "an unknown signal", (c) => steer(c, 0, 0, { signal: "latency" }), `${G0}.autopilot.signal`, 'must be one of "queue", "kvCache", received "latency"'],
  ["the autopilot", "reject", "a signal of the wrong type", (c) => steer(c, 0, 0, { signal: 3 }), `${G0}.autopilot.signal`, 'must be "queue", "kvCache" or { query: <PromQL> }, received 3'],
  ["the autopilot", "reject", "an empty query", (c) => steer(c, 0, 0, { signal: { query: "" } }), `${G0}.autopilot.signal.query`, 'must be at least 1 character long, received ""'],
  ["the autopilot", "reject", "a query Terraform would read as an expression", (c) => steer(c, 0, 0, { signal: { query: "sum(${var.metric})" } }), `${G0}.autopilot.signal.query`, 'must not contain "${" or "%{", which Terraform would read as an expression, received "sum(${var.metric})"'],
  ["the autopilot", "reject", "a query with a misspelt key", (c) => steer(c, 0, 0, { signal: { qeury: "x" } }), `${G0}.autopilot.signal`, 'must be "queue", "kvCache" or { query: <PromQL> }, received {"qeury":"x"}'],
  ["the autopilot", "reject", "a negative low watermark", (c) => steer(c, 0, 0, { lowWatermark: -1 }), `${G0}.autopilot.lowWatermark`, "must be a number of 0 or more, received -1"],
  ["the autopilot", "reject", "no high watermark", (c) => (steer(c), delete group(c).autopilot.highWatermark), `${G0}.autopilot.highWatermark`, "is required"],
  ["the autopilot", "reject", "a minDialPercent over 100", (c) => steer(c, 0, 0, { minDialPercent: 101 }), `${G0}.autopilot.minDialPercent`, "must be a number from 0 to 100, received 101"],
  ["the autopilot", "reject", "a maxStepPercent of 0", (c) => steer(c, 0, 0, { maxStepPercent: 0 }), `${G0}.autopilot.maxStepPercent`, "must be a number above 0 and at most 100, received 0"],
  ["the autopilot", "reject", "a maxStepPercent over 100", (c) => steer(c, 0, 0, { maxStepPercent: 100.5 }), `${G0}.autopilot.maxStepPercent`, "must be a number above 0 and at most 100, received 100.5"],
  ["the autopilot", "reject", "a metrics label named region", (c) => (group(c).metricsLabels = { region: "us-west-1" }), `${G0}.metricsLabels.region`, 'is not an allowed key: must not be "region": the autopilot selects a group\'s servers by region="<the group\'s region>" itself'],
  ["the autopilot", "reject", "a metrics label name with a hyphen", (c) => (group(c).metricsLabels = { "model-name": "llama" }), `${G0}.metricsLabels.model-name`, 'is not an allowed key: must be a Prometheus label name matching ^[a-zA-Z_][a-zA-Z0-9_]*$, received "model-name"'],
  ["the autopilot", "reject", "a metrics label value that is a number", (c) => (group(c).metricsLabels = { replicas: 3 }), `${G0}.metricsLabels.replicas`, "must be a string, received 3"],
  ["the autopilot", "accept", "Amazon Managed Prometheus with SigV4, monitor mode, the widest limits", (c) => {
    steer(c, 0, 0, { minDialPercent: 0, maxStepPercent: 100, holdFor: "1h", settleFor: "2m" });
    stack(c).autopilot = { prometheus: { url: "https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123abcd/", sigv4: { region: "us-west-2" } }, interval: "1m", mode: "monitor", staleAfter: "5m" };
  }],
  ["the autopilot", "accept", "an IPv6 Prometheus with a port and a path, and metrics labels", (c) => {
    steer(c);
    stack(c).autopilot.prometheus.url = "http://[fd00::1]:9090/prometheus";
    group(c).metricsLabels = { model: "llama-3-70b", _tier: "", Listener2: "chat" };
  }],
];


describe("a valid config", () => {
  it("passes with no errors and no warnings", () => {
    const result = validateConfig(validConfig());
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });
});

const groups = [...new Set(CASES.map(([group]) => group))];
const isRule = (group: Group): group is keyof typeof rules => group in rules;

describe.each(groups.map((group) => [isRule(group) ? `rule ${group}` : `checks on ${group}`, group] as const))("%s", (_title, group) => {
  const cases = CASES.filter((c) => c[0] === group);
  it.each(cases.filter((c) => c[1] === "reject").map((c) => c.slice(2) as [string, Change, string, string]))("rejects %s with its exact message", (_name, change, path, message) => {
    expect(errorsOf(change)).toEqual([`${path}: ${message}`]);
  });
  it.each(cases.filter((c) => c[1] === "accept").map((c) => c.slice(2) as [string, Change]))("accepts %s", (_name, change) => {
    expect(errorsOf(change)).toEqual([]);
  });
});

describe("the rules of rules.ts", () => {
  it("are each attached to the schema and tested both ways, here or in validation-agrees.test.ts", () => {
    const exported = Object.keys(rules).sort();
    expect([...ATTACHED_RULES].sort()).toEqual(exported);
    expect([...groups.filter(isRule), ...RULES_TESTED_IN_VALIDATION_AGREES].sort()).toEqual(exported);
    for (const rule of groups.filter(isRule)) {
      const verdicts = new Set(CASES.filter((c) => c[0] === rule).map((c) => c[1]));
      expect([rule, [...verdicts].sort()]).toEqual([rule, ["accept", "reject"]]);
    }
  });
});

describe("several mistakes at once", () => {
  it("are all reported in one run, including rules that relate fields", () => {
    const errors = errorsOf((c) => {
      stack(c).accelerator.name = "bad_name";
      listener(c, 1).protocol = "HTTP";
      listener(c).portRanges = [{ fromPort: 443 }, { fromPort: 443 }];
      group(c).healthCheck.intervalSeconds = 20;
      endpoint(c).weight = 300;
      endpoint(c, 1, 0).id = ALB_USE1.replace("us-east-1", "eu-west-1");
      group(c).unknown = true;
    });
    expect(errors).toEqual([
      'stacks[0].accelerator.name: must be 1-64 letters, digits or hyphens, with no hyphen at either end, received "bad_name"',
      `${G0}.healthCheck.intervalSeconds: must be 10 or 30 (the API allows no other value), received 20`,
      `${G0}.endpoints[0].weight: must be an integer from 0 to 255, received 300`,
      `${G0}.unknown: is not a known key; allowed: region, trafficDialPercentage, healthCheck, portOverrides, endpoints, modelServer, capacity, metricsLabels, autopilot`,
      `${L0}.endpointGroups[1].endpoints[0].id: is a load balancer in eu-west-1, but this endpoint group is in us-east-1`,
      'stacks[0].listeners[1].protocol: must be one of "TCP", "UDP", received "HTTP"',
      `${L0}.portRanges[1]: 443 overlaps listeners[0].portRanges[0] (443); port ranges of one protocol (TCP) must not overlap within an accelerator`,
    ]);
  });
});

describe("follow-up errors", () => {
  // Found by the fuzz: a rule that reasoned from a value with its own error printed that value raw, and a
  // line break in it split the error line.
  it("are not reported for a load balancer in a group whose region has its own error", () => {
    expect(errorsOf((c) => (group(c, 1).region = "us-east-1\n"))).toEqual([
      expect.stringMatching(/^stacks\[0\]\.listeners\[0\]\.endpointGroups\[1\]\.region: must be a region Global Accelerator supports \(.*\), received "us-east-1\\n"$/),
    ]);
  });

  it("are not reported for two stacks that share a bucket name with its own error", () => {
    expect(
      errorsOf((c) => {
        stack(c).backend.bucket = "acme\nstate";
        c.stacks.push({ ...stack(c), name: "other", backend: { ...stack(c).backend, key: "smart-routing/test.tfstate" } });
      }),
    ).toEqual([
      'stacks[0].backend.bucket: must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), received "acme\\nstate"',
      'stacks[1].backend.bucket: must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), received "acme\\nstate"',
    ]);
  });
});

describe("warnings", () => {
  it("warn when flow logs are omitted, not when they are false or set", () => {
    expect(warningsOf((c) => delete stack(c).accelerator.flowLogs)).toEqual([
      "stacks[0].accelerator.flowLogs: flow logs are off; set flowLogs: { bucket } to record traffic (the log files go under a folder named like the stack unless you give a prefix), or flowLogs: false to silence this warning",
    ]);
    expect(warningsOf((c) => (stack(c).accelerator.flowLogs = { bucket: "acme-flow-logs" }))).toEqual([]);
  });

  it("warn when every group of a listener is at dial 0, not when one still takes traffic", () => {
    expect(warningsOf((c) => listener(c, 1).endpointGroups.forEach((g: Config) => (g.trafficDialPercentage = 0)))).toEqual([
      "stacks[0].listeners[1].endpointGroups: every endpoint group has trafficDialPercentage 0; the listener only serves failover traffic",
    ]);
    expect(warningsOf((c) => (group(c).trafficDialPercentage = 0))).toEqual([]);
  });

  it("warn when every weight in a group is 0, not when one is above 0", () => {
    expect(warningsOf((c) => group(c).endpoints.forEach((e: Config) => (e.weight = 0)))).toEqual([
      `${G0}.endpoints: every endpoint has weight 0; this group sends no traffic to any of them`,
    ]);
    expect(warningsOf((c) => (endpoint(c).weight = 0))).toEqual([]);
  });

  it("warn when a health check sits on a group of load balancers only, not on a mixed group", () => {
    expect(warningsOf((c) => (group(c, 1).healthCheck = { protocol: "TCP" }))).toEqual([
      `${L0}.endpointGroups[1].healthCheck: is ignored: this group has only load balancer endpoints, which Global Accelerator checks with the load balancer's own health checks`,
    ]);
    const mixed = (c: Config) => {
      group(c, 1).endpoints.push({ type: "instance", id: "i-0123abcd" });
      group(c, 1).healthCheck = { protocol: "TCP" };
    };
    expect(warningsOf(mixed)).toEqual([]);
  });

  it("warn when a model-server preset sits on a group of only load balancers, naming the target group's check, not on a mixed group", () => {
    expect(warningsOf((c) => (group(c, 1).modelServer = "triton"))).toEqual([
      `${L0}.endpointGroups[1].modelServer: changes nothing here: this group has only load balancer endpoints, which Global Accelerator checks with their target groups' health checks; set the target group's health check to HTTP /v2/health/ready on port 8000 instead`,
    ]);
    expect(warningsOf((c) => ((group(c, 1).modelServer = "triton"), group(c, 1).endpoints.push({ type: "instance", id: "i-0123abcd" })))).toEqual([]);
  });

  it("warn when a stack's autopilot block steers no group, not when a group is steered", () => {
    expect(warningsOf((c) => (stack(c).autopilot = { prometheus: { url: "http://prometheus.monitoring:9090" } }))).toEqual([
      "stacks[0].autopilot: steers nothing: no endpoint group of this stack has an autopilot block (signal and watermarks); add one to each group to steer, or remove this block",
    ]);
    expect(warningsOf((c) => steer(c))).toEqual([]);
  });

  it("warn that ollama's check proves only that the process is up, and not for a server whose check waits for the model", () => {
    expect(warningsOf((c) => (group(c).modelServer = "ollama"))).toEqual([
      `${G0}.modelServer: ollama's readiness check proves only that the process is up: GET / answers "Ollama is running" before any model is loaded (Ollama loads models on first use)`,
    ]);
    expect(warningsOf((c) => (group(c).modelServer = "llama-cpp"))).toEqual([]);
  });
});
