// A throwaway git repository holding a copy of the project and a user's config, as a team's repository
// would: commits are made with git itself, so `--changed-since` and the workflows' checkouts read real
// history.
/* eslint-disable @typescript-eslint/no-explicit-any -- configs are edited here as the plain data a YAML file holds */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "./run";
/* eslint-disable @typescript-eslint/no-require-imports */
const { checkoutCopy } = require("../../scripts/lib/workflow-run");
/** A config of n stacks, fleet-000...: see fleet-config.js (the bench uses it too). */
export const fleetConfig: (n: number, change?: (stacks: any[]) => void) => string = require("./fleet-config").fleetConfig;
/* eslint-enable @typescript-eslint/no-require-imports */

export interface GitRepo {
  readonly dir: string;
  /** Runs git in the repository; throws with its stderr when it fails. */
  git(...args: string[]): string;
  /** Writes files (path -> text), commits them all, and resolves the new commit. */
  commit(message: string, files?: Record<string, string>): string;
  /** The commit HEAD names. */
  head(): string;
  read(file: string): string;
  write(file: string, text: string): void;
  remove(file: string): void;
}

/** The project (tracked and untracked files, node_modules linked, dist/ copied) with `files` added, committed once. */
export function throwawayRepo(files: Record<string, string>): GitRepo {
  const dir = mkdtempSync(join(tmpdir(), "smart-routing-repo-"));
  checkoutCopy(ROOT, dir, files);
  const git = (...args: string[]) => {
    const ran = spawnSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: dir, encoding: "utf8" });
    if (ran.status !== 0) throw new Error(`git ${args.join(" ")} failed in ${dir}: ${ran.stderr}`);
    return ran.stdout;
  };
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  const commit = (message: string, more: Record<string, string> = {}) => {
    for (const [file, text] of Object.entries(more)) write(file, text);
    git("add", "-A");
    git("commit", "-q", "--allow-empty", "-m", message);
    return git("rev-parse", "HEAD").trim();
  };
  git("init", "-q", "-b", "main");
  commit("the project and the team's config");
  return {
    dir,
    git,
    commit,
    write,
    head: () => git("rev-parse", "HEAD").trim(),
    read: (file) => readFileSync(join(dir, file), "utf8"),
    remove: (file) => rmSync(join(dir, file), { force: true }),
  };
}
