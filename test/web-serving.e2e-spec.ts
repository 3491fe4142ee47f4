import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp } from '@app/testing';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** A build as Vite lays it out: two pages and content-hashed assets. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seeit-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>seeit app</title>');
  writeFileSync(join(dir, 'explorer.html'), '<!doctype html><title>seeit explorer</title>');
  writeFileSync(join(dir, 'assets', 'index-3f9a1c.js'), 'console.log("app")');
  return dir;
}

describe('the web app served by the API', () => {
  let t: TestApp;
  let build: string;
  beforeAll(async () => {
    build = fakeBuild();
    t = await TestApp.start({ WEB_DIR: build, MEDIA_HLS_URL: 'http://media.example:8080/hls' });
  });
  afterAll(async () => {
    await t.close();
    rmSync(build, { recursive: true, force: true });
  });

  it('serves index.html at / to any client, never cached, with the security headers', async () => {
    for (const headers of [HTML, {}]) {
      const res = await fetch(`${t.url}/`, { headers });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('seeit app');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    const res = await fetch(`${t.url}/`, { headers: HTML });
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' http://media.example:8080");
    expect(csp).toContain("media-src 'self' blob: http://media.example:8080");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('caches hashed assets for a year, and answers 404 for a missing one', async () => {
    const asset = await fetch(`${t.url}/assets/index-3f9a1c.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-security-policy')).toContain("script-src 'self'");
    const missing = await fetch(`${t.url}/assets/index-000000.js`, { headers: HTML });
    expect(missing.status).toBe(404);
  });

  it('answers client routes a browser navigates to with the app', async () => {
    for (const path of ['/@alice', '/broadcasts/QnJvYWRjYXN0OjE', '/screen', '/watch-later']) {
      const res = await fetch(`${t.url}${path}`, { headers: HTML });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(await res.text()).toContain('seeit app');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    // An API client asking for JSON gets no HTML for an unknown path.
    expect(
      (await fetch(`${t.url}/no-such-thing`, { headers: { accept: 'application/json' } })).status,
    ).toBe(404);
  });

  it('never shadows the API: /health, /graphql queries and the media hooks', async () => {
    const health = await fetch(`${t.url}/health`, { headers: HTML });
    expect(await health.json()).toEqual({ status: 'ok' });
    const posted = await t.gql('{ __typename }');
    expect(posted.data).toEqual({ __typename: 'Query' });
    const got = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { ...HTML, 'apollo-require-preflight': 'true' },
    });
    expect(await got.json()).toEqual({ data: { __typename: 'Query' } });
    const hook = await fetch(`${t.url}/media/hooks/publish`, { headers: HTML });
    expect(hook.status).toBe(404);
    expect(await hook.text()).not.toContain('seeit app');
    const hookPost = await fetch(`${t.url}/media/hooks/publish`, { method: 'POST', headers: HTML });
    expect(hookPost.status).not.toBe(200);
    expect(await hookPost.text()).not.toContain('seeit app');
  });

  it('answers GraphQL as no-store and without an ETag, over POST and GET', async () => {
    const query = '{ __typename }';
    for (const res of [
      await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      }),
      await fetch(`${t.url}/graphql?query=${encodeURIComponent(query)}`, {
        headers: { 'apollo-require-preflight': 'true' },
      }),
      await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ noSuchField }' }),
      }),
    ]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('etag')).toBeNull();
    }
  });

  it("answers a browser's GET /graphql with the bundled explorer, not Apollo's sandbox", async () => {
    const res = await fetch(`${t.url}/graphql`, { headers: HTML });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('seeit explorer');
    expect(body).not.toContain('apollographql.com');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('the web app when it is not there', () => {
  it('answers a page that says how to build it, and the API still works', async () => {
    const t = await TestApp.start({ WEB_DIR: join(tmpdir(), 'seeit-no-web-build') });
    try {
      for (const path of ['/', '/@alice', '/graphql']) {
        const res = await fetch(`${t.url}${path}`, { headers: HTML });
        expect({ path, status: res.status }).toEqual({ path, status: 503 });
        expect(await res.text()).toContain('npm run build');
      }
      expect((await t.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
      expect((await fetch(`${t.url}/health`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('leaves GET /graphql to Apollo, without any landing page, when GRAPHQL_PLAYGROUND=false', async () => {
    const t = await TestApp.start({ GRAPHQL_PLAYGROUND: 'false', WEB_DIR: join(tmpdir(), 'x') });
    try {
      const res = await fetch(`${t.url}/graphql`, { headers: HTML });
      expect(res.status).toBe(400);
      expect(await res.text()).not.toMatch(/<html/i);
    } finally {
      await t.close();
    }
  });
});
