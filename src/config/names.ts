// Names as people type them: how far apart two spellings are, and the metro areas of src/config/metros.ts
// by name, for the config's demand per metro (exact names, a "did you mean" otherwise) and for
// `npm run explain -- --client <name>` (forgiving: any case, accents optional, a unique first word or words).
import { METROS, type Metro } from "./metros";

/** The Levenshtein distance: single-character insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Lower case, accents and punctuation dropped, one space between words: "São Paulo" and "sao-paulo" compare equal. */
export function normalizedName(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Every metro's name, as the table spells it. */
export const METRO_NAMES: readonly string[] = METROS.map((m) => m.name);

const BY_NAME = new Map(METROS.map((m) => [m.name, m]));

/** The metro of exactly this name (as the table spells it), or undefined. */
export function metroNamed(name: string): Metro | undefined {
  return BY_NAME.get(name);
}

/**
 * The metros a person most likely meant: the same name but for case and accents, names that start with
 * the words given ("Frankfurt" for "Frankfurt am Main"), or names at most two edits away; at most `limit`.
 */
export function closeMetroNames(name: string, limit = 3): string[] {
  const wanted = normalizedName(name);
  if (wanted === "") return [];
  const scored = METROS.map((m) => {
    const n = normalizedName(m.name);
    const score = n === wanted ? 0 : n.startsWith(`${wanted} `) ? 1 : editDistance(n, wanted) <= 2 ? 2 : undefined;
    return { name: m.name, score, users: m.users };
  }).filter((s): s is { name: string; score: number; users: number } => s.score !== undefined);
  return scored
    .sort((a, b) => a.score - b.score || b.users - a.users)
    .slice(0, limit)
    .map((s) => s.name);
}

/**
 * The metro a person typing `name` means: its own name in any case, with or without accents and
 * punctuation, or the first words of exactly one metro's name ("new york" for "New York City").
 * `candidates` lists the metros the first words fit when more than one does.
 */
export function findMetro(name: string): { metro: Metro } | { metro?: undefined; candidates: string[] } {
  const wanted = normalizedName(name);
  const exact = METROS.find((m) => normalizedName(m.name) === wanted);
  if (exact !== undefined) return { metro: exact };
  const starting = wanted === "" ? [] : METROS.filter((m) => normalizedName(m.name).startsWith(`${wanted} `));
  if (starting.length === 1) return { metro: starting[0] };
  return { candidates: starting.map((m) => m.name) };
}
