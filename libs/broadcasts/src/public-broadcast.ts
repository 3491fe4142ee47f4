import { BroadcastEntity } from './entities/broadcast.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';

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
