import {
  Body,
  Controller,
  ForbiddenException,
  HttpCode,
  HttpStatus,
  Ip,
  Post,
  Query,
} from '@nestjs/common';
import { HookOutcome, MediaHooksService } from './media-hooks.service';

/**
 * nginx-rtmp's HTTP callbacks (on_publish, on_publish_done). They arrive form-encoded, with the
 * shared secret in the query string of the hook URL. nginx lets the encoder publish on any 2xx
 * and drops it on anything else; the response body is never read.
 */
@Controller('media/hooks')
export class MediaHooksController {
  constructor(private readonly hooks: MediaHooksService) {}

  @Post('publish')
  @HttpCode(HttpStatus.OK)
  async publish(
    @Query('secret') secret: unknown,
    @Body() body: unknown,
    @Ip() mediaServer: string,
  ): Promise<void> {
    answer(await this.hooks.publish({ secret, fields: formFields(body), mediaServer }));
  }

  @Post('publish-done')
  @HttpCode(HttpStatus.OK)
  async publishDone(
    @Query('secret') secret: unknown,
    @Body() body: unknown,
    @Ip() mediaServer: string,
  ): Promise<void> {
    answer(await this.hooks.publishDone({ secret, fields: formFields(body), mediaServer }));
  }
}

/** The same answer for every refusal: a caller learns nothing about which check failed. */
function answer(outcome: HookOutcome): void {
  if (!outcome.accepted) throw new ForbiddenException('Publishing refused.');
}

/** express leaves `body` undefined when no parser matched the content type. */
function formFields(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}
