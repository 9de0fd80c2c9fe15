import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_WORDS, AUDIT_OBJECTS } from './audit-labels.ts';

/**
 * Every object type and every action word the code records in the audit trail has a Chinese label,
 * so that the audit page and its export never show a raw code (the every-page browser test found
 * 'assessment' and 'evaluation_catalog' that way; this finds them without a browser).
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.includes('.test.') ? [path] : [];
  });
}

/** Object types and action words written in the sources: `objectType: '…'` and the literal parts of `action: …`. */
function recordedCodes(text: string): { objects: string[]; words: string[] } {
  const objects = [...text.matchAll(/objectType: '([a-z_]+)'/g)].map((match) => match[1] as string);
  const words: string[] = [];
  for (const line of text.split('\n')) {
    const action = /\baction: (.+)$/.exec(line)?.[1];
    if (action === undefined) continue;
    for (const literal of action.matchAll(/['`]([a-z_]+(?:\.[a-z_${}.]*)*)['`]/g)) {
      const code = (literal[1] as string).replace(/\$\{[^}]*\}/g, '');
      if (!code.includes('.')) continue;
      words.push(...code.split('.').filter((word) => word !== ''));
    }
  }
  return { objects, words };
}

describe('audit labels', () => {
  const files = sourceFiles(join(import.meta.dirname, '..'));
  const missing = new Set<string>();
  let objectCount = 0;
  let wordCount = 0;
  for (const file of files) {
    const { objects, words } = recordedCodes(readFileSync(file, 'utf8'));
    objectCount += objects.length;
    wordCount += words.length;
    for (const object of objects)
      if (AUDIT_OBJECTS[object] === undefined) missing.add(`objectType ${object} (${file})`);
    for (const word of words)
      if (AUDIT_ACTION_WORDS[word] === undefined) missing.add(`action word ${word} (${file})`);
  }

  it('labels every object type and action word the sources record', () => {
    expect(objectCount).toBeGreaterThan(50);
    expect(wordCount).toBeGreaterThan(100);
    expect([...missing]).toEqual([]);
  });

  it('finds an unlabelled code (the check can fail)', () => {
    const template = ['`claim.', '$', '{x}.frobnicate`'].join('');
    const found = recordedCodes(`recordAudit(trx, ctx, { objectType: 'widget', action: ${template} });`);
    expect(found.objects).toEqual(['widget']);
    expect(found.words).toEqual(['claim', 'frobnicate']);
    expect(AUDIT_OBJECTS.widget).toBeUndefined();
    expect(AUDIT_ACTION_WORDS.frobnicate).toBeUndefined();
  });
});
