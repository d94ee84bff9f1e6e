// The routing model of explain, the plan gate and the diagram, on hand-checked cases: where the clients
// at one point go (dials, spill, failover, fail-open), near ties, the metros' loads and shares added up
// per geography, and one client's answer. Distances are worked out from REGION_POINTS.
import { GA_REGIONS, GEOGRAPHIES, type Geography } from "../src/config/limits";
import { METROS, REGION_METROS, type Metro } from "../src/config/metros";
import { geographyLoad, METROS_OF, metroLoads, nearestMetro, parseClient } from "../src/explain/clients";
import { byDistanceFrom, greatCircleKm, kmToRegion, REGION_POINTS } from "../src/explain/geography";
import { addUp, FAILOVER_ATTEMPTS, NEAR_TIE, nearTie, overloadsOf, route, routeClient, routeGroups, type GroupState, type Share } from "../src/explain/routing";

const up = (region: string, dial = 100, capacity?: number): GroupState => ({ region, dial, available: true, ...(capacity !== undefined && { capacity }) });
const down = (region: string, dial = 100): GroupState => ({ region, dial, available: false });
const metro = (name: string): Metro => {
  const found = METROS.find((m) => m.name === name);
  if (found === undefined) throw new Error(`no metro ${name}`);
  return found;
};
/** The share of a geography's clients a region receives, however they got there. */
const shareOf = (shares: readonly Share[], region: string) => shares.filter((s) => s.region === region).reduce((sum, s) => sum + s.fraction, 0);

// Two fixed points with hand-checked distances (REGION_POINTS): near Frankfurt (eu-west-1 1,123 km,
// me-central-1 4,799 km, us-east-1 6,587 km, ap-northeast-1 9,309 km) and in Missouri (us-east-1 1,295 km,
// us-west-2 2,455 km, us-west-1 2,613 km, eu-west-1 6,517 km, eu-central-1 7,596 km).
const FRANKFURT = { lat: 50.1, lon: 9.2 };
const MISSOURI = { lat: 37.4, lon: -92.2 };

describe("distances", () => {
  it("are great-circle distances: London to New York is about 5,570 km, and a point is 0 km from itself", () => {
    expect(greatCircleKm({ lat: 51.5, lon: -0.1 }, { lat: 40.7, lon: -74.0 })).toBeCloseTo(5570, -1);
    expect(greatCircleKm(REGION_POINTS["eu-west-1"], REGION_POINTS["eu-west-1"])).toBe(0);
    expect(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371, 3);
  });

  it("order regions from closest to farthest, ties by name", () => {
    expect(kmToRegion(FRANKFURT, "eu-west-1")).toBeCloseTo(1123, -1);
    expect(kmToRegion(MISSOURI, "us-east-1")).toBeCloseTo(1295, -1);
    expect(byDistanceFrom(MISSOURI, [up("eu-central-1"), up("us-west-1"), up("us-east-1"), up("eu-west-1"), up("us-west-2")]).map((g) => g.region)).toEqual([
      "us-east-1",
      "us-west-2",
      "us-west-1",
      "eu-west-1",
      "eu-central-1",
    ]);
    // The same region twice is a tie: broken by name, stably.
    const [a, b] = [up("us-east-1", 10), up("us-east-1", 20)];
    expect(byDistanceFrom(MISSOURI, [b, a])).toEqual([b, a]);
    expect(byDistanceFrom(REGION_POINTS["eu-west-1"], [up("eu-west-2"), up("eu-west-1")]).map((g) => g.region)).toEqual(["eu-west-1", "eu-west-2"]);
  });
});

