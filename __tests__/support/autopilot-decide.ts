// Inputs for the control law (src/autopilot/decide.ts) built on the real routing model: small configs
// through toModel, every group observed as the API would show it, one tick's signals.
import type { GaRegion } from "../../src/config/limits";
import type { EndpointGroupConfig, GroupAutopilotConfig, ListenerConfig, RoutingConfig, StackConfig } from "../../src/config/types";
import { toModel, type StackModel } from "../../src/model/model";
import type { DecideInput, Decision, ObservedGroup, SteeredGroupInput } from "../../src/autopilot/types";

export const NOW = 1_796_300_000;

/** A queue signal with watermarks 4 and 16 and the defaults (floor 10, step 20, hold 2m, settle 1m). */
export const QUEUE: GroupAutopilotConfig = { signal: "queue", lowWatermark: 4, highWatermark: 16 };

export function group(region: GaRegion, extra: Partial<EndpointGroupConfig> = {}): EndpointGroupConfig {
  return { region, capacity: 100, endpoints: [{ type: "eip", id: "eipalloc-0123456789abcdef0" }], autopilot: QUEUE, ...extra };
}

export function listener(name: string, groups: EndpointGroupConfig[]): ListenerConfig {
  return { name, protocol: "TCP", portRanges: [{ fromPort: 443 }], endpointGroups: groups };
}

export function stack(name: string, listeners: ListenerConfig[], extra: Partial<StackConfig> = {}): StackConfig {
  return {
    name,
    backend: { bucket: "acme-terraform-state", region: "us-west-2" },
    accelerator: { name: `${name}-accelerator`, flowLogs: false },
    listeners,
    demand: { "north-america": 200, europe: 100 },
    autopilot: { prometheus: { url: "http://prometheus.test:9090" } },
    ...extra,
  };
}

export function models(...stacks: StackConfig[]): StackModel[] {
  const config: RoutingConfig = { version: 1, stacks };
  return [...toModel(config).stacks];
}

/** One stack, one listener "chat" with us-east-1, us-west-2 and eu-west-1, each capacity 100, all steered. */
export function chat(extra: Partial<StackConfig> = {}, groups = [group("us-east-1"), group("us-west-2"), group("eu-west-1")]): StackModel {
  return models(stack("live", [listener("chat", groups)], extra))[0];
}

export type GroupChange = Partial<Omit<SteeredGroupInput, "signal">> & { readonly signal?: number | null; readonly age?: number };

/**
 * A tick's input: every group of the stack observed healthy at its config dial; every steered one with
 * that dial as its ceiling and a fresh sample between its watermarks (8, taken 10 s before `now`), changed
 * per `<listener>/<region>`.
 */
export function tick(model: StackModel, changes: Record<string, GroupChange> = {}, extra: Partial<DecideInput> = {}): DecideInput {
  const now = extra.now ?? NOW;
  const steered: SteeredGroupInput[] = [];
  const groups: ObservedGroup[] = [];
  let n = 0;
  for (const l of model.listeners) {
    for (const g of l.endpointGroups) {
      const key = `${l.name}/${g.region}`;
      const { signal = 8, age = 10, ...change } = changes[key] ?? {};
      const observed: ObservedGroup = { key, listener: l.name, region: g.region, dial: change.dial ?? g.trafficDialPercentage, health: change.health ?? "healthy" };
      groups.push(observed);
      if (g.autopilot === undefined) continue;
      n++;
      steered.push({
        ...observed,
        arn: `arn:aws:globalaccelerator::123456789012:accelerator/acc-${model.name}/listener/l${n}/endpoint-group/g${n}`,
        ceiling: g.trafficDialPercentage,
        capacity: g.capacity ?? 100,
        settings: g.autopilot,
        ...(signal !== null && { signal: { value: signal, sampleTime: now - age } }),
        acceleratorStatus: "DEPLOYED",
        ...change,
      });
    }
  }
  return { now, staleAfterSeconds: 60, model, groups, steered, ...extra };
}

/** The decision for `<listener>/<region>`. */
export function of(decisions: readonly Decision[], key: string): Decision {
  const found = decisions.find((d) => `${d.listener}/${d.region}` === key);
  if (found === undefined) throw new Error(`no decision for ${key}: ${decisions.map((d) => `${d.listener}/${d.region}`).join(", ")}`);
  return found;
}
