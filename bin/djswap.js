#!/usr/bin/env node
'use strict';
// A check whose report --cache-dir kept still holds is printed by a small first stage; anything else
// loads the whole CLI.
if (!require('../dist/cli-cached.js').runCachedCheck(process.argv.slice(2))) require('../dist/cli.js');
