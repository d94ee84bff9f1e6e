// Choosing stacks on a command line: one function for every CLI, so each says the same thing about a
// stack the config does not have.
import { loadStacksReporting, selectStack, selectStacks } from "../src/app";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";

function twoStacks() {
  const config = validConfig();
  config.stacks.push({ ...config.stacks[0], name: "prod" });
  return toModel(parseConfig(config).config);
}

describe("selectStacks", () => {
  it("selects every stack when none is named, and only the named ones otherwise, in config order", () => {
    const model = twoStacks();
    expect(selectStacks(model, [])).toEqual({ stacks: model.stacks });
    expect(selectStacks(model, ["prod"])).toEqual({ stacks: [model.stacks[1]] });
  });

  it("names every unknown stack and lists the config's stacks", () => {
    expect(selectStacks(twoStacks(), ["prod", "stage", "dev"])).toEqual({ error: 'no stack named "stage", "dev" in this config; its stacks are: test, prod' });
  });
});

describe("selectStack", () => {
  it("takes the only stack of a one-stack config without a name", () => {
    const model = toModel(parseConfig(validConfig()).config);
    expect(selectStack(model, undefined, "--stack")).toEqual({ stack: model.stacks[0] });
  });

  it("asks for a name, with the option that gives it, when the config has several stacks", () => {
    expect(selectStack(twoStacks(), undefined, "--stack")).toEqual({ error: "this config has several stacks (test, prod); name one with --stack" });
    expect(selectStack(twoStacks(), "prod", "--stack")).toMatchObject({ stack: { name: "prod" } });
  });

  it("says what selectStacks says about a stack the config does not have", () => {
    expect(selectStack(twoStacks(), "stage", "--stack")).toEqual({ error: 'no stack named "stage" in this config; its stacks are: test, prod' });
  });
});

describe("loadStacksReporting", () => {
  const quiet = () => undefined;
  const run = (env: NodeJS.ProcessEnv, names: string[]) => {
    const written: string[] = [];
    const result = loadStacksReporting(env, names, (text) => written.push(text));
    return { result, written };
  };

  it("reads the config and returns it with the named stacks (all when none is named)", () => {
    const { result } = run({ SMART_ROUTING_CONFIG: "examples/full.yaml" }, ["ai-models-dualstack"]);
    expect(result.stacks?.map((s) => s.name)).toEqual(["ai-models-dualstack"]);
    expect(result.model?.stacks.map((s) => s.name)).toEqual(["ai-models-prod", "ai-models-dualstack"]);
    expect(loadStacksReporting({}, [], quiet).stacks?.map((s) => s.name)).toEqual(["smart-routing"]);
  });

  it("says a config it cannot use is that (its errors already written), and an unknown name is an error to report", () => {
    const bad = run({ SMART_ROUTING_CONFIG: "missing.yaml" }, []);
    expect(bad.result).toEqual({ configError: true });
    expect(bad.written.join("")).toContain("error: missing.yaml: cannot read the file (ENOENT)");
    expect(run({}, ["prod"]).result).toEqual({ error: 'no stack named "prod" in this config; its stacks are: smart-routing' });
  });
});
