// Each construct's behaviour, one expectation per test, with cdktf's matchers
// on a synthesized stack. GIVEN a config, WHEN it is synthesized, THEN ...
import { DataAwsLb } from "@cdktf/provider-aws/lib/data-aws-lb";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { GlobalacceleratorAccelerator } from "@cdktf/provider-aws/lib/globalaccelerator-accelerator";
import { GlobalacceleratorEndpointGroup } from "@cdktf/provider-aws/lib/globalaccelerator-endpoint-group";
import { GlobalacceleratorListener } from "@cdktf/provider-aws/lib/globalaccelerator-listener";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { ShieldProtection } from "@cdktf/provider-aws/lib/shield-protection";
import "cdktf/lib/testing/adapters/jest";
import { ALB_USE1, synthOne, validConfig } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;
const synthWith = (change: (c: Config) => void = () => {}) => {
  const c = validConfig();
  change(c);
  return synthOne(c);
};
const parsed = (change?: (c: Config) => void) => JSON.parse(synthWith(change));

describe("the accelerator", () => {
  const synth = synthWith();

  it("has the config's name and IP type, enabled from the operators' variable, flow logs off when false", () => {
    expect(synth).toHaveResourceWithProperties(GlobalacceleratorAccelerator, {
      name: "test-accelerator",
      ip_address_type: "IPV4",
      enabled: "${var.accelerator_enabled}",
      attributes: { flow_logs_enabled: false },
    });
  });

  it("is protected from destroy by default", () => {
    expect(synth).toHaveResourceWithProperties(GlobalacceleratorAccelerator, { lifecycle: { prevent_destroy: true } });
  });

  it("is not protected when protectFromDestroy is false", () => {
    const json = parsed((c) => (c.stacks[0].accelerator.protectFromDestroy = false));
    expect(json.resource.aws_globalaccelerator_accelerator.accelerator).not.toHaveProperty("lifecycle");
  });

  it("writes flow-log attributes when flow logs are on", () => {
    const synthOn = synthWith((c) => (c.stacks[0].accelerator.flowLogs = { bucket: "acme-flow-logs", prefix: "ga/" }));
    expect(synthOn).toHaveResourceWithProperties(GlobalacceleratorAccelerator, {
      attributes: { flow_logs_enabled: true, flow_logs_s3_bucket: "acme-flow-logs", flow_logs_s3_prefix: "ga/" },
    });
  });

  it("writes BYOIP addresses and dual stack when configured", () => {
    const byoip = synthWith((c) => {
      c.stacks[0].accelerator.ipAddresses = ["198.51.100.7"];
      c.stacks[0].accelerator.ipAddressType = "DUAL_STACK";
      c.stacks[0].listeners[0].endpointGroups[0].endpoints.shift();
    });
    expect(byoip).toHaveResourceWithProperties(GlobalacceleratorAccelerator, { ip_addresses: ["198.51.100.7"], ip_address_type: "DUAL_STACK" });
  });

  it("writes no ip_addresses without BYOIP", () => {
    expect(parsed().resource.aws_globalaccelerator_accelerator.accelerator).not.toHaveProperty("ip_addresses");
  });
});

describe("a listener", () => {
  const synth = synthWith();

  it("has its protocol, port ranges (toPort defaulted) and client affinity", () => {
    expect(synth).toHaveResourceWithProperties(GlobalacceleratorListener, {
      accelerator_arn: "${aws_globalaccelerator_accelerator.accelerator.arn}",
      protocol: "TCP",
      client_affinity: "NONE",
      port_range: [{ from_port: 443, to_port: 443 }],
    });
    expect(synth).toHaveResourceWithProperties(GlobalacceleratorListener, {
      protocol: "UDP",
      client_affinity: "SOURCE_IP",
      port_range: [{ from_port: 9000, to_port: 9010 }],
    });
  });
});

