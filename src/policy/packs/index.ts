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
const DEFINITIONS: readonly PackDefinition[] = [
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
  directory = path.join(PACKS_DIR, definition.id, 'parameters'),
): PolicyPack {
  const parameters = loadParameterDirectory(definition.id, directory);
  checkCoversPeriod(definition, parameters);
  return { ...definition, parameters };
}

/** All packs, loaded once at start. */
export const POLICY_PACKS: readonly PolicyPack[] = DEFINITIONS.map((definition) => loadPack(definition));

const PACKS_BY_REGION = new Map(POLICY_PACKS.map((pack) => [pack.regionCode, pack]));
const PACKS_BY_ID = new Map(POLICY_PACKS.map((pack) => [pack.id, pack]));

export function packById(id: string): PolicyPack | undefined {
  return PACKS_BY_ID.get(id);
}

/** The pack of the nearest jurisdiction up the hierarchy that has one. */
export function resolvePack(regionCode: string): PolicyPack | undefined {
  const known = RESOLVED.get(regionCode);
  if (known !== undefined) return known ?? undefined;
  let found: PolicyPack | null = null;
  for (const code of regionAncestors(regionCode)) {
    const pack = PACKS_BY_REGION.get(code);
    if (pack) {
      found = pack;
      break;
    }
  }
  // A batch names a few hundred regions at most; the bound keeps hostile input from growing it.
  if (RESOLVED.size >= 10_000) RESOLVED.clear();
  RESOLVED.set(regionCode, found);
  return found ?? undefined;
}

/** Region code → its pack (null: none), as resolvePack found it. Packs are fixed at start. */
const RESOLVED = new Map<string, PolicyPack | null>();
