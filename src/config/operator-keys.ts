// The keys operators type into the Terraform variables traffic_dials and endpoint_weights, often
// during an incident. They are built from names people see in the config and the AWS console, never
// from positions, so reordering the config never moves a key.

interface GroupNames {
  readonly listener: string;
  readonly region: string;
}

interface EndpointNames {
  readonly id?: string;
  readonly lookup?: { readonly name: string };
}

const LOAD_BALANCER_NAME_IN_ARN = /:loadbalancer\/(?:app|net)\/([^/]+)\//;

/** `<listener>/<region>`: an endpoint group in traffic_dials (the same key as the endpoint_group_arns output). */
export function trafficDialKey(group: GroupNames): string {
  return `${group.listener}/${group.region}`;
}

/**
 * An endpoint's name within its group: the Elastic IP allocation ID, the instance ID, or the load
 * balancer's name, whether the config gives its ARN or looks it up by name (a load balancer name is
 * unique per region and account, so both forms name the same endpoint).
 */
export function endpointName(ep: EndpointNames): string | undefined {
  if (ep.lookup !== undefined) return ep.lookup.name;
  return ep.id === undefined ? undefined : (LOAD_BALANCER_NAME_IN_ARN.exec(ep.id)?.[1] ?? ep.id);
}

/** `<listener>/<region>/<endpoint name>`: an endpoint in endpoint_weights. */
export function endpointWeightKey(group: GroupNames, ep: EndpointNames): string {
  return `${trafficDialKey(group)}/${endpointName(ep)}`;
}
