#!/usr/bin/env node
// @ts-check
// `npm run local-ga-api -- [--port N] [--deploy-delay-ms N] [--state-file FILE] [--call-log FILE]`: the
// local Global Accelerator API on its own, for pointing a provider at by hand (deploy:local starts its
// own). Prints `global accelerator API at http://127.0.0.1:<port>` when ready; Ctrl-C stops it.
"use strict";
const { loadCliApi } = require("./lib/run-bundle");

loadCliApi()
  .globalAcceleratorApiMain(process.argv.slice(2))
  .catch((/** @type {Error} */ err) => {
    process.stderr.write(`local-ga-api: ${err.message} (npm run local-ga-api -- --help)\n`);
    process.exitCode = 2;
  });
