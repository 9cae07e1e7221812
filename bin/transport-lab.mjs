#!/usr/bin/env node
// The installed command. The sources are TypeScript run as they are: register
// tsx's loader first, then hand over to src/cli.ts.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli.ts');
await run(process.argv.slice(2));
