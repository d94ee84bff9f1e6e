// Where regions are, and how far a client is from them, for `npm run explain`. Global Accelerator sends a
// client to the endpoint group it finds closest over the AWS network from the edge location the client
// reaches; here "closest" is the great-circle distance from the client's metro area (src/config/metros.ts)
// to the region's data centres. That approximates AWS's network proximity; it is not AWS's routing table.
import type { GaRegion } from "../config/limits";

export interface Point {
  /** Degrees north. */
  readonly lat: number;
  /** Degrees east. */
  readonly lon: number;
}

/** Where the data centres of each region Global Accelerator supports are (their metro: REGION_METROS). */
export const REGION_POINTS: Readonly<Record<GaRegion, Point & { readonly city: string }>> = {
  "us-east-1": { lat: 39.0, lon: -77.5, city: "Northern Virginia" },
  "us-east-2": { lat: 40.0, lon: -83.0, city: "Ohio" },
  "us-west-1": { lat: 37.4, lon: -121.9, city: "Northern California" },
  "us-west-2": { lat: 45.8, lon: -119.7, city: "Oregon" },
  "af-south-1": { lat: -33.9, lon: 18.4, city: "Cape Town" },
  "ap-east-1": { lat: 22.3, lon: 114.2, city: "Hong Kong" },
  "ap-south-1": { lat: 19.1, lon: 72.9, city: "Mumbai" },
  "ap-south-2": { lat: 17.4, lon: 78.5, city: "Hyderabad" },
  "ap-southeast-1": { lat: 1.35, lon: 103.8, city: "Singapore" },
  "ap-southeast-2": { lat: -33.9, lon: 151.2, city: "Sydney" },
  "ap-southeast-3": { lat: -6.2, lon: 106.8, city: "Jakarta" },
  "ap-southeast-4": { lat: -37.8, lon: 145.0, city: "Melbourne" },
  "ap-southeast-5": { lat: 3.1, lon: 101.7, city: "Kuala Lumpur" },
  "ap-northeast-1": { lat: 35.7, lon: 139.7, city: "Tokyo" },
  "ap-northeast-2": { lat: 37.6, lon: 127.0, city: "Seoul" },
  "ap-northeast-3": { lat: 34.7, lon: 135.5, city: "Osaka" },
  "ca-central-1": { lat: 45.5, lon: -73.6, city: "Montreal" },
  "ca-west-1": { lat: 51.0, lon: -114.1, city: "Calgary" },
  "eu-central-1": { lat: 50.1, lon: 8.7, city: "Frankfurt" },
  "eu-central-2": { lat: 47.4, lon: 8.5, city: "Zurich" },
  "eu-west-1": { lat: 53.3, lon: -6.3, city: "Dublin" },
  "eu-west-2": { lat: 51.5, lon: -0.1, city: "London" },
  "eu-west-3": { lat: 48.9, lon: 2.4, city: "Paris" },
  "eu-south-1": { lat: 45.5, lon: 9.2, city: "Milan" },
  "eu-south-2": { lat: 41.6, lon: -0.9, city: "Aragón" },
  "eu-north-1": { lat: 59.3, lon: 18.1, city: "Stockholm" },
  "il-central-1": { lat: 32.1, lon: 34.8, city: "Tel Aviv" },
  "me-south-1": { lat: 26.1, lon: 50.6, city: "Bahrain" },
  "me-central-1": { lat: 24.5, lon: 54.4, city: "United Arab Emirates" },
  "sa-east-1": { lat: -23.5, lon: -46.6, city: "São Paulo" },
};

const EARTH_RADIUS_KM = 6371;
// Bound once: every metro is measured to every group in every scenario, and a global lookup of Math is
// slow inside a vm context (jest's, where the tests and the mutation runs measure it).
const { asin, cos, min, PI, sin, sqrt } = Math;
const radians = (degrees: number) => (degrees * PI) / 180;

/** The great-circle (haversine) distance between two points, in km. */
export function greatCircleKm(a: Point, b: Point): number {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = sin(dLat / 2) ** 2 + cos(radians(a.lat)) * cos(radians(b.lat)) * sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * asin(min(1, sqrt(h)));
}

/** The distance in km from a point to a region. */
export function kmToRegion(from: Point, region: string): number {
  return greatCircleKm(from, REGION_POINTS[region as GaRegion]);
}

/** The regions ordered from closest to farthest from a point (ties by name, so the order is stable). */
export function byDistanceFrom<T extends { readonly region: string }>(from: Point, items: readonly T[]): T[] {
  const measured = items.map((item) => ({ item, km: kmToRegion(from, item.region) }));
  return measured.sort((a, b) => a.km - b.km || a.item.region.localeCompare(b.item.region)).map((m) => m.item);
}
