import { GlobalacceleratorListener } from "@cdktf/provider-aws/lib/globalaccelerator-listener";
import { Construct } from "constructs";
import { RESOURCE_NAME } from "../model/contract";
import type { EndpointGroupModel, ListenerModel } from "../model/model";
import { RoutingEndpointGroup, type EndpointGroupBindings } from "./endpoint-group";

export interface ListenerProps extends Omit<ListenerModel, "endpointGroups"> {
  readonly acceleratorArn: string;
}

/** A listener: protocol, port ranges and client affinity; its address is the listener's name. */
export class RoutingListener extends Construct {
  readonly resource: GlobalacceleratorListener;
  /** The listener's name in the config (its Terraform name). */
  readonly name: string;
  /** Its previous name, when the config renamed it. */
  readonly renamedFrom?: string;
  readonly endpointGroups: RoutingEndpointGroup[] = [];

  constructor(scope: Construct, id: string, props: ListenerProps) {
    super(scope, id);
    this.name = props.name;
    this.renamedFrom = props.renamedFrom;
    this.resource = new GlobalacceleratorListener(this, "Default", {
      acceleratorArn: props.acceleratorArn,
      protocol: props.protocol,
      clientAffinity: props.clientAffinity,
      portRange: props.portRanges.map((r) => ({ fromPort: r.fromPort, toPort: r.toPort })),
    });
    this.resource.overrideLogicalId(RESOURCE_NAME.listener(props.name));
  }

  addEndpointGroup(group: EndpointGroupModel, bind: EndpointGroupBindings): RoutingEndpointGroup {
    const added = new RoutingEndpointGroup(this, group.region, { ...group, listenerArn: this.resource.arn, bind });
    this.endpointGroups.push(added);
    return added;
  }
}
