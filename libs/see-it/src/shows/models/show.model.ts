import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { SeeItAction } from '../../see-it.enums';
import { AiringEntity } from '../airing.entity';
import { ShowEntity } from '../show.entity';

@ObjectType('Airing', {
  description:
    'One airing of a show on a channel, from startsAt until endsAt. Seen by whoever may see its show.',
  implements: () => [Node],
})
export class AiringModel implements Node {
  @Field(() => ID, {
    description: 'Global id; node(id:) returns this airing to whoever may see its show.',
  })
  id!: string;

  @Field({ description: 'Where it airs.' })
  channel!: string;

  @Field(() => DateTimeScalar, { description: 'When it starts (inclusive).' })
  startsAt!: Date;

  @Field(() => DateTimeScalar, {
    description: 'When it ends (exclusive): the next airing may start then.',
  })
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

@ObjectType('Show', {
  description:
    'A TV show a partner publishes, with its airings and a See it button; posts that use its hashtag are its conversation. Invisible to an account its owner blocked.',
  implements: () => [Node],
})
export class ShowModel implements Node {
  @Field(() => ID, { description: 'Global id; node(id:) returns this show.' })
  id!: string;

  /** Database ids, for field resolvers; not exposed. */
  rowId!: string;
  ownerId!: string;
  tag!: string;

  @Field({ description: "Unique name in its links: 2 to 60 of a-z, 0-9 and '-'." })
  slug!: string;

  @Field({ description: '1 to 140 characters.' })
  title!: string;

  @Field({ description: 'The network or channel brand.' })
  network!: string;

  @Field({ description: "As written, without '#'; posts match it in any case." })
  hashtag!: string;

  @Field(() => String, {
    description: 'Up to 1000 characters; null when not given.',
    nullable: true,
  })
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

@ObjectType('ShowConnection', { description: 'A page of shows (Relay connection).' })
export class ShowConnection extends Connection(ShowModel, 'Show') {}

@ObjectType('SeeItStat', { description: 'How often one See it action was tapped for a show.' })
export class SeeItStatModel {
  @Field(() => SeeItAction, { description: 'The action.' })
  action!: SeeItAction;

  @Field(() => Int, {
    description: "Taps counted; by default an account's repeated taps within an hour count once.",
  })
  taps!: number;
}
