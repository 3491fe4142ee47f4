export * from './entities/post.entity';
export * from './models/post.model';
export * from './post-text';
export * from './posts.events';
export * from './posts.module';
export * from './posts.repository';
export * from './posts.service';
export { likedBySql } from './post-likes.repository';
export { mentionedUserIdsSql } from './post-mentions.repository';
