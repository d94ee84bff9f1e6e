/** Renders a config value for an error message: strings quoted, objects as compact JSON, long values cut. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * A config path as users write it: `stacks[0].listeners[1].name`. A key that is not a plain word (an
 * empty or odd tag key, say) is quoted, `tags["cost center"]`, so the path stays unambiguous.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && !/^[A-Za-z_$][\w$-]*$/.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(config)" : out;
}
