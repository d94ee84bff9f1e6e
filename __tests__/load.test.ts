// Loading config files: YAML and JSON, errors that name the file and line,
// and config paths mapped back to lines.
import { parseConfigText } from "../src/config/load";

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
  });

  it("reads JSON strictly and names the line of a JSON error", () => {
    expect(parseConfigText('{"version": 1}', "c.json", "json").data).toEqual({ version: 1 });
    expect(() => parseConfigText('{\n  "version": 1,\n}', "c.json", "json")).toThrow(/^c\.json:3:1: invalid JSON: /);
    expect(() => parseConfigText("version: 1\n", "c.json", "json")).toThrow(/^c\.json(:1:1)?: invalid JSON: Unexpected token/);
  });

  it("keeps YAML 1.2 core types: yes is a string, not true", () => {
    expect(parseConfigText("a: yes\nb: 010\n", "c.yaml", "yaml").data).toEqual({ a: "yes", b: 10 });
  });
});
