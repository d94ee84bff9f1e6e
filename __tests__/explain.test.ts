// `npm run explain`: how shares read, the scenarios of a stack, one client's answer and the JSON document.
// The routing model itself is in routing.test.ts; the command as users run it in explain-command.test.ts.
// No cdktf here: these tests run for every mutant of src/explain they cover, so they load only what they use.
import { GEOGRAPHIES } from "../src/config/limits";
import { METROS } from "../src/config/metros";
import { parseClient, type Client } from "../src/explain/clients";
import { greatCircleKm, kmToRegion } from "../src/explain/geography";
import { clientJson, explainJson } from "../src/explain/json";
import { clientRoutingText, clientTitle, LEGEND, NEAR_TIE_NOTE, nearTiesLine, PROXIMITY_NOTE, renderClientText, renderExplainMarkdown, renderExplainText, servedBy } from "../src/explain/render";
import { route, routeGroups, type GroupState, type MetroTie } from "../src/explain/routing";
import { explainClient, explainStack, groupState } from "../src/explain/scenarios";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";

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

  it("adds up the shares that reach a region the same way", () => {
    const failover = (fraction: number, from: string) => ({ region: "us-east-1", fraction, via: "failover" as const, from });
    expect(servedBy([failover(0.3, "eu-west-1"), failover(0.2, "me-central-1"), { region: "ap-northeast-1", fraction: 0.5, via: "closest" }])).toBe(
      "us-east-1 50% (failover from eu-west-1 and me-central-1), ap-northeast-1 50%",
    );
  });
});

