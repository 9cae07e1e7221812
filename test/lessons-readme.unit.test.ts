/**
 * lessons/README.md documents every element a lesson may embed, and its tables
 * must say what src/lessons/elements.ts (the allowlist the renderer enforces)
 * says. They drifted once: three widgets (socket-calls, socketio-api,
 * socketio-emit) had no row, fallback-run's `libraries` and the measures it adds
 * were missing, and a sentence sent authors to elements.ts for "later" widgets.
 *
 * Both files are read as they stand. A row is `| \`tag\` | attributes |
 * measures |`; in the two last cells a name is a backticked word outside
 * parentheses (the parentheses hold values, defaults and notes, so
 * "`lane` (poll, …; required)" names `lane`, and "(with `release`)" names
 * nothing).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INLINE_TAGS, WIDGETS, type WidgetModule } from '../src/lessons/elements.ts';

const README = fileURLToPath(new URL('../lessons/README.md', import.meta.url));
const TABLE_HEAD = '| tag | attributes | measures (for predict-measure) |';

/** Where each module's elements live (web/src/lessons/widget-loaders.ts): one table per folder. */
const FOLDER: Record<WidgetModule, string> = {
  lessons: 'web/src/lessons/widgets/',
  inspectors: 'web/src/inspectors/',
  chat: 'web/src/widgets/',
  stomp: 'web/src/widgets/',
};

interface Row {
  tag: string;
  attributes: string[];
  measures: string[];
  line: number;
}

interface Table {
  /** The prose between the previous table (or the section's start) and this one. */
  lead: string;
  rows: Row[];
}

/** The text of a `## title` section, up to the next `## ` heading. */
function section(markdown: string, title: string): { text: string; firstLine: number } {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`lessons/README.md has no "## ${title}" section`);
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  return { text: lines.slice(start, end).join('\n'), firstLine: start + 1 };
}

/** Backticked names outside parentheses. */
function names(cell: string): string[] {
  let outside = cell;
  for (let before = ''; before !== outside;) {
    before = outside;
    outside = outside.replace(/\([^()]*\)/g, '');
  }
  return [...outside.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The widget tables of "Embedding a widget", in order. */
function widgetTables(markdown: string): Table[] {
  const { text, firstLine } = section(markdown, 'Embedding a widget');
  const tables: Table[] = [];
  let current: Row[] | undefined;
  let lead: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.startsWith('|')) {
      current = undefined;
      lead.push(line);
      return;
    }
    if (current === undefined) {
      expect(line, `line ${firstLine + i}: a widget table starts with its head`).toBe(TABLE_HEAD);
      current = [];
      tables.push({ lead: lead.join('\n'), rows: current });
      lead = [];
      return;
    }
    if (/^\|(-+\|)+$/.test(line)) return;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    expect(cells, `line ${firstLine + i}: three cells`).toHaveLength(3);
    const tag = /^`([a-z][a-z0-9-]*)`$/.exec(cells[0]!)?.[1];
    expect(tag, `line ${firstLine + i}: the first cell is one backticked tag`).toBeDefined();
    current.push({ tag: tag!, attributes: names(cells[1]!), measures: names(cells[2]!), line: firstLine + i });
  });
  return tables;
}

const markdown = readFileSync(README, 'utf8');
const tables = widgetTables(markdown);
const rows = tables.flatMap((t) => t.rows);
const sorted = (list: readonly string[]) => [...list].sort();

describe('lessons/README.md against src/lessons/elements.ts', () => {
  it('has widget tables under "Embedding a widget"', () => {
    expect(rows.length).toBeGreaterThan(0);
  });

  it.each(Object.keys(WIDGETS))('<%s> has exactly one row', (tag) => {
    expect(rows.filter((r) => r.tag === tag).map((r) => r.line), `rows of ${tag}`).toHaveLength(1);
  });

  it('names no tag the allowlist does not have', () => {
    const unknown = rows.filter((r) => !Object.hasOwn(WIDGETS, r.tag)).map((r) => `${r.tag} (line ${r.line})`);
    expect(unknown).toEqual([]);
  });

  it('gives every widget the attributes the allowlist lets through, besides id', () => {
    for (const row of rows.filter((r) => Object.hasOwn(WIDGETS, r.tag))) {
      const allowed = Object.keys(WIDGETS[row.tag]!.attributes).filter((a) => a !== 'id');
      expect(sorted(row.attributes), `attributes of ${row.tag} (line ${row.line})`).toEqual(sorted(allowed));
    }
  });

  it('gives every widget the measures the allowlist lists', () => {
    for (const row of rows.filter((r) => Object.hasOwn(WIDGETS, r.tag))) {
      expect(sorted(row.measures), `measures of ${row.tag} (line ${row.line})`).toEqual(sorted(WIDGETS[row.tag]!.measures ?? []));
    }
  });

  it('groups the widgets by the folder that defines them, one table each, named above it', () => {
    const folders = tables.map(({ rows }) => new Set(rows.filter((r) => Object.hasOwn(WIDGETS, r.tag)).map((r) => FOLDER[WIDGETS[r.tag]!.module])));
    for (const [i, set] of folders.entries()) expect([...set], `table ${i + 1}: one folder`).toHaveLength(1);
    const each = folders.map((set) => [...set][0]!);
    expect(new Set(each).size, `a folder split over tables: ${each.join(', ')}`).toBe(each.length);
    for (const [i, folder] of each.entries()) expect(tables[i]!.lead, `the words before table ${i + 1}`).toContain(`\`${folder}\``);
  });

  it('is right that every widget takes id and none takes base', () => {
    expect(markdown).toContain('Every widget takes `id`, and none takes `base`');
    for (const [tag, spec] of Object.entries(WIDGETS)) {
      expect(Object.keys(spec.attributes), tag).toContain('id');
      expect(Object.keys(spec.attributes), tag).not.toContain('base');
    }
  });

  it('lists the inline tags of "Allowed HTML" and their attributes as the allowlist does', () => {
    const { text } = section(markdown, 'Allowed HTML');
    const listed = [...text.matchAll(/`<([a-z0-9]+)>`(?: \(may be `([a-z-]+)`\))?/g)].map((m) => [m[1]!, m[2] ? [m[2]] : []] as const);
    expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(Object.entries(INLINE_TAGS).map(([tag, attributes]) => [tag, [...attributes]])));
  });
});
