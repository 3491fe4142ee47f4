// A timeline read a page at a time: the items read so far, kept by id, and the next page when the
// reader reaches the end of them (Feed's loadMore).
import { type Dispatch, type SetStateAction, useCallback, useRef, useState } from 'react';
import type { CombinedError } from 'urql';
import type { TimelineCardFragment, TimelinePageFragment } from '../generated/graphql';
import { describeError } from '../ui/errors';

type Item = TimelineCardFragment;

/** `front`, then the items of `back` that `front` does not already hold. */
export function merge(front: readonly Item[], back: readonly Item[]): Item[] {
  const seen = new Set(front.map((item) => item.id));
  return [...front, ...back.filter((item) => !seen.has(item.id))];
}

/** One page as read: the page, or the error that kept it from being read. */
export interface PageRead {
  page?: TimelinePageFragment | null;
  error?: CombinedError;
}

export interface PagedTimeline {
  items: Item[];
  setItems: Dispatch<SetStateAction<Item[]>>;
  hasMore: boolean;
  /** Why the last page could not be read; null once a page is. */
  error: string | null;
  loadMore: () => void;
  /** A fresh first page, in front of the items already read: a reload keeps the older ones. */
  putFirstPage: (page: TimelinePageFragment) => void;
}

/**
 * `readPage` reads the page after a cursor; `start` is where paging starts when the first page
 * was read elsewhere.
 */
export function usePagedTimeline(
  readPage: (after: string) => Promise<PageRead>,
  start?: TimelinePageFragment['pageInfo'],
): PagedTimeline {
  const [items, setItems] = useState<Item[]>([]);
  const [endCursor, setEndCursor] = useState(start?.endCursor ?? null);
  const [hasMore, setHasMore] = useState(start?.hasNextPage ?? false);
  const [error, setError] = useState<string | null>(null);
  const loadingMore = useRef(false);

  const loadMore = useCallback(() => {
    if (!hasMore || !endCursor || loadingMore.current) return;
    loadingMore.current = true;
    void readPage(endCursor).then(({ page, error: failure }) => {
      loadingMore.current = false;
      if (!page) {
        setError(failure ? describeError(failure) : 'More items could not be loaded.');
        return;
      }
      setError(null);
      setItems((list) =>
        merge(
          list,
          page.edges.map((edge) => edge.node),
        ),
      );
      setEndCursor(page.pageInfo.endCursor);
      setHasMore(page.pageInfo.hasNextPage);
    });
  }, [readPage, endCursor, hasMore]);

  const putFirstPage = useCallback((page: TimelinePageFragment) => {
    setError(null);
    setItems((current) =>
      merge(
        page.edges.map((edge) => edge.node),
        current,
      ),
    );
    setEndCursor((current) => current ?? page.pageInfo.endCursor);
    setHasMore((current) => current || page.pageInfo.hasNextPage);
  }, []);

  return { items, setItems, hasMore, error, loadMore, putFirstPage };
}
