// A client process starts here: plain JavaScript registers tsx, then loads the
// TypeScript worker (a forked process does not inherit the parent's loader).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
