import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../auth/audit.service.ts';
import { ROLE_LABELS, type Role } from '../auth/roles.ts';
import { isMovableClock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { isCalendarDate } from '../shared/schemas.ts';
import type { SchemaTypeProvider } from '../shared/type-provider.ts';
import { DEMO_PASSWORD } from './demo.service.ts';
import { DEMO_ACCOUNT_GUIDE } from './demo-accounts.ts';

function demoModeOnly(): AppError {
  return new AppError('DEMO_MODE_ONLY', '仅培训（演示）环境可用', [
    { field: 'mode', message: '仅在演示模式且使用培训时钟时可用' },
  ]);
}

const clockSchema = {
  type: 'object',
  required: ['today', 'now'],
  properties: {
    today: { type: 'string', description: '业务日期（北京时间）YYYY-MM-DD' },
    now: { type: 'string', format: 'date-time' },
  },
} as const;

/**
 * Demo mode only: the list of demo accounts for the login page, and the training clock an
 * administrator moves forward. Outside demo mode both answer 403 DEMO_MODE_ONLY.
 */
export async function demoRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = app.deps.database.db;
  const isDemo = () => app.deps.config.isDemoMode;

  app.get(
    '/api/demo/accounts',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: '演示账号列表（仅培训环境；按建议尝试的顺序）',
        response: {
          200: {
            type: 'object',
            required: ['password', 'items'],
            properties: {
              password: { type: 'string' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['loginName', 'displayName', 'role', 'roleLabel', 'hint', 'isRecommended'],
                  properties: {
                    loginName: { type: 'string' },
                    displayName: { type: 'string' },
                    role: { type: 'string' },
                    roleLabel: { type: 'string' },
                    hint: { type: 'string' },
                    isRecommended: { type: 'boolean' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => {
      if (!isDemo()) throw demoModeOnly();
      const names = DEMO_ACCOUNT_GUIDE.map((entry) => entry.loginName);
      const rows = await db
        .selectFrom('app_user')
        .select(['login_name', 'display_name', 'role'])
        .where('login_name', 'in', names)
        .where('status', '=', 'active')
        .execute();
      const byName = new Map(rows.map((row) => [row.login_name, row]));
      const items = DEMO_ACCOUNT_GUIDE.flatMap((entry) => {
        const row = byName.get(entry.loginName);
        if (!row) return [];
        const role = row.role as Role;
        return [
          {
            loginName: entry.loginName,
            displayName: row.display_name,
            role,
            roleLabel: ROLE_LABELS[role] ?? role,
            hint: entry.hint,
            isRecommended: false,
          },
        ];
      });
      if (items[0]) items[0].isRecommended = true;
      return { password: DEMO_PASSWORD, items };
    },
  );

  app.post(
    '/api/demo/clock',
    {
      config: { access: 'user.admin' },
      schema: {
        tags: ['system'],
        summary: '推进业务日期（仅培训环境；系统管理员；只能向后）',
        body: {
          type: 'object',
          required: ['date'],
          additionalProperties: false,
          properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
        },
        response: { 200: clockSchema },
      },
    },
    async (request) => {
      const clock = app.clock;
      if (!isDemo() || !isMovableClock(clock)) throw demoModeOnly();
      const { date } = request.body;
      if (!isCalendarDate(date))
        throw new AppError('VALIDATION_FAILED', '日期无效', [
          { field: 'date', message: '不是有效的日历日期' },
        ]);
      const before = clock.today();
      if (date <= before) {
        throw new AppError('VALIDATION_FAILED', `业务日期只能向后推进（当前为 ${before}）`, [
          { field: 'date', message: `须晚于当前业务日期 ${before}` },
        ]);
      }
      // Audited first: a clock move that left no audit entry must not happen.
      await db.transaction().execute((trx) =>
        recordAudit(trx, request.auditContext, {
          action: 'demo.clock.advance',
          objectType: 'business_clock',
          before: { today: before },
          after: { today: date },
        }),
      );
      clock.moveTo(date);
      return { today: clock.today(), now: clock.now().toISOString() };
    },
  );
}
