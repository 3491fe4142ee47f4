export * from './test-app';
export * from './test-logs';
export * from './test-subscription';
export * from './required-services';
export * from './test-socket';
export * from './postgres-process';
export * from './redis-server';
export * from './media-server';
