import { Field, ObjectType } from '@nestjs/graphql';
import { BroadcastModel } from '@app/broadcasts';
import { SeeItStatus, SeeItTarget } from '../../see-it.enums';
import { ShowModel } from '../../shows/models/show.model';

@ObjectType('DeepLink')
export class DeepLinkModel {
  @Field(() => SeeItTarget)
  target!: SeeItTarget;

  @Field()
  url!: string;
}

/** What a See it button refers to, by database id. */
export type SeeItSubjectRef = { showId: string } | { broadcastId: string };

@ObjectType('SeeIt', {
  description: "The 'See it' button: where and how to watch what a post or card refers to.",
})
export class SeeItModel {
  /** For savedByViewer; not exposed. */
  subject!: SeeItSubjectRef;

  @Field()
  title!: string;

  @Field(() => SeeItStatus)
  status!: SeeItStatus;

  @Field(() => ShowModel, { nullable: true })
  show!: ShowModel | null;

  @Field(() => BroadcastModel, { nullable: true })
  broadcast!: BroadcastModel | null;

  @Field(() => [DeepLinkModel])
  links!: DeepLinkModel[];
}
