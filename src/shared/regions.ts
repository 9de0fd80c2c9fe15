/**
 * The administrative hierarchy of GB/T 2260 region codes: county (430421) → city (430400) →
 * province (430000). Catalogs, packs and special accounts of a region are looked up in the region
 * itself, else its city, else its province.
 */

/**
 * The region itself, then its city, then its province, without repeats (nearest first).
 * Municipalities (11, 12, 31, 50) have districts directly under the province code, so 500101
 * also reaches 500000.
 */
export function regionAncestors(regionCode: string): string[] {
  const chain = [regionCode];
  const city = `${regionCode.slice(0, 4)}00`;
  const province = `${regionCode.slice(0, 2)}0000`;
  if (city !== regionCode) chain.push(city);
  if (province !== city) chain.push(province);
  return chain;
}
