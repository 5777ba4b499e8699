#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled into dist/ by `npm run build` (run automatically by `npm install`).
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write('kubelab: dist/cli.cjs is missing; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(1);
}
require(bundle);
