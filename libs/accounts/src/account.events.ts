import { Injectable } from '@nestjs/common';
import { TransactionalEvents } from '@app/common';

export interface AccountDeleting {
  userId: string;
}

export interface AccountEventMap {
  /**
   * The account is about to be deleted, in the deleting transaction: its rows still exist, so
   * each module can fix the counters and caches that the foreign keys' cascades would not.
   */
  deleting: AccountDeleting;
}

/** Account lifecycle changes, delivered inside their transaction (see TransactionalEvents). */
@Injectable()
export class AccountEvents extends TransactionalEvents<AccountEventMap> {}
