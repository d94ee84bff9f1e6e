// `npm run explain`: how shares read, the scenarios of a stack, one client's answer, the JSON document,
// and the command as users run it. The routing model itself is in routing.test.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../src/app";
import { GEOGRAPHIES } from "../src/config/limits";
import { METROS } from "../src/config/metros";
import { parseClient, type Client } from "../src/explain/clients";
import { kmToRegion } from "../src/explain/geography";
import { clientJson, explainJson } from "../src/explain/json";
import { explainSelection } from "../src/explain/options";
import { clientRoutingText, clientTitle, LEGEND, NEAR_TIE_NOTE, PROXIMITY_NOTE, renderClientText, renderExplainMarkdown, renderExplainText, servedBy } from "../src/explain/render";
import { route, routeGroups, type GroupState, type MetroTie } from "../src/explain/routing";
import { explainClient, explainStack, groupState } from "../src/explain/scenarios";
import { routingDiagram } from "../src/handoff/diagram";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";
import { configFile, ROOT } from "./support/run";

const up = (region: string, dial = 100): GroupState => ({ region, dial, available: true });
const down = (region: string, dial = 100): GroupState => ({ region, dial, available: false });
const FRANKFURT = { lat: 50.1, lon: 9.2 };
const client = (text: string): Client => {
  const parsed = parseClient(text);
  if (parsed.error !== undefined) throw new Error(parsed.error);
  return parsed.client;
};

describe("how a place's shares read", () => {
  it("one region without a percentage; several, largest first, with how each share got there", () => {
    expect(servedBy(route(FRANKFURT, [up("us-east-1"), up("eu-west-1")]))).toBe("eu-west-1");
    expect(servedBy(route(FRANKFURT, [up("eu-west-1", 30), up("us-east-1")]))).toBe("eu-west-1 30%, us-east-1 70% (held back by eu-west-1's dial)");
    expect(servedBy(route(FRANKFURT, [up("eu-west-1", 30), down("us-east-1"), up("ap-northeast-1")]))).toBe("eu-west-1 (30% closest, 70% failover from us-east-1)");
  });

  it("is shown once per region, saying how each share got there", () => {
    // eu-west-1's 30% and the 70% its dial sends to me-central-1 both fail over to us-east-1.
    expect(servedBy(route(FRANKFURT, [down("eu-west-1", 30), down("me-central-1"), up("us-east-1")]))).toBe("us-east-1 (failover from eu-west-1 and me-central-1)");
    expect(servedBy(route(FRANKFURT, [down("eu-west-1", 30), down("us-east-1"), up("me-central-1")]))).toBe(
      "me-central-1 (30% failover from eu-west-1, 70% held back by eu-west-1's dial)",
    );
    expect(servedBy(route(FRANKFURT, [down("eu-west-1"), down("us-east-1")]))).toBe("eu-west-1 (fails open: no group tried is up)");
    expect(servedBy(route(FRANKFURT, [up("eu-west-1", 0), up("us-east-1", 0)]))).toBe("eu-west-1 (every dial is 0)");
    expect(servedBy([])).toBe("no endpoint group");
  });
});

const stackOf = (change: (c: ReturnType<typeof validConfig>) => void = () => {}) => {
  const config = validConfig();
  change(config);
  return toModel(parseConfig(config).config).stacks[0];
};

describe("a group's state in a scenario", () => {
  it("is unavailable when its region failed or its every weight is 0, and keeps the config's dial unless given one", () => {
    const stack = stackOf((c) => c.stacks[0].listeners[0].endpointGroups[0].endpoints.forEach((ep: { weight?: number }) => (ep.weight = 0)));
    const [uswest1, useast1] = stack.listeners[0].endpointGroups;
    expect(groupState(uswest1, [])).toEqual({ region: "us-west-1", dial: 100, available: false });
    expect(groupState(useast1, ["us-east-1"])).toEqual({ region: "us-east-1", dial: 25, available: false });
    expect(groupState(useast1, ["us-west-1"])).toEqual({ region: "us-east-1", dial: 25, available: true });
    expect(groupState(useast1, [], 100)).toEqual({ region: "us-east-1", dial: 100, available: true });
    const withCapacity = stackOf((c) => c.stacks[0].listeners[0].endpointGroups.forEach((g: { capacity?: number }) => (g.capacity = 10))).listeners[0].endpointGroups[1];
    expect(groupState(withCapacity, [])).toEqual({ region: "us-east-1", dial: 25, available: true, capacity: 10 });
  });

  it("counts the last endpoint's weight too", () => {
    const stack = stackOf((c) => (c.stacks[0].listeners[0].endpointGroups[0].endpoints[0].weight = 0));
    expect(groupState(stack.listeners[0].endpointGroups[0], []).available).toBe(true);
  });
});

