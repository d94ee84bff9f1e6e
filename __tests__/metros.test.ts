// The table of metro areas (src/config/metros.ts): it is what scripts/metros.js makes from its sources,
// and it holds what the routing model relies on: every region's metro, every country's users counted
// once, weights that add up to the world's internet users; and the names people type find their metro.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GA_REGIONS, GEOGRAPHIES } from "../src/config/limits";
import { COUNTRY_USERS, METROS, REGION_METROS, WORLD_INTERNET_USERS } from "../src/config/metros";
import { closeMetroNames, editDistance, findMetro, METRO_NAMES, metroNamed, normalizedName } from "../src/config/names";
import { REGION_POINTS } from "../src/explain/geography";
import { route } from "../src/explain/routing";
import { ROOT } from "./support/run";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require("../scripts/metros.js") as {
  generate(): string;
  buildTable(cities: unknown, countries: unknown): { metros: { name: string; users: number }[]; countries: { country: string; users: number; metros: string[] }[] };
  INTERNET: Record<string, readonly [number, number, number]>;
  REGION_HOSTS: Record<string, number>;
};

describe("the committed table", () => {
  it("is exactly what npm run metros makes from the pinned packages", () => {
    expect(readFileSync(join(ROOT, "src", "config", "metros.ts"), "utf8")).toBe(generator.generate());
  });

  it("has at least 150 metros, each with a unique name, a country, a geography, coordinates and users", () => {
    expect(METROS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(METROS.map((m) => normalizedName(m.name))).size).toBe(METROS.length);
    for (const m of METROS) {
      expect([m.name, GEOGRAPHIES.includes(m.geography), /^[A-Z]{2}$/.test(m.country), Math.abs(m.lat) <= 90, Math.abs(m.lon) <= 180, m.users > 0]).toEqual([m.name, true, true, true, true, true]);
    }
    for (const g of GEOGRAPHIES) expect([g, METROS.some((m) => m.geography === g)]).toEqual([g, true]);
  });

  it("lists the metro of every region Global Accelerator supports, and each lands in its own region", () => {
    expect(Object.keys(REGION_METROS).sort()).toEqual([...GA_REGIONS].sort());
    expect(Object.keys(generator.REGION_HOSTS).sort()).toEqual([...GA_REGIONS].sort());
    const every = GA_REGIONS.map((region) => ({ region, dial: 100, available: true }));
    for (const region of GA_REGIONS) {
      const metro = metroNamed(REGION_METROS[region]);
      expect([region, metro?.name]).toEqual([region, REGION_METROS[region]]);
      expect([region, route(metro!, every)]).toEqual([region, [{ region, fraction: 1, via: "closest" }]]);
      expect(Object.keys(REGION_POINTS)).toContain(region);
    }
  });

  it("counts every country's users once, in metros of its own geography, adding up to the world's", () => {
    const countries = COUNTRY_USERS.map((c) => c.country);
    expect(new Set(countries).size).toBe(countries.length);
    expect(countries.sort()).toEqual(Object.keys(generator.INTERNET).sort());
    expect(COUNTRY_USERS.reduce((s, c) => s + c.users, 0)).toBe(WORLD_INTERNET_USERS);
    expect(METROS.reduce((s, m) => s + m.users, 0)).toBe(WORLD_INTERNET_USERS);
    for (const c of COUNTRY_USERS) {
      const [share, year, population] = generator.INTERNET[c.country];
      expect([c.country, c.share, c.year, c.population, c.users]).toEqual([c.country, share, year, population, Math.round((share / 100) * population)]);
      expect(c.metros.length).toBeGreaterThan(0);
      for (const name of c.metros) expect([c.country, metroNamed(name)?.geography]).toEqual([c.country, c.geography]);
      // A country's users are its own metros' (shared by population) or all go to one metro abroad.
      const own = METROS.filter((m) => m.country === c.country).map((m) => m.name);
      expect([c.country, [...c.metros].sort()]).toEqual([c.country, own.length > 0 ? own.sort() : [c.metros[0]]]);
    }
    // Each metro's users are the shares of the countries counted in it: a metro abroad adds whole countries.
    for (const m of METROS) {
      const abroad = COUNTRY_USERS.filter((c) => c.country !== m.country && c.metros.includes(m.name)).reduce((s, c) => s + c.users, 0);
      expect(m.users).toBeGreaterThan(abroad);
    }
    expect(WORLD_INTERNET_USERS).toBeGreaterThan(5_000_000_000);
    expect(WORLD_INTERNET_USERS).toBeLessThan(5_600_000_000);
  });

  it("shares a country's users among its own metros by the population nearest each", () => {
    const us = COUNTRY_USERS.find((c) => c.country === "US")!;
    const ownUsers = METROS.filter((m) => m.country === "US").reduce((s, m) => s + m.users, 0);
    const abroad = COUNTRY_USERS.filter((c) => c.country !== "US" && c.metros.length === 1 && metroNamed(c.metros[0])?.country === "US").reduce((s, c) => s + c.users, 0);
    expect(ownUsers).toBe(us.users + abroad);
    const newYork = metroNamed("New York City")!;
    expect(newYork.users / us.users).toBeGreaterThan(0.1);
    expect(newYork.users / us.users).toBeLessThan(0.25);
  });
});

