// The scenarios `npm run explain` shows for each listener of a stack: normal operation, the config's dials,
// and each region failed alone (or the regions named by --fail, together); and, for one client, normal
// operation and the failure asked for.
import type { DemandConfig } from "../config/types";
import type { EndpointGroupModel, ListenerModel, StackModel } from "../model/model";
import type { Client } from "./clients";
import { overloadsOf, routeClient, routeGroups, type ClientRouting, type GroupState, type ListenerRouting } from "./routing";

export interface Scenario {
  readonly title: string;
  /** Regions whose groups are down. */
  readonly failed: readonly string[];
}

export interface ScenarioRouting {
  readonly scenario: Scenario;
  readonly routing: ListenerRouting;
}

export interface ListenerExplanation {
  readonly listener: ListenerModel;
  readonly scenarios: readonly ScenarioRouting[];
}

export interface Overload {
  readonly listener: string;
  readonly scenario: string;
  readonly region: string;
  readonly load: number;
  readonly capacity: number;
}

export interface StackExplanation {
  readonly stack: string;
  readonly demand: DemandConfig;
  readonly listeners: readonly ListenerExplanation[];
  /** Every region a scenario sends more than its capacity, in the order shown. */
  readonly overloads: readonly Overload[];
}

/** A group as a scenario leaves it; without dials given, the config's. */
export function groupState(group: EndpointGroupModel, failed: readonly string[], dial = group.trafficDialPercentage): GroupState {
  return {
    region: group.region,
    dial,
    // "No healthy endpoints ... that have a weight greater than zero" is what sends a group's clients elsewhere.
    available: !failed.includes(group.region) && group.endpoints.some((ep) => ep.weight > 0),
    ...(group.capacity !== undefined && { capacity: group.capacity }),
  };
}

function listenerScenarios(listener: ListenerModel, failed: readonly string[] | undefined): { scenario: Scenario; dialsAt100: boolean }[] {
  const groups = listener.endpointGroups;
  const dialled = groups.filter((g) => g.trafficDialPercentage !== 100);
  const normal = dialled.length === 0 ? "normal operation: every region healthy (the config's dials are all 100)" : "normal operation: every region healthy, every dial at 100";
  // Normal operation has every dial at 100: where the config's dials are all 100 already, that changes nothing.
  const scenarios: { scenario: Scenario; dialsAt100: boolean }[] = [{ scenario: { title: normal, failed: [] }, dialsAt100: true }];
  if (dialled.length > 0) {
    const dials = dialled.map((g) => `${g.region} ${g.trafficDialPercentage}`).join(", ");
    scenarios.push({ scenario: { title: `the config's dials (${dials}), every region healthy`, failed: [] }, dialsAt100: false });
  }
  const failures = failed === undefined ? groups.map((g) => [g.region]) : [failed];
  for (const regions of failures) {
    scenarios.push({ scenario: { title: `${regions.join(" and ")} failed`, failed: regions }, dialsAt100: false });
  }
  return scenarios;
}

/** Every scenario of every listener of a stack; `failed` replaces the single-region failures. */
export function explainStack(stack: StackModel, failed?: readonly string[]): StackExplanation {
  const listeners = stack.listeners.map((listener) => ({
    listener,
    scenarios: listenerScenarios(listener, failed).map(({ scenario, dialsAt100 }) => ({
      scenario,
      routing: routeGroups(
        listener.endpointGroups.map((g) => groupState(g, scenario.failed, dialsAt100 ? 100 : undefined)),
        stack.demand,
      ),
    })),
  }));
  const overloads = listeners.flatMap(({ listener, scenarios }) =>
    scenarios.flatMap(({ scenario, routing }) => overloadsOf(routing.loads).map((o) => ({ listener: listener.name, scenario: scenario.title, ...o }))),
  );
  return { stack: stack.name, demand: stack.demand, listeners, overloads };
}

export interface ClientScenario {
  readonly scenario: Scenario;
  readonly routing: ClientRouting;
}

export interface ClientExplanation {
  readonly stack: string;
  readonly listeners: readonly { readonly listener: ListenerModel; readonly normal: ClientScenario; readonly failure?: ClientScenario }[];
}

/** Where one client goes on each listener of a stack, with the config's dials: every region up, and with `failed` down. */
export function explainClient(stack: StackModel, client: Client, failed?: readonly string[]): ClientExplanation {
  const scenario = (title: string, down: readonly string[]) => (listener: ListenerModel) => ({
    scenario: { title, failed: down },
    routing: routeClient(client, listener.endpointGroups.map((g) => groupState(g, down))),
  });
  const normal = scenario("normal operation, the config's dials", []);
  const failure = failed === undefined ? undefined : scenario(`${failed.join(" and ")} failed`, failed);
  return {
    stack: stack.name,
    listeners: stack.listeners.map((listener) => ({ listener, normal: normal(listener), ...(failure !== undefined && { failure: failure(listener) }) })),
  };
}
