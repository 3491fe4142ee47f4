import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionArgs, ConnectionShape, encodeCursor, keysetPage } from '@app/common';
import { notBannedSql } from '@app/broadcasts';
import { BACKGROUND_SQL, GenerateSql, Queryable } from '@app/database';
import { followersOfSql, followNotifySql, visibleToViewerSql, VisibilityScope } from '@app/graph';
import { NotificationEntity, NotificationKind } from './entities/notification.entity';
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

const NOTIFICATION_COLUMNS =
  'n.id, n.recipient_id, n.kind, n.actor_id, n.post_id, n.broadcast_id, n.created_at, n.read_at';

function toNotificationEntity(row: NotificationRecord): NotificationEntity {
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
 * nor from an account they mute, nor across a block either way, nor from a suspended account
 * (the actor is non-null in the API: such rows are left out, not half shown). Applied when rows
 * are written and again when they are read, so a later mute or block also hides what came before.
 */
function reachable(recipient: string, actor: string): string {
  return `${recipient} <> ${actor} AND ${visibleToViewerSql(actor, recipient, VisibilityScope.FEED)}`;
}

/** What a notification is about, besides its actor. */
export interface NotificationSubject {
  postId?: string;
  broadcastId?: string;
}

/** A notification just written. */
export interface CreatedNotification {
  id: string;
  recipientId: string;
}

/** A row to push, and facts about its recipient read in the same statement. */
export interface DeliveryRow {
  notification: NotificationEntity;
  /** How the recipient follows the actor; undefined when they do not. */
  follow: { notify: boolean } | undefined;
  /** Whether the recipient is banned from the notification's broadcast. */
  banned: boolean;
}

/** The `notifications` table. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Of these notifications, the recipient's own that they may still see. */
  @GenerateSql({ params: [[['1', '2'], '3']] })
  async findOwn(ids: readonly string[], recipientId: string): Promise<NotificationEntity[]> {
    const rows = await this.db.query<NotificationRecord[]>(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications n
       WHERE n.id = ANY($1::bigint[]) AND n.recipient_id = $2
         AND ${reachable('n.recipient_id', 'n.actor_id')}`,
      [ids, recipientId],
    );
    return rows.map(toNotificationEntity);
  }

  /** The recipient's notifications, newest first; keyset on id. */
  @GenerateSql({
    params: [
      ['1', { first: 20 }],
      ['1', { first: 20, after: encodeCursor(['42']) }],
    ],
  })
  page(recipientId: string, args: ConnectionArgs): Promise<ConnectionShape<NotificationEntity>> {
    return keysetPage(
      args,
      {
        columns: [{ sql: 'n.id', part: 'int' }],
        direction: 'DESC',
        keyOf: (notification: NotificationEntity) => [notification.id],
      },
      [recipientId],
      async ({ andAfter, limit, params }) => {
        params.push(limit);
        const rows = await this.db.query<NotificationRecord[]>(
          `SELECT ${NOTIFICATION_COLUMNS} FROM notifications n
           WHERE n.recipient_id = $1 ${andAfter}
             AND ${reachable('n.recipient_id', 'n.actor_id')}
           ORDER BY n.id DESC LIMIT $${params.length}`,
          params,
        );
        return rows.map(toNotificationEntity);
      },
    );
  }

  /** The newest notification id (0 when there is none). */
  @GenerateSql({ params: [[]] })
  async newestId(): Promise<string> {
    const [row] = await this.db.query<{ newest: string }[]>(
      'SELECT COALESCE(max(id), 0) AS newest FROM notifications',
    );
    return row.newest;
  }

  /**
   * Ids of each recipient's notifications above that recipient's `afterId`, but for `except`,
   * oldest first, at most `limit` per recipient.
   */
  @GenerateSql({ params: [[new Map([['1', '100']]), ['101'], 100]] })
  async idsAfter(
    afterIds: ReadonlyMap<string, string>,
    except: readonly string[],
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
      [[...afterIds.keys()], [...afterIds.values()], except, limit],
    );
    return rows.map((row) => row.id);
  }

  /** These notifications, where still visible, with the facts their pushed fields need. */
  @GenerateSql({ params: [[['1', '2']]] })
  async forDelivery(ids: readonly string[]): Promise<DeliveryRow[]> {
    const rows = await this.db.query<
      (NotificationRecord & { follow_notify: boolean | null; banned: boolean })[]
    >(
      `SELECT ${NOTIFICATION_COLUMNS},
         ${followNotifySql('n.recipient_id', 'n.actor_id')} AS follow_notify,
         NOT ${notBannedSql('n.broadcast_id', 'n.recipient_id')} AS banned
       FROM notifications n
       WHERE n.id = ANY($1::bigint[]) AND ${reachable('n.recipient_id', 'n.actor_id')}
       ORDER BY n.id`,
      [ids],
    );
    return rows.map((row) => ({
      notification: toNotificationEntity(row),
      follow: row.follow_notify === null ? undefined : { notify: row.follow_notify },
      banned: row.banned,
    }));
  }

  /**
   * Marks the recipient's unread notifications read, up to `upTo` or all; returns how many
   * changed. Concurrent calls count each row once (the second waits, then sees it read).
   */
  @GenerateSql({
    params: [
      ['1', '42'],
      ['1', undefined],
    ],
  })
  async markRead(recipientId: string, upTo: string | undefined): Promise<number> {
    const [{ count }] = await this.db.query<{ count: number }[]>(
      `WITH changed AS (
         UPDATE notifications SET read_at = now()
         WHERE recipient_id = $1 AND read_at IS NULL AND ($2::bigint IS NULL OR id <= $2)
         RETURNING 1)
       SELECT count(*)::int AS count FROM changed`,
      [recipientId, upTo ?? null],
    );
    return count;
  }

  /**
   * Writes one notification per target that may hear from the actor. Repeats (like, unlike,
   * like; unfollow, follow) hit a unique index and are skipped.
   */
  @GenerateSql({
    params: [['1', { postId: '42' }, [{ recipientId: '2', kind: NotificationKind.LIKED }]]],
  })
  insertForTargets(
    actorId: string,
    subject: NotificationSubject,
    targets: readonly NotificationTarget[],
    db: Queryable = this.db,
  ): Promise<CreatedNotification[]> {
    return this.insert(
      actorId,
      subject,
      'unnest($4::bigint[], $5::notification_kind[]) AS t(recipient_id, kind)',
      [targets.map((target) => target.recipientId), targets.map((target) => target.kind)],
      db,
    );
  }

  /**
   * WENT_LIVE to every follower of the broadcaster who asked for it, in one statement. It runs on
   * its own clock, after the go-live (WentLiveNotifier), so no request's statements count it.
   */
  @GenerateSql({ params: [['1', '42']] })
  insertWentLiveForFollowers(
    broadcasterId: string,
    broadcastId: string,
  ): Promise<CreatedNotification[]> {
    return this.insert(
      broadcasterId,
      { broadcastId },
      `(SELECT f.follower_id AS recipient_id, 'WENT_LIVE'::notification_kind AS kind
        FROM (${followersOfSql('$1', { notifying: true })}) f) t`,
      [],
      this.db,
      BACKGROUND_SQL,
    );
  }

  private async insert(
    actorId: string,
    subject: NotificationSubject,
    targets: string,
    targetParams: unknown[],
    db: Queryable,
    prefix = '',
  ): Promise<CreatedNotification[]> {
    const rows = await db.query<{ id: string; recipient_id: string }[]>(
      `${prefix}INSERT INTO notifications (recipient_id, kind, actor_id, post_id, broadcast_id)
       SELECT t.recipient_id, t.kind, $1::bigint, $2::bigint, $3::bigint FROM ${targets}
       WHERE ${reachable('t.recipient_id', '$1::bigint')}
       ON CONFLICT DO NOTHING
       RETURNING id, recipient_id`,
      [actorId, subject.postId ?? null, subject.broadcastId ?? null, ...targetParams],
    );
    return rows.map((row) => ({ id: row.id, recipientId: row.recipient_id }));
  }
}
