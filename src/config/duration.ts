// Durations in the config: a whole number and a unit, as Prometheus writes them (`15s`, `2m`, `1h`).

export const DURATION_PATTERN = /^([1-9][0-9]*)(s|m|h)$/;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** Seconds in a duration the schema has accepted. */
export function durationSeconds(duration: string): number {
  const match = DURATION_PATTERN.exec(duration);
  if (match === null) throw new Error(`not a duration: ${JSON.stringify(duration)} (expected a whole number and s, m or h: 30s, 2m)`);
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}
