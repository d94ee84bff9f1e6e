// Parses a Mermaid flowchart from stdin with Mermaid's own parser (the one GitHub renders with) and
// prints its vertices and edges as JSON; a syntax error exits 1 with Mermaid's message. A child
// process because mermaid is ESM-only, and jsdom because Mermaid sanitizes labels with DOMPurify.
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";

const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");

const text = readFileSync(0, "utf8");
try {
  await mermaid.parse(text); // throws on a syntax error, and loads the diagram type
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  const vertices = [...db.getVertices().values()].map((v) => ({ id: v.id, text: v.text, type: v.type, classes: v.classes }));
  const edges = db.getEdges().map((e) => ({ start: e.start, end: e.end }));
  process.stdout.write(JSON.stringify({ type: diagram.type, vertices, edges }));
} catch (err) {
  process.stderr.write(String(err.message ?? err));
  process.exitCode = 1;
}
