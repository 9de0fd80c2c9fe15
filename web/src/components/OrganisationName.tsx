import { Link } from 'react-router-dom';
import { call, client } from '../api/client.ts';
import { useLoad } from '../hooks.ts';

/**
 * An organisation by its name (loaded by id), linked to its sanctions and appeals; until the name
 * arrives, or where the caller may not read it, 单位 #id shows.
 */
export function OrganisationName({ id, isLinked = true }: { id: number; isLinked?: boolean }) {
  const loaded = useLoad(
    () => call(client.GET('/api/organisations/{id}', { params: { path: { id } } })),
    [id],
  );
  const name = loaded.data?.name ?? `单位 #${id}`;
  if (!isLinked) return <>{name}</>;
  return (
    <Link to={`/app/sanctions?organisationId=${id}`} data-testid="organisation-link">
      {name}
    </Link>
  );
}
