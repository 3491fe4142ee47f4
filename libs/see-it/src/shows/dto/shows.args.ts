import { ArgsType, Field } from '@nestjs/graphql';
import { ConnectionArgs } from '@app/common';

@ArgsType()
export class ShowsArgs extends ConnectionArgs {
  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only shows airing now; false: only the others; unset: all.',
  })
  onNow?: boolean | null;
}
