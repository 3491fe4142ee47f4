export * from './block.service';
export * from './follow.service';
export * from './graph.events';
export * from './graph.module';
export * from './models/user-connection.model';
export * from './relationship.policy';
export * from './relationships.repository';