describe("where the clients at one point go", () => {
  it("to the closest region, with every dial at 100", () => {
    // Strictly: a share that comes from no other group has no `from` at all.
    expect(route(FRANKFURT, [up("us-east-1"), up("eu-west-1"), up("me-central-1")])).toStrictEqual([{ region: "eu-west-1", fraction: 1, via: "closest" }]);
  });

  it("nowhere when the listener has no group", () => {
    expect(route(FRANKFURT, [])).toEqual([]);
  });

  it("with eu-west-1 drained, to the closest remaining region, me-central-1 rather than us-east-1", () => {
    expect(route(FRANKFURT, [up("us-east-1"), up("eu-west-1", 0), up("me-central-1")])).toEqual([{ region: "me-central-1", fraction: 1, via: "closest" }]);
  });

  it("spill from a dial of 30 goes to the next closest group, whole, whatever that group's own dial", () => {
    expect(route(FRANKFURT, [up("ap-northeast-1"), up("eu-west-1", 30), up("us-east-1", 50)])).toEqual([
      { region: "eu-west-1", fraction: 0.3, via: "closest" },
      { region: "us-east-1", fraction: 0.7, via: "spill", from: "eu-west-1" },
    ]);
  });

  it("spill skips a closer group at dial 0", () => {
    expect(route(FRANKFURT, [up("eu-west-1", 30), up("me-central-1", 0), up("us-east-1")]).map((s) => s.region)).toEqual(["eu-west-1", "us-east-1"]);
  });

  it("the share a dial holds back stays where it is when no other group has a dial above 0", () => {
    expect(route(FRANKFURT, [up("eu-west-1", 30), up("us-east-1", 0)])).toEqual([{ region: "eu-west-1", fraction: 1, via: "closest" }]);
  });

  it("a dial just under 100 still spills its share", () => {
    expect(route(FRANKFURT, [up("eu-west-1", 99.5), up("us-east-1")])).toEqual([
      { region: "eu-west-1", fraction: 0.995, via: "closest" },
      { region: "us-east-1", fraction: expect.closeTo(0.005, 9), via: "spill", from: "eu-west-1" },
    ]);
  });

  it("a failed region fails over to the closest group that is up, ignoring dials: a group at dial 0 takes it", () => {
    expect(route(MISSOURI, [down("us-east-1"), up("us-west-2", 0), up("eu-west-1")])).toEqual([{ region: "us-west-2", fraction: 1, via: "failover", from: "us-east-1" }]);
  });

  it(`tries the ${FAILOVER_ATTEMPTS} closest other groups, then fails open to the closest group`, () => {
    const groups = [down("us-east-1"), down("us-west-2"), down("us-west-1"), down("eu-west-1"), up("eu-central-1")];
    expect(route(MISSOURI, groups)).toEqual([{ region: "us-east-1", fraction: 1, via: "fail-open", from: "us-east-1" }]);
    // With us-west-1 gone, eu-central-1 is among the three closest others: the last one tried.
    expect(route(MISSOURI, groups.filter((g) => g.region !== "us-west-1"))).toEqual([{ region: "eu-central-1", fraction: 1, via: "failover", from: "us-east-1" }]);
  });

  it("with every dial at 0, goes to the closest group, as in failover", () => {
    expect(route(FRANKFURT, [up("us-east-1", 0), up("eu-west-1", 0)])).toEqual([{ region: "eu-west-1", fraction: 1, via: "all-dials-zero" }]);
    expect(route(FRANKFURT, [up("us-east-1", 0), down("eu-west-1", 0)])).toEqual([{ region: "us-east-1", fraction: 1, via: "failover", from: "eu-west-1" }]);
  });

  it("fails over the spilled share when the group it spills to is down", () => {
    expect(route(FRANKFURT, [up("eu-west-1", 30), down("us-east-1"), up("ap-northeast-1")])).toEqual([
      { region: "eu-west-1", fraction: 0.3, via: "closest" },
      { region: "eu-west-1", fraction: 0.7, via: "failover", from: "us-east-1" },
    ]);
  });
});

