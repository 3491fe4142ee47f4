import { Feed } from '../../cards/Feed';
import { ErrorText } from '../../ui/errors';
import { Composer } from './Composer';
import { useHomeTimeline } from './useHomeTimeline';
import { counted } from '../../ui/plural';

export function HomePage() {
  const timeline = useHomeTimeline();
  const count = timeline.pending.length;
  return (
    <>
      <h1 className="visually-hidden">Home</h1>
      <Composer onPosted={timeline.prepend} />
      {count > 0 && (
        <button type="button" className="pill" onClick={timeline.showPending}>
          {counted(count, 'new post')}
        </button>
      )}
      <ErrorText error={timeline.error} />
      <Feed
        label="Home timeline"
        items={timeline.items}
        busy={timeline.loading}
        hasMore={timeline.hasMore}
        loadMore={timeline.loadMore}
      />
    </>
  );
}
