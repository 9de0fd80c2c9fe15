import type { RegionTable } from './registry.table.ts';

type RegionSeed = Pick<RegionTable, 'code' | 'name' | 'level' | 'parent_code'>;

/**
 * The five jurisdictions of the policy documents with a few cities and counties each
 * (GB/T 2260 codes), enough for the demo and the tests. The full list is loaded by
 * `skillfund import regions` (see docs/decisions).
 */
export const DEMO_REGIONS: readonly RegionSeed[] = [
  { code: '360000', name: '江西省', level: 'province', parent_code: null },
  { code: '360100', name: '南昌市', level: 'city', parent_code: '360000' },
  { code: '360102', name: '东湖区', level: 'county', parent_code: '360100' },
  { code: '360111', name: '青山湖区', level: 'county', parent_code: '360100' },
  { code: '360700', name: '赣州市', level: 'city', parent_code: '360000' },
  { code: '360702', name: '章贡区', level: 'county', parent_code: '360700' },
  { code: '360703', name: '南康区', level: 'county', parent_code: '360700' },
  { code: '140000', name: '山西省', level: 'province', parent_code: null },
  { code: '140100', name: '太原市', level: 'city', parent_code: '140000' },
  { code: '140105', name: '小店区', level: 'county', parent_code: '140100' },
  { code: '140106', name: '迎泽区', level: 'county', parent_code: '140100' },
  { code: '140900', name: '忻州市', level: 'city', parent_code: '140000' },
  { code: '140902', name: '忻府区', level: 'county', parent_code: '140900' },
  { code: '500000', name: '重庆市', level: 'province', parent_code: null },
  { code: '500100', name: '重庆市市辖区', level: 'city', parent_code: '500000' },
  { code: '500101', name: '万州区', level: 'county', parent_code: '500100' },
  { code: '500103', name: '渝中区', level: 'county', parent_code: '500100' },
  { code: '500106', name: '沙坪坝区', level: 'county', parent_code: '500100' },
  { code: '430000', name: '湖南省', level: 'province', parent_code: null },
  { code: '430100', name: '长沙市', level: 'city', parent_code: '430000' },
  { code: '430102', name: '芙蓉区', level: 'county', parent_code: '430100' },
  { code: '430400', name: '衡阳市', level: 'city', parent_code: '430000' },
  { code: '430405', name: '珠晖区', level: 'county', parent_code: '430400' },
  { code: '430406', name: '雁峰区', level: 'county', parent_code: '430400' },
  { code: '430421', name: '衡阳县', level: 'county', parent_code: '430400' },
  { code: '430481', name: '耒阳市', level: 'county', parent_code: '430400' },
  { code: '320000', name: '江苏省', level: 'province', parent_code: null },
  { code: '320100', name: '南京市', level: 'city', parent_code: '320000' },
  { code: '320102', name: '玄武区', level: 'county', parent_code: '320100' },
  { code: '320105', name: '建邺区', level: 'county', parent_code: '320100' },
  { code: '320500', name: '苏州市', level: 'city', parent_code: '320000' },
  { code: '320505', name: '虎丘区', level: 'county', parent_code: '320500' },
  { code: '320506', name: '吴中区', level: 'county', parent_code: '320500' },
];
