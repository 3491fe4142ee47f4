// The cards of a timeline: a post, or a broadcast that is scheduled, live (LIVE badge and a
// viewer count that moves) or ended (a replay that plays in place).
import { useState } from 'react';
import { useClient, useMutation, useSubscription } from 'urql';
import { Link } from '../app/router';
import {
  BroadcastEventsDocument,
  BroadcastPageDocument,
  LikePostDocument,
  UnlikePostDocument,
  type BroadcastCardFragment,
  type PostCardFragment,
  type TimelineCardFragment,
} from '../generated/graphql';
import { describeError, ErrorText } from '../ui/errors';
import { Player } from '../ui/Player';
import { SeeItButton } from './SeeItButton';
import { RichText } from './RichText';
import { when } from './time';

/** Where a card sits in a feed, for screen readers: aria-setsize -1 while more may load. */
export interface FeedPosition {
  'aria-posinset': number;
  'aria-setsize': number;
}

export function TimelineCard({
  item,
  position,
}: {
  item: TimelineCardFragment;
  position?: FeedPosition;
}) {
  return item.__typename === 'Post' ? (
    <PostCard post={item} position={position} />
  ) : (
    <BroadcastCard broadcast={item} position={position} />
  );
}

function Byline({ user, at }: { user: PostCardFragment['author']; at?: string | null }) {
  return (
    <header className="byline">
      <Link href={`/@${user.handle}`}>
        <strong>{user.displayName}</strong> <span className="muted">@{user.handle}</span>
      </Link>
      {at && (
        <time dateTime={at} className="muted">
          {when(at)}
        </time>
      )}
    </header>
  );
}

export function PostCard({ post, position }: { post: PostCardFragment; position?: FeedPosition }) {
  const [like, runLike] = useMutation(LikePostDocument);
  const [unlike, runUnlike] = useMutation(UnlikePostDocument);
  const liked = unlike.data?.unlikePost ?? like.data?.likePost ?? post;
  const toggle = () => void (liked.viewerHasLiked ? runUnlike : runLike)({ id: post.id });
  return (
    <article className="card" aria-label={`Post by ${post.author.displayName}`} {...position}>
      <Byline user={post.author} at={post.createdAt} />
      <RichText text={post.text} mentions={post.mentions} show={post.seeIt?.show} />
      {post.broadcast && <BroadcastSummary broadcast={post.broadcast} />}
      <footer className="actions">
        <button type="button" aria-pressed={liked.viewerHasLiked} onClick={toggle}>
          {liked.viewerHasLiked ? 'Unlike' : 'Like'} ({liked.likesCount})
        </button>
        {post.seeIt && !post.broadcast && <SeeItButton seeIt={post.seeIt} />}
      </footer>
      <ErrorText error={like.error ?? unlike.error} />
    </article>
  );
}

export function BroadcastCard({
  broadcast,
  position,
}: {
  broadcast: BroadcastCardFragment;
  position?: FeedPosition;
}) {
  return (
    <article
      className="card"
      aria-label={`Broadcast by ${broadcast.broadcaster.displayName}`}
      {...position}
    >
      <Byline user={broadcast.broadcaster} at={broadcast.startedAt ?? broadcast.scheduledFor} />
      <BroadcastSummary broadcast={broadcast} />
    </article>
  );
}

/** The broadcast part of a card, also shown inside a post that shares a broadcast. */
function BroadcastSummary({ broadcast }: { broadcast: BroadcastCardFragment }) {
  return (
    <div className="broadcast">
      <p className="broadcast-title">
        <StatusBadge broadcast={broadcast} />{' '}
        <Link href={`/broadcasts/${encodeURIComponent(broadcast.id)}`}>{broadcast.title}</Link>
      </p>
      {broadcast.status === 'LIVE' && (
        <p>
          <LiveViewers broadcast={broadcast} />
        </p>
      )}
      {broadcast.status === 'SCHEDULED' && broadcast.scheduledFor && (
        <p className="muted">Starts {when(broadcast.scheduledFor)}</p>
      )}
      {broadcast.status === 'ENDED' && broadcast.replayAvailable && (
        <InlineReplay broadcastId={broadcast.id} />
      )}
      <div className="actions">{broadcast.seeIt && <SeeItButton seeIt={broadcast.seeIt} />}</div>
    </div>
  );
}

function StatusBadge({ broadcast }: { broadcast: BroadcastCardFragment }) {
  switch (broadcast.status) {
    case 'LIVE':
      return <span className="badge live">LIVE</span>;
    case 'SCHEDULED':
      return <span className="badge">Scheduled</span>;
    case 'ENDED':
      return <span className="badge">{broadcast.replayAvailable ? 'Replay' : 'Ended'}</span>;
    default:
      return <span className="badge">Canceled</span>;
  }
}

/** The audience of a live broadcast as it changes. */
export function LiveViewers({ broadcast }: { broadcast: BroadcastCardFragment }) {
  const [events] = useSubscription({
    query: BroadcastEventsDocument,
    variables: { broadcastId: broadcast.id },
  });
  const viewers = events.data?.broadcastEvents.viewerCount ?? broadcast.viewerCount;
  return (
    <span className="muted">
      <span className="viewer-count">{viewers}</span> watching
    </span>
  );
}

function InlineReplay({ broadcastId }: { broadcastId: string }) {
  const client = useClient();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const play = async () => {
    const result = await client
      .query(BroadcastPageDocument, { id: broadcastId }, { requestPolicy: 'network-only' })
      .toPromise();
    const playbackUrl = result.data?.broadcast?.replay?.playbackUrl;
    if (playbackUrl) setUrl(playbackUrl);
    else
      setError(
        result.error ? describeError(result.error) : 'This replay cannot be played any more.',
      );
  };
  if (url) return <Player src={url} title="Replay" />;
  return (
    <>
      <button type="button" onClick={() => void play()}>
        Play replay
      </button>
      <ErrorText error={error} />
    </>
  );
}