describe("npm run metros", () => {
  it("--check passes on the committed table", () => {
    const run = spawnSync(process.execPath, ["scripts/metros.js", "--check"], { cwd: ROOT, encoding: "utf8" });
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toBe(`${join(ROOT, "src", "config", "metros.ts")} is up to date\n`);
  });

  it("refuses an unknown option and an argument", () => {
    const bogus = spawnSync(process.execPath, ["scripts/metros.js", "--bogus"], { cwd: ROOT, encoding: "utf8" });
    expect([bogus.status, bogus.stderr]).toEqual([2, "metros: Unknown option '--bogus'.\nusage: npm run metros -- [--check]\n"]);
    const extra = spawnSync(process.execPath, ["scripts/metros.js", "now"], { cwd: ROOT, encoding: "utf8" });
    expect([extra.status, extra.stderr]).toEqual([2, "metros: takes no arguments, received now\nusage: npm run metros -- [--check]\n"]);
  });
});

describe("metro names", () => {
  it("compare without case, accents or punctuation", () => {
    expect(normalizedName("São Paulo")).toBe("sao paulo");
    expect(normalizedName("  Washington, D.C. ")).toBe("washington d c");
    expect(normalizedName("Xi’an")).toBe("xi an");
  });

  it("count edits between spellings", () => {
    expect(editDistance("seatle", "seattle")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });

  it("find a metro by its exact name only", () => {
    expect(metroNamed("Seattle")?.country).toBe("US");
    expect(metroNamed("seattle")).toBeUndefined();
    expect(METRO_NAMES).toEqual(METROS.map((m) => m.name));
  });

  it("suggest the same name but for accents, names that begin with the words given, and names two edits away, best first", () => {
    expect(closeMetroNames("sao paulo")).toEqual(["São Paulo"]);
    expect(closeMetroNames("Tokio")).toEqual(["Tokyo"]);
    expect(closeMetroNames("San Jose")).toEqual(["San Jose, United States", "San José, Costa Rica"]);
    // An exact match ranks before one that begins with it, which ranks before a near spelling.
    expect(closeMetroNames("lima")).toEqual(expect.arrayContaining(["Lima"]));
    expect(closeMetroNames("lima")[0]).toBe("Lima");
    expect(closeMetroNames("Gotham")).toEqual([]);
    expect(closeMetroNames("")).toEqual([]);
    expect(closeMetroNames("a", 2).length).toBeLessThanOrEqual(2);
  });

  it("find what a person typing a name means, or the metros its first words fit", () => {
    expect(findMetro("SEATTLE")).toEqual({ metro: metroNamed("Seattle") });
    expect(findMetro("new york")).toEqual({ metro: metroNamed("New York City") });
    expect(findMetro("san jose")).toEqual({ candidates: ["San Jose, United States", "San José, Costa Rica"] });
    expect(findMetro("Gotham")).toEqual({ candidates: [] });
    expect(findMetro("")).toEqual({ candidates: [] });
  });
});
