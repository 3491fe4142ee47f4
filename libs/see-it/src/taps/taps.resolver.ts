import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, RequestContext, Viewer } from '@app/common';
import { SeeItInput } from './dto/see-it.input';
import { SeeItResultModel } from './models/see-it-result.model';
import { TapsService } from './taps.service';

@Resolver()
export class TapsResolver {
  constructor(private readonly taps: TapsService) {}

  @Mutation(() => SeeItResultModel, {
    description:
      'Taps a See it button: returns the link for the action, sends it to a paired screen with deviceId, or saves it with LATER. BAD_USER_INPUT for a bad combination; NOT_FOUND when the show, broadcast or device is unknown or hidden; RATE_LIMITED when tapping too fast; UNAUTHENTICATED when signed out.',
  })
  @Authenticated()
  seeIt(
    @Args('input', { description: 'The tap.' }) input: SeeItInput,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<SeeItResultModel> {
    return this.taps.tap(viewer, input, context.loaders);
  }
}
