// Notifications, and the unread badge in the header that new ones raise as they arrive.
import { useEffect } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Link } from '../../app/router';
import { when } from '../../cards/time';
import {
  MarkNotificationsReadDocument,
  NotificationAddedDocument,
  NotificationsDocument,
  type NotificationItemFragment,
} from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';

/** Notifications as read, with the ones that arrived live since (newest first, each once). */
function useNotifications() {
  const [{ data, error }, refetch] = useQuery({ query: NotificationsDocument });
  const [live] = useSubscription(
    { query: NotificationAddedDocument },
    (arrived: NotificationItemFragment[] = [], event) => [event.notificationAdded, ...arrived],
  );
  const loaded = data?.notifications.edges.map((edge) => edge.node) ?? [];
  const seen = new Set(loaded.map((notification) => notification.id));
  const arrived = (live.data ?? []).filter((notification) => !seen.has(notification.id));
  return { list: [...arrived, ...loaded], error, refetch };
}

export function UnreadBadge() {
  const { list } = useNotifications();
  const unread = list.filter((notification) => !notification.read).length;
  if (unread === 0) return null;
  return (
    <span className="badge count" aria-label={`${unread} unread`}>
      {unread}
    </span>
  );
}

export function NotificationsPage() {
  const { list, error, refetch } = useNotifications();
  const [, markRead] = useMutation(MarkNotificationsReadDocument);
  const unread = list.some((notification) => !notification.read);
  useEffect(() => {
    if (!unread) return;
    void markRead({}).then(() => refetch({ requestPolicy: 'network-only' }));
  }, [unread, markRead, refetch]);
  return (
    <>
      <h1>Notifications</h1>
      <ErrorText error={error} />
      <ul className="list">
        {list.map((notification) => (
          <li key={notification.id} className={notification.read ? 'card' : 'card unread'}>
            <Link href={`/@${notification.actor.handle}`}>{notification.actor.displayName}</Link>{' '}
            {describe(notification)}{' '}
            <time className="muted" dateTime={notification.createdAt}>
              {when(notification.createdAt)}
            </time>
          </li>
        ))}
      </ul>
      {list.length === 0 && <p className="muted">No notifications yet.</p>}
    </>
  );
}

function describe(notification: NotificationItemFragment) {
  const { post, broadcast } = notification;
  switch (notification.kind) {
    case 'FOLLOWED':
      return 'followed you.';
    case 'LIKED':
      return <>liked your post{post && <>: “{post.text}”</>}</>;
    case 'MENTIONED':
      return <>mentioned you{post && <>: “{post.text}”</>}</>;
    case 'REPLIED':
      return <>replied{post && <>: “{post.text}”</>}</>;
    case 'WENT_LIVE':
      return broadcast ? (
        <>
          went live:{' '}
          <Link href={`/broadcasts/${encodeURIComponent(broadcast.id)}`}>{broadcast.title}</Link>
        </>
      ) : (
        'went live.'
      );
  }
}
