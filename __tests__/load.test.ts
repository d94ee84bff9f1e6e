// Loading config files: YAML and JSON, errors that name the file and line,
// and config paths mapped back to lines.
import { MAX_ALIASED_VALUES, parseConfigText } from "../src/config/load";

describe("parseConfigText", () => {
  it("reads YAML and maps a config path to the line and column of its key", () => {
    const loaded = parseConfigText("version: 1\nstacks:\n  - name: prod\n    backend:\n      bucket: b\n", "c.yaml", "yaml");
    expect(loaded.data).toEqual({ version: 1, stacks: [{ name: "prod", backend: { bucket: "b" } }] });
    expect(loaded.locate(["stacks", 0, "backend", "bucket"])).toBe("c.yaml:5:7");
    expect(loaded.locate(["stacks", 0])).toBe("c.yaml:3:5");
  });

  it("maps a missing or unknown key to its nearest existing parent", () => {
    const loaded = parseConfigText("version: 1\nstacks:\n  - name: prod\n", "c.yaml", "yaml");
    expect(loaded.locate(["stacks", 0, "backend", "bucket"])).toBe("c.yaml:3:5");
  });

  it("names the line of a YAML syntax error", () => {
    expect(() => parseConfigText("version: 1\nstacks: [\n", "c.yaml", "yaml")).toThrow(/^c\.yaml:\d+:\d+: invalid YAML: /);
  });

  it("rejects a duplicate key, which YAML would otherwise resolve silently", () => {
    expect(() => parseConfigText("version: 1\nversion: 2\n", "c.yaml", "yaml")).toThrow("c.yaml:2:1: invalid YAML: Map keys must be unique");
  });

  it("rejects an empty file", () => {
    expect(() => parseConfigText("# nothing\n", "c.yaml", "yaml")).toThrow("c.yaml: the file is empty");
    expect(() => parseConfigText(" \n", "c.json", "json")).toThrow("c.json: the file is empty");
  });

  it("reads JSON strictly and names the line of a JSON error", () => {
    expect(parseConfigText('{"version": 1}', "c.json", "json").data).toEqual({ version: 1 });
    expect(() => parseConfigText('{\n  "version": 1,\n}', "c.json", "json")).toThrow(/^c\.json:3:1: invalid JSON: /);
    expect(() => parseConfigText("version: 1\n", "c.json", "json")).toThrow(/^c\.json(:1:1)?: invalid JSON: Unexpected token/);
  });

  it("names the line and column of an alias used before its anchor", () => {
    expect(() => parseConfigText("version: 1\nstacks:\n  - name: *x\n  - name: &x prod\n", "c.yaml", "yaml")).toThrow(
      "c.yaml:3:11: invalid YAML: alias *x has no anchor &x before it (an anchor must come earlier in the file than its aliases)",
    );
  });

  it("names the alias inside its own anchor's value, which would be an endless structure", () => {
    expect(() => parseConfigText("version: 1\nstacks: &s\n  - *s\n", "c.yaml", "yaml")).toThrow(
      "c.yaml:3:5: invalid YAML: alias *s is inside the value of its own anchor &s, which would make the config endless",
    );
  });

  it("names the alias at which nested aliases expand past the limit (an alias bomb)", () => {
    // 11 values, then each level 10 aliases of the one before: the 8th alias of a3 on line 5 passes 100,000.
    const bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 6 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`)];
    expect(() => parseConfigText(`${bomb.join("\n")}\n`, "c.yaml", "yaml")).toThrow(
      `c.yaml:5:45: invalid YAML: aliases expand this config to more than ${MAX_ALIASED_VALUES} values (nested aliases multiply); write the repeated parts out, or alias them without nesting`,
    );
  });

  it("reads a value aliased many times, within the limit (the YAML library's own guess refused 100 aliases of one anchor)", () => {
    const text = `stacks:\n  - &s { name: s }\n${"  - *s\n".repeat(200)}`;
    expect((parseConfigText(text, "c.yaml", "yaml").data as { stacks: unknown[] }).stacks).toHaveLength(201);
  });

  it("rejects a list, mapping or alias as a mapping key", () => {
    const message = "invalid YAML: a mapping key must be a plain value such as name or region, not a list, a mapping or an alias";
    expect(() => parseConfigText("version: 1\n? [a, b]\n: 1\n", "c.yaml", "yaml")).toThrow(`c.yaml:2:3: ${message}`);
    expect(() => parseConfigText("version: &v 1\n*v : 1\n", "c.yaml", "yaml")).toThrow(`c.yaml:2:1: ${message}`);
  });

  it("rejects the key __proto__, whose value JavaScript would silently drop, in YAML and JSON", () => {
    const message = '"__proto__" cannot be a key in a config: JavaScript takes it for the prototype of the mapping, and its value would be lost';
    expect(() => parseConfigText("version: 1\nstacks:\n  - tags:\n      __proto__: x\n", "c.yaml", "yaml")).toThrow(`c.yaml:4:7: ${message}`);
    expect(() => parseConfigText('{\n  "__proto__": {}\n}', "c.json", "json")).toThrow(`c.json:2:3: ${message}`);
  });

  it("keeps YAML 1.2 core types: yes is a string, not true", () => {
    expect(parseConfigText("a: yes\nb: 010\n", "c.yaml", "yaml").data).toEqual({ a: "yes", b: 10 });
  });
});
