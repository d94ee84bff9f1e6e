// Reading a config file: YAML or JSON by extension. Parse errors name the file,
// line and column; a loaded config can map a config path back to its line.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

export interface LoadedConfig {
  /** The parsed data, not yet validated. */
  readonly data: unknown;
  /** The file it came from, as given. */
  readonly source: string;
  /** `file:line:column` of the value at a config path, or of its nearest ancestor. */
  locate(path: readonly PropertyKey[]): string | undefined;
}

/** A config file that cannot be read or parsed; the message names the file and line. */
export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigFileError";
  }
}

const EXTENSIONS = [".yaml", ".yml", ".json"];

export function loadConfigFile(file: string): LoadedConfig {
  const extension = extname(file).toLowerCase();
  if (!EXTENSIONS.includes(extension)) {
    throw new ConfigFileError(`${file}: the extension must be one of ${EXTENSIONS.join(", ")}, received ${JSON.stringify(extension || "none")}`);
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigFileError(`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseConfigText(text, file, extension === ".json" ? "json" : "yaml");
}

export function parseConfigText(text: string, source: string, format: "yaml" | "json"): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, schema: format === "json" ? "json" : "core" });
  const where = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  // Only blanks (and, in YAML, comments): the same message in both formats, not JSON.parse's "end of input".
  if (format === "json" && text.trim() === "") throw new ConfigFileError(`${source}: the file is empty`);
  if (format === "json") {
    // JSON.parse is the authority on what is JSON; the YAML document above only serves locations.
    try {
      JSON.parse(text);
    } catch (err) {
      const position = /position (\d+)/.exec((err as Error).message);
      const at = position ? where(Number(position[1])) : source;
      throw new ConfigFileError(`${at}: invalid JSON: ${(err as Error).message.replace(/ in JSON at position \d+.*$/, "")}`);
    }
  }
  const problem = doc.errors[0];
  if (problem !== undefined) {
    throw new ConfigFileError(`${where(problem.pos[0])}: invalid ${format === "json" ? "JSON" : "YAML"}: ${problem.message.split("\n")[0]}`);
  }
  if (doc.contents === null) throw new ConfigFileError(`${source}: the file is empty`);
  const invalid = (node: Node, message: string) => new ConfigFileError(`${where(node.range?.[0] ?? 0)}: ${message}`);
  checkStructure(doc.contents, invalid);
  let data: unknown;
  try {
    // checkStructure has bounded what aliases expand to; the library's own guess at that is off.
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (err) {
    throw new ConfigFileError(`${source}: invalid ${format === "json" ? "JSON" : "YAML"}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { data, source, locate: (path) => locate(doc, path, where) };
}

/**
 * How many values aliases may add to a config. Each alias stands for a copy of its anchor's value, so
 * nested aliases multiply ("billion laughs"): a few lines could otherwise expand to billions of values.
 * A real config stays far below: 200 stacks that each repeat a 100-value listener by alias add 20,000.
 */
export const MAX_ALIASED_VALUES = 100_000;

/**
 * What YAML (or JSON) allows but a config cannot be: an alias before its anchor, an alias inside its own
 * anchor's value (an endless structure), aliases that expand beyond MAX_ALIASED_VALUES, a list, mapping or
 * alias as a mapping key, and the key "__proto__". Each is reported at its node. Walks the document once,
 * in the order of the file, which is the order YAML resolves aliases in (an alias names the last anchor
 * of its name before it).
 */
function checkStructure(root: Node, invalid: (node: Node, message: string) => ConfigFileError): void {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open: Node[] = [];
  let aliased = 0;
  /** The number of values the node stands for once aliases are expanded. */
  const walk = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) throw invalid(node, `invalid YAML: alias *${node.source} has no anchor &${node.source} before it (an anchor must come earlier in the file than its aliases)`);
      if (open.includes(target)) throw invalid(node, `invalid YAML: alias *${node.source} is inside the value of its own anchor &${node.source}, which would make the config endless`);
      const size = sizes.get(target) ?? 1;
      aliased += size;
      if (aliased > MAX_ALIASED_VALUES) {
        throw invalid(node, `invalid YAML: aliases expand this config to more than ${MAX_ALIASED_VALUES} values (nested aliases multiply); write the repeated parts out, or alias them without nesting`);
      }
      return size;
    }
    if (!isScalar(node) && !isCollection(node)) return 0;
    if (node.anchor) anchors.set(node.anchor, node);
    let size = 1;
    if (isCollection(node)) {
      open.push(node);
      for (const item of node.items) {
        if (isPair(item)) {
          if (isCollection(item.key) || isAlias(item.key)) throw invalid(item.key, "invalid YAML: a mapping key must be a plain value such as name or region, not a list, a mapping or an alias");
          // JavaScript reads this key as the mapping's prototype: its value would vanish without a word.
          if (isScalar(item.key) && item.key.value === "__proto__") {
            throw invalid(item.key, `"__proto__" cannot be a key in a config: JavaScript takes it for the prototype of the mapping, and its value would be lost`);
          }
          size += walk(item.key) + walk(item.value);
        } else {
          size += walk(item);
        }
      }
      open.pop();
    }
    sizes.set(node, size);
    return size;
  };
  walk(root);
}

function locate(doc: Document, path: readonly PropertyKey[], where: (offset: number) => string): string | undefined {
  // Unknown keys and missing values have no node of their own: fall back to the parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const parent = doc.getIn(prefix.slice(0, -1), true);
    const last = prefix[prefix.length - 1];
    if (depth > 0 && isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === last);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return where(range[0]);
    }
    const node = doc.getIn(prefix, true) as { range?: [number, number, number] } | undefined;
    if (node?.range && (depth === 0 || isMap(parent) || isSeq(parent))) return where(node.range[0]);
  }
  return undefined;
}
