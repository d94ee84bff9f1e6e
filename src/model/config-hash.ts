// A fingerprint of a stack's model, published with the autopilot's parameter: an autopilot started with
// a config other than the one applied can tell, and say so, instead of steering by stale settings.
import { createHash } from "node:crypto";
import type { StackModel } from "./model";

/** The sha256 (hex) of the stack's model as canonical JSON: keys sorted, so the order of the config's keys changes nothing. */
export function configHash(stack: StackModel): string {
  return createHash("sha256").update(canonicalJson(stack)).digest("hex");
}

/** JSON with every object's keys sorted and undefined members left out, as JSON.stringify leaves them. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const members = Object.keys(value)
      .sort()
      .flatMap((key) => {
        const member = (value as Record<string, unknown>)[key];
        return member === undefined ? [] : [`${JSON.stringify(key)}:${canonicalJson(member)}`];
      });
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}
