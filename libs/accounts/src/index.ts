export * from './account.events';
export * from './accounts.module';
export * from './accounts.service';
export * from './auth.service';
export * from './models/user.model';
export * from './user.entity';
export * from './users.repository';
