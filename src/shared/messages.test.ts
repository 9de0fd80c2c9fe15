import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validationDetails } from '../api/error-handler.ts';

/**
 * Every message a person reads in an error answer is Chinese (finding 5 of issue 21): the
 * `message` of each `new AppError(…)` and the `message` of every detail written anywhere in src/.
 * Codes (the first argument, `field`, `code`) stay for machines and are not scanned. Interpolated
 * values (`${…}`) are the request's own data and are removed before the scan, as are the few
 * Latin names a Chinese officer reads as such (file formats, TOTP, command names).
 */
const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = [
  'multipart/form-data',
  'Idempotency-Key',
  'Content-Length',
  'skillfund user create',
  'skillfund user',
  'skillfund backup',
  'YYYY-MM-DD',
  'YYYY-MM',
  'id_number',
  'TOTP',
  'JSON',
  'xlsx',
  'CSV',
  'PDF',
  'JPEG',
  'PNG',
  'MP4',
  'TXT',
  'API',
  'ID',
];
const LATIN = /[A-Za-z]/;

function sourceFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
  });
}

/** Reads the string literal opening at `start`; `${…}` parts become `{}`. Returns [text, end]. */
function readLiteral(source: string, start: number): [string, number] {
  const quote = source[start];
  let text = '';
  let index = start + 1;
  while (index < source.length && source[index] !== quote) {
    if (source[index] === '\\') {
      text += source[index + 1];
      index += 2;
    } else if (quote === '`' && source.startsWith('${', index)) {
      let depth = 1;
      index += 2;
      while (depth > 0 && index < source.length) {
        const char = source[index]!;
        if (char === "'" || char === '"' || char === '`') {
          index = readLiteral(source, index)[1];
          continue;
        }
        if (char === '{') depth += 1;
        if (char === '}') depth -= 1;
        index += 1;
      }
      text += '{}';
    } else {
      text += source[index];
      index += 1;
    }
  }
  return [text, index + 1];
}

interface Found {
  file: string;
  line: number;
  text: string;
}

/**
 * A literal that is a code, not a message: SCREAMING_SNAKE, compared (`=== 'x'`), an argument
 * of a function call (`field('amountFen')`), or the value of a `field`/`code`/`status`/`kind`/`type`
 * property (also inside a ternary).
 */
function isCodeLiteral(source: string, index: number, text: string): boolean {
  if (/^[A-Z0-9_]+$/.test(text)) return true;
  const before = source.slice(Math.max(0, index - 200), index);
  if (/(===|!==|\w\()\s*$/.test(before)) return true;
  const property = /[{,[]\s*(\w+)\s*:[^{,[]*$/.exec(before);
  return (
    property !== null && ['field', 'code', 'status', 'kind', 'line', 'type', 'format'].includes(property[1]!)
  );
}

/**
 * The literals of each `new AppError(` call (but its code and `field:`/`code:` values) and of each
 * `message:` property value (up to the end of the expression).
 */
function messageLiterals(file: string): Found[] {
  const source = fs.readFileSync(file, 'utf8');
  const found = new Map<number, Found>();
  const start = /new AppError\(|\bmessage:\s*/g;
  for (let match = start.exec(source); match; match = start.exec(source)) {
    const isCall = match[0].startsWith('new');
    let depth = isCall ? 1 : 0;
    let index = match.index + match[0].length;
    while (index < source.length) {
      const char = source[index]!;
      if (char === "'" || char === '"' || char === '`') {
        const [text, end] = readLiteral(source, index);
        if (!isCodeLiteral(source, index, text))
          found.set(index, { file, line: source.slice(0, index).split('\n').length, text });
        index = end;
        continue;
      }
      if (char === '(' || char === '[' || char === '{') depth += 1;
      else if (char === ')' || char === ']' || char === '}') {
        depth -= 1;
        if (depth <= 0 && (isCall || depth < 0)) break;
      } else if (!isCall && depth === 0 && (char === ',' || char === ';' || char === '\n')) {
        const sofar = source.slice(match.index + match[0].length, index);
        if (char !== '\n' || !/[+?:(]\s*$/.test(sofar) || sofar.trim() === '') {
          if (sofar.trim() !== '') break;
        }
      }
      index += 1;
    }
  }
  return [...found.values()];
}

function isEnglish(text: string): boolean {
  let stripped = text.replace(/\{\}/g, '');
  for (const token of ALLOWED) stripped = stripped.split(token).join('');
  return LATIN.test(stripped);
}

describe('no English in the error messages of the server', () => {
  it('every AppError message and detail message in src/ is Chinese', () => {
    const all = sourceFiles(SRC).flatMap(messageLiterals);
    expect(all.length).toBeGreaterThan(300);
    const english = all.filter((found) => isEnglish(found.text));
    expect(english.map((found) => `${path.relative(SRC, found.file)}:${found.line} ${found.text}`)).toEqual(
      [],
    );
  });

  it('the scan finds an English detail where one is written', () => {
    const file = path.join(fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'messages-')), 'probe.ts');
    fs.writeFileSync(
      file,
      `throw new AppError('NOT_FOUND', '不存在', [{ field: 'id', message: \`class \${id} not found\` }]);\n`,
    );
    expect(
      messageLiterals(file)
        .filter((found) => isEnglish(found.text))
        .map((found) => found.text),
    ).toEqual(['class {} not found']);
  });

  it('schema refusals (Ajv issues) are explained in Chinese', () => {
    const details = validationDetails([
      { instancePath: '', keyword: 'required', params: { missingProperty: 'name' } },
      { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'x' } },
      { instancePath: '/page', keyword: 'type', params: { type: 'integer' }, message: 'must be integer' },
      { instancePath: '/page', keyword: 'minimum', params: { limit: 1 }, message: 'must be >= 1' },
      { instancePath: '/name', keyword: 'maxLength', params: { limit: 40 }, message: 'must NOT have more' },
      { instancePath: '/date', keyword: 'format', params: { format: 'date' }, message: 'must match format' },
      { instancePath: '/code', keyword: 'pattern', params: { pattern: '^\\d+$' }, message: 'must match' },
      { instancePath: '/kind', keyword: 'enum', params: { allowedValues: ['a'] }, message: 'must be equal' },
      { instancePath: '/x', keyword: 'if', params: {}, message: 'must match "then" schema' },
    ]);
    expect(details.map((detail) => detail.field)).toEqual([
      'name',
      'x',
      'page',
      'page',
      'name',
      'date',
      'code',
      'kind',
      'x',
    ]);
    for (const detail of details)
      expect(isEnglish(detail.message.replace(/：.*$/, '')), detail.message).toBe(false);
  });
});
