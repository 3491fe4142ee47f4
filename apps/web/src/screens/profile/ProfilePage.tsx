// A profile: follow/unfollow, the go-live bell, block and mute, and the account's timeline.
import { useCallback, useMemo } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { useMe } from '../../app/me';
import { Link } from '../../app/router';
import { Feed } from '../../cards/Feed';
import { merge, usePagedTimeline } from '../../cards/usePagedTimeline';
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
  type TimelinePageFragment,
} from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';
import { counted } from '../../ui/plural';

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
          {counted(user.postsCount, 'post')} · {counted(user.followersCount, 'follower')} ·{' '}
          {user.followingCount} following
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
  const readPage = useCallback(
    (after: string) =>
      client
        .query(ProfileTimelineDocument, { handle, after }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => ({ page: result.data?.user?.timeline, error: result.error })),
    [client, handle],
  );
  // The first page stays the profile query's own, so it follows that query's updates.
  const older = usePagedTimeline(readPage, firstPage.pageInfo);
  const items = useMemo(
    () =>
      merge(
        firstPage.edges.map((edge) => edge.node),
        older.items,
      ),
    [firstPage.edges, older.items],
  );

  return (
    <>
      <ErrorText error={older.error} />
      <Feed
        label={`Posts by @${handle}`}
        items={items}
        hasMore={older.hasMore}
        loadMore={older.loadMore}
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
