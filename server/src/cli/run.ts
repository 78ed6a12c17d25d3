import { main } from './main';

// The entry of dist/cli.js (bin/djswap.js).
void main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