describe("near ties", () => {
  it(`are places whose runner-up group is less than ${NEAR_TIE * 100}% farther than the closest`, () => {
    // Midway between Ohio and Virginia both are about 242 km away; Frankfurt's runner-up is six times farther.
    const midway = { lat: (REGION_POINTS["us-east-1"].lat + REGION_POINTS["us-east-2"].lat) / 2, lon: (REGION_POINTS["us-east-1"].lon + REGION_POINTS["us-east-2"].lon) / 2 };
    expect(nearTie(midway, [up("us-east-1"), up("us-east-2")])).toEqual({
      closest: { region: "us-east-2", km: kmToRegion(midway, "us-east-2") },
      second: { region: "us-east-1", km: kmToRegion(midway, "us-east-1") },
    });
    expect(kmToRegion(midway, "us-east-1") / kmToRegion(midway, "us-east-2")).toBeLessThan(1.01);
    expect(nearTie(FRANKFURT, [up("eu-west-1"), up("us-east-1")])).toBeUndefined();
    // Just inside and just outside the bar: a point on the line from Ohio to Virginia.
    const along = (t: number) => ({ lat: 40.0 + (39.0 - 40.0) * t, lon: -83.0 + (-77.5 - -83.0) * t });
    const ratio = (t: number) => kmToRegion(along(t), "us-east-2") / kmToRegion(along(t), "us-east-1");
    expect([ratio(0.525), ratio(0.527)]).toEqual([expect.closeTo(1.098, 3), expect.closeTo(1.107, 3)]);
    expect(nearTie(along(0.525), [up("us-east-2"), up("us-east-1")])?.second.region).toBe("us-east-2");
    expect(nearTie(along(0.527), [up("us-east-2"), up("us-east-1")])).toBeUndefined();
  });

  it("compare the closest with the runner-up, in km", () => {
    // Dallas-ish: us-east-1 1,912 km vs us-west-1 2,303 km is 20% farther: no tie; with us-east-2 (1,497 km vs 1,912) neither.
    const denver = { lat: 39.74, lon: -104.99 };
    const expected = { closest: { region: "us-west-2", km: kmToRegion(denver, "us-west-2") }, second: { region: "us-west-1", km: kmToRegion(denver, "us-west-1") } };
    expect(expected.second.km / expected.closest.km).toBeLessThan(1 + NEAR_TIE);
    expect(nearTie(denver, [up("us-west-1"), up("us-east-1"), up("us-west-2")])).toEqual(expected);
  });

  it("are between the groups up with a dial above 0, or all groups up when every dial is 0, and need two", () => {
    const denver = { lat: 39.74, lon: -104.99 };
    expect(nearTie(denver, [up("us-west-1", 0), up("us-west-2")])).toBeUndefined();
    expect(nearTie(denver, [down("us-west-1"), up("us-west-2")])).toBeUndefined();
    expect(nearTie(denver, [up("us-west-1", 0), up("us-west-2", 0)])?.second.region).toBe("us-west-1");
    expect(nearTie(denver, [up("us-west-2")])).toBeUndefined();
  });
});

