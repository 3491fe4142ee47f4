import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { PostEntity } from '../entities/post.entity';

@ObjectType('Post', { implements: () => [Node] })
export class PostModel implements Node {
  @Field(() => ID)
  id!: string;

  /** Database ids, for field resolvers; not exposed. */
  rowId!: string;
  authorId!: string;
  replyToId!: string | null;
  broadcastId!: string | null;

  @Field()
  text!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => [String])
  hashtags!: string[];

  @Field(() => Int)
  likesCount!: number;

  @Field(() => Int)
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

@ObjectType('PostConnection')
export class PostConnection extends Connection(PostModel, 'Post') {}
