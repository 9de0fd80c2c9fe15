import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { regionAncestors } from '../../shared/regions.ts';
import { loadParameterDirectory, ParameterFileError, versionInForce } from '../parameter.loader.ts';
import type { ParameterSet } from '../parameter.types.ts';
import { shanxi2021 } from './cn-140000-2021/pack.ts';
import { jiangsu2019 } from './cn-320000-2019/pack.ts';
import { jiangxi2021 } from './cn-360000-2021/pack.ts';
import { hengyang2019 } from './cn-430400-2019/pack.ts';
import { chongqing2021 } from './cn-500000-2021/pack.ts';
import type { PackDefinition } from './pack.types.ts';

export { regionAncestors };

/** A pack's code with its parameters loaded from its data files. */
export interface PolicyPack extends PackDefinition {
  parameters: ParameterSet;
}

const PACKS_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * The registry of policy documents: one line per document, its pack's code (`<id>/pack.ts`, which
 * loads its parameters from `<id>/parameters/`). Adding a document is its folder and one line
 * here (docs/adding-a-document.md).
 */
export const PACK_DEFINITIONS: readonly PackDefinition[] = [
  jiangxi2021,
  shanxi2021,
  chongqing2021,
  hengyang2019,
  jiangsu2019,
];

/**
 * Every parameter must have a value on the pack's first day, otherwise a formula could meet an
 * unresolved parameter in the middle of an evaluation; a pack with a gap fails at load time.
 */
function checkCoversPeriod(definition: PackDefinition, parameters: ParameterSet): void {
  for (const parameter of parameters.values()) {
    if (!versionInForce(parameter, definition.inForceFrom)) {
      throw new ParameterFileError(`${parameter.id} has no value in force on ${definition.inForceFrom}`);
    }
  }
}

export function loadPack(
  definition: PackDefinition,
  directory = definition.parameterDirectory ?? path.join(PACKS_DIR, definition.id, 'parameters'),
): PolicyPack {
  const parameters = loadParameterDirectory(definition.id, directory);
  checkCoversPeriod(definition, parameters);
  return { ...definition, parameters };
}

/**
 * A set of loaded packs and the lookups the engine needs. The shipped set is SHIPPED_PACKS; a test
 * builds its own from the shipped definitions plus a fixture pack (test/fixtures/packs).
 */
export class PackRegistry {
  readonly packs: readonly PolicyPack[];
  private readonly byRegion: Map<string, PolicyPack>;
  private readonly byId: Map<string, PolicyPack>;
  /** Region code → its pack (null: none), as resolve found it. Packs are fixed once loaded. */
  private readonly resolved = new Map<string, PolicyPack | null>();

  constructor(packs: readonly PolicyPack[]) {
    this.packs = packs;
    this.byRegion = new Map(packs.map((pack) => [pack.regionCode, pack]));
    this.byId = new Map(packs.map((pack) => [pack.id, pack]));
    if (this.byId.size !== packs.length) throw new Error('two packs share an id');
    if (this.byRegion.size !== packs.length) throw new Error('two packs govern one region');
  }

  packById(id: string): PolicyPack | undefined {
    return this.byId.get(id);
  }

  /** The pack of the nearest jurisdiction up the hierarchy that has one. */
  resolve(regionCode: string): PolicyPack | undefined {
    const known = this.resolved.get(regionCode);
    if (known !== undefined) return known ?? undefined;
    let found: PolicyPack | null = null;
    for (const code of regionAncestors(regionCode)) {
      const pack = this.byRegion.get(code);
      if (pack) {
        found = pack;
        break;
      }
    }
    // A batch names a few hundred regions at most; the bound keeps hostile input from growing it.
    if (this.resolved.size >= 10_000) this.resolved.clear();
    this.resolved.set(regionCode, found);
    return found ?? undefined;
  }
}

/** The packs shipped with the code, loaded once at start. */
export const SHIPPED_PACKS = new PackRegistry(PACK_DEFINITIONS.map((definition) => loadPack(definition)));

/** All shipped packs. */
export const POLICY_PACKS: readonly PolicyPack[] = SHIPPED_PACKS.packs;

export function packById(id: string): PolicyPack | undefined {
  return SHIPPED_PACKS.packById(id);
}

/** The shipped pack of the nearest jurisdiction up the hierarchy that has one. */
export function resolvePack(regionCode: string): PolicyPack | undefined {
  return SHIPPED_PACKS.resolve(regionCode);
}
