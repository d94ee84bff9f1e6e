import type { ListenerModel } from "../config/model";
import type { RoutingAccelerator } from "../constructs/accelerator";
import { endpointGroupAddress } from "../constructs/endpoint-group";

/**
 * A renamed listener changes the addresses of the listener and of each of its
 * endpoint groups. Without `moved` blocks Terraform would destroy and recreate
 * them (a gap in traffic); with them it plans a move and keeps the objects.
 */
export function moveRenamedListeners(accelerator: RoutingAccelerator, listeners: readonly ListenerModel[]): void {
  listeners.forEach((model, i) => {
    if (model.renamedFrom === undefined) return;
    const listener = accelerator.listeners[i];
    listener.resource.moveFromId(`${listener.resource.terraformResourceType}.${model.renamedFrom}`);
    model.endpointGroups.forEach((group, j) => {
      const resource = listener.endpointGroups[j].resource;
      resource.moveFromId(`${resource.terraformResourceType}.${endpointGroupAddress({ listener: model.renamedFrom as string, region: group.region })}`);
    });
  });
}
