export * from './entities/timeline-entry.entity';
export * from './models/timeline.model';
export * from './timeline-fanout';
export * from './timeline-sources';
export * from './timeline.module';
export * from './timeline.service';
