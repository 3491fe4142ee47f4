// The home timeline: pages read over HTTP, then the live stream from the position the first page
// was read at (updatesCursor), so nothing falls between the two. Items are kept by id, so a
// replayed update after a reconnect replaces its card instead of adding another.
import { useCallback, useEffect, useRef, useState } from 'react';
import { client, subscribeFromCursor } from '../../api/client';
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
  client.query(HomeTimelineDocument, { after }, { requestPolicy: 'network-only' }).toPromise();

function merge(front: readonly Item[], back: readonly Item[]): Item[] {
  const seen = new Set(front.map((item) => item.id));
  return [...front, ...back.filter((item) => !seen.has(item.id))];
}

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
  const [items, setItems] = useState<Item[]>([]);
  const [pending, setPending] = useState<Item[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [endCursor, setEndCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [updatesCursor, setUpdatesCursor] = useState<string | null>(null);
  const loadingMore = useRef(false);
  const shown = useRef<Item[]>(items);
  shown.current = items;

  const readFirstPage = useCallback(async () => {
    const result = await readPage();
    const page = result.data?.homeTimeline;
    setLoading(false);
    if (!page) {
      setError(result.error ? describeError(result.error) : 'The timeline could not be loaded.');
      return;
    }
    setError(null);
    // A reload (RESYNC) keeps the older items the reader scrolled through below the fresh page.
    setItems((current) =>
      merge(
        page.edges.map((edge) => edge.node),
        current,
      ),
    );
    setPending([]);
    setEndCursor((current) => current ?? page.pageInfo.endCursor);
    setHasMore((current) => current || page.pageInfo.hasNextPage);
    setUpdatesCursor(page.updatesCursor);
  }, []);

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
    [readFirstPage],
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

  const loadMore = useCallback(() => {
    if (!hasMore || !endCursor || loadingMore.current) return;
    loadingMore.current = true;
    void readPage(endCursor).then((result) => {
      loadingMore.current = false;
      const page = result.data?.homeTimeline;
      if (!page) {
        setError(result.error ? describeError(result.error) : 'More items could not be loaded.');
        return;
      }
      setItems((list) =>
        merge(
          list,
          page.edges.map((edge) => edge.node),
        ),
      );
      setEndCursor(page.pageInfo.endCursor);
      setHasMore(page.pageInfo.hasNextPage);
    });
  }, [endCursor, hasMore]);

  const showPending = useCallback(() => {
    setItems((list) => merge(pending, list));
    setPending([]);
    window.scrollTo({ top: 0 });
  }, [pending]);

  const prepend = useCallback((item: Item) => {
    setItems((list) => merge([item], list));
  }, []);

  return { items, pending, loading, error, hasMore, loadMore, showPending, prepend };
}
