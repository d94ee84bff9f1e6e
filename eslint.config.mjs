// Lint: TypeScript's recommended rules plus the project's own: provider classes come from their own
// modules, never the package root (the root loads ~2,200 modules: ~2 s and ~450 MB per process).
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", "coverage/", "bench/results/", ".stryker-tmp/", "reports/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@cdktf/provider-aws", message: "Import each class from its own module: @cdktf/provider-aws/lib/<resource>." }],
          patterns: [{ group: ["@cdktf/provider-aws/lib/index*", "@cdktf/provider-aws/lib/lazy-index*"], message: "Import each class from its own module." }],
        },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.name='require'][arguments.0.value='@cdktf/provider-aws']", message: "Import each class from its own module." },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", __filename: "readonly", console: "readonly", Buffer: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
