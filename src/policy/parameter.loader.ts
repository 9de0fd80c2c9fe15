import fs from 'node:fs';
import path from 'node:path';
import type { Citation } from './evaluate.types.ts';
import type {
  ParameterBounds,
  ParameterDefinition,
  ParameterOverride,
  ParameterSet,
  ParameterValue,
  ParameterVersion,
  ResolvedParameter,
} from './parameter.types.ts';

/** A parameter file that breaks the rules (no citation, bad date, unknown shape). */
export class ParameterFileError extends Error {
  override name = 'ParameterFileError';
}

const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;
const TOPIC = /^[a-z][a-z0-9-]*$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(where: string, message: string): never {
  throw new ParameterFileError(`${where}: ${message}`);
}

/** A citation must name both the document and the article; anything less is refused. */
export function parseCitation(raw: unknown, where: string): Citation {
  if (!isObject(raw)) fail(where, 'every value needs a citation {doc, article}');
  const { doc, article } = raw;
  if (typeof doc !== 'string' || doc.trim() === '') fail(where, 'citation.doc is missing');
  if (typeof article !== 'string' || article.trim() === '') fail(where, 'citation.article is missing');
  return { doc, article };
}

function parseValue(raw: unknown, where: string): ParameterValue {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return raw as string[];
  fail(where, 'value must be an integer, a string, a boolean, a list of strings or null');
}

function parseVersion(raw: unknown, where: string): ParameterVersion {
  if (!isObject(raw)) fail(where, 'a value must be an object');
  const { effectiveFrom, note } = raw;
  if (typeof effectiveFrom !== 'string' || !ISO_DATE.test(effectiveFrom))
    fail(where, 'effectiveFrom must be YYYY-MM-DD');
  if (!('value' in raw)) fail(where, 'value is missing');
  const version: ParameterVersion = {
    effectiveFrom,
    value: parseValue(raw.value, where),
    citation: parseCitation(raw.citation, where),
    source: 'pack',
  };
  if (typeof note === 'string') version.note = note;
  return version;
}

function parseBounds(raw: unknown, where: string): ParameterBounds | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) fail(where, 'bounds must be an object');
  const bounds: ParameterBounds = {};
  if (typeof raw.min === 'number') bounds.min = raw.min;
  if (typeof raw.max === 'number') bounds.max = raw.max;
  if (raw.citation !== undefined) bounds.citation = parseCitation(raw.citation, `${where}.citation`);
  return bounds;
}

function parseDefinition(
  packId: string,
  topic: string,
  name: string,
  raw: unknown,
  where: string,
): ParameterDefinition {
  if (!NAME.test(name)) fail(where, `parameter name ${name} must be camelCase`);
  if (!isObject(raw)) fail(where, 'a parameter must be an object');
  if (typeof raw.unit !== 'string' || raw.unit === '') fail(where, 'unit is missing');
  if (!Array.isArray(raw.values) || raw.values.length === 0) fail(where, 'values must be a non-empty list');
  const versions = raw.values.map((value, index) => parseVersion(value, `${where}.values[${index}]`));
  versions.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
  const key = `${topic}.${name}`;
  const definition: ParameterDefinition = {
    id: `${packId}/${key}`,
    key,
    unit: raw.unit,
    description: typeof raw.description === 'string' ? raw.description : '',
    versions,
  };
  const bounds = parseBounds(raw.bounds, `${where}.bounds`);
  if (bounds) definition.bounds = bounds;
  return definition;
}

/** Parses one parameter file's JSON; throws ParameterFileError naming the file and the value. */
export function parseParameterFile(packId: string, fileName: string, raw: unknown): ParameterDefinition[] {
  if (!isObject(raw)) fail(fileName, 'must be a JSON object');
  const topic = raw.topic;
  if (typeof topic !== 'string' || !TOPIC.test(topic)) fail(fileName, 'topic must be kebab-case');
  if (`${topic}.json` !== fileName) fail(fileName, `file name must be ${topic}.json (one topic per file)`);
  if (!isObject(raw.parameters)) fail(fileName, 'parameters must be an object');
  return Object.entries(raw.parameters).map(([name, definition]) =>
    parseDefinition(packId, topic, name, definition, `${fileName}:${name}`),
  );
}

