import { GlobalacceleratorEndpointGroup } from "@cdktf/provider-aws/lib/globalaccelerator-endpoint-group";
import { Construct } from "constructs";
import type { EndpointGroupModel, EndpointModel } from "../config/model";

export interface EndpointGroupProps extends EndpointGroupModel {
  readonly listenerArn: string;
  /** Resolves an endpoint to its ID (a literal or a lookup's ARN reference). */
  readonly endpointId: (endpoint: EndpointModel, region: string) => string;
}

/** Terraform name of an endpoint group: `<listener>_<region>`. */
export function endpointGroupAddress(group: Pick<EndpointGroupModel, "listener" | "region">): string {
  return `${group.listener}_${group.region}`;
}

/**
 * One endpoint group: a region of a listener. Region, dial, weights and client
 * IP preservation are always written out, so the plan never depends on
 * provider defaults (an omitted region means the provider's own region).
 */
export class RoutingEndpointGroup extends Construct {
  readonly resource: GlobalacceleratorEndpointGroup;

  constructor(scope: Construct, id: string, props: EndpointGroupProps) {
    super(scope, id);
    const hc = props.healthCheck;
    this.resource = new GlobalacceleratorEndpointGroup(this, "Default", {
      listenerArn: props.listenerArn,
      endpointGroupRegion: props.region,
      trafficDialPercentage: props.trafficDialPercentage,
      healthCheckProtocol: hc.protocol,
      healthCheckPort: hc.port,
      // Only HTTP and HTTPS use a path; on TCP the provider would show a change on every plan.
      ...(hc.path !== undefined && { healthCheckPath: hc.path }),
      healthCheckIntervalSeconds: hc.intervalSeconds,
      thresholdCount: hc.thresholdCount,
      ...(props.portOverrides.length > 0 && {
        portOverride: props.portOverrides.map((o) => ({ listenerPort: o.listenerPort, endpointPort: o.endpointPort })),
      }),
      endpointConfiguration: props.endpoints.map((ep) => ({
        endpointId: props.endpointId(ep, props.region),
        weight: ep.weight,
        clientIpPreservationEnabled: ep.clientIpPreservation,
      })),
    });
    this.resource.overrideLogicalId(endpointGroupAddress(props));
  }
}
