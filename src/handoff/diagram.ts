// The routing of one stack as a Mermaid flowchart, so reviewers see the topology (GitHub and most
// editors render Mermaid) instead of reading Terraform JSON: static IPs -> accelerator -> listeners
// -> endpoint groups -> endpoints, each labelled with what decides where traffic goes and with the
// operator variable's key that changes it, and each group with the clients it serves in normal operation
// (the config's dials), from the routing model `npm run explain` uses.
import { endpointIdentity, GEOGRAPHIES } from "../config/limits";
import { groupState, routeGroups } from "../explain";
import { endpointWeightKey, trafficDialKey } from "../model/contract";
import type { EndpointGroupModel, EndpointModel, HealthCheckModel, ListenerModel, StackModel } from "../model/model";

/** A Mermaid flowchart (no fence) of the stack's routing. */
export function routingDiagram(stack: StackModel): string {
  const a = stack.accelerator;
  const lines = [
    "flowchart LR",
    `  clients(("clients")) --> ips[${label(staticIps(stack), "outputs static_ips, dns_name")}]`,
    `  ips --> accelerator[${label(`accelerator ${a.name}`, `${a.ipAddressType}, ${a.enabled ? "enabled" : "DISABLED"}`, "var.accelerator_enabled")}]`,
  ];
  const drained: string[] = [];
  stack.listeners.forEach((listener, li) => {
    const l = `l${li}`;
    const routing = routeGroups(
      listener.endpointGroups.map((g) => groupState(g, [])),
      stack.demand,
    );
    lines.push(`  accelerator --> ${l}(${label(`listener ${listener.name}`, ports(listener), `client affinity ${listener.clientAffinity}`)})`);
    listener.endpointGroups.forEach((group, gi) => {
      const g = `${l}g${gi}`;
      if (group.trafficDialPercentage === 0) drained.push(g);
      const serves = GEOGRAPHIES.flatMap((geo) => {
        const share = routing.routes[geo].filter((s) => s.region === group.region).reduce((sum, s) => sum + s.fraction, 0);
        return share > 0 ? [`${geo} ${Math.round(share * 1000) / 10}%`] : [];
      });
      lines.push(`  ${l} --> ${g}{{${label(...groupLines(group), serves.length > 0 ? `serves ${serves.join(", ")}` : "serves no clients in normal operation")}}}`);
      group.endpoints.forEach((ep, ei) => {
        const e = `${g}e${ei}`;
        if (ep.weight === 0) drained.push(e);
        lines.push(`  ${g} --> ${e}[${label(endpointTitle(ep), `weight ${ep.weight}`, `key ${endpointWeightKey(group, ep)}`)}]`);
      });
    });
  });
  // Dial 0 and weight 0 stand out: no traffic reaches them except failover.
  if (drained.length > 0) lines.push("  classDef drained stroke-dasharray: 5 5,opacity:0.6", `  class ${drained.join(",")} drained`);
  return `${lines.join("\n")}\n`;
}

function staticIps(stack: StackModel): string {
  const a = stack.accelerator;
  if (a.ipAddresses.length > 0) return `static IPs ${a.ipAddresses.join(", ")} (BYOIP)`;
  return a.ipAddressType === "DUAL_STACK" ? "2 static anycast IPv4 + 2 IPv6" : "2 static anycast IPv4";
}

function ports(listener: ListenerModel): string {
  const ranges = listener.portRanges.map((r) => (r.fromPort === r.toPort ? `${r.fromPort}` : `${r.fromPort}-${r.toPort}`));
  return `${listener.protocol} ${ranges.join(", ")}`;
}

function groupLines(group: EndpointGroupModel): string[] {
  const overrides = group.portOverrides.map((o) => `${o.listenerPort}→${o.endpointPort}`);
  return [
    `${group.region}`,
    `dial ${group.trafficDialPercentage}%${group.trafficDialPercentage === 0 ? " (drained)" : ""}`,
    `key ${trafficDialKey(group)}`,
    healthCheck(group.healthCheck),
    ...(group.modelServer !== undefined ? [`model server ${group.modelServer}`] : []),
    ...(group.capacity !== undefined ? [`capacity ${group.capacity}`] : []),
    ...(overrides.length > 0 ? [`ports ${overrides.join(", ")}`] : []),
  ];
}

function healthCheck(hc: HealthCheckModel): string {
  return `health ${hc.protocol} :${hc.port}${hc.path ?? ""} every ${hc.intervalSeconds}s, threshold ${hc.thresholdCount}`;
}

function endpointTitle(ep: EndpointModel): string {
  return ep.lookup !== undefined ? `${ep.type} ${ep.lookup.name} (found by name)` : `${ep.type} ${endpointIdentity(ep)}`;
}

/** A quoted Mermaid label of several lines; quotes become entities so no text can end the label early. */
function label(...lines: string[]): string {
  return `"${lines.map((l) => l.replace(/"/g, "#quot;")).join("<br/>")}"`;
}
