import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BroadcastCommentsRepository } from './broadcast-comments.repository';
import { BroadcastViewersRepository } from './broadcast-viewers.repository';
import { ReplaysService } from './replays/replays.service';

/**
 * Before an account is deleted (its broadcasts, bans and hearts then go by cascade): what the
 * cascades cannot do. Its presence and comments come off the counts of other accounts'
 * broadcasts, and the files of its replays go once the deletion has committed.
 */
@Injectable()
export class BroadcastsAccountDeletion {
  constructor(
    private readonly viewers: BroadcastViewersRepository,
    private readonly comments: BroadcastCommentsRepository,
    private readonly replays: ReplaysService,
  ) {}

  async forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    await this.viewers.forgetViewer(userId, manager);
    await this.comments.deleteByAuthor(userId, manager);
    await this.replays.forgetAccount(manager, userId);
  }
}