describe("an endpoint group", () => {
  const synth = synthWith();
  const groups = JSON.parse(synth).resource.aws_globalaccelerator_endpoint_group;

  it("states its region, dial and health check explicitly, with the path for HTTP", () => {
    expect(synth).toHaveResourceWithProperties(GlobalacceleratorEndpointGroup, {
      listener_arn: "${aws_globalaccelerator_listener.inference.arn}",
      endpoint_group_region: "us-west-1",
      traffic_dial_percentage: '${lookup(var.traffic_dials, "inference/us-west-1", 100)}',
      health_check_protocol: "HTTP",
      health_check_port: 8000,
      health_check_path: "/health",
      health_check_interval_seconds: 10,
      threshold_count: 2,
      port_override: [{ listener_port: 443, endpoint_port: 8443 }],
    });
  });

  it("defaults to a TCP check on the listener's first port, every 30 s, threshold 3, and writes no path", () => {
    expect(groups["inference_us-east-1"]).toMatchObject({
      endpoint_group_region: "us-east-1",
      traffic_dial_percentage: '${lookup(var.traffic_dials, "inference/us-east-1", 25)}',
      health_check_protocol: "TCP",
      health_check_port: 443,
      health_check_interval_seconds: 30,
      threshold_count: 3,
    });
    expect(groups["inference_us-east-1"]).not.toHaveProperty("health_check_path");
    expect(groups["inference_us-east-1"]).not.toHaveProperty("port_override");
  });

  it("writes every endpoint's weight (the operators' variable, falling back to the config's) and client IP preservation, with the defaults by type", () => {
    expect(groups["inference_us-west-1"].endpoint_configuration).toEqual([
      {
        endpoint_id: "eipalloc-0123456789abcdef0",
        weight: '${lookup(var.endpoint_weights, "inference/us-west-1/eipalloc-0123456789abcdef0", 128)}',
        client_ip_preservation_enabled: false,
      },
      {
        endpoint_id: "i-0123456789abcdef0",
        weight: '${lookup(var.endpoint_weights, "inference/us-west-1/i-0123456789abcdef0", 64)}',
        client_ip_preservation_enabled: true,
      },
    ]);
    expect(groups["inference_us-east-1"].endpoint_configuration).toEqual([
      { endpoint_id: ALB_USE1, weight: '${lookup(var.endpoint_weights, "inference/us-east-1/vllm-use1", 128)}', client_ip_preservation_enabled: true },
      {
        endpoint_id: "${data.aws_lb.us-east-1_triton-use1.arn}",
        weight: '${lookup(var.endpoint_weights, "inference/us-east-1/triton-use1", 200)}',
        client_ip_preservation_enabled: false,
      },
    ]);
  });

  it("writes the default path / for an HTTPS check without one", () => {
    const json = parsed((c) => (c.stacks[0].listeners[0].endpointGroups[0].healthCheck = { protocol: "HTTPS" }));
    expect(json.resource.aws_globalaccelerator_endpoint_group["inference_us-west-1"]).toMatchObject({ health_check_protocol: "HTTPS", health_check_path: "/" });
  });
});

describe("a model-server preset", () => {
  const withPreset = (server: string, healthCheck?: Record<string, unknown>) =>
    parsed((c) => {
      const group = c.stacks[0].listeners[0].endpointGroups[0];
      group.modelServer = server;
      if (healthCheck === undefined) delete group.healthCheck;
      else group.healthCheck = healthCheck;
    }).resource.aws_globalaccelerator_endpoint_group["inference_us-west-1"];

  it("sets an HTTP check on the server's readiness path and default port", () => {
    expect(synthWith((c) => {
      c.stacks[0].listeners[0].endpointGroups[0].modelServer = "triton";
      delete c.stacks[0].listeners[0].endpointGroups[0].healthCheck;
    })).toHaveResourceWithProperties(GlobalacceleratorEndpointGroup, {
      endpoint_group_region: "us-west-1",
      health_check_protocol: "HTTP",
      health_check_path: "/v2/health/ready",
      health_check_port: 8000,
      health_check_interval_seconds: 30,
      threshold_count: 3,
    });
  });

  it.each([
    ["vllm", "/health", 8000],
    ["tgi", "/health", 80],
    ["sglang", "/health_generate", 30000],
    ["llama-cpp", "/health", 8080],
    ["ollama", "/", 11434],
    ["ray-serve", "/-/healthz", 8000],
    ["trtllm", "/health", 8000],
    ["kserve", "/v2/health/ready", 8080],
  ])("%s: path %s on port %d", (server, path, port) => {
    expect(withPreset(server)).toMatchObject({ health_check_protocol: "HTTP", health_check_path: path, health_check_port: port });
  });

  it("leaves every field healthCheck sets itself as it is", () => {
    expect(withPreset("vllm", { protocol: "HTTPS", port: 8443, intervalSeconds: 10 })).toMatchObject({
      health_check_protocol: "HTTPS",
      health_check_port: 8443,
      health_check_path: "/health",
      health_check_interval_seconds: 10,
    });
    expect(withPreset("vllm", { path: "/v1/models" })).toMatchObject({ health_check_protocol: "HTTP", health_check_path: "/v1/models", health_check_port: 8000 });
  });

  it("writes no path when healthCheck makes the check TCP, but still probes the server's port", () => {
    const group = withPreset("vllm", { protocol: "TCP" });
    expect(group).toMatchObject({ health_check_protocol: "TCP", health_check_port: 8000 });
    expect(group).not.toHaveProperty("health_check_path");
  });

  it("changes nothing in the JSON of a group of only load balancers", () => {
    const without = parsed().resource.aws_globalaccelerator_endpoint_group["inference_us-east-1"];
    const withTriton = parsed((c) => (c.stacks[0].listeners[0].endpointGroups[1].modelServer = "triton")).resource.aws_globalaccelerator_endpoint_group["inference_us-east-1"];
    expect(withTriton).toEqual(without);
  });
});

