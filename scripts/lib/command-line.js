// @ts-check
// The command-line conventions of the project's scripts: options parsed by node's parseArgs, and bad
// input reported as one "<command>: <message>" line (with the usage where it helps) and exit code 2.
"use strict";
const { parseArgs } = require("node:util");

/**
 * A reporter of bad input for one command: writes the message to stderr and returns exit code 2.
 * @param {string} command
 * @returns {(message: string) => number}
 */
function failer(command) {
  return (message) => {
    process.stderr.write(`${command}: ${message}\n`);
    return 2;
  };
}

/**
 * parseArgs with positionals allowed; an unknown or malformed option is an error message with the usage.
 * @template {import("node:util").ParseArgsConfig["options"]} T
 * @param {string[]} argv
 * @param {T} options
 * @param {string} usage
 */
function parseCommandLine(argv, options, usage) {
  try {
    return { args: parseArgs({ args: argv, allowPositionals: true, strict: true, options }) };
  } catch (err) {
    return { error: `${err instanceof Error ? err.message : String(err)}\n${usage}` };
  }
}

module.exports = { failer, parseCommandLine };
