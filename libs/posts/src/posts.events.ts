import { Injectable } from '@nestjs/common';
import { TransactionalEvents } from '@app/common';
import { PostEntity } from './entities/post.entity';

export interface PostCreated {
  post: PostEntity;
  /** Author of the post replied to, when it is a reply. */
  replyToAuthorId: string | null;
  /** Ids of the existing accounts it mentions. */
  mentionedUserIds: string[];
}

export interface PostDeleted {
  post: PostEntity;
}

export interface PostLiked {
  post: PostEntity;
  userId: string;
}

export interface PostEventMap {
  created: PostCreated;
  deleted: PostDeleted;
  liked: PostLiked;
}

/** Post changes, delivered inside their transaction (see TransactionalEvents). */
@Injectable()
export class PostEvents extends TransactionalEvents<PostEventMap> {}