/** Loads every `*.json` in a pack's parameters folder into one set. */
export function loadParameterDirectory(packId: string, directory: string): Map<string, ParameterDefinition> {
  const set = new Map<string, ParameterDefinition>();
  const files = fs
    .readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort();
  for (const file of files) {
    const raw: unknown = JSON.parse(fs.readFileSync(path.join(directory, file), 'utf8'));
    for (const definition of parseParameterFile(packId, file, raw)) set.set(definition.key, definition);
  }
  return set;
}

/**
 * Merges published versions into a pack's parameter set without touching the original: a
 * published version with the same effective date replaces the shipped one, otherwise it is
 * added in date order. Overrides for other packs or unknown keys are ignored here (the
 * parameter service refuses them when publishing).
 */
export function mergeParameterVersions(
  packId: string,
  base: ParameterSet,
  overrides: readonly ParameterOverride[],
): ParameterSet {
  const merged = new Map(base);
  for (const override of overrides) {
    if (override.packId !== packId) continue;
    const definition = merged.get(override.key);
    if (!definition) continue;
    const version: ParameterVersion = {
      effectiveFrom: override.effectiveFrom,
      value: override.value,
      citation: override.citation,
      source: 'published',
    };
    const versions = definition.versions.filter(
      (existing) => existing.effectiveFrom !== override.effectiveFrom,
    );
    versions.push(version);
    versions.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
    merged.set(override.key, { ...definition, versions });
  }
  return merged;
}

/** The version of one parameter in force on a date, or undefined before its first version. */
export function versionInForce(definition: ParameterDefinition, date: string): ParameterVersion | undefined {
  let found: ParameterVersion | undefined;
  for (const version of definition.versions) {
    if (version.effectiveFrom > date) break;
    found = version;
  }
  return found;
}

export type ResolvedParameters = ReadonlyMap<string, ResolvedParameter>;

/**
 * Pre-resolves a parameter set for every period between effective dates, so evaluating a
 * request is one binary search and map lookups: no per-request resolution or cloning.
 */
export class ParameterTimeline {
  private readonly breakpoints: string[];
  private readonly tables: (ResolvedParameters | undefined)[];

  constructor(private readonly set: ParameterSet) {
    const dates = new Set<string>();
    for (const definition of set.values())
      for (const version of definition.versions) dates.add(version.effectiveFrom);
    this.breakpoints = [...dates].sort();
    this.tables = new Array(this.breakpoints.length).fill(undefined);
  }

  /** The parameters in force on a date (empty before the first effective date). */
  at(date: string): ResolvedParameters {
    const index = this.indexOf(date);
    if (index < 0) return new Map();
    const cached = this.tables[index];
    if (cached) return cached;
    const table = resolveAll(this.set, this.breakpoints[index]!);
    this.tables[index] = table;
    return table;
  }

  private indexOf(date: string): number {
    let low = 0;
    let high = this.breakpoints.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.breakpoints[middle]! <= date) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }
}

function resolveAll(set: ParameterSet, date: string): ResolvedParameters {
  const table = new Map<string, ResolvedParameter>();
  for (const definition of set.values()) {
    const version = versionInForce(definition, date);
    if (!version) continue;
    table.set(definition.key, {
      id: definition.id,
      key: definition.key,
      unit: definition.unit,
      value: version.value,
      // Frozen: shared by every decision that cites it (and encoded once by ResponseJsonWriter).
      citation: Object.freeze(version.citation),
      effectiveFrom: version.effectiveFrom,
      source: version.source,
    });
  }
  return table;
}
