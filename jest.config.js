// Tests run TypeScript through swc (no type-check here: `tsc --noEmit` runs once before jest).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Escaped regexes: an unescaped ".js" would also skip a file named like "synth-json.test.ts".
  testPathIgnorePatterns: ["/node_modules/", "\\.d\\.ts$", "/__tests__/support/"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, sourceMaps: "inline" }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  // Terraform tests start processes that outlive a short default.
  testTimeout: 120000,
};