describe("a custom domain", () => {
  const withDns = (dns: Record<string, unknown>, change: (c: Config) => void = () => {}) =>
    synthWith((c) => {
      c.stacks[0].dns = dns;
      change(c);
    });
  const synth = withDns({ zone: "Example.com", names: ["API.example.com", "example.com"] });

  it("finds a zone given by name with a data source of the public zone of that name", () => {
    expect(synth).toHaveDataSourceWithProperties(DataAwsRoute53Zone, { name: "example.com" });
    expect(JSON.parse(synth).data.aws_route53_zone.zone).not.toHaveProperty("private_zone");
  });

  it("points an alias A record per name at the accelerator's DNS name in Global Accelerator's zone Z2BJ6XQ5FK7U4H", () => {
    expect(synth).toHaveResourceWithProperties(Route53Record, {
      zone_id: "${data.aws_route53_zone.zone.zone_id}",
      name: "api.example.com",
      type: "A",
      alias: { name: "${aws_globalaccelerator_accelerator.accelerator.dns_name}", zone_id: "Z2BJ6XQ5FK7U4H", evaluate_target_health: true },
    });
    expect(synth).toHaveResourceWithProperties(Route53Record, { name: "example.com", type: "A" });
    expect(synth).not.toHaveResourceWithProperties(Route53Record, { type: "AAAA" });
  });

  it("names each record by type and name, and adds nothing but the zone and the records", () => {
    const json = JSON.parse(synth);
    expect(Object.keys(json.resource.aws_route53_record)).toEqual(["A_api_example_com", "A_example_com"]);
    expect(Object.keys(json.data)).toEqual(["aws_lb", "aws_route53_zone"]);
    expect(json.resource).not.toHaveProperty("aws_shield_protection");
  });

  it("adds an AAAA record per name for a dual-stack accelerator, both aliases to the dual-stack name", () => {
    const json = JSON.parse(
      withDns({ zone: "example.com", names: ["api.example.com"] }, (c) => {
        c.stacks[0].accelerator.ipAddressType = "DUAL_STACK";
        c.stacks[0].listeners[0].endpointGroups[0].endpoints.shift();
      }),
    );
    const records = json.resource.aws_route53_record;
    expect(Object.keys(records)).toEqual(["AAAA_api_example_com", "A_api_example_com"]);
    for (const record of Object.values(records) as { alias: { name: string } }[]) {
      expect(record.alias.name).toBe("${aws_globalaccelerator_accelerator.accelerator.dual_stack_dns_name}");
    }
  });

  it("uses a zone given by ID as it is, with no data source, and the config's evaluateTargetHealth", () => {
    const byId = withDns({ zoneId: "Z0123456789ABCDEFGHIJ", names: ["api.example.com"], evaluateTargetHealth: false });
    expect(byId).toHaveResourceWithProperties(Route53Record, {
      zone_id: "Z0123456789ABCDEFGHIJ",
      alias: { name: "${aws_globalaccelerator_accelerator.accelerator.dns_name}", zone_id: "Z2BJ6XQ5FK7U4H", evaluate_target_health: false },
    });
    expect(JSON.parse(byId).data).not.toHaveProperty("aws_route53_zone");
  });

  it("uses the default provider: the AWS provider calls Route 53 in us-east-1 whatever its region", () => {
    const json = JSON.parse(synth);
    expect(json.data.aws_route53_zone.zone).not.toHaveProperty("provider");
    for (const record of Object.values(json.resource.aws_route53_record)) expect(record).not.toHaveProperty("provider");
  });

  it("outputs the URLs by listener: https on TCP 443, else the protocol and first port", () => {
    expect(JSON.parse(synth).output.urls.value).toEqual({
      inference: ["https://api.example.com", "https://example.com"],
      streaming: ["udp://api.example.com:9000", "udp://example.com:9000"],
    });
  });
});

