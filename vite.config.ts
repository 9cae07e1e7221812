import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard and its pages live in web/; `npm run build:web` writes web/dist,
// which the lab serves with @fastify/static. Every web/*.html is a page of its
// own: adding web/chat.html is enough, nothing to list here.
const webRoot = fileURLToPath(new URL('./web/', import.meta.url));
const pages = Object.fromEntries(
  readdirSync(webRoot)
    .filter((name) => name.endsWith('.html'))
    .map((name) => [name.slice(0, -'.html'.length), webRoot + name]),
);

// `npx vite` serves web/ with live reload; the lab's routes go to a lab on :3000.
const LAB = process.env.LAB_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: 'web',
  build: { outDir: 'dist', emptyOutDir: true, rolldownOptions: { input: pages } },
  server: {
    proxy: {
      '/feed': { target: LAB, ws: true },
      '/api': { target: LAB, ws: true },
    },
  },
});
