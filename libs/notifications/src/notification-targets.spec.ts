import { PostEntity } from '@app/posts';
import { NotificationKind } from './entities/notification.entity';
import { postCreatedTargets } from './notification-targets';

describe('postCreatedTargets', () => {
  const post = Object.assign(new PostEntity(), { id: '100', authorId: '1' });

  it('notifies nobody for a plain post', () => {
    expect(postCreatedTargets({ post, replyToAuthorId: null, mentionedUserIds: [] })).toEqual([]);
  });

  it('notifies each mentioned account once', () => {
    expect(
      postCreatedTargets({ post, replyToAuthorId: null, mentionedUserIds: ['2', '3', '2'] }),
    ).toEqual([
      { recipientId: '2', kind: NotificationKind.MENTIONED },
      { recipientId: '3', kind: NotificationKind.MENTIONED },
    ]);
  });

  it('notifies the author replied to, once, even when the reply also mentions them', () => {
    expect(
      postCreatedTargets({ post, replyToAuthorId: '2', mentionedUserIds: ['2', '3'] }),
    ).toEqual([
      { recipientId: '2', kind: NotificationKind.REPLIED },
      { recipientId: '3', kind: NotificationKind.MENTIONED },
    ]);
  });
});
