// Reading a config file: YAML or JSON by extension. Parse errors name the file,
// line and column; a loaded config can map a config path back to its line.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";

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
  return {
    data: doc.toJS({ maxAliasCount: 100 }),
    source,
    locate: (path) => locate(doc, path, where),
  };
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
