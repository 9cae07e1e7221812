/// <reference types="vite/client" />
/**
 * Where the browser finds each widget a lesson may embed, by the module named
 * in src/lessons/elements.ts. A page loads only what its lesson uses.
 *
 * The inspectors are found with import.meta.glob: Vite resolves it at build
 * time and yields nothing when web/src/inspectors/index.ts does not exist, so
 * the lesson page builds either way, and a lesson that embeds an inspector in
 * a build without it shows a clear "not available" notice (and fails the
 * browser test) instead of breaking the build.
 */
import type { WidgetModule } from '../../../src/lessons/elements.ts';

const inspectors = import.meta.glob('../inspectors/index.ts');

export const WIDGET_LOADERS: Record<WidgetModule, (() => Promise<unknown>) | undefined> = {
  lessons: () => import('./widgets/index.ts'),
  chat: () => import('../widgets/chat-trio.ts'), // defines <chat-client> too
  stomp: () => import('../widgets/stomp-frames.ts'),
  inspectors: inspectors['../inspectors/index.ts'],
};
