import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Router } from 'express';

/** Where `npm run build` puts the web app: `dist/web` from both `src/` and `dist/`. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LLM Response Quality Analyzer</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The web dashboard is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first), then reload this page.</p>
<p>The API is up: see <a href="/api/docs/ui">/api/docs/ui</a>.</p>
</body></html>`;

/**
 * Paths the SPA never answers: the API and the WebSocket endpoints keep their own 404s, and a
 * missing file (an asset or anything with an extension) is a 404, not the page.
 */
const RESERVED = /^\/(api|ws|assets)(\/|$)|\.[A-Za-z0-9]+$/;

function wantsHtml(accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.includes('text/html');
}

/**
 * Serves the built single-page app: hashed assets with a year-long immutable cache,
 * `index.html` never cached, and a fallback to `index.html` for browser navigations to any
 * client-side route (GET/HEAD asking for HTML, outside `/api` and `/ws`). Other requests fall
 * through to the API's 404 envelope. Without a build, `/` explains how to make one.
 */
export function staticWeb(webDir: string = DEFAULT_WEB_DIR): Router {
  const router = express.Router();
  const indexFile = path.join(webDir, 'index.html');

  // Read per navigation (a few kB, in the OS cache): a rebuild while the server runs is served
  // at once, with its new asset names.
  const readIndex = (): Promise<string | undefined> =>
    readFile(indexFile, 'utf8').catch(() => undefined);

  router.use(
    '/assets',
    express.static(path.join(webDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
    }),
  );
  router.use(
    express.static(webDir, {
      index: false,
      maxAge: '1h',
      fallthrough: true,
      // index.html names the current hashed assets: never keep an old copy.
      setHeaders: (res, file) => {
        if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );

  const sendIndex: RequestHandler = async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (RESERVED.test(req.path)) return next();
    const isRoot = req.path === '/';
    if (!isRoot && !wantsHtml(req.headers.accept)) return next();
    const html = await readIndex();
    res.setHeader('Cache-Control', 'no-cache');
    if (!html) {
      if (!isRoot) return next();
      res.status(200).type('html').send(MISSING_BUILD_PAGE);
      return;
    }
    res.status(200).type('html').send(html);
  };
  router.use(sendIndex);
  return router;
}