describe("a stack's scenarios", () => {
  // New York and London are both closer to us-east-1 (353 and 5,900 km) than to us-west-1 (4,100 and 8,600 km).
  const loaded = () =>
    stackOf((c) => {
      c.stacks[0].demand = { metros: { "New York City": 300, London: 100 } };
      c.stacks[0].listeners[0].endpointGroups[0].capacity = 350;
      c.stacks[0].listeners[0].endpointGroups[1].capacity = 200;
    });

  it("are normal operation, the config's dials, and each region of the listener failed alone", () => {
    const explanation = explainStack(stackOf());
    expect(explanation.listeners.map((l) => [l.listener.name, l.scenarios.map((s) => s.scenario.title)])).toEqual([
      ["inference", ["normal operation: every region healthy, every dial at 100", "the config's dials (us-east-1 25), every region healthy", "us-west-1 failed", "us-east-1 failed"]],
      ["streaming", ["normal operation: every region healthy (the config's dials are all 100)", "ap-northeast-1 failed"]],
    ]);
    expect(explanation.listeners[0].scenarios.map((s) => s.scenario.failed)).toEqual([[], [], ["us-west-1"], ["us-east-1"]]);
    const [normal, dials] = explanation.listeners[0].scenarios;
    // Without demand, North America's metros weigh by their users: the West Coast goes to us-west-1.
    expect(normal.routing).toEqual(routeGroups([up("us-west-1"), up("us-east-1")], {}));
    expect(normal.routing.routes["north-america"].map((s) => s.region)).toEqual(["us-east-1", "us-west-1"]);
    expect(dials.routing).toEqual(routeGroups([up("us-west-1"), up("us-east-1", 25)], {}));
  });

  it("fail the regions given together instead of one at a time", () => {
    const explanation = explainStack(stackOf(), ["us-west-1", "us-east-1"]);
    expect(explanation.listeners[0].scenarios.map((s) => s.scenario.title)).toEqual([
      "normal operation: every region healthy, every dial at 100",
      "the config's dials (us-east-1 25), every region healthy",
      "us-west-1 and us-east-1 failed",
    ]);
    expect(explanation.listeners[0].scenarios[2].routing).toEqual(routeGroups([down("us-west-1"), down("us-east-1", 25)], {}));
    expect(explanation.listeners[1].scenarios.map((s) => s.scenario.title)).toEqual(["normal operation: every region healthy (the config's dials are all 100)", "us-west-1 and us-east-1 failed"]);
  });

  it("list every overload with its listener, scenario, load and capacity, and render it", () => {
    const explanation = explainStack(loaded());
    expect(explanation.overloads).toEqual([
      { listener: "inference", scenario: "normal operation: every region healthy, every dial at 100", region: "us-east-1", load: 400, capacity: 200 },
      { listener: "inference", scenario: "us-west-1 failed", region: "us-east-1", load: 400, capacity: 200 },
      { listener: "inference", scenario: "us-east-1 failed", region: "us-west-1", load: 400, capacity: 350 },
    ]);
    const text = renderExplainText([explanation]);
    expect(text.startsWith(`${PROXIMITY_NOTE}\n${LEGEND}\n\ntest, listener inference (TCP 443):\n\n  normal operation: every region healthy, every dial at 100\n`)).toBe(true);
    expect(text).toContain("    us-east-1   400       200  200%  OVERLOADED\n");
    expect(text).toContain("  inference, us-east-1 failed: us-west-1 400 / 350 (114.3%)\n");
    expect(text).toContain("    europe            100  us-west-1 75% (held back by us-east-1's dial), us-east-1 25%\n");
    expect(text).toContain("    north-america     300  us-west-1 (75% held back by us-east-1's dial, 25% failover from us-east-1)\n");
    expect(text).toContain("    africa              0  us-east-1\n");
    expect(text).toContain("\ntest, listener streaming (UDP 9000-9010):\n");
    expect(text.endsWith("\ntest: 3 overload(s):\n  inference, normal operation: every region healthy, every dial at 100: us-east-1 400 / 200 (200%)\n  inference, us-west-1 failed: us-east-1 400 / 200 (200%)\n  inference, us-east-1 failed: us-west-1 400 / 350 (114.3%)\n")).toBe(true);
    const markdown = renderExplainMarkdown([explanation]);
    expect(markdown.startsWith(`_${PROXIMITY_NOTE}_\n\n_${LEGEND}_\n\n## test\n\ntest: 3 overload(s):\n- inference, normal operation`)).toBe(true);
    expect(markdown).toContain("#### us-east-1 failed\n\n| Geography | Demand | Served by |\n| --- | ---: | --- |\n");
    expect(markdown).toContain("| us-east-1 | 0 | down |  |  |");
    expect(markdown).toContain("| us-west-1 | 400 | 350 | 114.3% | **OVERLOADED** |");
    expect(markdown).toContain("| europe | 100 | us-west-1 (75% held back by us-east-1's dial, 25% failover from us-east-1) |");
    expect(markdown).toContain("\n### test, listener streaming (UDP 9000-9010)\n");
  });

  it("show the load without capacity columns when no group has a capacity", () => {
    const stack = stackOf((c) => (c.stacks[0].demand = { europe: 10 }));
    const text = renderExplainText([explainStack(stack)]);
    expect(text).toContain("    region     load\n    us-west-1     0\n    us-east-1    10\n");
    expect(renderExplainMarkdown([explainStack(stack)])).toContain("| Region | Load | |\n| --- | ---: | --- |\n| us-west-1 | 0 |  |\n| us-east-1 | 10 |  |");
  });

  it("say when no overload check is possible, and when none is found", () => {
    expect(renderExplainText([explainStack(stackOf())])).toContain("\ntest: no overload check (it needs demand on the stack and capacity on the endpoint groups).\n");
    const roomy = stackOf((c) => {
      c.stacks[0].demand = { europe: 10 };
      c.stacks[0].listeners[0].endpointGroups.forEach((g: { capacity?: number }) => (g.capacity = 1000));
    });
    expect(renderExplainText([explainStack(roomy)])).toContain("\ntest: no scenario sends a region more than its capacity.\n");
    expect(renderExplainMarkdown([explainStack(roomy)])).toContain("\n## test\n\ntest: no scenario sends a region more than its capacity.\n");
  });

  const named = (t: MetroTie) => `${t.metro.name} (${t.closest.region} ${Math.round(t.closest.km)} km / ${t.second.region} ${Math.round(t.second.km)} km)`;
  const inRegions = (regions: string[]) =>
    stackOf((c) => {
      c.stacks[0].listeners = [{ ...c.stacks[0].listeners[0], endpointGroups: regions.map((region, i) => ({ region, endpoints: [{ type: "eip", id: `eipalloc-0123abc${i}` }] })) }];
    });

  it("name the metros nearly as close to two regions: six in the first scenario and how many more", () => {
    // India is nearly as far from Virginia as from California.
    const explanation = explainStack(stackOf());
    const [normal, , westFailed] = explanation.listeners[0].scenarios;
    const text = renderExplainText([explanation]);
    const shown = normal.routing.nearTies.slice(0, 6).map(named);
    expect(normal.routing.nearTies.length).toBeGreaterThan(6);
    expect(text).toContain(`\n    ${NEAR_TIE_NOTE}: ${shown.join(", ")}, and ${normal.routing.nearTies.length - 6} more\n`);
    expect(normal.routing.nearTies.map((t) => t.metro.name)).toContain("Delhi");
    // The config's dials leave the same two groups to choose from: nothing new to say; with one failed, no tie.
    expect(westFailed.routing.nearTies).toEqual([]);
    expect(text.match(/nearly as close/g)).toHaveLength(1);
    const markdown = renderExplainMarkdown([explanation]);
    expect(markdown).toContain(`\n\nNearly as close to two regions (the second less than 10% farther: real routing may send them to either): ${shown.join(", ")}, and`);
  });

  it("name every near tie when there are six or fewer, and after the first scenario only the new ones", () => {
    // Three regions far apart: few metros are nearly as close to two of them.
    const explanation = explainStack(inRegions(["us-east-1", "il-central-1", "eu-central-1"]));
    const [normal, ...failures] = explanation.listeners[0].scenarios;
    const text = renderExplainText([explanation]);
    expect(normal.routing.nearTies.length).toBeGreaterThan(0);
    const frankfurtFailed = failures[2];
    expect(frankfurtFailed.scenario.title).toBe("eu-central-1 failed");
    const fresh = frankfurtFailed.routing.nearTies.filter((t) => !normal.routing.nearTies.some((n) => n.metro === t.metro && n.closest.region === t.closest.region && n.second.region === t.second.region));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.length).toBeLessThanOrEqual(6);
    expect(text).toContain(`\n  eu-central-1 failed\n`);
    expect(text).toContain(`\n    also ${NEAR_TIE_NOTE}: ${fresh.map(named).join(", ")}\n`);
    expect(renderExplainMarkdown([explanation])).toContain(`\n\nAlso ${NEAR_TIE_NOTE}: ${fresh.map(named).join(", ")}\n`);
    const two = explainStack(inRegions(["us-east-1", "il-central-1"])).listeners[0].scenarios[0].routing.nearTies;
    expect(two.length).toBeLessThanOrEqual(6);
    expect(renderExplainText([explainStack(inRegions(["us-east-1", "il-central-1"]))])).toContain(`: ${two.map(named).join(", ")}\n`);
  });
});

