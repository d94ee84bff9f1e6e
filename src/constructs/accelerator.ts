import { GlobalacceleratorAccelerator } from "@cdktf/provider-aws/lib/globalaccelerator-accelerator";
import type { IResolvable } from "cdktf";
import { Construct } from "constructs";
import { RESOURCE_NAME } from "../model/contract";
import type { AcceleratorModel, ListenerModel } from "../model/model";
import { RoutingListener } from "./listener";

export interface AcceleratorProps extends Omit<AcceleratorModel, "enabled"> {
  /** The model's flag, or the operators' variable that defaults to it. */
  readonly enabled: boolean | IResolvable;
}

/**
 * The accelerator and its static anycast IPs. It is protected from destroy
 * unless the config says otherwise: deleting an accelerator loses its IP
 * addresses for ever, and nothing brings them back.
 */
export class RoutingAccelerator extends Construct {
  readonly resource: GlobalacceleratorAccelerator;
  readonly listeners: RoutingListener[] = [];

  constructor(scope: Construct, id: string, props: AcceleratorProps) {
    super(scope, id);
    this.resource = new GlobalacceleratorAccelerator(this, "Default", {
      name: props.name,
      ipAddressType: props.ipAddressType,
      enabled: props.enabled,
      ...(props.ipAddresses.length > 0 && { ipAddresses: [...props.ipAddresses] }),
      attributes:
        props.flowLogs === undefined
          ? { flowLogsEnabled: false }
          : {
              flowLogsEnabled: true,
              flowLogsS3Bucket: props.flowLogs.bucket,
              // Always written: the API reference requires a prefix when flow logs are on (the model defaults it).
              flowLogsS3Prefix: props.flowLogs.prefix,
            },
      ...(props.protectFromDestroy && { lifecycle: { preventDestroy: true } }),
    });
    this.resource.overrideLogicalId(RESOURCE_NAME.accelerator);
  }

  addListener(listener: Omit<ListenerModel, "endpointGroups">): RoutingListener {
    const added = new RoutingListener(this, listener.name, { ...listener, acceleratorArn: this.resource.arn });
    this.listeners.push(added);
    return added;
  }
}
