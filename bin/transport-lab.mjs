#!/usr/bin/env node
// The installed command runs the compiled JavaScript in dist/, which
// `npm install` builds (the `prepare` script; `npm run build:server` by hand).
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli.js')) throw err;
  process.stderr.write('transport-lab: the compiled server is missing (dist/); run `npm run build:server` in the package first\n');
  process.exit(1);
}
await cli.run(process.argv.slice(2));
