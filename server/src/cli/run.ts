import { main } from './main';

// `djswap check | head`: a reader that goes away is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// The entry of dist/cli.js (bin/djswap.js).
void main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
