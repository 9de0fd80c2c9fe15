import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../auth/audit.service.ts';
import { maskPiiText } from '../shared/crypto.ts';
import { csvAppError } from '../shared/csv.ts';
import { AppError, type ErrorDetail } from '../shared/errors.ts';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/person/groups/1` → `person.groups[1]`, prefixed by the part of the request. */
export function fieldName(context: string | undefined, instancePath: string, child?: string): string {
  const segments = instancePath.split('/').filter(Boolean);
  if (child) segments.push(child);
  let path = '';
  for (const segment of segments) {
    const decoded = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(decoded) ? `[${decoded}]` : path === '' ? decoded : `.${decoded}`;
  }
  const prefix = context && context !== 'body' ? context : '';
  if (!prefix) return path || 'body';
  return path ? `${prefix}.${path}` : prefix;
}

const TYPE_LABELS: Record<string, string> = {
  string: '文本',
  number: '数值',
  integer: '整数',
  boolean: '是/否',
  object: '对象',
  array: '列表',
  null: '空值',
};

const FORMAT_LABELS: Record<string, string> = {
  date: '日期（YYYY-MM-DD）',
  'date-time': '日期时间',
  email: '电子邮箱',
  uri: '网址',
};

/** The Chinese sentence for one Ajv issue (Ajv's own messages are English). */
function issueMessage(issue: AjvIssue): string {
  const limit = issue.params.limit;
  switch (issue.keyword) {
    case 'required':
      return '必填';
    case 'additionalProperties':
      return '不是可接受的字段';
    case 'type':
      return `应为${String(issue.params.type)
        .split(',')
        .map((type) => TYPE_LABELS[type] ?? type)
        .join('或')}`;
    case 'minimum':
      return `不得小于 ${limit}`;
    case 'maximum':
      return `不得大于 ${limit}`;
    case 'exclusiveMinimum':
      return `应大于 ${limit}`;
    case 'exclusiveMaximum':
      return `应小于 ${limit}`;
    case 'minLength':
      return `长度不得少于 ${limit} 个字符`;
    case 'maxLength':
      return `长度不得超过 ${limit} 个字符`;
    case 'minItems':
      return `至少 ${limit} 项`;
    case 'maxItems':
      return `至多 ${limit} 项`;
    case 'uniqueItems':
      return '不得有重复项';
    case 'pattern':
      return '格式不正确';
    case 'format':
      return `应为${FORMAT_LABELS[String(issue.params.format)] ?? '规定格式'}`;
    case 'enum':
      return `应为以下之一：${(issue.params.allowedValues as unknown[]).join('、')}`;
    case 'const':
      return '取值不正确';
    case 'multipleOf':
      return `应为 ${issue.params.multipleOf} 的整数倍`;
    default:
      return '取值无效';
  }
}

/** Turns Ajv issues into details that each name one field. */
export function validationDetails(issues: AjvIssue[], context?: string): ErrorDetail[] {
  return issues.map((issue) => {
    const child =
      issue.keyword === 'required'
        ? String(issue.params.missingProperty)
        : issue.keyword === 'additionalProperties'
          ? String(issue.params.additionalProperty)
          : undefined;
    return { field: fieldName(context, issue.instancePath, child), message: issueMessage(issue) };
  });
}

const FASTIFY_CODES: Record<string, [string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['MALFORMED_JSON', '请求体不是合法的 JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['MALFORMED_JSON', '请求体为空，应为 JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', '请求体过大'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['INVALID_REQUEST', 'Content-Length 与请求体不符'],
};

/** The database is down or saturated: a 503 the client may retry, not a bug. */
function isDatabaseUnavailable(error: FastifyError): boolean {
  const code = (error as { code?: string }).code;
  return (
    code === 'ECONNREFUSED' ||
    code === '57P03' ||
    /timeout exceeded when trying to connect|Connection terminated/.test(error.message)
  );
}

/**
 * Two writers collided in the database (a unique key taken a moment ago, a serialization failure
 * or a deadlock). The transaction rolled back, so nothing was written and the request may be
 * retried: a 409, not a 500. Code paths that can collide take locks; this is the backstop.
 */
function isWriteCollision(error: FastifyError): boolean {
  const code = (error as { code?: string }).code;
  return code === '23505' || code === '40001' || code === '40P01';
}

/**
 * The database refused a value (SQLSTATE class 22, data exception: out of range, invalid text or
 * datetime, a character it cannot store). The schemas bound every value (schema-hardening.ts),
 * so this is the backstop: the statement failed and its transaction rolled back, nothing was
 * written, and the caller sent a value the database cannot hold — a 400, not a 500.
 */
function isDataException(error: FastifyError): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

export function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    return new AppError(
      'INVALID_REQUEST',
      '请求参数不符合要求',
      validationDetails(error.validation as AjvIssue[], error.validationContext),
    );
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known)
    return new AppError(known[0], known[1], [{ field: 'body', message: known[1], cause: error.message }]);
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new AppError('MALFORMED_JSON', '请求体不是合法的 JSON', [
      { field: 'body', message: '不是合法的 JSON', cause: error.message },
    ]);
  }
  if (error.statusCode === 429) return new AppError('RATE_LIMITED', '请求过于频繁，请稍后再试', []);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError(
      'INVALID_REQUEST',
      '请求无效',
      [{ field: 'request', message: '请求无效', cause: error.message }],
      error.statusCode,
    );
  }
  if (isDatabaseUnavailable(error)) {
    return new AppError('DATABASE_UNAVAILABLE', '数据库暂时不可用，请稍后重试', [
      { field: 'database', message: '暂时不可用' },
    ]);
  }
  if (isWriteCollision(error)) {
    return new AppError('CONFLICT', '数据正被他人同时修改，本次未保存，请重试', [
      { field: 'request', message: '与他人同时修改冲突，本次未保存，请重试' },
    ]);
  }
  // A CSV parsed without parseCsv: still the sender's error, named by its line.
  const csvError = csvAppError(error, '上传的 CSV 文件');
  if (csvError instanceof AppError) return csvError;
  if (isDataException(error)) {
    return new AppError('INVALID_REQUEST', '请求中的某个值超出系统可存储的范围', [
      { field: 'request', message: '某个值超出系统可存储的范围或字符集' },
    ]);
  }
  return new AppError('INTERNAL_ERROR', '服务器内部错误，已记录，请联系管理员', [], 500);
}

/**
 * Records a refused authorization (role or object scope) of a logged-in caller: 等保 expects
 * access violations in the audit trail. Written on its own, since the request's transaction
 * (if any) has rolled back; a failure to write it is logged, never shown to the caller.
 */
async function auditDenial(request: FastifyRequest, appError: AppError): Promise<void> {
  const actor = request.principal;
  if (appError.code !== 'FORBIDDEN' || !actor) return;
  try {
    await recordAudit(
      request.server.deps.database.db,
      request.auditContext ?? { actor, ip: request.ip, requestId: request.id },
      {
        action: 'access.denied',
        objectType: 'route',
        objectId: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
        outcome: 'denied',
        after: {
          reason: maskPiiText(appError.details.map((detail) => detail.message).join('; ')).slice(0, 500),
        },
      },
    );
  } catch (error) {
    request.log.error({ err: error }, 'could not audit an access denial');
  }
}

/**
 * The one place errors become HTTP responses: `{error:{code,message,details}}`. Messages and
 * details are masked (maskPiiText): parser messages can quote the request body.
 */
export async function handleError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const appError = toAppError(error);
  if (appError.statusCode >= 500 || isDataException(error)) {
    request.log.error({ err: error }, 'request failed');
  } else if (isWriteCollision(error)) {
    request.log.warn({ err: error }, 'request collided with a concurrent write');
  } else {
    request.log.info({ code: appError.code }, 'request refused');
  }
  await auditDenial(request, appError);
  const details = appError.details.map((detail) => ({ ...detail, message: maskPiiText(detail.message) }));
  return reply.status(appError.statusCode).send({
    error: { code: appError.code, message: maskPiiText(appError.message), details },
  });
}
