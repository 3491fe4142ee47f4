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

describe('links', () => {
  it.each(DOCS)('every relative link in %s points at a file that exists', (doc) => {
    const targets = [...read(doc).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((match) => match[1])
      .filter((target) => !/^[a-z]+:/.test(target));
    const missing = targets.filter((target) => !existsSync(join(ROOT, dirname(doc), target)));
    expect(missing).toEqual([]);
  });
});
