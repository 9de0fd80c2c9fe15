import type { FastifyInstance } from 'fastify';
import { isMovableClock } from '../shared/clock.ts';
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
          { field: 'database', message: '无法连接数据库', cause: (error as Error).message },
        ]);
      }
      return { status: 'ok', database: app.deps.database.kind };
    },
  );

  app.get(
    '/api/clock',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: '业务日期（培训环境可用 SKILLFUND_CLOCK_START 设定；页面的默认日期以此为准）',
        response: {
          200: {
            type: 'object',
            required: ['today', 'now', 'isTrainingClock'],
            properties: {
              today: { type: 'string', description: '业务日期（北京时间）YYYY-MM-DD' },
              now: { type: 'string', format: 'date-time' },
              isTrainingClock: {
                type: 'boolean',
                description: '培训环境的业务时钟（系统管理员可经 POST /api/demo/clock 向后推进）',
              },
            },
          },
        },
      },
    },
    async () => ({
      today: app.clock.today(),
      now: app.clock.now().toISOString(),
      isTrainingClock: app.deps.config.isDemoMode && isMovableClock(app.clock),
    }),
  );
}
