// A list of cards as an ARIA feed, with infinite scroll: the next page loads when its end comes
// into view (and by a button, for keyboards and when observers are not available).
import { useEffect, useRef } from 'react';
import type { TimelineCardFragment } from '../generated/graphql';
import { TimelineCard } from './Cards';

export function Feed({
  items,
  label,
  busy = false,
  hasMore = false,
  loadMore,
}: {
  items: readonly TimelineCardFragment[];
  label: string;
  busy?: boolean;
  hasMore?: boolean;
  loadMore?: () => void;
}) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel || !hasMore || !loadMore) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) loadMore();
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasMore, loadMore]);

  return (
    <>
      <div role="feed" aria-label={label} aria-busy={busy} className="feed">
        {items.map((item, index) => (
          <TimelineCard
            key={item.id}
            item={item}
            position={{ 'aria-posinset': index + 1, 'aria-setsize': hasMore ? -1 : items.length }}
          />
        ))}
      </div>
      {!busy && items.length === 0 && <p className="muted">Nothing here yet.</p>}
      <div ref={end} />
      {hasMore && loadMore && (
        <button type="button" onClick={loadMore}>
          Load more
        </button>
      )}
    </>
  );
}
