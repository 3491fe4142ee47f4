import { Injectable } from '@nestjs/common';
import { TransactionalEvents } from '@app/common';
import { BroadcastEntity } from './entities/broadcast.entity';

export interface BroadcastScheduled {
  broadcast: BroadcastEntity;
}

export interface BroadcastWentLive {
  broadcast: BroadcastEntity;
  /** Its timeline position while it was SCHEDULED, when it was. */
  scheduledSortAt: Date | null;
  /** False when the broadcaster went live less than 10 minutes before: no notification storm. */
  notifyFollowers: boolean;
}

export interface BroadcastFinished {
  broadcast: BroadcastEntity;
}

export interface BroadcastEventMap {
  /** Created for later: enters timelines as a SCHEDULED card. */
  scheduled: BroadcastScheduled;
  /** Went LIVE, new or from SCHEDULED: NOW_LIVE cards and WENT_LIVE notifications. */
  wentLive: BroadcastWentLive;
  /** LIVE -> ENDED: the card becomes a replay card. */
  ended: BroadcastFinished;
  /** SCHEDULED -> CANCELED: the card leaves timelines. */
  canceled: BroadcastFinished;
  /** An ENDED broadcast's replay became available or was deleted: its card changes in place. */
  replayChanged: BroadcastFinished;
}

/** Broadcast state changes, delivered inside their transaction (see TransactionalEvents). */
@Injectable()
export class BroadcastEvents extends TransactionalEvents<BroadcastEventMap> {}
