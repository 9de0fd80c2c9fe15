import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY_PACKS } from './packs/index.ts';
import {
  loadParameterDirectory,
  mergeParameterVersions,
  ParameterFileError,
  ParameterTimeline,
  parseParameterFile,
} from './parameter.loader.ts';

const citation = { doc: '衡人社发【2019】21号', article: '七' };

function file(values: unknown[]): unknown {
  return { topic: 'living-allowance', parameters: { dailyAmountFen: { unit: 'fen/person/day', values } } };
}

describe('parameter files', () => {
  it('loads a cited value', () => {
    const [definition] = parseParameterFile(
      'cn-430400-2019',
      'living-allowance.json',
      file([{ effectiveFrom: '2019-08-30', value: 2000, citation }]),
    );
    expect(definition).toMatchObject({
      id: 'cn-430400-2019/living-allowance.dailyAmountFen',
      unit: 'fen/person/day',
    });
  });

  it('refuses a value without a citation', () => {
    expect(() =>
      parseParameterFile('p', 'living-allowance.json', file([{ effectiveFrom: '2019-08-30', value: 2000 }])),
    ).toThrow(ParameterFileError);
  });

  it('refuses a citation without an article', () => {
    const values = [
      { effectiveFrom: '2019-08-30', value: 2000, citation: { doc: '衡人社发【2019】21号', article: ' ' } },
    ];
    expect(() => parseParameterFile('p', 'living-allowance.json', file(values))).toThrow(/citation.article/);
  });

  it('refuses fractional money, a bad date, and a file named after another topic', () => {
    expect(() =>
      parseParameterFile(
        'p',
        'living-allowance.json',
        file([{ effectiveFrom: '2019-08-30', value: 20.5, citation }]),
      ),
    ).toThrow();
    expect(() =>
      parseParameterFile(
        'p',
        'living-allowance.json',
        file([{ effectiveFrom: '2019/08/30', value: 20, citation }]),
      ),
    ).toThrow();
    expect(() =>
      parseParameterFile('p', 'other.json', file([{ effectiveFrom: '2019-08-30', value: 20, citation }])),
    ).toThrow(/one topic/);
  });

  it('refuses a whole directory when one value lacks its citation', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-params-'));
    fs.writeFileSync(
      path.join(directory, 'living-allowance.json'),
      JSON.stringify(file([{ effectiveFrom: '2019-08-30', value: 1 }])),
    );
    expect(() => loadParameterDirectory('p', directory)).toThrow(ParameterFileError);
    fs.rmSync(directory, { recursive: true });
  });

  it('ships every value of every pack with a citation and a unit', () => {
    for (const pack of POLICY_PACKS) {
      for (const definition of pack.parameters.values()) {
        expect(definition.unit).not.toBe('');
        for (const version of definition.versions) expect(version.citation.article).not.toBe('');
      }
    }
  });
});

describe('dated versions', () => {
  const [definition] = parseParameterFile(
    'p',
    'living-allowance.json',
    file([
      { effectiveFrom: '2019-08-30', value: 2000, citation },
      { effectiveFrom: '2021-01-01', value: 2500, citation },
    ]),
  );
  const set = new Map([[definition!.key, definition!]]);

  it('resolves the version in force on each date', () => {
    const timeline = new ParameterTimeline(set);
    expect(timeline.at('2019-08-29').size).toBe(0);
    expect(timeline.at('2020-12-31').get('living-allowance.dailyAmountFen')?.value).toBe(2000);
    expect(timeline.at('2021-01-01').get('living-allowance.dailyAmountFen')?.value).toBe(2500);
  });

  it('merges published versions without changing the shipped set', () => {
    const merged = mergeParameterVersions('p', set, [
      {
        packId: 'p',
        key: 'living-allowance.dailyAmountFen',
        effectiveFrom: '2020-07-01',
        value: 2200,
        citation,
      },
      {
        packId: 'other',
        key: 'living-allowance.dailyAmountFen',
        effectiveFrom: '2020-07-01',
        value: 9999,
        citation,
      },
    ]);
    const timeline = new ParameterTimeline(merged);
    expect(timeline.at('2020-08-01').get('living-allowance.dailyAmountFen')).toMatchObject({
      value: 2200,
      source: 'published',
    });
    expect(definition!.versions).toHaveLength(2);
  });
});
