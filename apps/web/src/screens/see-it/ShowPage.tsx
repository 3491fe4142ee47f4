// A show: its See it button, next airing, and its conversation (posts with its hashtag), live.
import { useMemo } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Feed } from '../../cards/Feed';
import { SeeItButton } from '../../cards/SeeItButton';
import { when } from '../../cards/time';
import {
  ShowConversationDocument,
  ShowDocument,
  type PostCardFragment,
} from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';

export function ShowPage({ slug }: { slug: string }) {
  const [{ data, fetching, error }] = useQuery({ query: ShowDocument, variables: { slug } });
  const show = data?.show;
  const [live] = useSubscription(
    { query: ShowConversationDocument, variables: { showId: show?.id ?? '' }, pause: !show },
    (arrived: PostCardFragment[] = [], event) => [event.showConversation, ...arrived],
  );
  const posts = useMemo(() => {
    const loaded = show?.conversation.edges.map((edge) => edge.node) ?? [];
    const seen = new Set(loaded.map((post) => post.id));
    return [...(live.data ?? []).filter((post) => !seen.has(post.id)), ...loaded];
  }, [show, live.data]);

  if (fetching && !show) return <p>Loading…</p>;
  if (!show)
    return <ErrorText error={error ?? 'This show does not exist or is hidden from you.'} />;
  return (
    <>
      <section className="card" aria-labelledby="show-title">
        <h1 id="show-title">
          {show.onNow && <span className="badge live">LIVE</span>} {show.title}
        </h1>
        <p className="muted">
          {show.network} · #{show.hashtag}
        </p>
        {show.description && <p>{show.description}</p>}
        {show.nextAiring && (
          <p>
            Next on {show.nextAiring.channel} {when(show.nextAiring.startsAt)}
          </p>
        )}
        <SeeItButton seeIt={show.seeIt} />
      </section>
      <h2>Conversation</h2>
      <Feed label={`Conversation about ${show.title}`} items={posts} />
    </>
  );
}
