// @ts-check
// Running a command without blocking this process: several at once, or while this process serves an API
// the command calls (the local Global Accelerator API of deploy:local and the tests).
"use strict";
const { spawn } = require("node:child_process");

/** @typedef {{ status: number | null, stdout: string, stderr: string }} RunResult */

/**
 * Runs `command` and resolves its status and output. `signal` (an AbortSignal) stops it with
 * `killSignal` (SIGTERM by default); `onOutput` sees the output so far as it arrives, for callers that
 * wait on a line. Rejects only when the command cannot be run (or is aborted).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal, killSignal?: NodeJS.Signals, onOutput?: (output: string) => void }} options
 * @returns {Promise<RunResult>}
 */
function runAsync(command, args, { cwd, env, signal, killSignal, onOutput }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, ...(signal && { signal }), ...(killSignal && { killSignal }) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (onOutput) onOutput(stdout + stderr);
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      if (onOutput) onOutput(stdout + stderr);
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

module.exports = { runAsync };
