// Before jest starts its workers: build dist/ (the bundles every command runs) once, so that no two test
// processes build it at the same time on a fresh clone. scripts/build.js is safe when they do (it renames
// each file into place), but each would build for nothing.
"use strict";

module.exports = async function globalSetup() {
  await require("../../scripts/build").ensureBuilt();
};
