import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.ts';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: '健康检查（含数据库连通性）',
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, database: { type: 'string' } },
          },
        },
      },
    },
    async () => {
      try {
        await app.deps.database.ping(2000);
      } catch (error) {
        throw new AppError('DATABASE_UNAVAILABLE', '数据库不可用', [
          { field: 'database', message: (error as Error).message },
        ]);
      }
      return { status: 'ok', database: app.deps.database.kind };
    },
  );
}
