import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { PostEntity } from '../entities/post.entity';

@ObjectType('Post', {
  description:
    'A post of up to 280 characters, or a reply to one. Invisible (null, or left out of lists) to an account its author blocked, and to everyone once its author is suspended.',
  implements: () => [Node],
})
export class PostModel implements Node {
  @Field(() => ID, { description: 'Global id; node(id:) returns this post.' })
  id!: string;

  /** Database ids, for field resolvers; not exposed. */
  rowId!: string;
  authorId!: string;
  replyToId!: string | null;
  broadcastId!: string | null;

  @Field({ description: 'The text as posted (trimmed), 1 to 280 characters.' })
  text!: string;

  @Field(() => DateTimeScalar, { description: 'When it was posted.' })
  createdAt!: Date;

  @Field(() => [String], {
    description:
      "The #hashtags in the text, without '#', in order: each once (in any case), as first written.",
  })
  hashtags!: string[];

  @Field(() => Int, { description: 'How many accounts like it.' })
  likesCount!: number;

  @Field(() => Int, { description: 'How many replies it has.' })
  repliesCount!: number;

  static from(entity: PostEntity): PostModel {
    return Object.assign(new PostModel(), {
      id: toGlobalId('Post', entity.id),
      rowId: entity.id,
      authorId: entity.authorId,
      replyToId: entity.replyToId,
      broadcastId: entity.broadcastId,
      text: entity.text,
      createdAt: entity.createdAt,
      hashtags: entity.hashtags,
      likesCount: entity.likesCount,
      repliesCount: entity.repliesCount,
    });
  }
}

@ObjectType('PostConnection', { description: 'A page of posts (Relay connection).' })
export class PostConnection extends Connection(PostModel, 'Post') {}
