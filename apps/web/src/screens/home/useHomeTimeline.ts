// The home timeline: pages read over HTTP, then the live stream from the position the first page
// was read at (updatesCursor), so nothing falls between the two. Items are kept by id, so a
// replayed update after a reconnect replaces its card instead of adding another.
import { useCallback, useEffect, useRef, useState } from 'react';
import { client, subscribeFromCursor } from '../../api/client';
import { merge, usePagedTimeline } from '../../cards/usePagedTimeline';
import { describeError } from '../../ui/errors';
import {
  HomeTimelineDocument,
  TimelineUpdatesDocument,
  type TimelineCardFragment,
  type TimelineUpdatesSubscription,
} from '../../generated/graphql';

type Item = TimelineCardFragment;
type Update = TimelineUpdatesSubscription['timelineUpdates'];

/** Within this many pixels of the top, new items go straight in; further down, behind the pill. */
const AT_TOP_PX = 80;

const readPage = (after?: string) =>
  client
    .query(HomeTimelineDocument, { after }, { requestPolicy: 'network-only' })
    .toPromise()
    .then((result) => ({ page: result.data?.homeTimeline, error: result.error }));

export interface HomeTimeline {
  items: Item[];
  pending: Item[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  loadMore: () => void;
  showPending: () => void;
  /** One of the reader's own new items: always straight to the top. */
  prepend: (item: Item) => void;
}

export function useHomeTimeline(): HomeTimeline {
  const paged = usePagedTimeline(readPage);
  const { items, setItems, putFirstPage } = paged;
  const [pending, setPending] = useState<Item[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [updatesCursor, setUpdatesCursor] = useState<string | null>(null);
  const shown = useRef<Item[]>(items);
  shown.current = items;

  const readFirstPage = useCallback(async () => {
    const { page, error: failure } = await readPage();
    setLoading(false);
    if (!page) {
      setError(failure ? describeError(failure) : 'The timeline could not be loaded.');
      return;
    }
    setError(null);
    // A reload (RESYNC) keeps the older items the reader scrolled through below the fresh page.
    putFirstPage(page);
    setPending([]);
    setUpdatesCursor(page.updatesCursor);
  }, [putFirstPage]);

  useEffect(() => void readFirstPage(), [readFirstPage]);

  const apply = useCallback(
    (update: Update) => {
      const { item, itemId } = update;
      const replace = (list: Item[]) =>
        item ? list.map((current) => (current.id === item.id ? item : current)) : list;
      switch (update.kind) {
        case 'RESYNC':
          void readFirstPage();
          return;
        case 'REMOVED':
          setItems((list) => list.filter((current) => current.id !== itemId));
          setPending((list) => list.filter((current) => current.id !== itemId));
          return;
        case 'ENDED':
        case 'UPDATED':
          setItems(replace);
          setPending(replace);
          return;
        case 'ADDED':
        case 'NOW_LIVE': {
          if (!item) return;
          if (shown.current.some((current) => current.id === item.id)) setItems(replace);
          else if (window.scrollY < AT_TOP_PX) setItems((list) => merge([item], list));
          else setPending((queued) => merge([item], queued));
        }
      }
    },
    [readFirstPage, setItems],
  );

  useEffect(() => {
    if (updatesCursor === null) return;
    return subscribeFromCursor(
      TimelineUpdatesDocument,
      { after: updatesCursor },
      (data) => data.timelineUpdates.cursor,
      {
        next: (data) => apply(data.timelineUpdates),
        error: (message) => setError(`Live updates stopped: ${message}`),
      },
    );
  }, [updatesCursor, apply]);

  const showPending = useCallback(() => {
    setItems((list) => merge(pending, list));
    setPending([]);
    window.scrollTo({ top: 0 });
  }, [pending, setItems]);

  const prepend = useCallback(
    (item: Item) => {
      setItems((list) => merge([item], list));
    },
    [setItems],
  );

  return {
    items,
    pending,
    loading,
    error: error ?? paged.error,
    hasMore: paged.hasMore,
    loadMore: paged.loadMore,
    showPending,
    prepend,
  };
}
