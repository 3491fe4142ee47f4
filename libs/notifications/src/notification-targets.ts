import { PostCreated } from '@app/posts';
import { NotificationKind } from './entities/notification.entity';

export interface NotificationTarget {
  recipientId: string;
  kind: NotificationKind;
}

/**
 * Who hears of a new post: the author replied to (REPLIED) and each account it mentions
 * (MENTIONED). A reply that also mentions the author it answers notifies them once, as a reply.
 * Self-notifications, mutes and blocks are filtered later, in SQL.
 */
export function postCreatedTargets(event: PostCreated): NotificationTarget[] {
  const targets: NotificationTarget[] = [];
  if (event.replyToAuthorId !== null) {
    targets.push({ recipientId: event.replyToAuthorId, kind: NotificationKind.REPLIED });
  }
  for (const userId of new Set(event.mentionedUserIds)) {
    if (userId !== event.replyToAuthorId) {
      targets.push({ recipientId: userId, kind: NotificationKind.MENTIONED });
    }
  }
  return targets;
}
