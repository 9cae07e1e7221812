import { defineConfig } from 'vite';

// The dashboard and its pages live in web/; `npm run build:web` writes web/dist,
// which the lab serves with @fastify/static.
export default defineConfig({
  root: 'web',
  build: { outDir: 'dist', emptyOutDir: true },
});
