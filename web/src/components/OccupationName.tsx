import { useEffect, useState } from 'react';
import { occupationNames } from '../occupations.ts';

/** An occupation (工种) by name, its code secondary; the code shows until the names arrive. */
export function OccupationName({ code }: { code: string | null | undefined }) {
  const [names, setNames] = useState<Map<string, string> | null>(null);
  useEffect(() => {
    let isCurrent = true;
    void occupationNames().then((map) => {
      if (isCurrent) setNames(map);
    });
    return () => {
      isCurrent = false;
    };
  }, []);
  if (!code) return <>—</>;
  const name = names?.get(code);
  if (!name) return <>{code}</>;
  return (
    <>
      {name}
      <span className="secondary-code">（{code}）</span>
    </>
  );
}
