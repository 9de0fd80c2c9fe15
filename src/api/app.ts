import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifySchema } from 'fastify';
import type { DestinationStream } from 'pino';
import { RESTRICTED_SESSION_ROUTES } from '../auth/auth.routes.ts';
import { authSettingsFrom, resolveSession } from '../auth/auth.service.ts';
import { bearerToken } from '../auth/bearer.ts';
import { assertNamedIdsInScope, idLocationsOf, type ScopedIds } from '../auth/object-scope.ts';
import { hasPermission, type RouteAccess } from '../auth/roles.ts';
import { setAuditKey } from '../shared/audit-key.state.ts';
import { shiftedClock, systemClock } from '../shared/clock.ts';
import { maskPiiText } from '../shared/crypto.ts';
import { setDataKeyring } from '../shared/data-keyring.ts';
import { AppError } from '../shared/errors.ts';
import type { AppDeps } from './context.ts';
import { handleError } from './error-handler.ts';
import { objectVisibility } from './object-visibility.ts';
import { API_ERROR_SCHEMA, documentedRoute, OPENAPI_OPTIONS } from './openapi.ts';
import { domainRoutes } from './routes.ts';
import { hardenRouteSchema, refusingUnstorableValues } from './schema-hardening.ts';
import './context.ts';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** One route as the authorization matrix and the docs see it (`app.routeTable`). */
export interface RouteTableEntry {
  method: string;
  url: string;
  access: RouteAccess;
  schema: FastifySchema;
  /** What each id of the body or query string names (config.scopedIds). */
  scopedIds: ScopedIds;
}

/** Observes what leaves the app; the test suite uses it to scan for unmasked personal data. */
export interface BuildOptions {
  /** Receives the app's (already masked) log lines; enables logging at `info` when config says silent. */
  logStream?: DestinationStream;
  /** Called with every response body and the caller, after serialisation. */
  onResponse?: (request: FastifyRequest, statusCode: number, payload: string) => void;
  /**
   * Called with every answer the handler returned, before it is serialised through the route's
   * response schema (the test suite checks each answer against the schema it is declared by).
   */
  beforeSerialise?: (request: FastifyRequest, statusCode: number, payload: unknown) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its declared access, in registration order (HEAD routes omitted). */
    routeTable: RouteTableEntry[];
  }
}

/**
 * Content-Security-Policy for the Swagger UI only: it needs inline styles and the bundled
 * scripts; every other response gets helmet's strict default.
 */
const DOCS_CSP = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
};

/** Log redaction: credentials and personal-data fields by path; anything else by pattern (maskPiiText). */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.idNumber',
  '*.phone',
  '*.bankAccount',
  '*.totpCode',
];

function loggerOptions(deps: AppDeps, options: BuildOptions) {
  if (deps.config.logLevel === 'silent' && !options.logStream) return false;
  const level = deps.config.logLevel === 'silent' ? 'info' : deps.config.logLevel;
  return {
    level,
    redact: REDACT_PATHS,
    // The last line of defence: every serialised log line is scanned and ID-number-like and
    // mobile-like digit runs are masked, whatever field or message they hide in.
    hooks: { streamWrite: maskPiiText },
    ...(options.logStream && { stream: options.logStream }),
  };
}

