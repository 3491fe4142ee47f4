export * from './entities/notification.entity';
export * from './models/notification.model';
export * from './notifications.module';
export * from './notifications.service';
export * from './went-live-notifier';
