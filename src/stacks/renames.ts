import type { RoutingAccelerator } from "../constructs/accelerator";
import { ADDRESS } from "../model/contract";

/**
 * A renamed listener changes the addresses of the listener and of each of its
 * endpoint groups. Without `moved` blocks Terraform would destroy and recreate
 * them (a gap in traffic); with them it plans a move and keeps the objects.
 */
export function moveRenamedListeners(accelerator: RoutingAccelerator): void {
  for (const listener of accelerator.listeners) {
    const from = listener.renamedFrom;
    if (from === undefined) continue;
    listener.resource.moveFromId(ADDRESS.listener(from));
    for (const group of listener.endpointGroups) group.resource.moveFromId(ADDRESS.endpointGroup({ listener: from, region: group.region }));
  }
}
