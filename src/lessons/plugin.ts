/**
 * The lesson pages: Markdown files in lessons/<lang>/, rendered on request.
 *
 *   GET /api/lessons                  the index: per language, every lesson's slug, number, title, parts
 *   GET /api/lessons/:lang/:slug      { html, title, toc, prev, next, other, problems, … }
 *   GET /lessons[/:lang[/:slug]]      the page (web/lessons.html) that shows them
 *   GET /lessons/kit[/:slug|/glossary]?lang=ko&part=sheet
 *                                     the teacher's kit, printable on A4 (src/lessons/kit.ts)
 *
 *   await app.register(lessonsPlugin);
 *
 * The renderer (markdown-it, highlight.js) is loaded at the first lesson
 * request, not when the lab starts, so tests and benchmarks that never open a
 * lesson do not pay for it. Not wrapped in fastify-plugin: its routes and
 * options stay its own.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WEB_ROOT } from '../app.ts';
import { LabError } from '../errors.ts';
import { LANG_NAMES, LESSON_LANGS, PART_IDS, PART_TITLES, SLUG_PATTERN, isLessonLang } from './parts.ts';
import type { LessonCatalog } from './catalog.ts';
import type { LESSON_LIMITS } from './limits.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LessonsPluginOptions {
  /** Where lessons/<lang>/*.md are read from (default: the project's lessons/). */
  lessonsDir?: string;
  /** Where source includes are read from (default: the project root). */
  projectRoot?: string;
  /** The page sources, for checking links such as /chat.html (default: web/). */
  webDir?: string;
  /** The built pages; lessons.html is served from here (default: web/dist/). */
  webRoot?: string;
  limits?: typeof LESSON_LIMITS;
}

export async function lessonsPlugin(app: FastifyInstance, opts: LessonsPluginOptions = {}): Promise<void> {
  const projectRoot = opts.projectRoot ?? PROJECT_ROOT;
  const catalogOptions = {
    lessonsDir: opts.lessonsDir ?? join(projectRoot, 'lessons'),
    projectRoot,
    webDir: opts.webDir ?? join(projectRoot, 'web'),
    ...(opts.limits && { limits: opts.limits }),
  };
  let loading: Promise<LessonCatalog> | undefined;
  const catalog = () => (loading ??= import('./catalog.ts').then(({ LessonCatalog }) => new LessonCatalog(catalogOptions)));
  const api = { traffic: 'api' as const };

  app.get('/api/lessons', { config: api }, async () => ({
    langs: LESSON_LANGS,
    langNames: LANG_NAMES,
    parts: PART_IDS.map((id) => ({ id, titles: PART_TITLES[id] })),
    lessons: (await catalog()).list(),
  }));

  app.get<{ Params: { lang: string; slug: string } }>('/api/lessons/:lang/:slug', { config: api }, async (request, reply) => {
    const { lang, slug } = request.params;
    if (!isLessonLang(lang)) throw new LabError('LAB_ERR_NOT_FOUND', `no lesson language "${lang}"; languages are ${LESSON_LANGS.join(', ')}`);
    if (!SLUG_PATTERN.test(slug)) throw new LabError('LAB_ERR_NOT_FOUND', `"${slug}" is not a lesson name (like 03-short-polling)`);
    const page = (await catalog()).page(lang, slug);
    if (!page) throw new LabError('LAB_ERR_NOT_FOUND', `no lesson lessons/${lang}/${slug}.md`);
    reply.header('cache-control', 'no-cache');
    return page;
  });

  // The page. A lesson that does not exist still gets the page (it shows the
  // index and says so), with a 404 status so links checkers and tests can tell.
  const page = { traffic: 'static' as const };
  const webRoot = () => opts.webRoot ?? WEB_ROOT;
  const sendPage = async (reply: FastifyReply, status: number) => {
    let html: string;
    try {
      html = await readFile(join(webRoot(), 'lessons.html'), 'utf8');
    } catch {
      return reply.code(503).type('text/plain; charset=utf-8')
        .send('The lesson pages are not built yet: run `npm run build:web` (npm start does it for you).\n');
    }
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };
  // The teacher's kit: whole HTML documents written here, no script.
  let kitLoading: Promise<import('./kit.ts').Kit> | undefined;
  const kit = () => (kitLoading ??= Promise.all([catalog(), import('./kit.ts')])
    .then(([c, { Kit }]) => new Kit(c, join(catalogOptions.lessonsDir, 'kit'), catalogOptions.lessonsDir)));
  const kitLang = (lang: string | undefined) => {
    const chosen = lang ?? 'en';
    if (!isLessonLang(chosen)) throw new LabError('LAB_ERR_NOT_FOUND', `no lesson language "${chosen}"; languages are ${LESSON_LANGS.join(', ')}`);
    return chosen;
  };
  const sendKit = (reply: FastifyReply, html: string) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  app.get('/lessons/kit', { config: page }, async (_request, reply) => sendKit(reply, (await kit()).index()));
  app.get<{ Querystring: { lang?: string } }>('/lessons/kit/glossary', { config: page }, async (request, reply) =>
    sendKit(reply, (await kit()).glossary(kitLang(request.query.lang))));
  app.get<{ Params: { slug: string }; Querystring: { lang?: string; part?: string } }>('/lessons/kit/:slug', { config: page }, async (request, reply) => {
    const lang = kitLang(request.query.lang);
    const { slug } = request.params;
    const { part } = request.query;
    const { KIT_PARTS } = await import('./kit.ts');
    if (part !== undefined && !(KIT_PARTS as readonly string[]).includes(part)) {
      throw new LabError('LAB_ERR_NOT_FOUND', `no kit part "${part}"; parts are ${KIT_PARTS.join(', ')}`);
    }
    if (!SLUG_PATTERN.test(slug)) throw new LabError('LAB_ERR_NOT_FOUND', `"${slug}" is not a lesson name (like 03-short-polling)`);
    const html = await (await kit()).page(lang, slug, part as import('./kit.ts').KitPart | undefined);
    if (!html) throw new LabError('LAB_ERR_NOT_FOUND', `no lesson lessons/${lang}/${slug}.md`);
    return sendKit(reply, html);
  });

  app.get('/lessons', { config: page }, (_request, reply) => sendPage(reply, 200));
  app.get('/lessons/', { config: page }, (_request, reply) => sendPage(reply, 200));
  app.get<{ Params: { lang: string } }>('/lessons/:lang', { config: page }, (request, reply) =>
    sendPage(reply, isLessonLang(request.params.lang) ? 200 : 404));
  app.get<{ Params: { lang: string; slug: string } }>('/lessons/:lang/:slug', { config: page }, async (request, reply) => {
    const { lang, slug } = request.params;
    const found = isLessonLang(lang) && (await catalog()).exists(lang, slug);
    return sendPage(reply, found ? 200 : 404);
  });
}
