import {
  Body,
  Controller,
  ForbiddenException,
  GoneException,
  HttpCode,
  HttpStatus,
  Ip,
  Post,
  Query,
  Redirect,
} from '@nestjs/common';
import { HookOutcome, MediaHooksService } from './media-hooks.service';
import { ReplayHooksService } from './replay-hooks.service';

/**
 * nginx-rtmp's HTTP callbacks (on_publish, on_publish_done). They arrive form-encoded, with the
 * shared secret in the query string of the hook URL. nginx drops the encoder on anything but a 2xx
 * or 3xx, and renames the stream to a 3xx's Location header; the body is never read.
 */
@Controller('media/hooks')
export class MediaHooksController {
  constructor(
    private readonly hooks: MediaHooksService,
    private readonly replayHooks: ReplayHooksService,
  ) {}

  /** Accepted: 302 to the playback name, so viewers never see the stream key. */
  @Post('publish')
  @Redirect(undefined, HttpStatus.FOUND)
  async publish(
    @Query('secret') secret: unknown,
    @Body() body: unknown,
    @Ip() mediaServer: string,
  ): Promise<{ url: string }> {
    const outcome = await this.hooks.publish({ secret, fields: formFields(body), mediaServer });
    answer(outcome);
    return { url: outcome.playbackName };
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

  /**
   * The replay's VOD playlist is written. 200: stored. 410: the broadcast or its replay is gone
   * (deleted, or never was), and the media server removes the files.
   */
  @Post('replay-ready')
  @HttpCode(HttpStatus.OK)
  async replayReady(
    @Query('secret') secret: unknown,
    @Body() body: unknown,
    @Ip() mediaServer: string,
  ): Promise<void> {
    const outcome = await this.replayHooks.ready({ secret, fields: formFields(body), mediaServer });
    if (outcome === 'refused') throw new ForbiddenException('Refused.');
    if (outcome === 'gone') throw new GoneException('No such replay.');
  }
}

/** The same answer for every refusal: a caller learns nothing about which check failed. */
function answer<T extends HookOutcome>(outcome: T): asserts outcome is T & { accepted: true } {
  if (!outcome.accepted) throw new ForbiddenException('Publishing refused.');
}

/** express leaves `body` undefined when no parser matched the content type. */
function formFields(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}
