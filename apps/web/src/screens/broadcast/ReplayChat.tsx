// A replay's chat and hearts in step with its video: the events of the windows around the playing
// position are read as it plays or seeks, and those at or before the position are shown.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useClient, type Client } from 'urql';
import {
  ReplayEventsDocument,
  type BroadcastPageQuery,
  type ReplayEventsQuery,
} from '../../generated/graphql';
import { describeError } from '../../ui/errors';
import { Chat, type ReplayedChat } from './Chat';

type Broadcast = NonNullable<BroadcastPageQuery['broadcast']>;
type ReplayEvent = NonNullable<
  NonNullable<ReplayEventsQuery['broadcast']>['replayEvents']
>['events'][number];

/**
 * Events are read a window at a time: the playing one, the one before (after a seek, the chat
 * shows the minute before) and the next, so none arrives late.
 */
const WINDOW_MS = 30_000;
/** Hearts of this last stretch of play float up; older ones only count. */
const BURST_MS = 1_000;

/** Every event of one window, following truncation from the last offset read. */
async function readWindow(client: Client, id: string, index: number): Promise<ReplayEvent[]> {
  const toMs = (index + 1) * WINDOW_MS;
  const events: ReplayEvent[] = [];
  const seen = new Set<string>();
  let fromMs = index * WINDOW_MS;
  for (;;) {
    const result = await client.query(ReplayEventsDocument, { id, fromMs, toMs }).toPromise();
    const window = result.data?.broadcast?.replayEvents;
    if (!window) throw new Error(result.error ? describeError(result.error) : 'No replay events.');
    // Read on from the last offset, its events come again, in the same order: key them by their
    // place among the events at that offset.
    const atOffset = new Map<number, number>();
    for (const event of window.events) {
      const place = atOffset.get(event.offsetMs) ?? 0;
      atOffset.set(event.offsetMs, place + 1);
      const key = `${event.offsetMs}:${place}`;
      if (!seen.has(key)) events.push(event);
      seen.add(key);
    }
    const last = window.events.at(-1)?.offsetMs ?? fromMs;
    // A window truncated at one offset cannot be read further.
    if (!window.truncated || last === fromMs) return events;
    fromMs = last;
  }
}

function useReplayEvents(broadcastId: string, positionMs: number): ReplayedChat {
  const client = useClient();
  const [windows, setWindows] = useState<ReadonlyMap<number, ReplayEvent[]>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const requested = useRef(new Set<number>());
  const playing = Math.floor(positionMs / WINDOW_MS);

  useEffect(() => {
    for (const index of [playing - 1, playing, playing + 1]) {
      if (index < 0 || requested.current.has(index)) continue;
      requested.current.add(index);
      readWindow(client, broadcastId, index).then(
        (events) => {
          setError(null);
          setWindows((current) => new Map(current).set(index, events));
        },
        (failure: unknown) => {
          // Asked again when the position reaches it.
          requested.current.delete(index);
          setError(failure instanceof Error ? failure.message : String(failure));
        },
      );
    }
  }, [client, broadcastId, playing]);

  return useMemo(() => {
    const past = [...windows.values()]
      .flat()
      .filter((event) => event.offsetMs <= positionMs)
      .sort((a, b) => a.offsetMs - b.offsetMs);
    const hearts = (events: ReplayEvent[]) =>
      events.reduce((sum, event) => sum + (event.hearts ?? 0), 0);
    return {
      comments: past.flatMap((event) => (event.comment ? [event.comment] : [])),
      hearts: {
        total: hearts(past),
        burst: hearts(past.filter((event) => event.offsetMs > positionMs - BURST_MS)),
      },
      error,
    };
  }, [windows, positionMs, error]);
}

export function ReplayChat({
  broadcast,
  isBroadcaster,
  positionMs,
}: {
  broadcast: Broadcast;
  isBroadcaster: boolean;
  /** Where the replay's video is, in ms after the broadcast started. */
  positionMs: number;
}) {
  const replayed = useReplayEvents(broadcast.id, positionMs);
  return (
    <Chat
      broadcast={broadcast}
      isBroadcaster={isBroadcaster}
      onStatusChanged={() => undefined}
      replayed={replayed}
    />
  );
}
