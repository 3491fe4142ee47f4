import { Injectable } from '@nestjs/common';
import { ConnectionArgs, ConnectionShape, NotFoundError, Viewer } from '@app/common';
import { WatchLaterItem, WatchLaterRepository } from './watch-later.repository';

/** Each account's watch-later list: saved by LATER taps (TapsService), read and pruned here. */
@Injectable()
export class WatchLaterService {
  constructor(private readonly entries: WatchLaterRepository) {}

  /** The viewer's entries, newest first. */
  list(viewerId: string, args: ConnectionArgs): Promise<ConnectionShape<WatchLaterItem>> {
    return this.entries.page(viewerId, args);
  }

  /** One of the viewer's own entries; another account's is undefined, as if it did not exist. */
  ownedBy(viewerId: string, id: string): Promise<WatchLaterItem | undefined> {
    return this.entries.findOwned(viewerId, id);
  }

  /** Only the viewer's own entries; anything else is NOT_FOUND. */
  async remove(viewer: Viewer, id: string): Promise<void> {
    if (!(await this.entries.deleteOwned(viewer.id, id))) {
      throw new NotFoundError('The watch-later entry');
    }
  }
}
