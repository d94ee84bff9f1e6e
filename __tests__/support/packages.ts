// Running `npm run package` (scripts/package.js) into a folder of the test's own, and reading what it wrote.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT } from "./run";

export interface PackageRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The folder that holds one package folder per stack. */
  readonly outdir: string;
}

export function runPackage(config: string | undefined, args: string[] = []): PackageRun {
  const outdir = join(mkdtempSync(join(tmpdir(), "smart-routing-packages-")), "terraform");
  const result = spawnSync(process.execPath, ["scripts/package.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, SMART_ROUTING_CONFIG: config, SMART_ROUTING_STRICT: undefined, SMART_ROUTING_PACKAGE_DIR: outdir, CHECKPOINT_DISABLE: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outdir };
}

/** Every file under dir (relative path, sorted) with its text. */
export function filesOf(dir: string): [string, string][] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { isFile(): boolean; name: string; parentPath: string }[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
    .map((f) => [f, readFileSync(join(dir, f), "utf8")]);
}

/** The files SHA256SUMS lists whose checksum does not match, and the files it does not list. */
export function checksumProblems(dir: string): string[] {
  const listed = new Map(
    readFileSync(join(dir, "SHA256SUMS"), "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => [line.slice(66), line.slice(0, 64)] as [string, string]),
  );
  const problems = [...listed].filter(([file, sum]) => createHash("sha256").update(readFileSync(join(dir, file))).digest("hex") !== sum).map(([f]) => `changed: ${f}`);
  for (const [file] of filesOf(dir)) if (file !== "SHA256SUMS" && !listed.has(file)) problems.push(`not listed: ${file}`);
  return problems;
}
