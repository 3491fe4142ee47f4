import { EntityManager } from 'typeorm';
import {
  BroadcastEntity,
  BroadcastStatus,
  BroadcastVisibility,
  ChatMode,
} from './entities/broadcast.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';

/** A broadcasts row as node-postgres returns it. */
export interface BroadcastRecord {
  id: string;
  broadcaster_id: string;
  title: string;
  status: BroadcastStatus;
  visibility: BroadcastVisibility;
  chat_mode: ChatMode;
  scheduled_for: Date | null;
  started_at: Date | null;
  ended_at: Date | null;
  stream_key: string;
  viewer_count: number;
  peak_viewer_count: number;
  heart_count: number;
  comments_count: number;
  created_at: Date;
}

/** Every column of broadcasts, qualified with `alias`, in BroadcastRecord's names. */
export function broadcastColumns(alias = 'b'): string {
  return [
    'id',
    'broadcaster_id',
    'title',
    'status',
    'visibility',
    'chat_mode',
    'scheduled_for',
    'started_at',
    'ended_at',
    'stream_key',
    'viewer_count',
    'peak_viewer_count',
    'heart_count',
    'comments_count',
    'created_at',
  ]
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

export function toBroadcastEntity(row: BroadcastRecord): BroadcastEntity {
  return Object.assign(new BroadcastEntity(), {
    id: row.id,
    broadcasterId: row.broadcaster_id,
    title: row.title,
    status: row.status,
    visibility: row.visibility,
    chatMode: row.chat_mode,
    scheduledFor: row.scheduled_for,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    streamKey: row.stream_key,
    viewerCount: row.viewer_count,
    peakViewerCount: row.peak_viewer_count,
    heartCount: row.heart_count,
    commentsCount: row.comments_count,
    createdAt: row.created_at,
  });
}

export interface CommentRecord {
  id: string;
  broadcast_id: string;
  author_id: string;
  text: string;
  offset_ms: number;
  created_at: Date;
}

export const COMMENT_COLUMNS =
  'c.id, c.broadcast_id, c.author_id, c.text, c.offset_ms, c.created_at';

export function toCommentEntity(row: CommentRecord): BroadcastCommentEntity {
  return Object.assign(new BroadcastCommentEntity(), {
    id: row.id,
    broadcastId: row.broadcast_id,
    authorId: row.author_id,
    text: row.text,
    offsetMs: row.offset_ms,
    createdAt: row.created_at,
  });
}

/** A broadcast without its secret: what may travel on the bus and reach any watcher. */
export type PublicBroadcast = Omit<BroadcastEntity, 'streamKey' | 'broadcaster'> & {
  streamKey?: undefined;
};

export function publicBroadcast(broadcast: BroadcastEntity): PublicBroadcast {
  return {
    id: broadcast.id,
    broadcasterId: broadcast.broadcasterId,
    title: broadcast.title,
    status: broadcast.status,
    visibility: broadcast.visibility,
    chatMode: broadcast.chatMode,
    scheduledFor: broadcast.scheduledFor,
    startedAt: broadcast.startedAt,
    endedAt: broadcast.endedAt,
    viewerCount: broadcast.viewerCount,
    peakViewerCount: broadcast.peakViewerCount,
    heartCount: broadcast.heartCount,
    commentsCount: broadcast.commentsCount,
    createdAt: broadcast.createdAt,
  };
}

/** An entity after a JSON round trip (the bus): its dates are ISO strings again. */
export type Jsonified<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

const date = (value: string | null): Date | null => (value === null ? null : new Date(value));

export function broadcastFromJson(json: Jsonified<PublicBroadcast>): PublicBroadcast {
  return {
    ...json,
    scheduledFor: date(json.scheduledFor),
    startedAt: date(json.startedAt),
    endedAt: date(json.endedAt),
    createdAt: new Date(json.createdAt),
  };
}

export function commentFromJson(json: Jsonified<BroadcastCommentEntity>): BroadcastCommentEntity {
  return Object.assign(new BroadcastCommentEntity(), {
    ...json,
    createdAt: new Date(json.createdAt),
  });
}

/** One broadcast as stored now, whoever may see it. */
export async function findBroadcast(
  db: Pick<EntityManager, 'query'>,
  id: string,
): Promise<BroadcastEntity | undefined> {
  const [row] = await db.query<BroadcastRecord[]>(
    `SELECT ${broadcastColumns()} FROM broadcasts b WHERE b.id = $1`,
    [id],
  );
  return row ? toBroadcastEntity(row) : undefined;
}
