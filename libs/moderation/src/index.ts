export * from './entities/report.entity';
export * from './models/report.model';
export * from './moderation.module';
export * from './reports.service';
