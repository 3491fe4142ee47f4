import { Injectable } from '@nestjs/common';
import { ConnectionArgs, ConnectionShape, defineLoader, NotFoundError, Viewer } from '@app/common';
import { SeeItSubjectRef } from '../button/models/see-it.model';
import { WatchLaterItem, WatchLaterRepository } from './watch-later.repository';

/** The key savedByViewer loads by: "show:<id>" or "broadcast:<id>". */
export function subjectKey(subject: SeeItSubjectRef): string {
  return 'showId' in subject ? `show:${subject.showId}` : `broadcast:${subject.broadcastId}`;
}

/** Each account's watch-later list: saved by LATER taps (TapsService), read and pruned here. */
@Injectable()
export class WatchLaterService {
  /** For a viewer: which of these subjects (by subjectKey) they saved. */
  readonly saved = defineLoader<string, boolean>('watchLaterSaved', async (keys, viewerId) => {
    if (!viewerId) return keys.map(() => false);
    const ids = (kind: string) =>
      keys.filter((key) => key.startsWith(`${kind}:`)).map((key) => key.slice(kind.length + 1));
    const saved = await this.entries.savedAmong(viewerId, ids('show'), ids('broadcast'));
    const savedKeys = new Set(saved.map(subjectKey));
    return keys.map((key) => savedKeys.has(key));
  });

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
