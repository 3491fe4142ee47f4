import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BroadcastsModule } from '@app/broadcasts';
import { NodeRegistry } from '@app/common';
import { GraphModule } from '@app/graph';
import { PostsModule } from '@app/posts';
import { ReportEntity } from './entities/report.entity';
import { ReportModel } from './models/report.model';
import { ReportsRepository } from './reports.repository';
import { ReportsResolver } from './reports.resolver';
import { ReportsService } from './reports.service';

/** Reports of accounts, posts, chat comments and broadcasts, and the admins' queue of them. */
@Module({
  imports: [GraphModule, PostsModule, BroadcastsModule, TypeOrmModule.forFeature([ReportEntity])],
  providers: [ReportsService, ReportsRepository, ReportsResolver],
})
export class ModerationModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly reports: ReportsService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Report', async (id, context) => {
      const report = await context.loaders.load(this.reports.byId, id);
      return report && this.reports.maySee(context.viewer, report)
        ? ReportModel.from(report)
        : undefined;
    });
  }
}