describe("one client's answer", () => {
  const stack = stackOf();

  it("is normal operation with the config's dials, and the failure asked for", () => {
    const newYork = client("new york");
    const answer = explainClient(stack, newYork, ["us-east-1"]);
    expect(answer.stack).toBe("test");
    const [inference, streaming] = answer.listeners;
    expect(inference.normal.scenario).toEqual({ title: "normal operation, the config's dials", failed: [] });
    expect(inference.failure?.scenario).toEqual({ title: "us-east-1 failed", failed: ["us-east-1"] });
    // us-east-1's dial of 25 sends three quarters of New York to us-west-1.
    expect(inference.normal.routing.servedBy.map((s) => [s.region, s.share])).toEqual([
      ["us-west-1", 0.75],
      ["us-east-1", 0.25],
    ]);
    expect(inference.failure?.routing.servedBy.map((s) => [s.region, s.share])).toEqual([["us-west-1", 1]]);
    expect(streaming.normal.routing.servedBy.map((s) => s.region)).toEqual(["ap-northeast-1"]);
    expect(explainClient(stack, newYork).listeners[0]).not.toHaveProperty("failure");
  });

  it("reads as text: where it goes, how far, how, and the runner-up", () => {
    const newYork = client("new york");
    const text = renderClientText(newYork, [explainClient(stack, newYork, ["us-east-1"])]);
    const far = Math.round(kmToRegion(newYork, "us-west-1"));
    const near = Math.round(kmToRegion(newYork, "us-east-1"));
    expect(text).toBe(
      [
        PROXIMITY_NOTE,
        LEGEND,
        "",
        "client: New York City (US, north-america; 40.71, -74.01)",
        "",
        "test, listener inference (TCP 443):",
        `  normal operation, the config's dials: us-west-1 75% ${far} km (held back by us-east-1's dial), us-east-1 25% ${near} km; runner-up no other group up`,
        `  us-east-1 failed: us-west-1 ${far} km (75% held back by us-east-1's dial, 25% failover from us-east-1); runner-up no other group up`,
        "",
        "test, listener streaming (UDP 9000-9010):",
        `  normal operation, the config's dials: ap-northeast-1 ${Math.round(kmToRegion(newYork, "ap-northeast-1"))} km; runner-up no other group up`,
        `  us-east-1 failed: ap-northeast-1 ${Math.round(kmToRegion(newYork, "ap-northeast-1"))} km; runner-up no other group up`,
        "",
      ].join("\n"),
    );
  });

  it("names the runner-up and a near tie", () => {
    const denver = { lat: 39.74, lon: -104.99 };
    const routing = explainClient(
      stackOf((c) => (c.stacks[0].listeners[0].endpointGroups[1].trafficDialPercentage = 100)),
      denver,
      ["us-east-1"],
    ).listeners[0].normal.routing;
    expect(clientRoutingText(routing)).toBe(
      `us-west-1 ${Math.round(kmToRegion(denver, "us-west-1"))} km; runner-up us-east-1 ${Math.round(kmToRegion(denver, "us-east-1"))} km`,
    );
    const seven = routeGroupsClient(denver, ["us-west-2", "us-west-1"]);
    expect(clientRoutingText(seven)).toBe(
      `us-west-2 ${Math.round(kmToRegion(denver, "us-west-2"))} km; runner-up us-west-1 ${Math.round(kmToRegion(denver, "us-west-1"))} km; nearly as close to two regions, (the second less than 10% farther: real routing may send them to either): us-west-2 ${Math.round(kmToRegion(denver, "us-west-2"))} km / us-west-1 ${Math.round(kmToRegion(denver, "us-west-1"))} km`,
    );
    expect(clientRoutingText({ servedBy: [] })).toBe("no endpoint group; runner-up no other group up");
  });

  it("titles a metro by its name and a point by its nearest metro", () => {
    expect(clientTitle(client("Tokyo"))).toBe("Tokyo (JP, asia; 35.69, 139.69)");
    expect(clientTitle({ lat: 47.6, lon: -122.3 })).toBe(`47.6, -122.3 (nearest metro of the table: Seattle, north-america, ${Math.round(METROS.find((m) => m.name === "Seattle") ? kmTo(47.6, -122.3, "Seattle") : 0)} km)`);
  });
});

