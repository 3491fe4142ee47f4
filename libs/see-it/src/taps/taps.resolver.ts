import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, RequestContext, Viewer } from '@app/common';
import { SeeItInput } from './dto/see-it.input';
import { SeeItResultModel } from './models/see-it-result.model';
import { TapsService } from './taps.service';

@Resolver()
export class TapsResolver {
  constructor(private readonly taps: TapsService) {}

  @Mutation(() => SeeItResultModel)
  @Authenticated()
  seeIt(
    @Args('input') input: SeeItInput,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<SeeItResultModel> {
    return this.taps.tap(viewer, input, context.loaders);
  }
}
