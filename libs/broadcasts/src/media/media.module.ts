import { HttpException, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type RequestHandler, urlencoded } from 'express';
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
    consumer.apply(formParser()).forRoutes(MediaHooksController);
  }
}

/**
 * express's form parser, whose refusals (too large, too many fields, a bad charset) are answered
 * with their 4xx as an HttpException: anyone can send them, so they are no server error to log.
 */
function formParser(): RequestHandler {
  const parse = urlencoded({ extended: false, limit: '8kb', parameterLimit: 50 });
  return (request, response, next) =>
    parse(request, response, (error?: unknown) => {
      const status = (error as { status?: unknown } | undefined)?.status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        next(new HttpException('The hook form was refused.', status));
        return;
      }
      next(error);
    });
}
