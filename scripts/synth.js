#!/usr/bin/env node
// `npm run synth` and cdktf.json's app: build dist/main.js if a source changed, then run it in this process.
"use strict";
const { ensureBuilt, outfile } = require("./build");
ensureBuilt();
require(outfile);
