import { GlobalacceleratorEndpointGroup } from "@cdktf/provider-aws/lib/globalaccelerator-endpoint-group";
import { Construct } from "constructs";
import { RESOURCE_NAME } from "../model/contract";
import type { EndpointGroupModel, EndpointModel } from "../model/model";

/** How the stack turns the model's endpoints and traffic settings into Terraform values. */
export interface EndpointGroupBindings {
  /** Resolves an endpoint to its ID (a literal or a lookup's ARN reference). */
  readonly endpointId: (endpoint: EndpointModel, region: string) => string;
  /** The group's traffic dial (the operators' variable, defaulting to the model's value). */
  readonly trafficDial: (group: EndpointGroupModel) => number;
  /** An endpoint's weight (the operators' variable, defaulting to the model's value). */
  readonly weight: (group: EndpointGroupModel, endpoint: EndpointModel) => number;
}

export interface EndpointGroupProps extends EndpointGroupModel {
  readonly listenerArn: string;
  readonly bind: EndpointGroupBindings;
}

/**
 * One endpoint group: a region of a listener. Region, dial, weights and client
 * IP preservation are always written out, so the plan never depends on
 * provider defaults (an omitted region means the provider's own region).
 */
export class RoutingEndpointGroup extends Construct {
  readonly resource: GlobalacceleratorEndpointGroup;
  /** The listener's name and the group's region: together they name the group. */
  readonly listener: string;
  readonly region: string;
  /** The group's model, as the stack was given it. */
  readonly model: EndpointGroupModel;

  constructor(scope: Construct, id: string, props: EndpointGroupProps) {
    super(scope, id);
    this.listener = props.listener;
    this.region = props.region;
    const { listenerArn: _arn, bind: _bind, ...model } = props;
    this.model = model;
    const hc = props.healthCheck;
    this.resource = new GlobalacceleratorEndpointGroup(this, "Default", {
      listenerArn: props.listenerArn,
      endpointGroupRegion: props.region,
      trafficDialPercentage: props.bind.trafficDial(props),
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
        endpointId: props.bind.endpointId(ep, props.region),
        weight: props.bind.weight(props, ep),
        clientIpPreservationEnabled: ep.clientIpPreservation,
      })),
      // A steered group's dial belongs to the autopilot; the dial written here is created with the group and
      // is the autopilot's ceiling (published beside the stack), so a plan after its moves stays empty.
      ...(props.autopilot !== undefined && { lifecycle: { ignoreChanges: ["traffic_dial_percentage"] } }),
    });
    this.resource.overrideLogicalId(RESOURCE_NAME.endpointGroup(props));
  }
}
