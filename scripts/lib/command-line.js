// @ts-check
// The command-line conventions of the project's scripts: options parsed by node's parseArgs, --help and
// -h print the usage, and bad input is reported as one "<command>: <message>" line (with the usage where
// it helps) and exit code 2.
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
  const flags = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  // --help and -h print the usage and stop before anything runs; `help` and README.md say the rest.
  if (flags.includes("--help") || flags.includes("-h")) {
    process.stdout.write(`${usage}\n(see help, the command reference, and README.md)\n`);
    process.exit(0);
  }
  try {
    return { args: parseArgs({ args: argv, allowPositionals: true, strict: true, options }) };
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    // Node's own text for this ends in a quote it never closes; name the option plainly instead.
    const unknown = code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /^Unknown option '([^']+)'/.exec(String(/** @type {Error} */ (err).message)) : null;
    const message = unknown ? `Unknown option '${unknown[1]}'.` : err instanceof Error ? err.message : String(err);
    return { error: `${message}\n${usage}` };
  }
}

module.exports = { failer, parseCommandLine };