function routeGroupsClient(point: { lat: number; lon: number }, regions: string[]) {
  const stack = stackOf((c) => {
    c.stacks[0].listeners[0].endpointGroups = regions.map((region, i) => ({ region, endpoints: [{ type: "eip", id: `eipalloc-0123abc${i}` }] }));
  });
  return explainClient(stack, point).listeners[0].normal.routing;
}

function kmTo(lat: number, lon: number, name: string): number {
  const m = METROS.find((x) => x.name === name);
  if (m === undefined) throw new Error(name);
  const r = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(r(m.lat - lat) / 2) ** 2 + Math.cos(r(lat)) * Math.cos(r(m.lat)) * Math.sin(r(m.lon - lon) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

describe("the JSON document", () => {
  it("has every scenario of every listener, each geography's regions largest first, loads and near ties", () => {
    const stack = stackOf((c) => (c.stacks[0].demand = { metros: { London: 10, Seattle: 5 } }));
    const explanation = explainStack(stack);
    const doc = JSON.parse(JSON.stringify(explainJson([explanation])));
    expect(doc.model).toEqual({ note: PROXIMITY_NOTE, legend: LEGEND, metros: METROS.length, internetUsers: METROS.reduce((s, m) => s + m.users, 0), nearTie: { ratio: 0.1, means: NEAR_TIE_NOTE } });
    expect(doc.stacks).toEqual([{ stack: "test", demand: { "north-america": 5, "south-america": 0, europe: 10, africa: 0, "middle-east": 0, asia: 0, oceania: 0 }, overloads: [] }]);
    expect(doc.listeners.map((l: { stack: string; listener: string }) => `${l.stack}/${l.listener}`)).toEqual(["test/inference", "test/streaming"]);
    const dials = doc.listeners[0].scenarios[1];
    expect(dials.title).toBe("the config's dials (us-east-1 25), every region healthy");
    expect(dials.failed).toEqual([]);
    expect(dials.geographies.map((g: { geography: string }) => g.geography)).toEqual([...GEOGRAPHIES]);
    expect(dials.geographies[2]).toEqual({
      geography: "europe",
      servedBy: [
        { region: "us-west-1", share: 0.75, ways: [{ via: "spill", share: 0.75, from: "us-east-1" }] },
        { region: "us-east-1", share: 0.25, ways: [{ via: "closest", share: 0.25 }] },
      ],
    });
    expect(dials.loads).toEqual([
      { region: "us-west-1", load: 12.5, down: false, overloaded: false },
      { region: "us-east-1", load: 2.5, down: false, overloaded: false },
    ]);
    const normal = doc.listeners[0].scenarios[0];
    expect(normal.nearTies[0]).toEqual({
      metro: explanation.listeners[0].scenarios[0].routing.nearTies[0].metro.name,
      closest: { region: expect.any(String), km: expect.any(Number) },
      second: { region: expect.any(String), km: expect.any(Number) },
    });
    expect(normal.nearTies).toHaveLength(explanation.listeners[0].scenarios[0].routing.nearTies.length);
    expect(doc.listeners[0].scenarios[2].failed).toEqual(["us-west-1"]);
  });

  it("of a client has each listener's servedBy for the scenario asked, largest first, and normal operation beside a failure", () => {
    const seattle = client("47.61,-122.33");
    const stack = stackOf((c) => {
      c.stacks[0].listeners[0].endpointGroups = [
        { region: "us-west-2", trafficDialPercentage: 50, endpoints: [{ type: "eip", id: "eipalloc-0123abcd" }] },
        { region: "us-east-1", endpoints: [{ type: "eip", id: "eipalloc-0123abce" }] },
        { region: "eu-west-1", endpoints: [{ type: "eip", id: "eipalloc-0123abcf" }] },
      ];
    });
    const normal = JSON.parse(JSON.stringify(clientJson(seattle, [explainClient(stack, seattle)])));
    expect(normal.client).toEqual({ lat: 47.61, lon: -122.33, geography: "north-america", nearestMetro: { name: "Seattle", km: 0 } });
    expect(normal.scenario).toEqual({ title: "normal operation, the config's dials", failed: [] });
    expect(normal.listeners[0]).toEqual({
      stack: "test",
      listener: "inference",
      servedBy: [
        { region: "us-east-1", share: 0.5, km: Math.round(kmToRegion(seattle, "us-east-1")), ways: [{ via: "spill", share: 0.5, from: "us-west-2" }] },
        { region: "us-west-2", share: 0.5, km: Math.round(kmToRegion(seattle, "us-west-2")), ways: [{ via: "closest", share: 0.5 }] },
      ],
      runnerUp: { region: "eu-west-1", km: Math.round(kmToRegion(seattle, "eu-west-1")) },
      nearTie: null,
    });
    const failed = JSON.parse(JSON.stringify(clientJson(seattle, [explainClient(stack, seattle, ["us-west-2", "us-east-1"])])));
    expect(failed.scenario).toEqual({ title: "us-west-2 and us-east-1 failed", failed: ["us-west-2", "us-east-1"] });
    expect(failed.listeners[0].servedBy.map((s: { region: string; share: number }) => [s.region, s.share])).toEqual([["eu-west-1", 1]]);
    expect(failed.listeners[0].runnerUp).toBeNull();
    expect(failed.listeners[0].normal).toEqual({ servedBy: normal.listeners[0].servedBy, runnerUp: normal.listeners[0].runnerUp, nearTie: null });
    expect(failed.listeners[1]).toMatchObject({ stack: "test", listener: "streaming", servedBy: [{ region: "ap-northeast-1", share: 1 }] });
    const tokyo = JSON.parse(JSON.stringify(clientJson(client("tokyo"), [])));
    expect(tokyo.client).toEqual({ lat: 35.69, lon: 139.69, metro: "Tokyo", country: "JP", geography: "asia", nearestMetro: { name: "Tokyo", km: 0 } });
    expect(tokyo.scenario).toBeNull();
    expect(tokyo.listeners).toEqual([]);
  });

  it("of a near tie names both regions", () => {
    const denver = { lat: 39.74, lon: -104.99 };
    const stack = stackOf((c) => {
      c.stacks[0].listeners = [{ ...c.stacks[0].listeners[0], endpointGroups: ["us-west-2", "us-west-1"].map((region, i) => ({ region, endpoints: [{ type: "eip", id: `eipalloc-0123abc${i}` }] })) }];
    });
    const doc = JSON.parse(JSON.stringify(clientJson(denver, [explainClient(stack, denver)])));
    expect(doc.listeners[0].nearTie).toEqual({
      closest: { region: "us-west-2", km: Math.round(kmToRegion(denver, "us-west-2")) },
      second: { region: "us-west-1", km: Math.round(kmToRegion(denver, "us-west-1")) },
    });
  });
});

describe("the diagram", () => {
  it("shows which geographies each group serves in normal operation, from the same model", () => {
    const stack = stackOf();
    const routing = routeGroups([up("us-west-1"), up("us-east-1", 25)], {});
    const west = GEOGRAPHIES.flatMap((g) => {
      const share = routing.routes[g].filter((s) => s.region === "us-west-1").reduce((sum, s) => sum + s.fraction, 0);
      return share > 0 ? [`${g} ${Math.round(share * 1000) / 10}%`] : [];
    });
    const diagram = routingDiagram(stack);
    expect(diagram).toContain(`threshold 2<br/>ports 443→8443<br/>serves ${west.join(", ")}"}}`);
    expect(west[0]).toMatch(/^north-america \d/);
    const drained = routingDiagram(stackOf((c) => (c.stacks[0].listeners[0].endpointGroups[1].trafficDialPercentage = 0)));
    expect(drained).toContain("dial 0% (drained)<br/>key inference/us-east-1<br/>health TCP :443 every 30s, threshold 3<br/>serves no clients in normal operation\"}}");
    expect(drained).toContain("l1g0{{\"ap-northeast-1<br/>dial 100%<br/>key streaming/ap-northeast-1<br/>health TCP :9000 every 30s, threshold 3<br/>serves north-america 100%, south-america 100%, europe 100%, africa 100%, middle-east 100%, asia 100%, oceania 100%\"}}");
  });
});

describe("the arguments of explain", () => {
  const model = loadModel({ SMART_ROUTING_CONFIG: "examples/full.yaml" }).model!;

  it("select the stacks named and the regions given with --fail, repeated or comma-separated", () => {
    const selected = explainSelection(model, ["ai-models-prod"], ["us-east-1,eu-west-1", "us-east-1"]);
    expect(selected).toMatchObject({ failed: ["us-east-1", "eu-west-1"] });
    expect(selected.error ?? selected.stacks.map((s) => s.name)).toEqual(["ai-models-prod"]);
  });

  it.each([
    ["an unknown stack", ["prod"], undefined, 'no stack named "prod" in this config; its stacks are: ai-models-prod, ai-models-dualstack'],
    ["a region where a stack belongs", ["eu-west-1"], undefined, 'no stack named "eu-west-1" in this config; its stacks are: ai-models-prod, ai-models-dualstack (to fail a region, give --fail eu-west-1)'],
    ["a region Global Accelerator does not support", [], ["us-moon-1"], '--fail "us-moon-1" is not a region Global Accelerator supports'],
    ["a region one selected stack has no group in", [], ["eu-west-1"], "--fail eu-west-1: stack ai-models-dualstack has no endpoint group there (its regions: eu-central-1, us-west-2); name the stack to explain"],
  ])("refuse %s with one clear message", (_name, names, fail, message) => {
    expect(explainSelection(model, names, fail)).toEqual({ error: message });
  });
});

const TWO_REGIONS = (dial = 100) => `version: 1
stacks:
  - name: web
    backend: { bucket: acme-terraform-state, region: us-west-2 }
    accelerator: { name: web, flowLogs: false }
    listeners:
      - name: api
        protocol: TCP
        portRanges: [{ fromPort: 443 }]
        endpointGroups:
          - { region: us-west-2, trafficDialPercentage: ${dial}, endpoints: [{ type: eip, id: eipalloc-0123abcd }] }
          - { region: us-east-1, endpoints: [{ type: eip, id: eipalloc-0123abce }] }
`;

describe("npm run explain", () => {
  const explain = (args: string[], config?: string) =>
    spawnSync(process.execPath, ["scripts/explain.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, SMART_ROUTING_CONFIG: config } });
  const examples = [undefined, ...readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")).sort().map((f) => `examples/${f}`)];
  const twoRegions = configFile("two-regions.yaml", TWO_REGIONS());
  const servedBy = (run: { stdout: string }) => JSON.parse(run.stdout).listeners.map((l: { servedBy: { region: string; share: number }[] }) => l.servedBy.map((s) => [s.region, s.share]));

  it.each(examples)("prints the normal and every single-failure scenario of every listener of %s", (config) => {
    const run = explain([], config);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const stack of loadModel({ SMART_ROUTING_CONFIG: config }).model!.stacks) {
      for (const listener of stack.listeners) {
        const section = run.stdout.split(`${stack.name}, listener ${listener.name} (`)[1]?.split(/\n\S/)[0] ?? "";
        expect(section).toMatch(/\n {2}normal operation: every region healthy/);
        for (const group of listener.endpointGroups) expect(section).toContain(`\n  ${group.region} failed\n`);
      }
    }
  });

  it("writes the same scenarios as Markdown with --markdown", () => {
    const file = join(mkdtempSync(join(tmpdir(), "explain-")), "explain.md");
    const run = explain(["ai-models-prod", "--fail", "us-east-1", "--markdown", file], "examples/full.yaml");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("\n  us-east-1 failed\n");
    expect(run.stdout).not.toContain("us-west-1 failed");
    expect(readFileSync(file, "utf8")).toContain("#### us-east-1 failed\n\n| Geography | Demand | Served by |");
  });

  it("puts Seattle's client in us-west-2, and in us-east-1 with us-west-2 failed (--client=<lat>,<lon> --json)", () => {
    const normal = explain(["--client=47.61,-122.33", "--json"], twoRegions);
    expect([normal.status, normal.stderr]).toEqual([0, ""]);
    expect(servedBy(normal)).toEqual([[["us-west-2", 1]]]);
    expect(JSON.parse(normal.stdout).listeners[0]).toMatchObject({ stack: "web", listener: "api", runnerUp: { region: "us-east-1" } });
    const failed = explain(["--client=47.61,-122.33", "--fail", "us-west-2", "--json"], twoRegions);
    expect(servedBy(failed)).toEqual([[["us-east-1", 1]]]);
    expect(JSON.parse(failed.stdout).scenario).toEqual({ title: "us-west-2 failed", failed: ["us-west-2"] });
  });

  it("splits a client's traffic by a dial of 50, largest share first", () => {
    const run = explain(["--client", "Seattle", "--json"], configFile("dial-50.yaml", TWO_REGIONS(50)));
    expect(servedBy(run)).toEqual([
      [
        ["us-east-1", 0.5],
        ["us-west-2", 0.5],
      ],
    ]);
  });

  it("takes a southern point after a space (-33.87,151.21, Sydney) and a western one (40.71,-74.01, New York)", () => {
    const sydney = explain(["--client", "-33.87,151.21"], twoRegions);
    expect([sydney.status, sydney.stderr]).toEqual([0, ""]);
    expect(sydney.stdout).toContain("\nclient: -33.87, 151.21 (nearest metro of the table: Sydney, oceania, 0 km)\n");
    expect(sydney.stdout).toMatch(/\n {2}normal operation, the config's dials: us-west-2 \d+ km; runner-up us-east-1 \d+ km\n/);
    const newYork = explain(["web", "--client", "40.71,-74.01", "--json"], twoRegions);
    expect(servedBy(newYork)).toEqual([[["us-east-1", 1]]]);
    expect(JSON.parse(newYork.stdout).client).toMatchObject({ lat: 40.71, lon: -74.01, nearestMetro: { name: "New York City" } });
  });

  it("prints the scenarios as one JSON document with --json", () => {
    const run = explain(["--json"], twoRegions);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.listeners[0].scenarios.map((s: { title: string }) => s.title)).toEqual([
      "normal operation: every region healthy (the config's dials are all 100)",
      "us-west-2 failed",
      "us-east-1 failed",
    ]);
  });

  it("prints its usage with --help", () => {
    const run = explain(["--help"]);
    expect(run.stdout).toBe(
      "usage: npm run explain -- [stack ...] [--fail <region>]... [--client <lat>,<lon>|<metro name>] [--json] [--markdown <file>]\n(see help, the command reference, and README.md)\n",
    );
    expect(run.status).toBe(0);
  });

  it.each<[string, string[], string | undefined, string]>([
    ["an unknown stack", ["prod"], undefined, 'explain: no stack named "prod" in this config; its stacks are: smart-routing\n'],
    ["an unknown region", ["--fail", "us-moon-1"], undefined, 'explain: --fail "us-moon-1" is not a region Global Accelerator supports\n'],
    ["a region the stack has no group in", ["--fail", "eu-west-1"], undefined, "explain: --fail eu-west-1: stack smart-routing has no endpoint group there (its regions: us-east-1, us-west-1); name the stack to explain\n"],
    ["an unknown flag", ["--region", "eu-west-1"], undefined, "explain: Unknown option '--region'."],
    ["--fail without a region", ["--fail"], undefined, "explain: Option '--fail <value>' argument missing"],
    ["an unknown metro", ["--client", "Gotham"], undefined, 'explain: --client "Gotham" is not a metro area of the table; give <lat>,<lon> in decimal degrees, north and east positive (47.61,-122.33 is Seattle), or the name of a metro area of src/config/metros.ts ("Seattle", "sao paulo")\n'],
    ["malformed coordinates", ["--client=47.61,-122.33,1"], undefined, 'explain: --client "47.61,-122.33,1" is neither coordinates nor a metro name; give <lat>,<lon>'],
    ["a latitude out of range", ["--client", "-95,10"], undefined, 'explain: --client "-95,10": the latitude must be from -90 to 90, received -95; give <lat>,<lon>'],
    ["two clients", ["--client", "Seattle", "--client", "Tokyo"], undefined, "explain: give --client once (received 2); run explain once per client\n"],
    ["--client with --markdown", ["--client", "Seattle", "--markdown", "x.md"], undefined, "explain: --markdown writes the scenario tables; it does not go with --client\n"],
    ["--client without a value", ["--client"], undefined, "explain: Option '--client <value>' argument missing"],
  ])("exits 2 on %s with a clear message and no stack trace", (_name, args, config, message) => {
    const run = explain(args, config);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr.split("\n").filter((l) => l !== "").length).toBeLessThanOrEqual(2);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
