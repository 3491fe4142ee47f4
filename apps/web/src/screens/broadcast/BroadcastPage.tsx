// A broadcast: the player, the live chat, hearts and the audience; for its broadcaster also the
// encoder settings, chat modes, moderation and the end button.
import { useCallback, useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { socketEvents } from '../../api/client';
import { useMe } from '../../app/me';
import { Link } from '../../app/router';
import { LiveViewers } from '../../cards/Cards';
import { SeeItButton } from '../../cards/SeeItButton';
import {
  BroadcastPageDocument,
  JoinBroadcastDocument,
  LeaveBroadcastDocument,
} from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';
import { Player } from '../../ui/Player';
import { BroadcasterPanel } from './BroadcasterPanel';
import { Chat } from './Chat';
import { ReplayChat } from './ReplayChat';

/** joinBroadcast counts a viewer for 60 seconds: join again well before that. */
const HEARTBEAT_MS = 30_000;
/**
 * How soon an ended broadcast is read again while its replay is not ready (no event says so):
 * doubling after each read, up to the cap, since a replay may never come.
 */
const REPLAY_POLL_MS = 5_000;
const REPLAY_POLL_MAX_MS = 5 * 60_000;

export function BroadcastPage({ id }: { id: string }) {
  const me = useMe();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: BroadcastPageDocument,
    variables: { id },
  });
  const [, join] = useMutation(JoinBroadcastDocument);
  const [, leave] = useMutation(LeaveBroadcastDocument);
  const [replayAtMs, setReplayAtMs] = useState(0);
  const broadcast = data?.broadcast;
  const status = broadcast?.status;
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  // A recording may be a little shorter than the broadcast: its end shows the chat to the end.
  const lengthMs =
    broadcast?.startedAt && broadcast.endedAt
      ? Date.parse(broadcast.endedAt) - Date.parse(broadcast.startedAt)
      : 0;
  const replayTime = useCallback(
    (ms: number, ended: boolean) => setReplayAtMs(ended ? Math.max(ms, lengthMs) : ms),
    [lengthMs],
  );

  useEffect(() => socketEvents.onReconnect(reload), [reload]);

  const waitingForReplay = status === 'ENDED' && !data?.broadcast?.replayAvailable;
  useEffect(() => {
    if (!waitingForReplay) return;
    let timer: ReturnType<typeof setTimeout>;
    const poll = (delay: number) => {
      timer = setTimeout(() => {
        reload();
        poll(Math.min(delay * 2, REPLAY_POLL_MAX_MS));
      }, delay);
    };
    poll(REPLAY_POLL_MS);
    return () => clearTimeout(timer);
  }, [waitingForReplay, reload]);

  useEffect(() => {
    if (!me || status !== 'LIVE') return;
    void join({ id });
    const heartbeat = setInterval(() => void join({ id }), HEARTBEAT_MS);
    return () => {
      clearInterval(heartbeat);
      void leave({ id });
    };
  }, [me, status, id, join, leave]);

  if (fetching && !broadcast) return <p>Loading…</p>;
  if (!broadcast)
    return <ErrorText error={error ?? 'This broadcast does not exist or is hidden from you.'} />;
  const isBroadcaster = me?.id === broadcast.broadcaster.id;
  const replaying = broadcast.status !== 'LIVE' && broadcast.replay !== null;
  const playbackUrl =
    broadcast.status === 'LIVE' ? broadcast.playbackUrl : (broadcast.replay?.playbackUrl ?? null);

  return (
    <section className="broadcast-page" aria-labelledby="broadcast-title">
      <header>
        <h1 id="broadcast-title">
          {broadcast.status === 'LIVE' && <span className="badge live">LIVE</span>}{' '}
          {broadcast.title}
        </h1>
        <p>
          by{' '}
          <Link href={`/@${broadcast.broadcaster.handle}`}>
            {broadcast.broadcaster.displayName}
          </Link>
          {' · '}
          {broadcast.status === 'LIVE' ? (
            <LiveViewers broadcast={broadcast} />
          ) : (
            statusText(broadcast.status)
          )}
        </p>
        {broadcast.seeIt && <SeeItButton seeIt={broadcast.seeIt} />}
      </header>
      <div className="stage">
        {playbackUrl ? (
          <Player
            src={playbackUrl}
            title={`Video: ${broadcast.title}`}
            onTime={replaying ? replayTime : undefined}
          />
        ) : (
          <p className="player placeholder">{placeholder(broadcast.status)}</p>
        )}
        {replaying ? (
          <ReplayChat broadcast={broadcast} isBroadcaster={isBroadcaster} positionMs={replayAtMs} />
        ) : (
          <Chat broadcast={broadcast} isBroadcaster={isBroadcaster} onStatusChanged={reload} />
        )}
      </div>
      {isBroadcaster && <BroadcasterPanel broadcast={broadcast} />}
    </section>
  );
}

function statusText(status: string): string {
  return { SCHEDULED: 'Scheduled', ENDED: 'Ended', CANCELED: 'Canceled' }[status] ?? status;
}

function placeholder(status: string): string {
  if (status === 'SCHEDULED') return 'Not live yet.';
  if (status === 'LIVE') return 'Waiting for the video…';
  return 'No replay to play.';
}
