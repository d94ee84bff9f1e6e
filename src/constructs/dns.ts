import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { GlobalacceleratorAccelerator } from "@cdktf/provider-aws/lib/globalaccelerator-accelerator";
import { Construct } from "constructs";
import { GA_HOSTED_ZONE_ID } from "../config/limits";
import { RESOURCE_NAME } from "../model/contract";
import type { DnsModel } from "../model/model";

/**
 * The accelerator's custom domain: the hosted zone (found by name at plan time, unless the config gives
 * its ID) and an alias record per name and type. The default provider serves: Route 53 is a global API
 * that the AWS provider always calls in us-east-1, whatever the provider's region (route53/service_package.go).
 */
export class RoutingDns extends Construct {
  readonly records: Route53Record[] = [];

  constructor(scope: Construct, id: string, dns: DnsModel, accelerator: GlobalacceleratorAccelerator) {
    super(scope, id);
    let zoneId = dns.zoneId;
    if (dns.zone !== undefined) {
      // private_zone defaults to false: the lookup finds the public zone of that name, which clients resolve.
      const zone = new DataAwsRoute53Zone(this, RESOURCE_NAME.dnsZone, { name: dns.zone });
      zone.overrideLogicalId(RESOURCE_NAME.dnsZone);
      zoneId = zone.zoneId;
    }
    if (zoneId === undefined) throw new Error("a DNS model names neither zone nor zoneId; validate the config first");
    for (const record of dns.records) {
      const resource = new Route53Record(this, RESOURCE_NAME.dnsRecord(record), {
        zoneId,
        name: record.name,
        type: record.type,
        alias: {
          name: dns.target === "dualStackDnsName" ? accelerator.dualStackDnsName : accelerator.dnsName,
          // A literal, known at plan time: every accelerator's alias zone (the provider's hosted_zone_id is this constant).
          zoneId: GA_HOSTED_ZONE_ID,
          evaluateTargetHealth: dns.evaluateTargetHealth,
        },
      });
      resource.overrideLogicalId(RESOURCE_NAME.dnsRecord(record));
      this.records.push(resource);
    }
  }
}
