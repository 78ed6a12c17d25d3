import { main } from './main';
import { exitQuietlyOnClosedPipes } from './output';

exitQuietlyOnClosedPipes();

// The entry of dist/cli.js (bin/djswap.js, when dist/cli-cached.js did not answer from the cache).
void main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
