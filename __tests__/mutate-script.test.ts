// npm run mutate's own logic: the score of each folder from Stryker's JSON report (what counts as caught,
// what counts against, what does not count), and the options it passes on to Stryker.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { scores, strykerArguments } = require("../scripts/mutate");

type Status = "Killed" | "Timeout" | "Survived" | "NoCoverage" | "Ignored" | "CompileError" | "RuntimeError";

const mutant = (status: Status, line = 1, mutatorName = "EqualityOperator", replacement = "a <= b") => ({
  status,
  mutatorName,
  replacement,
  location: { start: { line, column: 3 }, end: { line, column: 9 } },
});

describe("scores", () => {
  it("counts Killed and Timeout as caught, Survived and NoCoverage against, and leaves the rest out, per folder", () => {
    const report = {
      files: {
        "src/validation/rules.ts": { mutants: [mutant("Killed"), mutant("Timeout"), mutant("Survived", 7), mutant("Ignored"), mutant("CompileError")] },
        "src/validation/schema.ts": { mutants: [mutant("NoCoverage", 12, "StringLiteral", '""')] },
        "src/plan-gate/review.ts": { mutants: [mutant("Killed"), mutant("Killed"), mutant("RuntimeError")] },
        "src/other/file.ts": { mutants: [mutant("Survived")] },
      },
    };
    expect(scores(report, ["src/validation", "src/plan-gate", "src/explain"])).toEqual([
      {
        folder: "src/validation",
        detected: 2,
        total: 4,
        score: 50,
        survivors: ["src/validation/rules.ts:7:3 Survived EqualityOperator: a <= b", 'src/validation/schema.ts:12:3 NoCoverage StringLiteral: ""'],
      },
      { folder: "src/plan-gate", detected: 2, total: 2, score: 100, survivors: [] },
      // A folder without mutants is not below the bar.
      { folder: "src/explain", detected: 0, total: 0, score: 100, survivors: [] },
    ]);
  });

  it("does not take a folder whose name starts like another for part of it", () => {
    const report = { files: { "src/explain-old/a.ts": { mutants: [mutant("Survived")] } } };
    expect(scores(report, ["src/explain"])[0].total).toBe(0);
  });

  it("puts a long or multi-line replacement on one line of at most 100 characters", () => {
    const long = `{\n  ${"x".repeat(200)}\n}`;
    const [{ survivors }] = scores({ files: { "src/explain/a.ts": { mutants: [mutant("Survived", 2, "BlockStatement", long)] } } }, ["src/explain"]);
    expect(survivors).toEqual([`src/explain/a.ts:2:3 Survived BlockStatement: { ${"x".repeat(98)}`]);
  });
});

describe("strykerArguments", () => {
  it("passes --force, --mutate and --concurrency on as they are, and nothing by default", () => {
    expect(strykerArguments([])).toEqual({ stryker: [] });
    expect(strykerArguments(["--force", "--mutate", "src/explain/**/*.ts", "--concurrency", "1"])).toEqual({
      stryker: ["--force", "--mutate", "src/explain/**/*.ts", "--concurrency", "1"],
    });
  });

  it.each([
    [["--bogus"], "Unknown option '--bogus'"],
    [["extra"], "Unexpected argument 'extra'"],
    [["--concurrency", "0"], '--concurrency takes a whole number from 1, received "0"'],
    [["--concurrency", "two"], '--concurrency takes a whole number from 1, received "two"'],
  ])("refuses %j", (argv, message) => {
    const result = strykerArguments(argv);
    expect(result.stryker).toBeUndefined();
    expect(result.error).toContain(message);
    expect(result.error).toContain("usage: npm run mutate -- [--force] [--mutate <glob,...>] [--concurrency <n>]");
  });
});
