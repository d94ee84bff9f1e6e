#!/usr/bin/env node
// `npm run synth` and cdktf.json's app: rebuild dist/main.js if an input changed, then run it here.
"use strict";
const { ensureBuilt, outfile, codeCacheFile } = require("./build");
const { runBundle } = require("./lib/run-bundle");

ensureBuilt().then(
  () => runBundle(outfile, codeCacheFile),
  (err) => {
    process.stderr.write(`error: building ${outfile} failed:\n${err.message}\n`);
    process.exitCode = 1;
  },
);
