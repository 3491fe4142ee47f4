import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';
import { Jsonified, PublicBroadcast } from './public-broadcast';

/** What happened, as the broadcastEvents subscription names it. */
export enum BroadcastEventKind {
  VIEWERS = 'VIEWERS',
  HEARTS = 'HEARTS',
  COMMENT = 'COMMENT',
  COMMENT_REMOVED = 'COMMENT_REMOVED',
  STARTED = 'STARTED',
  ENDED = 'ENDED',
  CHAT_MODE = 'CHAT_MODE',
}

/** The bus topic of one broadcast: every process with a subscriber to it listens there. */
export const broadcastTopic = (broadcastId: string) => `broadcast:${broadcastId}`;

/**
 * An event for everyone watching, with the broadcast as it is after the change: its public fields
 * only. The bus is not the place for secrets (the stream key), whoever listens to Redis.
 */
export interface BroadcastEventMessage {
  type: 'event';
  kind: BroadcastEventKind;
  broadcast: PublicBroadcast;
  heartsDelta: number;
  comment: BroadcastCommentEntity | null;
  at: Date;
}

/** A viewer lost access (banned, blocked): each process ends their subscriptions to it. */
export interface ViewerRemovedMessage {
  type: 'removed';
  userId: string;
}

/**
 * A process uncounted a viewer when their last subscription there closed: a process where they
 * still watch counts them again.
 */
export interface ViewerLeftMessage {
  type: 'left';
  userId: string;
}

export type BroadcastBusMessage = BroadcastEventMessage | ViewerRemovedMessage | ViewerLeftMessage;

/** A message as subscribers receive it, after the bus's JSON round trip. */
export type ReceivedBusMessage =
  | (Omit<Jsonified<BroadcastEventMessage>, 'broadcast' | 'comment'> & {
      broadcast: Jsonified<PublicBroadcast>;
      comment: Jsonified<BroadcastCommentEntity> | null;
    })
  | ViewerRemovedMessage
  | ViewerLeftMessage;
