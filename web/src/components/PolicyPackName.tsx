import { Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import { call, client } from '../api/client.ts';

interface PackName {
  document: string;
  title: string;
}

let cache: Promise<Map<string, PackName>> | null = null;

/** The policy packs' documents by pack id (public `GET /api/policy/packs`), loaded once per session. */
function packNames(): Promise<Map<string, PackName>> {
  cache ??= call(client.GET('/api/policy/packs'))
    .then(
      (answer) =>
        new Map(answer.items.map((pack) => [pack.id, { document: pack.document, title: pack.title }])),
    )
    .catch(() => {
      cache = null;
      return new Map<string, PackName>();
    });
  return cache;
}

/**
 * The policy an amount was decided under, by its document (衡人社发【2019】21号), the document's title
 * on hover; the pack's id (cn-430400-2019) is for machines and shows only if the list cannot load.
 */
export function PolicyPackName({ id }: { id: string | null | undefined }) {
  const [names, setNames] = useState<Map<string, PackName> | null>(null);
  useEffect(() => {
    let isCurrent = true;
    void packNames().then((map) => {
      if (isCurrent) setNames(map);
    });
    return () => {
      isCurrent = false;
    };
  }, []);
  if (!id) return <>—</>;
  if (!names) return <>…</>;
  const pack = names.get(id);
  if (!pack) return <>{id}</>;
  return (
    <Tooltip title={pack.title}>
      <span>{pack.document}</span>
    </Tooltip>
  );
}
