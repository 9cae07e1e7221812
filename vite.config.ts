import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

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

/** In development, /lessons/<lang>/<slug> is the lessons page, as the lab serves it. */
const lessonRoutes: Plugin = {
  name: 'lesson-routes',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url && /^\/lessons(\/|$|\?)/.test(req.url)) req.url = '/lessons.html';
      next();
    });
  },
};

export default defineConfig({
  root: 'web',
  plugins: [lessonRoutes],
  // sockjs-client's sources (bundled for the sockjs lane) read Node's `global`; in a page that is globalThis.
  define: { global: 'globalThis' },
  build: { outDir: 'dist', emptyOutDir: true, rolldownOptions: { input: pages } },
  server: {
    proxy: {
      '/feed': { target: LAB, ws: true },
      '/api': { target: LAB, ws: true },
      '/chat': { target: LAB, ws: true },
      '/stomp': { target: LAB, ws: true },
      '/inspect': { target: LAB, ws: true },
      '/socket.io': { target: LAB, ws: true },
      '/sockjs': { target: LAB, ws: true },
    },
  },
});