describe("Shield Advanced", () => {
  it("protects the accelerator by ARN when shield is true, named and tagged after the stack", () => {
    expect(synthWith((c) => (c.stacks[0].accelerator.shield = true))).toHaveResourceWithProperties(ShieldProtection, {
      name: "test-accelerator",
      resource_arn: "${aws_globalaccelerator_accelerator.accelerator.arn}",
      tags: { "smart-routing:stack": "test" },
    });
  });

  it("is absent by default, and uses the default provider (the AWS provider calls Shield in us-east-1)", () => {
    expect(parsed().resource).not.toHaveProperty("aws_shield_protection");
    expect(parsed((c) => (c.stacks[0].accelerator.shield = true)).resource.aws_shield_protection.accelerator).not.toHaveProperty("provider");
  });
});

describe("the operator controls", () => {
  const variables = parsed().variable;

  it("are three variables whose defaults are exactly the config's dials, weights and enabled flag", () => {
    expect(Object.keys(variables).sort()).toEqual(["accelerator_enabled", "endpoint_weights", "traffic_dials"]);
    expect(variables.traffic_dials).toMatchObject({
      type: "map(number)",
      nullable: false,
      default: { "inference/us-west-1": 100, "inference/us-east-1": 25, "streaming/ap-northeast-1": 100 },
    });
    expect(variables.endpoint_weights).toMatchObject({
      type: "map(number)",
      nullable: false,
      default: {
        "inference/us-west-1/eipalloc-0123456789abcdef0": 128,
        "inference/us-west-1/i-0123456789abcdef0": 64,
        "inference/us-east-1/vllm-use1": 128,
        "inference/us-east-1/triton-use1": 200,
        "streaming/ap-northeast-1/i-0fedcba9": 128,
      },
    });
    expect(variables.accelerator_enabled).toMatchObject({ type: "bool", nullable: false, default: true });
  });

  it("fall back to a dial or weight of 0 from the config (cdktf's Fn.lookup would drop a 0 default)", () => {
    const json = parsed((c) => {
      c.stacks[0].listeners[0].endpointGroups[1].trafficDialPercentage = 0;
      c.stacks[0].listeners[0].endpointGroups[1].endpoints[0].weight = 0;
    });
    const group = json.resource.aws_globalaccelerator_endpoint_group["inference_us-east-1"];
    expect(group.traffic_dial_percentage).toBe('${lookup(var.traffic_dials, "inference/us-east-1", 0)}');
    expect(group.endpoint_configuration[0].weight).toBe('${lookup(var.endpoint_weights, "inference/us-east-1/vllm-use1", 0)}');
  });

  it("default accelerator_enabled to false when the config disables the accelerator", () => {
    expect(parsed((c) => (c.stacks[0].accelerator.enabled = false)).variable.accelerator_enabled.default).toBe(false);
  });

  it("validate each map's keys against this stack's groups and endpoints, and the API's ranges", () => {
    const [dialKeys, dialRange] = variables.traffic_dials.validation;
    expect(dialKeys.condition).toBe(
      '${alltrue([for k in keys(var.traffic_dials) : contains(["inference/us-west-1","inference/us-east-1","streaming/ap-northeast-1"], k)])}',
    );
    expect(dialRange.condition).toBe("${alltrue([for v in values(var.traffic_dials) : v == null ? false : v >= 0 && v <= 100])}");
    const [, weightRange] = variables.endpoint_weights.validation;
    expect(weightRange.condition).toBe(
      "${alltrue([for v in values(var.endpoint_weights) : v == null ? false : v >= 0 && v <= 255 && floor(v) == v])}",
    );
  });
});

describe("a load balancer lookup", () => {
  const synth = synthWith();

  it("reads the load balancer by name through the group region's aliased provider", () => {
    expect(synth).toHaveDataSourceWithProperties(DataAwsLb, { name: "triton-use1", provider: "aws.us-east-1" });
  });

  it("fails the plan when the name finds the other kind of load balancer", () => {
    const lb = JSON.parse(synth).data.aws_lb["us-east-1_triton-use1"];
    expect(lb.lifecycle.postcondition).toEqual([
      {
        condition: '${self.load_balancer_type == "network"}',
        error_message: "triton-use1 in us-east-1 is not a Network Load Balancer; check the endpoint's type in the config.",
      },
    ]);
  });

  it("is declared once when two listeners use the same load balancer", () => {
    const json = parsed((c) => {
      c.stacks[0].listeners[1].endpointGroups.push({ region: "us-east-1", endpoints: [{ type: "nlb", lookup: { name: "triton-use1" } }] });
    });
    expect(Object.keys(json.data.aws_lb)).toEqual(["us-east-1_triton-use1"]);
  });
});

