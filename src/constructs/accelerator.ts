import { GlobalacceleratorAccelerator } from "@cdktf/provider-aws/lib/globalaccelerator-accelerator";
import type { IResolvable } from "cdktf";
import { Construct } from "constructs";
import type { AcceleratorModel, ListenerModel } from "../config/model";
import { RoutingListener } from "./listener";

/** The accelerator's Terraform name, for ever: a new address would destroy it and its static IPs. */
export const ACCELERATOR_ADDRESS = "accelerator";

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
              ...(props.flowLogs.prefix !== undefined && { flowLogsS3Prefix: props.flowLogs.prefix }),
            },
      ...(props.protectFromDestroy && { lifecycle: { preventDestroy: true } }),
    });
    this.resource.overrideLogicalId(ACCELERATOR_ADDRESS);
  }

  addListener(listener: Omit<ListenerModel, "endpointGroups">): RoutingListener {
    const added = new RoutingListener(this, listener.name, { ...listener, acceleratorArn: this.resource.arn });
    this.listeners.push(added);
    return added;
  }
}
