import { Injectable } from '@nestjs/common';
import { TransactionalEvents } from '@app/common';

export interface FollowChange {
  followerId: string;
  followeeId: string;
}

export interface BlockChange {
  blockerId: string;
  blockedId: string;
}

export interface GraphEventMap {
  followed: FollowChange;
  unfollowed: FollowChange;
  blocked: BlockChange;
}

/** Follow and block changes, delivered inside their transaction (see TransactionalEvents). */
@Injectable()
export class GraphEvents extends TransactionalEvents<GraphEventMap> {}
