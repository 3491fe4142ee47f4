import { Field, ObjectType } from '@nestjs/graphql';
import { BroadcastModel } from '@app/broadcasts';
import { SeeItStatus, SeeItTarget } from '../../see-it.enums';
import { ShowModel } from '../../shows/models/show.model';

@ObjectType('DeepLink', {
  description: 'A link that opens what a See it button refers to on one kind of screen.',
})
export class DeepLinkModel {
  @Field(() => SeeItTarget, { description: 'The kind of screen it opens on.' })
  target!: SeeItTarget;

  @Field({
    description:
      "The link: the app's URL scheme for TV, TABLET and MOBILE; the service's public web address for WEB.",
  })
  url!: string;
}

/** What a See it button refers to, by database id. */
export type SeeItSubjectRef = { showId: string } | { broadcastId: string };

@ObjectType('SeeIt', {
  description: "The 'See it' button: where and how to watch what a post or card refers to.",
})
export class SeeItModel {
  @Field({ description: "The show's or the broadcast's title." })
  title!: string;

  @Field(() => SeeItStatus, { description: 'Whether it can be watched now.' })
  status!: SeeItStatus;

  @Field(() => ShowModel, {
    description: 'The show it refers to; null when it refers to a broadcast.',
    nullable: true,
  })
  show!: ShowModel | null;

  @Field(() => BroadcastModel, {
    description: 'The broadcast it refers to; null when it refers to a show.',
    nullable: true,
  })
  broadcast!: BroadcastModel | null;

  @Field(() => [DeepLinkModel], {
    description: 'One link per kind of screen (TV, TABLET, MOBILE, WEB).',
  })
  links!: DeepLinkModel[];

  @Field({ description: 'True when the viewer saved it to watch later.' })
  savedByViewer!: boolean;
}
