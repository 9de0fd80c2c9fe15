import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:web` (vite build) writes the web application. */
export const WEB_DIST_DIR = path.resolve(import.meta.dirname, '../../web/dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The web application's Content-Security-Policy: helmet's strict default without
 * `upgrade-insecure-requests`, which would send a plain-HTTP deployment's (and the local demo's)
 * script requests to https and leave a blank page. Ant Design injects its CSS-in-JS as <style>
 * elements, hence 'unsafe-inline' for styles only; scripts stay 'self'.
 */
const WEB_CSP = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
};

/** Shown when the web application has not been built (e.g. the server started without `npm start`). */
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>SkillFund 技能提升行动专账资金与补贴性培训管理平台</title></head>
<body style="font-family:system-ui,sans-serif;max-width:48rem;margin:3rem auto;padding:0 1rem">
<h1>技能提升行动专账资金与补贴性培训管理平台</h1>
<p>SkillFund 正在运行，但网页端尚未构建：请运行 <code>npm run build:web</code>（<code>npm start</code> 会自动构建）。</p>
<p>接口文档见 <a href="/api/docs">/api/docs</a>，健康检查见 <a href="/healthz">/healthz</a>。</p>
</body></html>`;

/** A file under web/dist for a URL path, or null when the path escapes it or names no file. */
async function findFile(urlPath: string): Promise<{ file: string; size: number } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(WEB_DIST_DIR, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== WEB_DIST_DIR && !file.startsWith(`${WEB_DIST_DIR}${path.sep}`)) return null;
  try {
    const info = await stat(file);
    return info.isFile() ? { file, size: info.size } : null;
  } catch {
    return null;
  }
}

function sendFile(reply: FastifyReply, found: { file: string; size: number }, isHashedAsset: boolean) {
  const type = CONTENT_TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream';
  // Vite puts a content hash in every file name under assets/, so those never change; the
  // entry page must be revalidated so a new build is picked up at once.
  void reply
    .type(type)
    .header('content-length', found.size)
    .header('cache-control', isHashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
  return reply.send(createReadStream(found.file));
}

/**
 * Serves the built web application (web/dist) with a single-page-app fallback: any GET that is
 * not an API path and names no file gets index.html, and the client router takes over. Unknown
 * `/api/*` paths keep the JSON error shape of every other API error.
 */
export async function webRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { '*': string } }>(
    '/*',
    {
      config: { access: 'public' },
      helmet: WEB_CSP,
      schema: {
        hide: true,
        params: { type: 'object', properties: { '*': { type: 'string' } } },
      },
    },
    async (request, reply) => {
      const urlPath = `/${request.params['*'] ?? ''}`;
      if (urlPath === '/api' || urlPath.startsWith('/api/')) {
        return reply.status(404).send({
          error: {
            code: 'ROUTE_NOT_FOUND',
            message: `接口不存在：${request.method} ${urlPath}`,
            details: [{ field: 'url', message: '没有与该方法和路径匹配的接口' }],
          },
        });
      }
      const found = urlPath === '/' ? null : await findFile(urlPath);
      if (found) return sendFile(reply, found, urlPath.startsWith('/assets/'));
      // A missing hashed asset is a 404, not the entry page (a stale tab after a rebuild).
      if (urlPath.startsWith('/assets/')) {
        return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
      }
      const index = await findFile('/index.html');
      if (!index)
        return reply
          .status(200)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-cache')
          .send(NOT_BUILT_PAGE);
      return sendFile(reply, index, false);
    },
  );
}
