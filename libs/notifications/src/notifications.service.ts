import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  afterCommit,
  byKeys,
  ConnectionArgs,
  defineLoader,
  keysetCondition,
  pageSize,
  RateLimits,
} from '@app/common';
import { FollowState } from '@app/graph';
import { EventBus } from '@app/realtime';
import { NotificationEntity, NotificationKind } from './entities/notification.entity';
import { CreatedRow, NOTIFICATIONS_TOPIC, toMessage } from './notification-message';
import { NotificationTarget } from './notification-targets';

interface NotificationRecord {
  id: string;
  recipient_id: string;
  kind: NotificationKind;
  actor_id: string;
  post_id: string | null;
  broadcast_id: string | null;
  created_at: Date;
  read_at: Date | null;
}

function toEntity(row: NotificationRecord): NotificationEntity {
  return Object.assign(new NotificationEntity(), {
    id: row.id,
    recipientId: row.recipient_id,
    kind: row.kind,
    actorId: row.actor_id,
    postId: row.post_id,
    broadcastId: row.broadcast_id,
    createdAt: row.created_at,
    readAt: row.read_at,
  });
}

/**
 * PRODUCT.md (Notifications) as SQL over a recipient and an actor: nobody hears of their own acts,
 * nor from an account they mute, nor across a block either way. Applied when rows are written and
 * again when they are read, so a later mute or block also hides what came before.
 */
function reachable(recipient: string, actor: string): string {
  return `${recipient} <> ${actor}
    AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.muter_id = ${recipient} AND m.muted_id = ${actor})
    AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = ${recipient} AND b.blocked_id = ${actor})
    AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = ${actor} AND b.blocked_id = ${recipient})`;
}

const COLUMNS =
  'n.id, n.recipient_id, n.kind, n.actor_id, n.post_id, n.broadcast_id, n.created_at, n.read_at';

/** `actor` is non-null: notifications from a suspended account are left out, not half shown. */
const VISIBLE_FROM = `notifications n
  JOIN users a ON a.id = n.actor_id AND a.suspended_at IS NULL`;

/** A row to push, and facts about its recipient read in the same statement. */
export interface DeliveryRow {
  notification: NotificationEntity;
  /** How the recipient follows the actor; undefined when they do not. */
  follow: FollowState | undefined;
  /** Whether the recipient is banned from the notification's broadcast. */
  banned: boolean;
}

/** What a notification is about, besides its actor. */
interface Subject {
  postId?: string;
  broadcastId?: string;
}

/**
 * Notifications: written by the event listeners inside the transaction of the act itself (so a
 * rolled-back like notifies nobody), announced on the bus once it commits, and read by their
 * recipient.
 */
@Injectable()
export class NotificationsService {
  /** The viewer's own notifications by id; anyone else's are undefined. */
  readonly byId = defineLoader<string, NotificationEntity | undefined>(
    'notificationsById',
    async (ids, viewerId) => {
      if (!viewerId) return ids.map(() => undefined);
      const rows = await this.select('n.id = ANY($1::bigint[]) AND n.recipient_id = $2', [
        ids,
        viewerId,
      ]);
      return byKeys(
        ids,
        rows,
        (row) => row.id,
        (row) => row,
        undefined,
      );
    },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: EventBus,
    private readonly limits: RateLimits,
  ) {}

  /**
   * Drops the MENTIONED targets over the `mentions` limit of (author, mentioned account): a run of
   * posts naming one account notifies it a few times, not once per post. The posts still go out.
   */
  async withinMentionLimit(
    authorId: string,
    targets: NotificationTarget[],
  ): Promise<NotificationTarget[]> {
    const kept = await Promise.all(
      targets.map(async (target) =>
        target.kind !== NotificationKind.MENTIONED || target.recipientId === authorId
          ? true
          : this.limits.allow('mentions', `${authorId}:${target.recipientId}`),
      ),
    );
    return targets.filter((_target, i) => kept[i]);
  }

  /** Explicit recipients, each with its kind, in one statement. */
  async notifyEach(
    manager: EntityManager,
    actorId: string,
    subject: Subject,
    targets: NotificationTarget[],
  ): Promise<void> {
    if (targets.length === 0) return;
    await this.insert(
      manager,
      actorId,
      subject,
      'unnest($4::bigint[], $5::notification_kind[]) AS t(recipient_id, kind)',
      [targets.map((target) => target.recipientId), targets.map((target) => target.kind)],
    );
  }

  /**
   * WENT_LIVE to every follower who asked for it, as one INSERT … SELECT however many there are.
   * Only followers, so a FOLLOWERS-only broadcast reaches nobody who cannot see it.
   */
  async notifyFollowersWentLive(
    manager: EntityManager,
    broadcasterId: string,
    broadcastId: string,
  ): Promise<void> {
    await this.insert(
      manager,
      broadcasterId,
      { broadcastId },
      `(SELECT f.follower_id AS recipient_id, 'WENT_LIVE'::notification_kind AS kind
        FROM follows f WHERE f.followee_id = $1 AND f.notify) t`,
      [],
    );
  }