function createValidators() {
  // Bodies are validated strictly (no coercion, unknown fields refused by the schemas);
  // query strings and path parameters arrive as text and are coerced to their types.
  // strictNumbers: a coerced `Infinity` or `NaN` is not a number (issue 18).
  const options = {
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    strictNumbers: true,
  } as const;
  const strict = addFormats.default(new Ajv.default({ ...options, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv.default({ ...options, coerceTypes: 'array' }));
  return { strict, coercing };
}

/**
 * Rate limits of public routes: login per client IP and login name (the lockout bounds guesses
 * per account; this bounds lockout flooding and slows spraying), other public routes per IP.
 */
function publicRateLimit(deps: AppDeps, url: string) {
  if (url === '/api/auth/login') {
    return {
      max: deps.config.loginRatePerMinute ?? 10,
      timeWindow: 60_000,
      // After body parsing, so the key can include the login name.
      hook: 'preHandler',
      keyGenerator: (request: FastifyRequest) =>
        `login|${request.ip}|${String((request.body as { loginName?: unknown } | undefined)?.loginName ?? '')}`,
    };
  }
  return { max: deps.config.publicRatePerMinute ?? 300, timeWindow: 60_000 };
}

/** A restricted session (first-login password change, TOTP enrolment) may call only a few routes. */
function assertSessionMayCall(request: FastifyRequest, restriction: string | null): void {
  if (!restriction || RESTRICTED_SESSION_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) return;
  throw new AppError(
    'FORBIDDEN',
    restriction === 'password_change' ? '请先修改密码（初始密码或已到期的密码）' : '请先绑定动态口令',
    [
      {
        field: 'authorization',
        message: restriction === 'password_change' ? '须先修改密码' : '须先绑定动态口令',
      },
    ],
  );
}

/**
 * Every `…Id`/`…Ids` field of a route's body or query string must say which object it names
 * (or why it needs no check), so a new id field cannot slip past the object scope.
 */
function assertIdsDeclared(
  method: string | string[],
  url: string,
  schema: FastifySchema,
  declared: Readonly<Record<string, unknown>>,
): void {
  const locations = [...idLocationsOf(schema.body, 'body'), ...idLocationsOf(schema.querystring, 'query')];
  const undeclared = locations.filter((location) => !(location in declared));
  if (undeclared.length > 0) {
    throw new Error(
      `route ${String(method)} ${url}: declare config.scopedIds for ${undeclared.join(', ')} (src/auth/object-scope.ts)`,
    );
  }
  const unknown = Object.keys(declared).filter((location) => !locations.includes(location));
  if (unknown.length > 0)
    throw new Error(`route ${String(method)} ${url}: scopedIds ${unknown.join(', ')} not in its schema`);
}

/**
 * Builds the HTTP application. Every route must declare `config.access` and a `schema`; the
 * app refuses to build otherwise, so a forgotten permission fails the tests, not production.
 */
export async function buildApp(deps: AppDeps, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps, options),
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { allErrors: true } },
  });
  app.decorate('deps', deps);
  if (deps.config.dataKeyring) setDataKeyring(deps.config.dataKeyring); // personal data at rest
  if (deps.config.auditKey) setAuditKey(deps.config.auditKey); // the audit chain's HMAC key
  app.decorate(
    'clock',
    deps.clock ?? (deps.config.clockStart ? shiftedClock(deps.config.clockStart) : systemClock),
  );
  app.decorate('routeTable', [] as RouteTableEntry[]);
  const sessionPolicy = authSettingsFrom(deps.config, deps.sessionPolicy).session;
  app.decorateRequest('principal', null);
  app.decorateRequest('auditContext', null as never);

  const validators = createValidators();
  app.setValidatorCompiler(({ schema, httpPart }) =>
    refusingUnstorableValues((httpPart === 'body' ? validators.strict : validators.coercing).compile(schema)),
  );
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: maskPiiText(`接口不存在：${request.method} ${request.url.split('?')[0]}`),
        details: [{ field: 'url', message: '没有与该方法和路径匹配的接口' }],
      },
    });
  });

  // Runs before the rate-limit plugin's own onRoute hook (registered below), so the limits
  // set here on public routes are picked up by it.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) {
      route.config = { ...route.config, helmet: DOCS_CSP } as typeof route.config;
      return;
    }
    const access = route.config?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no config.access`);
    if (!route.schema) throw new Error(`route ${route.method} ${route.url} declares no schema`);
    // Bounds every integer and date of the request schemas (also in the OpenAPI document).
    hardenRouteSchema(route.schema);
    const body = route.schema.body as { type?: unknown; additionalProperties?: unknown } | undefined;
    if (body?.type === 'object' && body.additionalProperties !== false) {
      throw new Error(`route ${route.method} ${route.url}: body schema must set additionalProperties: false`);
    }
    assertIdsDeclared(route.method, route.url, route.schema, route.config?.scopedIds ?? {});
    // Public API routes are rate-limited; the web application's static files are not (an office
    // behind one NAT address loads many of them).
    if (access === 'public' && route.url.startsWith('/api/')) {
      route.config = { ...route.config, rateLimit: publicRateLimit(deps, route.url) } as typeof route.config;
    }
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method === 'HEAD') continue;
      app.routeTable.push({
        method,
        url: route.url,
        access,
        schema: route.schema,
        scopedIds: route.config?.scopedIds ?? {},
      });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // API answers carry personal data (masked or, after a reveal, in full) and session state:
    // no browser or proxy may keep them (issue 18). Static files and the docs stay cacheable.
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/docs')) {
      reply.header('cache-control', 'no-store');
    }
    request.auditContext = {
      actor: null,
      ip: request.ip,
      requestId: request.id,
      businessDate: app.clock.today(),
    };
    const access = request.routeOptions.config?.access;
    const token = bearerToken(request);
    if (access === undefined || access === 'public') {
      if (token) {
        const session = await resolveSession(deps.database.db, token, sessionPolicy).catch(() => null);
        request.principal = session && !session.restriction ? session.principal : null;
      }
    } else {
      if (!token) {
        throw new AppError('UNAUTHENTICATED', '请先登录', [
          { field: 'authorization', message: '缺少登录凭证' },
        ]);
      }
      const session = await resolveSession(deps.database.db, token, sessionPolicy);
      request.principal = session.principal;
      request.auditContext.actor = session.principal;
      assertSessionMayCall(request, session.restriction);
      if (access !== 'authenticated' && !hasPermission(session.principal.role, access)) {
        throw new AppError('FORBIDDEN', '当前角色无权执行此操作', [
          { field: 'role', message: `当前角色无此操作权限（${access}）` },
        ]);
      }
    }
    request.auditContext.actor = request.principal;
  });

  // Every id a request names outside its path is checked against the caller's scope, by the
  // rules the path ids and the lists follow (declared per route in config.scopedIds).
  const visibleIds = objectVisibility(deps.database.db);
  app.addHook('preHandler', async (request) => {
    const declarations = request.routeOptions.config?.scopedIds;
    if (!declarations || !request.principal) return;
    await assertNamedIdsInScope(
      request.principal,
      declarations,
      { body: request.body, query: request.query },
      visibleIds,
    );
  });

  // Error bodies may quote the request (paths, parser messages): mask personal data in every one,
  // whichever handler produced it, before it leaves the process.
  app.addHook('onSend', async (_request, reply, payload) =>
    reply.statusCode >= 400 && typeof payload === 'string' ? maskPiiText(payload) : payload,
  );

  if (options.onResponse) {
    const observe = options.onResponse;
    app.addHook('onSend', async (request, reply, payload) => {
      if (typeof payload === 'string') observe(request, reply.statusCode, payload);
      return payload;
    });
  }

  if (options.beforeSerialise) {
    const observe = options.beforeSerialise;
    app.addHook('preSerialization', async (request, reply, payload) => {
      observe(request, reply.statusCode, payload);
      return payload;
    });
  }

  // Security headers on every response (CSP, HSTS, nosniff, frame-ancestors 'none', no referrer);
  // the Swagger UI gets a relaxed CSP through its routes' config (see onRoute above).
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  // Public routes only (limits set per route in onRoute); authenticated routes are bounded by
  // the session. The store is per process: several instances need a shared store (docs/security.md).
  await app.register(rateLimit, { global: false });
  // The error shape every operation documents (components.schemas.ApiError).
  app.addSchema(API_ERROR_SCHEMA);
  await app.register(swagger, {
    openapi: OPENAPI_OPTIONS,
    transform: documentedRoute,
    // Shared schemas are named by their $id in components.schemas (ApiError, not def-0).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) => String(json.$id ?? `def-${index}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  for (const routes of domainRoutes) await app.register(routes);
  return app;
}
