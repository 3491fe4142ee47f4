import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RATE_LIMITS } from '@app/config';

/** What keeps the README and docs/ true to the code; the examples run in api-docs.e2e-spec.ts. */

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('docs/configuration.md', () => {
  it('has a row for every variable the configuration reads, and no other', () => {
    const source = read('libs/config/src/app-config.ts');
    const readByCode = new Set([
      ...[...source.matchAll(/read\.\w+\('([A-Z][A-Z0-9_]+)'/g)].map((match) => match[1]),
      ...Object.values(RATE_LIMITS).map(({ env }) => env),
    ]);
    const documented = new Set(
      [...read('docs/configuration.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]),
    );
    expect([...readByCode].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !readByCode.has(name))).toEqual([]);
  });
});

describe('README.md', () => {
  const lines = read('README.md').split('\n');

  it('is at most 300 lines', () => {
    expect(lines.length).toBeLessThanOrEqual(300);
  });

  it('gives the two commands on its first screen', () => {
    const firstScreen = lines.slice(0, 40);
    expect(firstScreen).toContain('npm install && npm start');
    expect(firstScreen).toContain('npm test');
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

function anchorsIn(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/^#+ (.+)$/gm)].map((match) => anchorOf(match[1]));
}

describe('links', () => {
  it.each(DOCS)('every relative link in %s points at a file and heading that exist', (doc) => {
    const broken = [...read(doc).matchAll(/\]\(([^)#\s]*)(?:#([^)\s]+))?\)/g)]
      .filter(([, target]) => !/^[a-z]+:/.test(target))
      .filter(([, target, anchor]) => {
        const path = target ? join(ROOT, dirname(doc), target) : join(ROOT, doc);
        if (!existsSync(path)) return true;
        return anchor !== undefined && path.endsWith('.md') && !anchorsIn(path).includes(anchor);
      })
      .map(([link]) => link);
    expect(broken).toEqual([]);
  });
});
