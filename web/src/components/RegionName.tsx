import { useEffect, useState } from 'react';
import { regionNames } from '../regions.ts';

let names: Map<string, string> | null = null;

/** Region names by code, loaded once; until they arrive (or if they cannot), the code shows. */
export function useRegionNames(): Map<string, string> {
  const [loaded, setLoaded] = useState<Map<string, string>>(names ?? new Map());
  useEffect(() => {
    if (names) return;
    let isCurrent = true;
    void regionNames().then((map) => {
      if (map.size > 0) names = map;
      if (isCurrent) setLoaded(map);
    });
    return () => {
      isCurrent = false;
    };
  }, []);
  return loaded;
}

/** A region by name, its code secondary (officers still quote codes). */
export function RegionName({
  code,
  withCode = false,
}: {
  code: string | null | undefined;
  withCode?: boolean;
}) {
  const map = useRegionNames();
  if (!code) return <>—</>;
  const name = map.get(code);
  if (!name) return <>{code}</>;
  return withCode ? (
    <>
      {name}
      <span className="secondary-code">（{code}）</span>
    </>
  ) : (
    <>{name}</>
  );
}
