import { useEffect } from 'react';
import { useQuery } from 'urql';
import { socketEvents } from '../../api/client';
import { Feed } from '../../cards/Feed';
import { LiveNowDocument } from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';

/**
 * No event tells every reader that someone went live (timelineUpdates tells followers only): the
 * list is read again this often while the tab is shown, when it is shown again, and after the
 * socket came back.
 */
const REFRESH_MS = 15_000;

export function LiveNow() {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: LiveNowDocument,
    requestPolicy: 'cache-and-network',
  });
  useEffect(() => {
    const reload = () => {
      if (document.visibilityState === 'visible') refetch({ requestPolicy: 'network-only' });
    };
    const timer = setInterval(reload, REFRESH_MS);
    document.addEventListener('visibilitychange', reload);
    const stopListening = socketEvents.onReconnect(reload);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', reload);
      stopListening();
    };
  }, [refetch]);
  return (
    <>
      <h1>Live now</h1>
      <ErrorText error={error} />
      <Feed
        label="Live now"
        items={data?.liveNow.edges.map((edge) => edge.node) ?? []}
        busy={fetching}
      />
    </>
  );
}
