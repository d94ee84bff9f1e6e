// Where the clients are: the metro areas of src/config/metros.ts, each standing for the internet users
// nearest it, and the load a stack's demand puts on each; and the one client `explain --client` asks about.
import { GEOGRAPHIES, type Geography } from "../config/limits";
import { METROS, type Metro } from "../config/metros";
import { closeMetroNames, findMetro } from "../config/names";
import type { DemandConfig } from "../config/types";
import { greatCircleKm, type Point } from "./geography";

/** Each geography's metros, in the table's order (largest first). */
export const METROS_OF: Readonly<Record<Geography, readonly Metro[]>> = Object.fromEntries(
  GEOGRAPHIES.map((g) => [g, METROS.filter((m) => m.geography === g)]),
) as Record<Geography, Metro[]>;

/**
 * The load each metro puts on a listener: its own figure where `demand.metros` gives one, else its share
 * of its geography's figure by internet users among the geography's metros without a figure of their own.
 * Metros without load are left out.
 */
export function metroLoads(demand: DemandConfig): Map<Metro, number> {
  const loads = new Map<Metro, number>();
  for (const geography of GEOGRAPHIES) {
    const own = (m: Metro) => demand.metros?.[m.name];
    const rest = METROS_OF[geography].filter((m) => own(m) === undefined);
    const restUsers = rest.reduce((sum, m) => sum + m.users, 0);
    for (const m of METROS_OF[geography]) {
      const load = own(m) ?? ((demand[geography] ?? 0) * m.users) / restUsers;
      if (load > 0) loads.set(m, load);
    }
  }
  return loads;
}

/** A geography's whole load: its figure and its metros' own. */
export function geographyLoad(demand: DemandConfig, geography: Geography): number {
  return METROS_OF[geography].reduce((sum, m) => sum + (demand.metros?.[m.name] ?? 0), demand[geography] ?? 0);
}

/** The metro of the table closest to a point, and how far it is. */
export function nearestMetro(point: Point): { metro: Metro; km: number } {
  let best = { metro: METROS[0], km: greatCircleKm(point, METROS[0]) };
  for (const metro of METROS) {
    const km = greatCircleKm(point, metro);
    // Stryker disable next-line EqualityOperator: a point exactly as far from two metros is a measure-zero case; everywhere else < and <= pick the same metro
    if (km < best.km) best = { metro, km };
  }
  return best;
}

/** The client `--client` names: a point, and the metro it was named by, if it was. */
export interface Client extends Point {
  readonly metro?: Metro;
}

const COORDINATES = /^\s*([-+]?\d+(?:\.\d+)?)\s*,\s*([-+]?\d+(?:\.\d+)?)\s*$/;
const ACCEPTED = 'give <lat>,<lon> in decimal degrees, north and east positive (47.61,-122.33 is Seattle), or the name of a metro area of src/config/metros.ts ("Seattle", "sao paulo")';

/** `--client <lat>,<lon>|<metro name>` read; or why it cannot be. */
export function parseClient(text: string): { client: Client; error?: undefined } | { error: string } {
  const numbers = COORDINATES.exec(text);
  if (numbers !== null) {
    const [lat, lon] = [Number(numbers[1]), Number(numbers[2])];
    if (Math.abs(lat) > 90) return { error: `--client ${JSON.stringify(text)}: the latitude must be from -90 to 90, received ${lat}; ${ACCEPTED}` };
    if (Math.abs(lon) > 180) return { error: `--client ${JSON.stringify(text)}: the longitude must be from -180 to 180, received ${lon}; ${ACCEPTED}` };
    return { client: { lat, lon } };
  }
  // Digits, signs, dots and commas only: coordinates written wrong, not a name.
  if (/^[-+\d.,\s]*$/.test(text)) return { error: `--client ${JSON.stringify(text)} is neither coordinates nor a metro name; ${ACCEPTED}` };
  const found = findMetro(text);
  if (found.metro !== undefined) return { client: { lat: found.metro.lat, lon: found.metro.lon, metro: found.metro } };
  const close = closeMetroNames(text);
  const hint =
    found.candidates.length > 0
      ? ` (it begins ${found.candidates.map((c) => JSON.stringify(c)).join(", ")}: give more of the name)`
      : close.length > 0
        ? ` (did you mean ${close.map((c) => JSON.stringify(c)).join(" or ")}?)`
        : "";
  return { error: `--client ${JSON.stringify(text)} is not a metro area of the table${hint}; ${ACCEPTED}` };
}
