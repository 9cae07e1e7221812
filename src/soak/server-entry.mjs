// Run from TypeScript sources (tests, tsx): register tsx, then load the server.
// The compiled package forks dist/soak/server.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./server.ts');
