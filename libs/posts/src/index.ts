export * from './entities/post.entity';
export * from './models/post.model';
export * from './post-hashtags.repository';
export * from './post-text';
export * from './posts.events';
export * from './posts.module';
export * from './posts.service';
