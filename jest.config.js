// Tests run TypeScript through swc (no type-check here: `tsc --noEmit` runs once before jest).
// Files named *.terraform.test.ts run real Terraform (and moto_server, a local AWS API); the provider comes
// from a filesystem mirror when one is found or named, else from the registry (scripts/lib/terraform.js).
// Files with a `.prometheus.` part in their name (e.g. x.prometheus.integration.test.ts) run a real Prometheus
// (scripts/lib/prometheus-server.js).
// In CI a missing part fails the run; on a machine without them those files are left out with the reason.
const { cpus } = require("node:os");
const { terraformAvailability } = require("./scripts/lib/terraform");
const { motoAvailability } = require("./scripts/lib/moto-server");
const { prometheusAvailability } = require("./scripts/lib/prometheus-server");

const missing = [terraformAvailability(), motoAvailability()].filter((a) => !a.ok).map((a) => a.reason);
const required = process.env.CI === "true" || process.env.SMART_ROUTING_REQUIRE_TERRAFORM === "1";
if (missing.length > 0 && required) {
  throw new Error(`The Terraform tests cannot run: ${missing.join("; ")}`);
}
if (missing.length > 0) {
  process.stderr.write(`Leaving out the Terraform tests (*.terraform.test.ts): ${missing.join("; ")}\n`);
}
const prometheus = prometheusAvailability();
if (!prometheus.ok && required) {
  throw new Error(`The Prometheus tests cannot run: ${prometheus.reason}`);
}
if (!prometheus.ok) {
  process.stderr.write(`Leaving out the Prometheus tests (*.prometheus.*test.ts): ${prometheus.reason}\n`);
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Escaped regexes: an unescaped ".js" would also skip a file named like "synth-json.test.ts".
  testPathIgnorePatterns: [
    "/node_modules/",
    "\\.d\\.ts$",
    "/__tests__/support/",
    ...(missing.length > 0 ? ["\\.terraform\\.test\\.ts$"] : []),
    ...(prometheus.ok ? [] : ["\\.prometheus\\.[a-z.]*test\\.ts$"]),
  ],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, sourceMaps: "inline" }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  // Many tests wait on child processes (synth, terraform), so two workers pay even on two cores.
  maxWorkers: Math.max(2, cpus().length - 1),
  // A watchdog for a test that hangs, not a speed check: tests wait on events (a process's exit, a server's
  // answer, a line of output), not on the clock, and on a shared, loaded machine a real Terraform test takes
  // many times what it takes on an idle one. No test sets a lower limit of its own.
  testTimeout: 30 * 60_000,
};
