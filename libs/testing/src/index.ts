export * from './test-app';
export * from './test-schema';
export * from './test-subscription';
export * from './required-services';
