// A profile: follow/unfollow, the go-live bell, block and mute, and the account's timeline.
import { useCallback, useMemo, useRef, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { useMe } from '../../app/me';
import { Link } from '../../app/router';
import { Feed } from '../../cards/Feed';
import {
  BlockDocument,
  FollowDocument,
  MuteDocument,
  ProfileDocument,
  ProfileTimelineDocument,
  UnblockDocument,
  UnfollowDocument,
  UnmuteDocument,
  type ProfileRelationsFragment,
  type TimelineCardFragment,
  type TimelinePageFragment,
} from '../../generated/graphql';
import { describeError, ErrorText } from '../../ui/errors';

export function ProfilePage({ handle }: { handle: string }) {
  const me = useMe();
  const [{ data, fetching, error }] = useQuery({ query: ProfileDocument, variables: { handle } });
  const user = data?.user;
  if (fetching && !user) return <p>Loading…</p>;
  if (!user) return <ErrorText error={error ?? `There is no account @${handle} you can see.`} />;
  const own = me?.id === user.id;
  return (
    <>
      <section className="card profile" aria-labelledby="profile-name">
        <h1 id="profile-name">
          {user.displayName} <span className="muted">@{user.handle}</span>
        </h1>
        {user.bio && <p>{user.bio}</p>}
        <p className="muted">
          {user.postsCount} posts · {user.followersCount} followers · {user.followingCount}{' '}
          following
          {user.followsViewer && ' · Follows you'}
        </p>
        {user.liveBroadcast && (
          <p>
            <span className="badge live">LIVE</span>{' '}
            <Link href={`/broadcasts/${encodeURIComponent(user.liveBroadcast.id)}`}>Watch now</Link>
          </p>
        )}
        {me && !own && <Relations user={user} />}
      </section>
      <ProfileTimeline key={user.id} handle={user.handle} firstPage={user.timeline} />
    </>
  );
}

/** The account's timeline: the profile's first page, then older pages as the reader scrolls. */
function ProfileTimeline({
  handle,
  firstPage,
}: {
  handle: string;
  firstPage: TimelinePageFragment;
}) {
  const client = useClient();
  const [older, setOlder] = useState<TimelineCardFragment[]>([]);
  const [pageInfo, setPageInfo] = useState(firstPage.pageInfo);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);

  const loadMore = useCallback(() => {
    if (!pageInfo.hasNextPage || !pageInfo.endCursor || loading.current) return;
    loading.current = true;
    void client
      .query(
        ProfileTimelineDocument,
        { handle, after: pageInfo.endCursor },
        { requestPolicy: 'network-only' },
      )
      .toPromise()
      .then((result) => {
        loading.current = false;
        const page = result.data?.user?.timeline;
        if (!page) {
          setError(result.error ? describeError(result.error) : 'More posts could not be loaded.');
          return;
        }
        setError(null);
        setOlder((list) => [...list, ...page.edges.map((edge) => edge.node)]);
        setPageInfo(page.pageInfo);
      });
  }, [client, handle, pageInfo]);

  const items = useMemo(() => {
    const first = firstPage.edges.map((edge) => edge.node);
    const seen = new Set(first.map((item) => item.id));
    return [...first, ...older.filter((item) => !seen.has(item.id))];
  }, [firstPage.edges, older]);

  return (
    <>
      <ErrorText error={error} />
      <Feed
        label={`Posts by @${handle}`}
        items={items}
        hasMore={pageInfo.hasNextPage}
        loadMore={loadMore}
      />
    </>
  );
}

function Relations({ user }: { user: ProfileRelationsFragment & { handle: string } }) {
  const [follow, runFollow] = useMutation(FollowDocument);
  const [unfollow, runUnfollow] = useMutation(UnfollowDocument);
  const [block, runBlock] = useMutation(BlockDocument);
  const [unblock, runUnblock] = useMutation(UnblockDocument);
  const [mute, runMute] = useMutation(MuteDocument);
  const [unmute, runUnmute] = useMutation(UnmuteDocument);
  const userId = user.id;
  const error =
    follow.error ?? unfollow.error ?? block.error ?? unblock.error ?? mute.error ?? unmute.error;
  return (
    <div className="actions">
      {!user.viewerBlocks &&
        (user.viewerFollows ? (
          <>
            <button type="button" onClick={() => void runUnfollow({ userId })}>
              Unfollow
            </button>
            <button
              type="button"
              aria-pressed={user.viewerNotifiedWhenLive}
              aria-label={`Notify me when @${user.handle} goes live`}
              onClick={() => void runFollow({ userId, notify: !user.viewerNotifiedWhenLive })}
            >
              {user.viewerNotifiedWhenLive ? '🔔 Bell on' : '🔕 Bell off'}
            </button>
          </>
        ) : (
          <button type="button" className="primary" onClick={() => void runFollow({ userId })}>
            Follow
          </button>
        ))}
      <button
        type="button"
        onClick={() => void (user.viewerMutes ? runUnmute : runMute)({ userId })}
      >
        {user.viewerMutes ? 'Unmute' : 'Mute'}
      </button>
      <button
        type="button"
        className="danger"
        onClick={() => void (user.viewerBlocks ? runUnblock : runBlock)({ userId })}
      >
        {user.viewerBlocks ? 'Unblock' : 'Block'}
      </button>
      <ErrorText error={error} />
    </div>
  );
}
