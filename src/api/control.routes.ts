import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../auth/audit.service.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';

/** The header carrying the control secret the server wrote into its data-dir lock. */
export const CONTROL_SECRET_HEADER = 'x-skillfund-control';

function isSecret(presented: unknown, secret: string): boolean {
  if (typeof presented !== 'string') return false;
  const given = Buffer.from(presented);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `GET /api/internal/backup`: a consistent copy of the embedded database while the server runs
 * (issue 18, finding 8). Registered only by a server on a PGlite data dir; the caller proves it
 * can read the 0600 lock file beside the data dir (the same OS user as the server, who could read
 * the data dir itself) by presenting the secret written there. `skillfund backup` calls it.
 */
export function registerControlRoutes(app: FastifyInstance, database: DatabaseHandle, secret: string): void {
  app.get(
    '/api/internal/backup',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: '嵌入式数据库在线备份（仅限本机 skillfund backup，凭数据目录锁文件中的口令）',
        hide: true,
      },
    },
    async (request, reply) => {
      if (!isSecret(request.headers[CONTROL_SECRET_HEADER], secret) || !database.dumpDataDir) {
        throw new AppError('FORBIDDEN', '仅限本机 skillfund backup 调用', [
          { field: CONTROL_SECRET_HEADER, message: '缺少控制口令或口令错误' },
        ]);
      }
      const dump = Buffer.from(await (await database.dumpDataDir('gzip')).arrayBuffer());
      await recordAudit(
        database.db,
        { actor: null, ip: request.ip, requestId: request.id },
        {
          action: 'database.backup',
          objectType: 'database',
          objectId: 'pglite',
          after: { bytes: dump.length, via: 'server' },
        },
      );
      return reply.header('content-type', 'application/gzip').send(dump);
    },
  );
}
