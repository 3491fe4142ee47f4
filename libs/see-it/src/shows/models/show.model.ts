import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { SeeItAction } from '../../see-it.enums';
import { AiringEntity } from '../airing.entity';
import { ShowEntity } from '../show.entity';

@ObjectType('Airing')
export class AiringModel {
  @Field(() => ID)
  id!: string;

  @Field()
  channel!: string;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => DateTimeScalar)
  endsAt!: Date;

  static from(entity: AiringEntity): AiringModel {
    return Object.assign(new AiringModel(), {
      id: toGlobalId('Airing', entity.id),
      channel: entity.channel,
      startsAt: entity.startsAt,
      endsAt: entity.endsAt,
    });
  }
}

@ObjectType('Show', { implements: () => [Node] })
export class ShowModel implements Node {
  @Field(() => ID)
  id!: string;

  /** Database ids, for field resolvers; not exposed. */
  rowId!: string;
  ownerId!: string;
  tag!: string;

  @Field()
  slug!: string;

  @Field()
  title!: string;

  @Field()
  network!: string;

  @Field({ description: "As written, without '#'; posts match it in any case." })
  hashtag!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  static from(entity: ShowEntity): ShowModel {
    return Object.assign(new ShowModel(), {
      id: toGlobalId('Show', entity.id),
      rowId: entity.id,
      ownerId: entity.ownerId,
      tag: entity.tag,
      slug: entity.slug,
      title: entity.title,
      network: entity.network,
      hashtag: entity.hashtag,
      description: entity.description,
    });
  }
}

@ObjectType('ShowConnection')
export class ShowConnection extends Connection(ShowModel, 'Show') {}

@ObjectType('SeeItStat')
export class SeeItStatModel {
  @Field(() => SeeItAction)
  action!: SeeItAction;

  @Field(() => Int)
  taps!: number;
}