/** Two listeners: inference in us-west-1 and us-east-1 (dial 25), streaming in ap-northeast-1 alone. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function explainConfig(): any {
  const eip = (id: string, weight?: number) => ({ type: "eip", id: `eipalloc-0123abc${id}`, ...(weight !== undefined && { weight }) });
  return {
    version: 1,
    stacks: [
      {
        name: "test",
        backend: { bucket: "acme-terraform-state", region: "us-west-2" },
        accelerator: { name: "test-accelerator", flowLogs: false },
        listeners: [
          {
            name: "inference",
            protocol: "TCP",
            portRanges: [{ fromPort: 443 }],
            endpointGroups: [
              { region: "us-west-1", endpoints: [eip("0"), eip("1", 64)] },
              { region: "us-east-1", trafficDialPercentage: 25, endpoints: [eip("2"), eip("3", 200)] },
            ],
          },
          { name: "streaming", protocol: "UDP", portRanges: [{ fromPort: 9000, toPort: 9010 }], endpointGroups: [{ region: "ap-northeast-1", endpoints: [eip("4")] }] },
        ],
      },
    ],
  };
}

const stackOf = (change: (c: ReturnType<typeof explainConfig>) => void = () => {}) => {
  const config = explainConfig();
  change(config);
  return toModel(parseConfig(config).config).stacks[0];
};

describe("a group's state in a scenario", () => {
  it("is unavailable when its region failed or its every weight is 0, and keeps the config's dial unless given one", () => {
    const stack = stackOf((c) => c.stacks[0].listeners[0].endpointGroups[0].endpoints.forEach((ep: { weight?: number }) => (ep.weight = 0)));
    const [uswest1, useast1] = stack.listeners[0].endpointGroups;
    expect(groupState(uswest1, [])).toStrictEqual({ region: "us-west-1", dial: 100, available: false });
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
    expect(explanation.listeners[1].scenarios.map((s) => s.scenario.failed)).toEqual([[], ["ap-northeast-1"]]);
    const [normal, dials] = explanation.listeners[0].scenarios;
    // Without demand, North America's metros weigh by their users: the West Coast goes to us-west-1.
    expect(normal.routing).toEqual(routeGroups([up("us-west-1"), up("us-east-1")], {}));
    expect(normal.routing.routes["north-america"].map((s) => s.region)).toEqual(["us-east-1", "us-west-1"]);
    expect(dials.routing).toEqual(routeGroups([up("us-west-1"), up("us-east-1", 25)], {}));
  });

  it("name every dial below 100 in the config's dials scenario, in the listener's order", () => {
    const explanation = explainStack(stackOf((c) => (c.stacks[0].listeners[0].endpointGroups[0].trafficDialPercentage = 50)));
    const [normal, dials] = explanation.listeners[0].scenarios;
    expect(dials.scenario.title).toBe("the config's dials (us-west-1 50, us-east-1 25), every region healthy");
    expect(normal.routing).toEqual(routeGroups([up("us-west-1"), up("us-east-1")], {}));
    expect(dials.routing).toEqual(routeGroups([up("us-west-1", 50), up("us-east-1", 25)], {}));
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
    expect(text).toContain("    ap-northeast-1   400  NOT SERVED\n");
    expect(text).toContain("    us-west-1     0      down\n");
    expect(text.endsWith("\n\ntest: 3 overload(s):\n  inference, normal operation: every region healthy, every dial at 100: us-east-1 400 / 200 (200%)\n  inference, us-west-1 failed: us-east-1 400 / 200 (200%)\n  inference, us-east-1 failed: us-west-1 400 / 350 (114.3%)\n")).toBe(true);
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
    expect(text).toContain("\n\ntest: no overload check (it needs demand on the stack and capacity on the endpoint groups).\n");
    expect(text).toContain("\n    geography      demand  served by\n    north-america       0  ");
    expect(text).toContain("    region     load\n    us-west-1     0\n    us-east-1    10\n");
    expect(renderExplainMarkdown([explainStack(stack)])).toContain("| Region | Load | |\n| --- | ---: | --- |\n| us-west-1 | 0 |  |\n| us-east-1 | 10 |  |");
  });

  it("without demand, show no demand column and no load table, and title each listener with its port ranges", () => {
    const stack = stackOf((c) => (c.stacks[0].listeners[0].portRanges = [{ fromPort: 443 }, { fromPort: 8000, toPort: 8010 }]));
    const text = renderExplainText([explainStack(stack)]);
    expect(text).toContain("\ntest, listener inference (TCP 443, 8000-8010):\n\n  normal operation: every region healthy, every dial at 100\n    geography      served by\n    north-america  us-east-1 ");
    expect(text).not.toMatch(/\n {4}region +load/);
    expect(text).not.toContain("undefined");
    const markdown = renderExplainMarkdown([explainStack(stack)]);
    expect(markdown).toContain("\n### test, listener inference (TCP 443, 8000-8010)\n\n#### normal operation: every region healthy, every dial at 100\n\n| Geography | Served by |\n| --- | --- |\n| north-america | us-east-1 ");
    expect(markdown).not.toContain("| Region |");
    // Capacity without demand: nothing to check either.
    const capacityOnly = stackOf((c) => c.stacks[0].listeners[0].endpointGroups.forEach((g: { capacity?: number }) => (g.capacity = 100)));
    expect(renderExplainText([explainStack(capacityOnly)])).toContain("\ntest: no overload check (it needs demand on the stack and capacity on the endpoint groups).\n");
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

  it("read line by line, as text and as Markdown, for a region with demand and a capacity", () => {
    const stack = stackOf((c) => {
      c.stacks[0].demand = { europe: 100, asia: 50 };
      c.stacks[0].listeners = [c.stacks[0].listeners[1]];
      c.stacks[0].listeners[0].endpointGroups[0].capacity = 120;
    });
    const explanation = explainStack(stack);
    const served = (via: string) => GEOGRAPHIES.map((g) => [g, { europe: "100", asia: "50" }[g as string] ?? "0", `ap-northeast-1${via}`]);
    const failOpen = " (fails open: no group tried is up)";
    const textRows = (via: string) => served(via).map(([g, demand, by]) => `    ${g.padEnd(13)}  ${demand.padStart(6)}  ${by}`);
    expect(renderExplainText([explanation])).toBe(
      [
        PROXIMITY_NOTE,
        LEGEND,
        "",
        "test, listener streaming (UDP 9000-9010):",
        "",
        "  normal operation: every region healthy (the config's dials are all 100)",
        "    geography      demand  served by",
        ...textRows(""),
        "    region          load  capacity   use",
        "    ap-northeast-1   150       120  125%  OVERLOADED",
        "",
        "  ap-northeast-1 failed",
        "    geography      demand  served by",
        ...textRows(failOpen),
        "    region          load  capacity  use",
        "    ap-northeast-1   150      down       NOT SERVED",
        "",
        "test: 2 overload(s):",
        "  streaming, normal operation: every region healthy (the config's dials are all 100): ap-northeast-1 150 / 120 (125%)",
        "  streaming, ap-northeast-1 failed: ap-northeast-1 150 / 120 (125%)",
        "",
      ].join("\n"),
    );
    const markdownRows = (via: string) => served(via).map(([g, demand, by]) => `| ${g} | ${demand} | ${by} |`);
    expect(renderExplainMarkdown([explanation])).toBe(
      [
        `_${PROXIMITY_NOTE}_`,
        "",
        `_${LEGEND}_`,
        "",
        "## test",
        "",
        "test: 2 overload(s):",
        "- streaming, normal operation: every region healthy (the config's dials are all 100): ap-northeast-1 150 / 120 (125%)",
        "- streaming, ap-northeast-1 failed: ap-northeast-1 150 / 120 (125%)",
        "",
        "### test, listener streaming (UDP 9000-9010)",
        "",
        "#### normal operation: every region healthy (the config's dials are all 100)",
        "",
        "| Geography | Demand | Served by |",
        "| --- | ---: | --- |",
        ...markdownRows(""),
        "",
        "| Region | Load | Capacity | Use | |",
        "| --- | ---: | ---: | ---: | --- |",
        "| ap-northeast-1 | 150 | 120 | 125% | **OVERLOADED** |",
        "",
        "#### ap-northeast-1 failed",
        "",
        "| Geography | Demand | Served by |",
        "| --- | ---: | --- |",
        ...markdownRows(failOpen),
        "",
        "| Region | Load | Capacity | Use | |",
        "| --- | ---: | ---: | ---: | --- |",
        "| ap-northeast-1 | 150 | down |  | **NOT SERVED** |",
        "",
      ].join("\n"),
    );
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

describe("a line of near ties", () => {
  const tie = (i: number): MetroTie => ({ metro: METROS[i], closest: { region: "us-east-1", km: 1000.4 + i }, second: { region: "us-west-2", km: 1050.6 + i } });
  const named = (i: number) => `${METROS[i].name} (us-east-1 ${1000 + i} km / us-west-2 ${1051 + i} km)`;

  it("names six, then counts the rest", () => {
    const six = [0, 1, 2, 3, 4, 5];
    expect(nearTiesLine(six.map(tie), [])).toBe(`${NEAR_TIE_NOTE}: ${six.map(named).join(", ")}`);
    expect(nearTiesLine([...six, 6].map(tie), [])).toBe(`${NEAR_TIE_NOTE}: ${six.map(named).join(", ")}, and 1 more`);
    expect(nearTiesLine([], [])).toBeUndefined();
  });

  it("leaves out the ties already named (same metro, same two regions), and says the rest come also", () => {
    const swapped: MetroTie = { ...tie(1), closest: tie(1).second, second: tie(1).closest };
    const otherSecond: MetroTie = { ...tie(2), second: { region: "eu-west-1", km: 1052.6 } };
    expect(nearTiesLine([tie(0), tie(1), tie(2)], [tie(0), swapped, otherSecond])).toBe(`also ${NEAR_TIE_NOTE}: ${named(1)}, ${named(2)}`);
    expect(nearTiesLine([tie(0)], [tie(0)])).toBeUndefined();
    expect(nearTiesLine([tie(3)], [{ ...tie(3), metro: METROS[4] }])).toBe(`also ${NEAR_TIE_NOTE}: ${named(3)}`);
    expect(nearTiesLine([tie(4)], [{ ...tie(4), closest: { region: "eu-west-1", km: 1000.4 } }])).toBe(`also ${NEAR_TIE_NOTE}: ${named(4)}`);
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
    const normalOnly = renderClientText(newYork, [explainClient(stack, newYork)]);
    expect(normalOnly).not.toContain("failed");
    expect(normalOnly.endsWith(`\n  normal operation, the config's dials: ap-northeast-1 ${Math.round(kmToRegion(newYork, "ap-northeast-1"))} km; runner-up no other group up\n`)).toBe(true);
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
    const seattle = METROS.find((m) => m.name === "Seattle")!;
    expect(clientTitle({ lat: 47.5, lon: -122.2 })).toBe(`47.5, -122.2 (nearest metro of the table: Seattle, north-america, ${Math.round(greatCircleKm({ lat: 47.5, lon: -122.2 }, seattle))} km)`);
    // 0.11° of latitude (12.2 km) and 0.13° of longitude at 47.5° N (9.8 km) from Seattle's 47.61, -122.33.
    expect(Math.round(greatCircleKm({ lat: 47.5, lon: -122.2 }, seattle))).toBe(16);
  });
});

function routeGroupsClient(point: { lat: number; lon: number }, regions: string[]) {
  const stack = stackOf((c) => {
    c.stacks[0].listeners[0].endpointGroups = regions.map((region, i) => ({ region, endpoints: [{ type: "eip", id: `eipalloc-0123abc${i}` }] }));
  });
  return explainClient(stack, point).listeners[0].normal.routing;
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

  it("rounds shares to six decimals and distances to whole km", () => {
    // Without demand, North America's shares are of its metros' internet users: not round numbers.
    const explanation = explainStack(stackOf());
    const doc = JSON.parse(JSON.stringify(explainJson([explanation])));
    const shares = explanation.listeners[0].scenarios[0].routing.routes["north-america"];
    const east = shares.filter((s) => s.region === "us-east-1").reduce((sum, s) => sum + s.fraction, 0);
    expect(east * 1e6 % 1).not.toBe(0);
    expect(doc.listeners[0].scenarios[0].geographies[0].servedBy[0]).toEqual({ region: "us-east-1", share: Math.round(east * 1e6) / 1e6, ways: [{ via: "closest", share: Math.round(east * 1e6) / 1e6 }] });
    const tie = explanation.listeners[0].scenarios[0].routing.nearTies[0];
    expect(doc.listeners[0].scenarios[0].nearTies[0]).toEqual({ metro: tie.metro.name, closest: { region: tie.closest.region, km: Math.round(tie.closest.km) }, second: { region: tie.second.region, km: Math.round(tie.second.km) } });
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

