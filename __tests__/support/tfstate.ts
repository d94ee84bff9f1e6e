// Terraform state documents (format version 4) holding Global Accelerator objects that "already exist",
// for plans against a state in the local S3 backend. No Global Accelerator API is reachable here, so such
// plans run with -refresh=false: Terraform compares the config with exactly this state.
import { randomUUID } from "node:crypto";

const PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';
const ACCOUNT = "123456789012";
export const ACCELERATOR_ARN = `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;

export function accelerator({ name, ipAddresses = [], ips = ["192.0.2.10", "192.0.2.11"] }: { name: string; ipAddresses?: string[]; ips?: string[] }) {
  return {
    id: ACCELERATOR_ARN,
    arn: ACCELERATOR_ARN,
    name,
    enabled: true,
    ip_address_type: "IPV4",
    ip_addresses: ipAddresses,
    attributes: [{ flow_logs_enabled: false, flow_logs_s3_bucket: "", flow_logs_s3_prefix: "" }],
    dns_name: "a0123456789abcdef.awsglobalaccelerator.com",
    dual_stack_dns_name: "",
    hosted_zone_id: "Z2BJ6XQ5FK7U4H",
    ip_sets: [{ ip_addresses: ips, ip_family: "IPv4" }],
    tags: null,
    tags_all: {},
    timeouts: null,
  };
}

export function listener({ port = 443, protocol = "TCP" }: { port?: number; protocol?: string }) {
  const arn = `${ACCELERATOR_ARN}/listener/0a1b2c3d`;
  return { id: arn, arn, accelerator_arn: ACCELERATOR_ARN, client_affinity: "NONE", protocol, port_range: [{ from_port: port, to_port: port }], timeouts: null };
}

export function endpointGroup({ region, endpoints, dial = 100, port = 443 }: { region: string; endpoints: { id: string; weight: number }[]; dial?: number; port?: number }) {
  const arn = `${ACCELERATOR_ARN}/listener/0a1b2c3d/endpoint-group/${region.replace(/-/g, "")}0a1b`;
  return {
    id: arn,
    arn,
    listener_arn: `${ACCELERATOR_ARN}/listener/0a1b2c3d`,
    endpoint_group_region: region,
    traffic_dial_percentage: dial,
    health_check_interval_seconds: 30,
    health_check_path: "",
    health_check_port: port,
    health_check_protocol: "TCP",
    threshold_count: 3,
    port_override: [],
    endpoint_configuration: endpoints.map((e) => ({
      attachment_arn: "",
      client_ip_preservation_enabled: false,
      endpoint_id: e.id,
      weight: e.weight,
    })),
    timeouts: null,
  };
}

/** A state document with the given resources: [{ type, name, attributes }]. */
export function stateWith(resources: { type: string; name: string; attributes: unknown }[], serial = 1): string {
  return JSON.stringify(
    {
      version: 4,
      terraform_version: "1.11.4",
      serial,
      lineage: randomUUID(),
      outputs: {},
      resources: resources.map((r) => ({
        mode: "managed",
        type: r.type,
        name: r.name,
        provider: PROVIDER,
        instances: [{ schema_version: 0, attributes: r.attributes, sensitive_attributes: [], dependencies: [] }],
      })),
      check_results: null,
    },
    null,
    2,
  );
}
