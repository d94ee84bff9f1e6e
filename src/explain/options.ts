// The arguments of `npm run explain`, checked against the config: a bad stack or region is one clear
// message, never a scenario about something the config does not have.
import { selectStacks } from "../app";
import { GA_REGIONS } from "../config/limits";
import type { RoutingModel, StackModel } from "../model/model";

/**
 * The stacks named (all when none is) and the regions given with --fail (repeated, or comma-separated), each
 * of which must hold an endpoint group in every stack selected; or an error message.
 */
export function explainSelection(
  model: RoutingModel,
  names: readonly string[],
  fail: readonly string[] | undefined,
): { stacks: StackModel[]; failed?: string[]; error?: undefined } | { error: string } {
  const selected = selectStacks(model, names);
  if (selected.error !== undefined) {
    const regions = names.filter((n) => (GA_REGIONS as readonly string[]).includes(n) && !model.stacks.some((s) => s.name === n));
    const hint = regions.length > 0 ? ` (to fail a region, give --fail ${regions.join(" --fail ")})` : "";
    return { error: `${selected.error}${hint}` };
  }
  if (fail === undefined) return { stacks: selected.stacks };
  const failed = [...new Set(fail.flatMap((f) => f.split(",")).map((f) => f.trim()))];
  for (const region of failed) {
    if (!(GA_REGIONS as readonly string[]).includes(region)) return { error: `--fail ${JSON.stringify(region)} is not a region Global Accelerator supports` };
    const without = selected.stacks.find((s) => !s.endpointRegions.includes(region));
    if (without !== undefined) {
      return { error: `--fail ${region}: stack ${without.name} has no endpoint group there (its regions: ${without.endpointRegions.join(", ")}); name the stack to explain` };
    }
  }
  return { stacks: selected.stacks, failed };
}
