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

/**
 * The config's model for a command that reports one message: a config file that cannot be read or parsed,
 * or a config that is invalid, is an error message (each validation error on a line of its own), never an
 * exception and its stack trace.
 * @param {typeof import("../../src/cli-api")} cli
 * @param {NodeJS.ProcessEnv} env
 * @param {string} invalid  what an invalid config means for this command
 * @returns {{ model: import("../../src/model/model").RoutingModel, error?: undefined } | { error: string, model?: undefined }}
 */
function loadConfigModel(cli, env, invalid = "the config is invalid") {
  let loaded;
  try {
    loaded = cli.loadModel(env);
  } catch (err) {
    if (err instanceof Error && err.name === "ConfigFileError") return { error: err.message };
    throw err;
  }
  if (loaded.model === undefined) return { error: `${invalid}:\n${loaded.report.errors.map((e) => `  ${e}`).join("\n")}` };
  return { model: loaded.model };
}

module.exports = { failer, parseCommandLine, loadConfigModel };
