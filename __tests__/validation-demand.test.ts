// The demand of single metro areas (stacks[].demand.metros): names as src/config/metros.ts spells them,
// loads like a geography's, and a geography's figure needs a metro left to spread over. Every mistake is
// reported at once, with its path, the value received and what is allowed.
import { GEOGRAPHIES } from "../src/config/limits";
import { METROS } from "../src/config/metros";
import { formatPath } from "../src/config/show";
import { validateConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const errorsOf = (demand: any): string[] => {
  const config = validConfig();
  config.stacks[0].demand = demand;
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map((e) => `${formatPath(e.path)}: ${e.message}`);
};
const NAMES = `the name of one of the ${METROS.length} metro areas of src/config/metros.ts, spelled as there`;
const every = (geography: string) => Object.fromEntries(METROS.filter((m) => m.geography === geography).map((m) => [m.name, 1]));

describe("demand per metro", () => {
  it("accepts metros by the table's names, with geography figures beside them", () => {
    expect(errorsOf({ "north-america": 900, europe: 0, metros: { Seattle: 120, "São Paulo": 0, "Washington, D.C.": 3.5 } })).toEqual([]);
    expect(errorsOf({ metros: {} })).toEqual([]);
  });

  it("accepts every metro of a geography with a figure of its own when the geography's figure is absent or 0", () => {
    expect(errorsOf({ metros: every("oceania") })).toEqual([]);
    expect(errorsOf({ oceania: 0, metros: every("oceania") })).toEqual([]);
    // The first geography too: a figure of 0 has nothing to spread.
    expect(errorsOf({ "north-america": 0, metros: every("north-america") })).toEqual([]);
  });

  it.each([
    ["a name without its accents", { metros: { "Sao Paulo": 5 } }, `stacks[0].demand.metros["Sao Paulo"]: must be ${NAMES}, received "Sao Paulo"; did you mean "São Paulo"?`],
    ["a misspelt name", { metros: { Seatle: 5 } }, `stacks[0].demand.metros.Seatle: must be ${NAMES}, received "Seatle"; did you mean "Seattle"?`],
    ["the first words of a name", { metros: { Frankfurt: 5 } }, `stacks[0].demand.metros.Frankfurt: must be ${NAMES}, received "Frankfurt"; did you mean "Frankfurt am Main"?`],
    ["a name two metros begin with", { metros: { "San Jose": 5 } }, `stacks[0].demand.metros["San Jose"]: must be ${NAMES}, received "San Jose"; did you mean "San Jose, United States" or "San José, Costa Rica"?`],
    ["a name nothing is close to", { metros: { Gotham: 5 } }, `stacks[0].demand.metros.Gotham: must be ${NAMES}, received "Gotham"`],
    ["a negative load", { metros: { Seattle: -1 } }, "stacks[0].demand.metros.Seattle: must be a number of 0 or more, received -1"],
    ["a load that is not a number", { metros: { Seattle: "lots" } }, 'stacks[0].demand.metros.Seattle: must be a number of 0 or more, received "lots"'],
    ["metros that are not a mapping", { metros: ["Seattle"] }, 'stacks[0].demand.metros: must be a mapping of metro names to loads, received ["Seattle"]'],
  ])("rejects %s", (_name, demand, error) => {
    expect(errorsOf(demand)).toEqual([error]);
  });

  it.each(GEOGRAPHIES.map((g) => [g]))("rejects a figure for %s when every one of its metros has its own", (geography) => {
    expect(errorsOf({ [geography]: 7, metros: every(geography) })).toEqual([
      `stacks[0].demand.${geography}: has no metro area left to spread over, received 7: every metro of ${geography} has its own load in metros; add this load to theirs, or leave it out`,
    ]);
    // One metro without a figure of its own is enough: the last one of the table's order, say.
    const all = every(geography);
    delete all[Object.keys(all)[Object.keys(all).length - 1]];
    expect(errorsOf({ [geography]: 7, metros: all })).toEqual([]);
  });

  it("reports every mistake at once, the second metro's and the geography's too", () => {
    expect(errorsOf({ europe: -5, metros: { Seattle: 1, Tokio: 2, Gotham: -3 } })).toEqual([
      "stacks[0].demand.europe: must be a number of 0 or more, received -5",
      "stacks[0].demand.metros.Gotham: must be a number of 0 or more, received -3",
      `stacks[0].demand.metros.Tokio: must be ${NAMES}, received "Tokio"; did you mean "Tokyo"?`,
      `stacks[0].demand.metros.Gotham: must be ${NAMES}, received "Gotham"`,
    ]);
  });
});
