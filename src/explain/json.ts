// `npm run explain -- --json`: the same facts as the text, as one JSON document for scripts. Shares are
// fractions (0-1) and distances km; `listeners[]` has one entry per listener of every stack explained.
import { GEOGRAPHIES } from "../config/limits";
import { METROS, WORLD_INTERNET_USERS } from "../config/metros";
import { geographyLoad, nearestMetro, type Client } from "./clients";
import { LEGEND, NEAR_TIE_NOTE, PROXIMITY_NOTE } from "./render";
import { NEAR_TIE, type ClientRouting, type NearTie, type Share } from "./routing";
import type { ClientExplanation, StackExplanation } from "./scenarios";

/** What every document says about the model it comes from. */
function model() {
  return { note: PROXIMITY_NOTE, legend: LEGEND, metros: METROS.length, internetUsers: WORLD_INTERNET_USERS, nearTie: { ratio: NEAR_TIE, means: NEAR_TIE_NOTE } };
}

const rounded = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
// Stryker disable next-line ConditionalExpression: a "from" of undefined is dropped by JSON.stringify, as an absent one
const way = (s: Share) => ({ via: s.via, share: rounded(s.fraction, 6), ...(s.from !== undefined && { from: s.from }) });
const distance = (d: { region: string; km: number }) => ({ region: d.region, km: Math.round(d.km) });
const tie = (t: NearTie) => ({ closest: distance(t.closest), second: distance(t.second) });

/** A geography's shares, one entry per region, largest first, each with the ways its share got there. */
function regions(shares: readonly Share[]) {
  const order = [...new Set(shares.map((s) => s.region))];
  return order.map((region) => {
    const ways = shares.filter((s) => s.region === region);
    return { region, share: rounded(ways.reduce((sum, s) => sum + s.fraction, 0), 6), ways: ways.map(way) };
  });
}

/** Every scenario of every listener of the stacks explained. */
export function explainJson(explanations: readonly StackExplanation[]): unknown {
  return {
    model: model(),
    stacks: explanations.map((e) => ({
      stack: e.stack,
      demand: Object.fromEntries(GEOGRAPHIES.map((g) => [g, geographyLoad(e.demand, g)])),
      overloads: e.overloads,
    })),
    listeners: explanations.flatMap((e) =>
      e.listeners.map(({ listener, scenarios }) => ({
        stack: e.stack,
        listener: listener.name,
        scenarios: scenarios.map(({ scenario, routing }) => ({
          title: scenario.title,
          failed: scenario.failed,
          geographies: GEOGRAPHIES.map((g) => ({ geography: g, servedBy: regions(routing.routes[g]) })),
          loads: routing.loads,
          nearTies: routing.nearTies.map((t) => ({ metro: t.metro.name, ...tie(t) })),
        })),
      })),
    ),
  };
}

function clientAnswer(routing: ClientRouting) {
  return {
    servedBy: routing.servedBy.map((s) => ({ region: s.region, share: rounded(s.share, 6), km: Math.round(s.km), ways: s.ways.map(way) })),
    runnerUp: routing.runnerUp === undefined ? null : distance(routing.runnerUp),
    nearTie: routing.nearTie === undefined ? null : tie(routing.nearTie),
  };
}

/**
 * One client's answer: each listener's `servedBy` (largest share first), runner-up and near tie for the
 * scenario asked (the failure, when --fail names one, else normal operation), and `normal` beside a failure.
 */
export function clientJson(client: Client, explanations: readonly ClientExplanation[]): unknown {
  const near = nearestMetro(client);
  // Stryker disable next-line OptionalChaining: a stack has at least one listener, so listeners[0] exists whenever explanations[0] does
  const asked = explanations[0]?.listeners[0]?.failure?.scenario ?? explanations[0]?.listeners[0]?.normal.scenario;
  return {
    model: model(),
    client: {
      lat: client.lat,
      lon: client.lon,
      ...(client.metro !== undefined && { metro: client.metro.name, country: client.metro.country }),
      geography: near.metro.geography,
      nearestMetro: { name: near.metro.name, km: Math.round(near.km) },
    },
    scenario: asked === undefined ? null : { title: asked.title, failed: asked.failed },
    listeners: explanations.flatMap((e) =>
      e.listeners.map(({ listener, normal, failure }) => ({
        stack: e.stack,
        listener: listener.name,
        ...clientAnswer((failure ?? normal).routing),
        ...(failure !== undefined && { normal: clientAnswer(normal.routing) }),
      })),
    ),
  };
}
