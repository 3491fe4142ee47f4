export * from './media.module';
export * from './media-hooks.service';
