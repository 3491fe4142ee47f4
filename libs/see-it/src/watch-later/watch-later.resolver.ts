import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  compactConnection,
  ConnectionArgs,
  CurrentViewer,
  GlobalIdPipe,
  RequestContext,
  Viewer,
} from '@app/common';
import { SeeItService } from '../button/see-it.service';
import { WatchLaterConnection, WatchLaterEntryModel } from './models/watch-later.model';
import { WatchLaterService } from './watch-later.service';

@Resolver()
export class WatchLaterResolver {
  constructor(
    private readonly service: WatchLaterService,
    private readonly buttons: SeeItService,
  ) {}

  @Query(() => WatchLaterConnection, {
    description:
      "The signed-in account's watch-later list, newest first; entries it can no longer see are left out. UNAUTHENTICATED when signed out.",
  })
  @Authenticated()
  async watchLater(
    @Args() args: ConnectionArgs,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<WatchLaterConnection> {
    const page = await this.service.list(viewer.id, args);
    const buttons = await Promise.all(
      page.edges.map((edge) =>
        this.buttons.forSubject(context.loaders, edge.node.subject, viewer.id),
      ),
    );
    // What the viewer can no longer see (a broadcast now hidden from them) is left out.
    return compactConnection(page, (entry, i) => {
      const seeIt = buttons[i];
      return seeIt && WatchLaterEntryModel.from(entry, seeIt);
    });
  }

  @Mutation(() => Boolean, {
    description:
      'Removes one of your entries; true when done. NOT_FOUND for an entry that is not yours.',
  })
  @Authenticated()
  async removeFromWatchLater(
    @Args(
      'id',
      { description: 'Global id of the entry.', type: () => ID },
      new GlobalIdPipe('WatchLaterEntry'),
    )
    id: string,
    @CurrentViewer() viewer: Viewer,
  ): Promise<boolean> {
    await this.service.remove(viewer, id);
    return true;
  }
}
