export * from './async-queue';
export * from './event-bus';
export * from './realtime.module';
export * from './redis-bus';
export * from './local-recipients';
export * from './socket-registry';
