import { z } from "zod";
import { configSchema } from "./schema";

/** The config's JSON Schema (draft 2020-12), for editors: autocomplete, hover docs, checks while typing. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: "smart-routing config",
    description: "Routing for AI model endpoints behind AWS Global Accelerator. See examples/full.yaml.",
    // The rest in zod's order; its $schema keeps the first place, given above.
    ...schema,
  };
}

/** The schema file's exact text: what `npm run schema` writes and a test compares. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