describe("the providers", () => {
  const synth = synthWith((c) => {
    c.stacks[0].tags = { team: "ml-platform" };
    c.stacks[0].allowedAccountIds = ["123456789012"];
  });

  it("put the default provider in us-west-2, where the Global Accelerator API is", () => {
    const providers = JSON.parse(synth).provider.aws;
    expect(providers.filter((p: { alias?: string }) => p.alias === undefined)).toEqual([
      { region: "us-west-2", default_tags: [{ tags: { team: "ml-platform" } }], allowed_account_ids: ["123456789012"] },
    ]);
  });

  it("give every endpoint region an aliased provider named after it, with the same tags and accounts", () => {
    for (const region of ["ap-northeast-1", "us-east-1", "us-west-1"]) {
      expect(synth).toHaveProviderWithProperties(AwsProvider, {
        alias: region,
        region,
        default_tags: [{ tags: { team: "ml-platform" } }],
        allowed_account_ids: ["123456789012"],
      });
    }
    expect(JSON.parse(synth).provider.aws).toHaveLength(4);
  });
});

describe("the backend", () => {
  it("is S3 with encryption, S3-native locking and the default key", () => {
    expect(parsed().terraform.backend).toEqual({
      s3: { bucket: "acme-terraform-state", key: "smart-routing/test.tfstate", region: "us-west-2", encrypt: true, use_lockfile: true },
    });
  });

  it("carries the KMS key and DynamoDB table when given, and no lockfile when it is off", () => {
    const json = parsed((c) =>
      Object.assign(c.stacks[0].backend, { key: "ga/prod.tfstate", kmsKeyId: "alias/state", lockfile: false, dynamodbTable: "locks" }),
    );
    expect(json.terraform.backend).toEqual({
      s3: { bucket: "acme-terraform-state", key: "ga/prod.tfstate", region: "us-west-2", encrypt: true, kms_key_id: "alias/state", dynamodb_table: "locks" },
    });
  });

  it("requires Terraform 1.10 or later, the first with S3-native locking", () => {
    expect(parsed().terraform.required_version).toBe(">= 1.10.0");
  });

  it("has no key that Terraform 1.10+ removed or deprecated", () => {
    const keys = Object.keys(parsed().terraform.backend.s3);
    for (const removed of ["role_arn", "use_legacy_workflow", "endpoint", "force_path_style", "session_name", "external_id"]) {
      expect(keys).not.toContain(removed);
    }
  });
});

describe("the outputs", () => {
  it("name the accelerator's DNS, static IPs, zone, ARN and the ARNs of listeners and groups by config name", () => {
    const output = parsed().output;
    expect(Object.keys(output).sort()).toEqual(["accelerator_arn", "dns_name", "endpoint_group_arns", "hosted_zone_id", "listener_arns", "static_ips"]);
    expect(output.static_ips.value).toBe("${flatten(aws_globalaccelerator_accelerator.accelerator.ip_sets[*].ip_addresses)}");
    expect(output.listener_arns.value).toEqual({
      inference: "${aws_globalaccelerator_listener.inference.arn}",
      streaming: "${aws_globalaccelerator_listener.streaming.arn}",
    });
    expect(output.endpoint_group_arns.value).toEqual({
      "inference/us-west-1": "${aws_globalaccelerator_endpoint_group.inference_us-west-1.arn}",
      "inference/us-east-1": "${aws_globalaccelerator_endpoint_group.inference_us-east-1.arn}",
      "streaming/ap-northeast-1": "${aws_globalaccelerator_endpoint_group.streaming_ap-northeast-1.arn}",
    });
  });

  it("add dual_stack_dns_name for a dual-stack accelerator only", () => {
    const json = parsed((c) => {
      c.stacks[0].accelerator.ipAddressType = "DUAL_STACK";
      c.stacks[0].listeners[0].endpointGroups[0].endpoints.shift();
    });
    expect(json.output.dual_stack_dns_name.value).toBe("${aws_globalaccelerator_accelerator.accelerator.dual_stack_dns_name}");
  });
});
