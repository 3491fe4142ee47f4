import { useMutation, useQuery } from 'urql';
import { Link } from '../../app/router';
import { SeeItButton } from '../../cards/SeeItButton';
import { when } from '../../cards/time';
import {
  RemoveFromWatchLaterDocument,
  WatchLaterDocument,
  type SeeItButtonFragment,
} from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';

export function WatchLater() {
  const [{ data, error }, refetch] = useQuery({
    query: WatchLaterDocument,
    requestPolicy: 'cache-and-network',
  });
  const [removal, remove] = useMutation(RemoveFromWatchLaterDocument);
  const entries = data?.watchLater.edges.map((edge) => edge.node) ?? [];
  return (
    <>
      <h1>Watch later</h1>
      <ErrorText error={error ?? removal.error} />
      <ul className="list" aria-label="Watch-later list">
        {entries.map((entry) => (
          <li key={entry.id} className="card">
            <SubjectLink seeIt={entry.seeIt} />{' '}
            <span className="muted">saved {when(entry.savedAt)}</span>
            <div className="actions">
              <SeeItButton seeIt={entry.seeIt} />
              <button
                type="button"
                aria-label={`Remove ${entry.seeIt.title} from watch later`}
                onClick={() =>
                  void remove({ id: entry.id }).then(() =>
                    refetch({ requestPolicy: 'network-only' }),
                  )
                }
              >
                Remove
              </button>
            </div>
          </li>
        ))}
      </ul>
      {entries.length === 0 && <p className="muted">Nothing saved. Tap See it, then Later.</p>}
    </>
  );
}

function SubjectLink({ seeIt }: { seeIt: SeeItButtonFragment }) {
  const href = seeIt.broadcast
    ? `/broadcasts/${encodeURIComponent(seeIt.broadcast.id)}`
    : `/shows/${seeIt.show?.slug ?? ''}`;
  return <Link href={href}>{seeIt.title}</Link>;
}
