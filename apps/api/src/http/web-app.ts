import { join } from 'node:path';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppConfig } from '@app/config';

/** Paths the API answers itself: neither the app's files nor its client routes shadow them. */
const API_PATHS = [/^\/graphql(\/|$)/, /^\/health(\/|$)/, /^\/media(\/|$)/];

/** Vite names every file under assets/ by its content hash: a new build is a new name. */
const HASHED = 'public, max-age=31536000, immutable';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>seeit: the web app is not built</title></head>
<body><h1>The web app is not built</h1>
<p>This process serves the GraphQL API at <code>/graphql</code>, but found no web app to serve here.
Build it with <code>npm run build</code> (which <code>npm start</code> runs when a source is newer
than <code>dist/</code>), or point <code>WEB_DIR</code> at a build, then reload this page.</p>
</body></html>`;

/**
 * The headers of every page and file of the app. The CSP lets in the app's own scripts, its
 * websocket to this origin ('self' covers ws: and wss: on the same host), and the HLS origin's
 * playlists and segments, which hls.js fetches and plays through blob: media sources.
 */
export function webSecurityHeaders(config: AppConfig): Record<string, string> {
  const media = new URL(config.media.hlsUrl).origin;
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // React's style attributes and the explorer's editor set inline styles.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${media}`,
    "font-src 'self' data:",
    `media-src 'self' blob: ${media}`,
    `connect-src 'self' ${media}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}

function isApiPath(path: string): boolean {
  return API_PATHS.some((pattern) => pattern.test(path));
}

/** A browser navigating (not fetch or an API client): it prefers HTML to JSON. */
function wantsPage(req: Request): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    req.accepts(['application/json', 'text/html']) === 'text/html'
  );
}

/**
 * Serves the web app from `config.webDir`: its files, `index.html` for any other page a browser
 * navigates to (the app's client routes, such as /@handle or /broadcasts/:id), and the bundled
 * explorer for a browser's `GET /graphql` without a query. API paths pass through untouched.
 * The folder is read per request, so a build made after the start is served, and a missing one
 * answers a page that says how to build it.
 */
export function webApp(config: AppConfig): RequestHandler {
  const headers = webSecurityHeaders(config);
  const files = express.static(config.webDir, {
    index: false,
    redirect: false,
    setHeaders: (res, path) => {
      res.set(headers);
      const hashed = path.startsWith(join(config.webDir, 'assets') + '/');
      res.set('Cache-Control', hashed ? HASHED : 'no-cache');
    },
  });
  const page = (file: string, res: Response): void => {
    res.set(headers);
    res.set('Cache-Control', 'no-cache');
    res.sendFile(join(config.webDir, file), (error) => {
      if (error && !res.headersSent) res.status(503).type('html').send(NOT_BUILT);
    });
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path === '/graphql') {
      if (config.graphql.playground && wantsPage(req) && req.query.query === undefined) {
        page('explorer.html', res);
      } else {
        next();
      }
      return;
    }
    if (isApiPath(req.path) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    files(req, res, () => {
      // A missing file (an old asset, a typo) is a 404, not the app's page; `/` is the app for
      // any client, so that curl sees it too.
      if (req.path === '/' || (wantsPage(req) && !/\.[a-z0-9]+$/i.test(req.path))) {
        page('index.html', res);
      } else {
        next();
      }
    });
  };
}