describe("the metros' loads", () => {
  const users = (g: Geography) => METROS_OF[g].reduce((sum, m) => sum + m.users, 0);

  it("spread a geography's figure over its metros by their internet users", () => {
    const loads = metroLoads({ europe: 700, oceania: 60 });
    const london = metro("London");
    expect(loads.get(london)).toBeCloseTo((700 * london.users) / users("europe"), 9);
    const last = METROS_OF.oceania[METROS_OF.oceania.length - 1];
    expect(loads.get(last)).toBeCloseTo((60 * last.users) / users("oceania"), 9);
    expect([...loads.keys()].every((m) => m.geography === "europe" || m.geography === "oceania")).toBe(true);
    expect([...loads.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(760, 9);
  });

  it("give a metro its own figure, and spread its geography's over the others", () => {
    const loads = metroLoads({ "north-america": 900, metros: { Seattle: 120, Tokyo: 50 } });
    expect(loads.get(metro("Seattle"))).toBe(120);
    expect(loads.get(metro("Tokyo"))).toBe(50);
    const ny = metro("New York City");
    expect(loads.get(ny)).toBeCloseTo((900 * ny.users) / (users("north-america") - metro("Seattle").users), 9);
    expect([...loads.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1070, 9);
    expect(loads.get(metro("Osaka"))).toBeUndefined();
  });

  it("leave out metros without load", () => {
    expect(metroLoads({}).size).toBe(0);
    expect(metroLoads({ asia: 0, metros: { Tokyo: 0 } }).size).toBe(0);
  });

  it("add up per geography: its figure and its metros' own", () => {
    const demand = { "north-america": 900, asia: 10, metros: { Seattle: 120, Portland: 30, Tokyo: 50 } };
    expect(GEOGRAPHIES.map((g) => geographyLoad(demand, g))).toEqual([1050, 0, 0, 0, 0, 60, 0]);
  });
});

describe("shares added up", () => {
  it("weigh each place's shares, one per region and way, largest region first", () => {
    const shares = addUp([
      { weight: 3, shares: [{ region: "us-east-1", fraction: 1, via: "closest" }] },
      { weight: 1, shares: [{ region: "us-west-2", fraction: 0.5, via: "closest" }, { region: "us-east-1", fraction: 0.5, via: "spill", from: "us-west-2" }] },
    ]);
    expect(shares).toEqual([
      { region: "us-east-1", fraction: 0.75, via: "closest" },
      { region: "us-east-1", fraction: 0.125, via: "spill", from: "us-west-2" },
      { region: "us-west-2", fraction: 0.125, via: "closest" },
    ]);
  });

  it("keep failovers from different groups apart, and drop what nothing weighs", () => {
    const shares = addUp([
      { weight: 1, shares: [{ region: "eu-west-1", fraction: 1, via: "failover", from: "us-east-1" }] },
      { weight: 1, shares: [{ region: "eu-west-1", fraction: 1, via: "failover", from: "us-west-2" }] },
      { weight: 0, shares: [{ region: "ap-south-1", fraction: 1, via: "closest" }] },
    ]);
    expect(shares).toEqual([
      { region: "eu-west-1", fraction: 0.5, via: "failover", from: "us-east-1" },
      { region: "eu-west-1", fraction: 0.5, via: "failover", from: "us-west-2" },
    ]);
    expect(addUp([{ weight: 0, shares: [{ region: "ap-south-1", fraction: 1, via: "closest" }] }])).toEqual([]);
  });

  it("order regions of equal share by name", () => {
    const half = (region: string): Share[] => [{ region, fraction: 1, via: "closest" }];
    expect(addUp([{ weight: 1, shares: half("us-west-2") }, { weight: 1, shares: half("us-east-1") }]).map((s) => s.region)).toEqual(["us-east-1", "us-west-2"]);
  });
});

describe("a listener's routing, metro by metro", () => {
  // The seven regions: one point per continent sent all of North America to us-east-1 and all of Asia to ap-south-1.
  const seven = ["us-west-2", "us-east-1", "eu-west-1", "ap-south-1", "ap-northeast-1", "ap-southeast-2", "sa-east-1"].map((r) => up(r));
  // Routed in each test, not here: Stryker's per-test coverage sees only what runs inside a test.
  const routed = () => routeGroups(seven, {});

  it("splits North America between us-east-1 and us-west-2, and Asia between ap-south-1 and ap-northeast-1", () => {
    const routing = routed();
    const na = routing.routes["north-america"];
    expect(shareOf(na, "us-east-1")).toBeGreaterThan(0.5);
    expect(shareOf(na, "us-west-2")).toBeGreaterThan(0.15);
    expect(shareOf(routing.routes.asia, "ap-south-1")).toBeGreaterThan(0.3);
    expect(shareOf(routing.routes.asia, "ap-northeast-1")).toBeGreaterThan(0.3);
    expect(routing.routes.oceania).toEqual([{ region: "ap-southeast-2", fraction: expect.closeTo(1, 9), via: "closest" }]);
  });

  it("weighs each geography's metros by their internet users, without demand", () => {
    // us-west-2's share of North America: the users of the metros closer to it than to us-east-1.
    const na = METROS_OF["north-america"];
    const west = na.filter((m) => route(m, seven)[0].region === "us-west-2");
    const expected = west.reduce((s, m) => s + m.users, 0) / na.reduce((s, m) => s + m.users, 0);
    expect(shareOf(routed().routes["north-america"], "us-west-2")).toBeCloseTo(expected, 9);
    expect(west.map((m) => m.name)).toEqual(expect.arrayContaining(["Seattle", "Los Angeles", "San Jose, United States", "Vancouver", "Portland"]));
    expect(west.map((m) => m.name)).not.toContain("Chicago");
  });

  it("weighs them by load where the stack gives the geography one", () => {
    const demand = { metros: { Seattle: 100 } };
    const weighed = routeGroups([up("us-west-2"), up("us-east-1")], demand);
    expect(weighed.routes["north-america"]).toEqual([{ region: "us-west-2", fraction: 1, via: "closest" }]);
    // Europe has no load: its shares are still by users.
    expect(shareOf(weighed.routes.europe, "us-east-1")).toBeGreaterThan(0.5);
    // Strictly: a group without a capacity gives its load none, not an undefined one.
    expect(weighed.loads).toStrictEqual([
      { region: "us-west-2", load: 100, down: false, overloaded: false },
      { region: "us-east-1", load: 0, down: false, overloaded: false },
    ]);
  });

  it("adds each metro's load to the regions its shares go to, and flags a region over its capacity", () => {
    // Seattle's 100 at dial 40: 40 stay in us-west-2, 60 spill to us-east-1; New York's 50 go to us-east-1.
    const demand = { metros: { Seattle: 100, "New York City": 50 } };
    const loads = routeGroups([up("us-west-2", 40, 40), up("us-east-1", 100, 100)], demand).loads;
    expect(loads).toEqual([
      { region: "us-west-2", load: 40, capacity: 40, down: false, overloaded: false },
      { region: "us-east-1", load: 110, capacity: 100, down: false, overloaded: true },
    ]);
    expect(overloadsOf(loads)).toEqual([{ region: "us-east-1", load: 110, capacity: 100 }]);
    const failed = routeGroups([down("us-west-2"), up("us-east-1", 100, 200)], demand).loads;
    expect(failed).toEqual([
      { region: "us-west-2", load: 0, down: true, overloaded: false },
      { region: "us-east-1", load: 150, capacity: 200, down: false, overloaded: false },
    ]);
    expect(overloadsOf(failed)).toEqual([]);
  });

  it("is not an overload at exactly the capacity, however the shares add up", () => {
    const loads = routeGroups([up("us-west-2", 70, 70), up("us-east-1", 100, 30)], { metros: { Seattle: 100 } }).loads;
    expect(loads.map((l) => l.overloaded)).toEqual([false, false]);
    expect(routeGroups([up("us-west-2", 100, 99.999)], { metros: { Seattle: 100 } }).loads[0].overloaded).toBe(true);
  });

  it("lists the metros nearly as close to two groups, most users first", () => {
    const ties = routed().nearTies;
    expect(ties.length).toBeGreaterThan(0);
    expect(ties.map((t) => t.metro.users)).toEqual([...ties.map((t) => t.metro.users)].sort((a, b) => b - a));
    for (const t of ties) expect(t).toEqual({ metro: t.metro, ...nearTie(t.metro, seven) });
    expect(ties.map((t) => t.metro.name)).not.toContain("Tokyo");
  });
});

describe("the sanity facts (reference/client-geography.md)", () => {
  const served = (name: string, regions: string[]) => route(metro(name), regions.map((r) => up(r)))[0].region;

  it("Seattle goes to us-west-2 and New York to us-east-1 when both are present", () => {
    expect(served("Seattle", ["us-east-1", "us-west-2"])).toBe("us-west-2");
    expect(served("New York City", ["us-east-1", "us-west-2"])).toBe("us-east-1");
  });

  it("Mumbai goes to ap-south-1 and Tokyo to ap-northeast-1 when both are present", () => {
    expect(served("Mumbai", ["ap-northeast-1", "ap-south-1"])).toBe("ap-south-1");
    expect(served("Tokyo", ["ap-south-1", "ap-northeast-1"])).toBe("ap-northeast-1");
  });

  it("every region's own metro lands in that region, with every region present", () => {
    const all = GA_REGIONS.map((r) => up(r));
    for (const region of GA_REGIONS) expect([region, served(REGION_METROS[region], GA_REGIONS.slice())]).toEqual([region, region]);
    expect(all).toHaveLength(30);
  });
});

describe("one client", () => {
  const seattle = { lat: 47.61, lon: -122.33 };

  it("goes to its closest group, with the distance, and the runner-up", () => {
    expect(routeClient(seattle, [up("us-east-1"), up("us-west-2")])).toEqual({
      servedBy: [{ region: "us-west-2", share: 1, km: kmToRegion(seattle, "us-west-2"), ways: [{ region: "us-west-2", fraction: 1, via: "closest" }] }],
      runnerUp: { region: "us-east-1", km: kmToRegion(seattle, "us-east-1") },
    });
  });

  it("is split by a dial of 50, largest share first (equal shares by name)", () => {
    const routing = routeClient(seattle, [up("us-east-1"), up("us-west-2", 50), up("eu-west-1")]);
    expect(routing.servedBy.map((s) => [s.region, s.share])).toEqual([
      ["us-east-1", 0.5],
      ["us-west-2", 0.5],
    ]);
    expect(routing.servedBy[0].ways).toEqual([{ region: "us-east-1", fraction: 0.5, via: "spill", from: "us-west-2" }]);
    expect(routing.runnerUp).toEqual({ region: "eu-west-1", km: kmToRegion(seattle, "eu-west-1") });
    const dial75 = routeClient(seattle, [up("us-east-1"), up("us-west-2", 75)]);
    expect(dial75.servedBy.map((s) => [s.region, s.share])).toEqual([
      ["us-west-2", 0.75],
      ["us-east-1", 0.25],
    ]);
    expect(dial75.runnerUp).toBeUndefined();
  });

  it("fails over with its region, and has no runner-up when nothing else is up", () => {
    const routing = routeClient(seattle, [up("us-east-1"), down("us-west-2")]);
    expect(routing.servedBy).toEqual([{ region: "us-east-1", share: 1, km: kmToRegion(seattle, "us-east-1"), ways: [{ region: "us-east-1", fraction: 1, via: "failover", from: "us-west-2" }] }]);
    expect(routing).not.toHaveProperty("runnerUp");
    expect(routeClient(seattle, [up("us-east-1"), down("us-west-2"), down("eu-west-1")]).runnerUp).toBeUndefined();
  });

  it("says when it is nearly as close to two groups", () => {
    const denver = { lat: 39.74, lon: -104.99 };
    expect(routeClient(denver, [up("us-west-1"), up("us-west-2")]).nearTie).toEqual(nearTie(denver, [up("us-west-1"), up("us-west-2")]));
    expect(routeClient(seattle, [up("us-west-1"), up("us-west-2")])).not.toHaveProperty("nearTie");
  });

  it("knows the metro nearest any point", () => {
    expect(nearestMetro(seattle)).toEqual({ metro: metro("Seattle"), km: greatCircleKm(seattle, metro("Seattle")) });
    expect(nearestMetro({ lat: -33.9, lon: 151.2 }).metro.name).toBe("Sydney");
    // The first metro of the table is its own nearest, and so is the last.
    expect(nearestMetro(METROS[0]).metro).toBe(METROS[0]);
    expect(nearestMetro(METROS[METROS.length - 1]).metro).toBe(METROS[METROS.length - 1]);
  });
});

describe("--client", () => {
  it.each([
    ["47.61,-122.33", { lat: 47.61, lon: -122.33 }],
    ["-33.87,151.21", { lat: -33.87, lon: 151.21 }],
    [" +40.71 , -74.01 ", { lat: 40.71, lon: -74.01 }],
    ["-90,180", { lat: -90, lon: 180 }],
    ["90,-180", { lat: 90, lon: -180 }],
    ["0,0", { lat: 0, lon: 0 }],
  ])("reads the coordinates %j", (text, client) => {
    expect(parseClient(text)).toEqual({ client });
  });

  it.each([
    ["Seattle", "Seattle"],
    ["sao paulo", "São Paulo"],
    ["ZURICH", "Zürich"],
    ["new york", "New York City"],
    ["frankfurt", "Frankfurt am Main"],
    ["washington", "Washington, D.C."],
    ["san jose costa rica", "San José, Costa Rica"],
  ])("reads the metro name %j as %s", (text, name) => {
    const parsed = parseClient(text);
    expect(parsed.error).toBeUndefined();
    expect(parsed).toEqual({ client: { lat: metro(name).lat, lon: metro(name).lon, metro: metro(name) } });
  });

  const accepted = 'give <lat>,<lon> in decimal degrees, north and east positive (47.61,-122.33 is Seattle), or the name of a metro area of src/config/metros.ts ("Seattle", "sao paulo")';
  it.each([
    ["91,0", `--client "91,0": the latitude must be from -90 to 90, received 91; ${accepted}`],
    ["-90.5,0", `--client "-90.5,0": the latitude must be from -90 to 90, received -90.5; ${accepted}`],
    ["0,180.01", `--client "0,180.01": the longitude must be from -180 to 180, received 180.01; ${accepted}`],
    ["0,-181", `--client "0,-181": the longitude must be from -180 to 180, received -181; ${accepted}`],
    ["47.61", `--client "47.61" is neither coordinates nor a metro name; ${accepted}`],
    ["47.61,-122.33,5", `--client "47.61,-122.33,5" is neither coordinates nor a metro name; ${accepted}`],
    ["", `--client "" is neither coordinates nor a metro name; ${accepted}`],
    ["Seatle", `--client "Seatle" is not a metro area of the table (did you mean "Seattle"?); ${accepted}`],
    ["Dallax", `--client "Dallax" is not a metro area of the table (did you mean "Dalian" or "Dallas"?); ${accepted}`],
    ["Gotham", `--client "Gotham" is not a metro area of the table; ${accepted}`],
    ["san jose", `--client "san jose" is not a metro area of the table (it begins "San Jose, United States", "San José, Costa Rica": give more of the name); ${accepted}`],
    ["47.61;-122.33", `--client "47.61;-122.33" is not a metro area of the table; ${accepted}`],
    ["near 47.61,-122.33", `--client "near 47.61,-122.33" is not a metro area of the table; ${accepted}`],
    ["47.61,-122.33 west", `--client "47.61,-122.33 west" is not a metro area of the table; ${accepted}`],
  ])("refuses %j, saying what is accepted", (text, error) => {
    expect(parseClient(text)).toEqual({ error });
  });
});
