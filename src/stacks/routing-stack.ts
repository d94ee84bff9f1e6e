import { S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { RoutingAccelerator } from "../constructs/accelerator";
import { AutopilotParameter } from "../constructs/autopilot-parameter";
import { RoutingDns } from "../constructs/dns";
import type { EndpointGroupBindings } from "../constructs/endpoint-group";
import { LoadBalancerLookups } from "../constructs/load-balancer-lookups";
import { OperatorControls } from "../constructs/operator-controls";
import { RegionalProviders } from "../constructs/regional-providers";
import { AcceleratorShield } from "../constructs/shield";
import { ADDRESS, OUTPUT, trafficDialKey } from "../model/contract";
import type { StackModel } from "../model/model";
import { moveRenamedListeners } from "./renames";

/**
 * One routing stack, one state file: the S3 backend, the providers, the
 * accelerator with its listeners and endpoint groups, and the outputs.
 * Terraform addresses come only from names in the config, so moving code
 * around here never moves a resource.
 */
export class RoutingStack extends TerraformStack {
  readonly accelerator: RoutingAccelerator;

  constructor(scope: Construct, model: StackModel) {
    super(scope, model.name);
    this.addBackend(model);

    const providers = new RegionalProviders(this, "providers", {
      regions: model.endpointRegions,
      tags: model.tags,
      ...(model.allowedAccountIds !== undefined && { allowedAccountIds: model.allowedAccountIds }),
    });
    const lookups = new LoadBalancerLookups(this, "lookups", model.lookups, providers);
    const controls = new OperatorControls(this, "controls", model);
    const bind: EndpointGroupBindings = {
      endpointId: (ep, region) => (ep.lookup !== undefined ? lookups.arnOf(region, ep.lookup.name) : ep.id),
      trafficDial: (group) => controls.trafficDial(group),
      weight: (group, ep) => controls.weight(group, ep),
    };

    this.accelerator = new RoutingAccelerator(this, "accelerator", { ...model.accelerator, enabled: controls.acceleratorEnabled });
    for (const listenerModel of model.listeners) {
      const listener = this.accelerator.addListener(listenerModel);
      for (const group of listenerModel.endpointGroups) listener.addEndpointGroup(group, bind);
    }
    moveRenamedListeners(this.accelerator);
    const groups = this.accelerator.listeners.flatMap((l) => l.endpointGroups);
    const steered = groups.filter((g) => g.model.autopilot !== undefined);
    if (steered.length > 0) {
      // The address from the contract, not the resource's fqn: a token among several in one string is
      // not always resolved to a bare reference.
      const published = (g: (typeof groups)[number]) => ({
        group: g.model,
        arnExpression: `${ADDRESS.endpointGroup(g.model)}.arn`,
        ceilingExpression: controls.trafficDialExpression(g.model),
      });
      new AutopilotParameter(this, "autopilot", model, steered.map(published), groups.filter((g) => g.model.autopilot === undefined).map(published));
    }
    if (model.dns !== undefined) new RoutingDns(this, "dns", model.dns, this.accelerator.resource);
    if (model.accelerator.shield) new AcceleratorShield(this, "shield", model.name, this.accelerator.resource);
    this.addOutputs(model);
  }

  private addBackend(model: StackModel): void {
    const b = model.backend;
    const backend = new S3Backend(this, {
      bucket: b.bucket,
      key: b.key,
      region: b.region,
      encrypt: b.encrypt,
      ...(b.kmsKeyId !== undefined && { kmsKeyId: b.kmsKeyId }),
      ...(b.dynamodbTable !== undefined && { dynamodbTable: b.dynamodbTable }),
    });
    // cdktf 0.21's S3Backend has no useLockfile; S3-native locking needs Terraform >= 1.10, and an older
    // Terraform should say so plainly rather than fail on an unknown backend argument.
    if (b.lockfile) backend.addOverride("use_lockfile", true);
    this.addOverride("terraform.required_version", ">= 1.10.0");
  }

  private addOutputs(model: StackModel): void {
    const accelerator = this.accelerator.resource;
    const output = (id: string, value: unknown, description: string) =>
      new TerraformOutput(this, id, { value, description, staticId: true });

    output(OUTPUT.dnsName, accelerator.dnsName, "DNS name of the accelerator (IPv4).");
    if (model.accelerator.ipAddressType === "DUAL_STACK") {
      output(OUTPUT.dualStackDnsName, accelerator.dualStackDnsName, "DNS name of the accelerator (IPv4 and IPv6).");
    }
    output(OUTPUT.staticIps, `\${flatten(${accelerator.fqn}.ip_sets[*].ip_addresses)}`, "The accelerator's static anycast IP addresses.");
    output(OUTPUT.hostedZoneId, accelerator.hostedZoneId, "Route 53 hosted zone ID for alias records to the accelerator.");
    output(OUTPUT.acceleratorArn, accelerator.arn, "ARN of the accelerator.");
    const listeners = this.accelerator.listeners;
    output(OUTPUT.listenerArns, Object.fromEntries(listeners.map((l) => [l.name, l.resource.arn])), "Listener ARN by listener name.");
    output(
      OUTPUT.endpointGroupArns,
      Object.fromEntries(listeners.flatMap((l) => l.endpointGroups.map((g) => [trafficDialKey(g), g.resource.arn]))),
      "Endpoint group ARN by <listener>/<region>.",
    );
    if (model.dns !== undefined) {
      output(OUTPUT.urls, model.dns.urls, "The URLs of the custom domain's names, by listener: https://<name> on TCP 443, else <tcp|udp>://<name>:<first port>.");
    }
  }
}
