import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { urlencoded } from 'express';
import { BroadcastsModule } from '../broadcasts.module';
import { MediaPendingEndEntity } from './entities/media-pending-end.entity';
import { MediaPublisherEntity } from './entities/media-publisher.entity';
import { MediaHooksController } from './media-hooks.controller';
import { MediaHooksService } from './media-hooks.service';
import { MediaPublishersRepository } from './media-publishers.repository';
import { ReplayHooksService } from './replay-hooks.service';

/** The media server's hooks: RTMP publishing starts and ends broadcasts. */
@Module({
  imports: [
    BroadcastsModule,
    TypeOrmModule.forFeature([MediaPublisherEntity, MediaPendingEndEntity]),
  ],
  controllers: [MediaHooksController],
  providers: [MediaPublishersRepository, MediaHooksService, ReplayHooksService],
})
export class MediaModule implements NestModule {
  /**
   * The app parses JSON bodies only; nginx-rtmp posts forms. Parsing them for these routes alone
   * keeps form posts away from everything else (GraphQL must stay JSON: CSRF). A hook's form is a
   * dozen short fields, hence the small limits.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(urlencoded({ extended: false, limit: '8kb', parameterLimit: 50 }))
      .forRoutes(MediaHooksController);
  }
}
