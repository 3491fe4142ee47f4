export * from './test-app';
export * from './test-subscription';
export * from './required-services';
export * from './media-server';
