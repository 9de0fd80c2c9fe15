import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The shape of the code (issue 16): no import cycles, between files or between domains, and no
 * domain but policy deciding by a literal region code (a province's rules live in its pack).
 */
const SRC = path.resolve('src');

function sourceFiles(directory = SRC): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const files = sourceFiles();
const relative = (file: string) => path.relative(SRC, file);
const domainOf = (file: string) => relative(file).split(path.sep)[0]!;

/**
 * Relative imports of a file; with `types`, `import type`/`export type` too: a cycle through types
 * is still two modules that cannot be understood (or moved) one without the other.
 */
function relativeImports(file: string, options: { types: boolean }): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  const statement = options.types
    ? /^(?:import|export)\s+[^;]*?from\s+'(\.[^']+)'/gms
    : /^(?:import|export)\s+(?!type\s)[^;]*?from\s+'(\.[^']+)'/gms;
  for (const match of text.matchAll(statement)) found.push(path.resolve(path.dirname(file), match[1]!));
  for (const match of text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g))
    found.push(path.resolve(path.dirname(file), match[1]!));
  return found;
}

/** Strongly connected components with more than one member (Tarjan): each is an import cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

const importGraph = (options: { types: boolean }) =>
  new Map(
    files.map((file) => [file, relativeImports(file, options).filter((target) => fs.existsSync(target))]),
  );
/** Every import between files, type-only ones too. */
const fileGraph = importGraph({ types: true });
/**
 * Imports that load code at run time. Between domains only these count: the database schema
 * (src/db/schema.ts) gathers every domain's table types with `import type`, and every domain
 * takes the database handle from src/db, a ring of types that loads nothing.
 */
const runtimeGraph = importGraph({ types: false });

describe('import cycles', () => {
  it('no source file imports itself through others (type-only imports count)', () => {
    expect(cycles(fileGraph).map((cycle) => cycle.map(relative))).toEqual([]);
  });

  it('no two domains (folders of src/) import each other, directly or round a ring', () => {
    // A command module (*.cli.ts) is an entry point like src/cli, loaded only by the command
    // registry; what it reaches for (e.g. `import roster` → training) is not a domain's dependency.
    const domainGraph = new Map<string, string[]>();
    for (const [file, targets] of runtimeGraph) {
      if (file.endsWith('.cli.ts')) continue;
      const from = domainOf(file);
      const edges = domainGraph.get(from) ?? [];
      for (const target of targets) if (domainOf(target) !== from) edges.push(domainOf(target));
      domainGraph.set(from, [...new Set(edges)]);
    }
    expect(cycles(domainGraph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });
});

/** Where a literal region code is expected: the policy packs, reference data, demo data and fixtures. */
const REGION_LITERALS_ALLOWED = [/^policy\//, /\.data\.ts$/, /(^|\/)demo\//, /demo/, /^bench\//];

/** A six-digit region code written as a string literal ('000000', the "no province" value, aside). */
const REGION_LITERAL = /'(?!000000')(?!999999')[1-9]\d{5}'/;

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('region codes outside policy', () => {
  const holders = files
    .map(relative)
    .filter((file) => !REGION_LITERALS_ALLOWED.some((pattern) => pattern.test(file)))
    .filter((file) => REGION_LITERAL.test(stripComments(fs.readFileSync(path.join(SRC, file), 'utf8'))));

  it('no domain but policy decides by a literal region code', () => {
    expect(holders).toEqual([]);
  });

  it('the check sees a literal in a comparison', () => {
    expect(REGION_LITERAL.test("if (facts.provinceCode === '500000') {")).toBe(true);
    expect(REGION_LITERAL.test("code === '23505'")).toBe(false);
  });
});

describe('docs/architecture.md', () => {
  it('the module map names every folder of src/ and every file of src/db, src/api and src/cli', () => {
    const doc = fs.readFileSync(path.resolve('docs', 'architecture.md'), 'utf8');
    const map = doc.slice(
      doc.indexOf('## Module map'),
      doc.indexOf('\n## ', doc.indexOf('## Module map') + 1),
    );
    const folders = fs
      .readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${entry.name}/`);
    const wiring = ['db', 'api', 'cli'].flatMap((folder) =>
      fs
        .readdirSync(path.join(SRC, folder))
        .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts')),
    );
    expect([...folders, ...wiring].filter((name) => !map.includes(name))).toEqual([]);
  });
});

/**
 * One source of types for the web app (issues 16 and 21): every request goes through the client
 * generated from the OpenAPI document (web/src/api/client.ts), so no page keeps a hand-written
 * request function, a hand-kept answer type file, or a bare fetch beside it.
 */
describe('the web client', () => {
  const WEB = path.resolve('web', 'src');
  const webFiles = (directory = WEB): string[] =>
    fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return webFiles(full);
      return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
    });
  /** A call of the hand-written helpers `api(…)`, `api<T>(…)`, `apiAll(…)` or `download(…)`. */
  const HAND_WRITTEN_CALL = /(?<![\w$.])(?:api|apiAll|download)\s*(?:<[^()]*>)?\s*\(/;
  /** A bare fetch: only the generated client's module may send a request. */
  const BARE_FETCH = /(?<![\w$.])fetch\s*\(/;
  const CLIENT = path.join(WEB, 'api', 'client.ts');
  const code = (file: string) => stripComments(fs.readFileSync(file, 'utf8'));

  it('no file of web/src calls the hand-written api() (or apiAll, download): pages use call(client…)', () => {
    const callers = webFiles().filter((file) => HAND_WRITTEN_CALL.test(code(file)));
    expect(callers.map((file) => path.relative(WEB, file))).toEqual([]);
  });

  it('no file of web/src but the generated client sends a request with a bare fetch()', () => {
    const senders = webFiles().filter((file) => file !== CLIENT && BARE_FETCH.test(code(file)));
    expect(senders.map((file) => path.relative(WEB, file))).toEqual([]);
  });

  it('the hand-kept answer types are gone (types come from web/src/api/openapi.d.ts)', () => {
    expect(fs.existsSync(path.join(WEB, 'shared-types.ts'))).toBe(false);
  });

  it('the checks see a hand-written call and a bare fetch, and pass the typed client', () => {
    expect(HAND_WRITTEN_CALL.test("const user = await api<User>('/api/auth/me');")).toBe(true);
    expect(HAND_WRITTEN_CALL.test("await api('/api/auth/logout', { method: 'POST' })")).toBe(true);
    expect(HAND_WRITTEN_CALL.test("apiAll<Assessment>('/api/assessments')")).toBe(true);
    expect(HAND_WRITTEN_CALL.test("void download('/api/claims/export.xlsx', 'claims.xlsx')")).toBe(true);
    expect(HAND_WRITTEN_CALL.test("await call(client.GET('/api/auth/me'))")).toBe(false);
    expect(HAND_WRITTEN_CALL.test('link.download = name;')).toBe(false);
    expect(BARE_FETCH.test("const response = await fetch('/api/clock');")).toBe(true);
    expect(BARE_FETCH.test('window.fetch = stub;')).toBe(false);
  });
});