  /** The viewer's notifications, newest first; keyset on id. Fetches one extra row (next page). */
  async list(viewerId: string, args: ConnectionArgs): Promise<NotificationEntity[]> {
    const params: unknown[] = [viewerId, pageSize(args) + 1];
    const after = keysetCondition(args.after, [{ sql: 'n.id', part: 'int' }], 'DESC', params);
    return this.select(
      `n.recipient_id = $1 ${after && `AND ${after}`}`,
      params,
      'ORDER BY n.id DESC LIMIT $2',
    );
  }

  /**
   * The rows of one bus message that this process delivers, whoever their recipients, with the
   * facts their field resolvers would otherwise read once per recipient.
   */
  /** The newest notification id, where a catch-up after a bus outage starts. */
  async newestId(): Promise<bigint> {
    const [row] = await this.db.query<{ newest: string }[]>(
      'SELECT COALESCE(max(id), 0) AS newest FROM notifications',
    );
    return BigInt(row.newest);
  }

  /**
   * Ids of each recipient's notifications above that recipient's `afterId`, but for `except`,
   * oldest first, at most `limit` per recipient.
   */
  async idsAfter(
    afterIds: Map<string, bigint>,
    except: string[],
    limit: number,
  ): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT n.id FROM unnest($1::bigint[], $2::bigint[]) AS w(recipient_id, after_id)
       CROSS JOIN LATERAL (
         SELECT id FROM notifications
         WHERE recipient_id = w.recipient_id AND id > w.after_id AND id <> ALL($3::bigint[])
         ORDER BY id LIMIT $4
       ) n
       ORDER BY n.id`,
      [[...afterIds.keys()], [...afterIds.values()].map(String), except, limit],
    );
    return rows.map((row) => row.id);
  }

  async forDelivery(ids: string[]): Promise<DeliveryRow[]> {
    const rows = await this.db.query<
      (NotificationRecord & { follow_notify: boolean | null; banned: boolean })[]
    >(
      `SELECT ${COLUMNS},
         (SELECT f.notify FROM follows f
          WHERE f.follower_id = n.recipient_id AND f.followee_id = n.actor_id) AS follow_notify,
         EXISTS (SELECT 1 FROM broadcast_bans bb
                 WHERE bb.broadcast_id = n.broadcast_id AND bb.user_id = n.recipient_id) AS banned
       FROM ${VISIBLE_FROM}
       WHERE n.id = ANY($1::bigint[]) AND ${reachable('n.recipient_id', 'n.actor_id')}
       ORDER BY n.id`,
      [ids],
    );
    return rows.map((row) => ({
      notification: toEntity(row),
      follow: row.follow_notify === null ? undefined : { notify: row.follow_notify },
      banned: row.banned,
    }));
  }

  /**
   * Marks the viewer's unread notifications read, up to `upTo` or all; returns how many changed.
   * An id that is not theirs only bounds the range: their own rows are the only ones touched.
   * Concurrent calls count each row once (the second waits, then sees it read).
   */
  async markRead(viewerId: string, upTo: string | undefined): Promise<number> {
    const [{ count }] = await this.db.query<{ count: number }[]>(
      `WITH changed AS (
         UPDATE notifications SET read_at = now()
         WHERE recipient_id = $1 AND read_at IS NULL AND ($2::bigint IS NULL OR id <= $2)
         RETURNING 1)
       SELECT count(*)::int AS count FROM changed`,
      [viewerId, upTo ?? null],
    );
    return count;
  }

  /**
   * The rows go in with the transaction that caused them; after it commits, one bus message lists
   * them all, so every process can push them to the recipients connected to it. Repeats (like,
   * unlike, like; unfollow, follow; the same broadcast twice) hit a unique index and are skipped.
   */
  private async insert(
    manager: EntityManager,
    actorId: string,
    subject: Subject,
    targets: string,
    targetParams: unknown[],
  ): Promise<void> {
    const rows = await manager.query<CreatedRow[]>(
      `INSERT INTO notifications (recipient_id, kind, actor_id, post_id, broadcast_id)
       SELECT t.recipient_id, t.kind, $1::bigint, $2::bigint, $3::bigint FROM ${targets}
       WHERE ${reachable('t.recipient_id', '$1::bigint')}
       ON CONFLICT DO NOTHING
       RETURNING id, recipient_id`,
      [actorId, subject.postId ?? null, subject.broadcastId ?? null, ...targetParams],
    );
    if (rows.length === 0) return;
    const message = toMessage(rows);
    afterCommit(manager, () => this.bus.publish(NOTIFICATIONS_TOPIC, message));
  }

  private async select(
    condition: string,
    params: unknown[],
    tail = '',
  ): Promise<NotificationEntity[]> {
    const rows = await this.db.query<NotificationRecord[]>(
      `SELECT ${COLUMNS} FROM ${VISIBLE_FROM}
       WHERE ${condition} AND ${reachable('n.recipient_id', 'n.actor_id')}
       ${tail}`,
      params,
    );
    return rows.map(toEntity);
  }
}
