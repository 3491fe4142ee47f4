import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { BroadcastEntity } from '../entities/broadcast.entity';
import type { PublicBroadcast } from '../public-broadcast';
import { BroadcastStatus, BroadcastVisibility, ChatMode } from './broadcast-enums';

@ObjectType('BroadcastIngest', {
  description:
    "Where and with which key the broadcaster's encoder sends the stream. Secret: only the broadcaster sees it.",
})
export class BroadcastIngestModel {
  @Field({ description: "Where the broadcaster's encoder publishes (RTMP)." })
  rtmpUrl!: string;

  @Field({
    description:
      "Secret key for the encoder's stream name; whoever has it can publish as this broadcast.",
  })
  streamKey!: string;
}

@ObjectType('Broadcast', {
  description:
    'A live video broadcast: scheduled, live, then ended with an optional replay. Invisible (null, or left out of lists) to an account the broadcaster blocked, to non-followers when FOLLOWERS only, and to banned viewers.',
  implements: () => [Node],
})
export class BroadcastModel implements Node {
  @Field(() => ID, { description: 'Global id; node(id:) returns this broadcast.' })
  id!: string;

  /**
   * Database ids and the stream key, for field resolvers; not exposed. A broadcast from a bus
   * event has no stream key: `ingest` loads it.
   */
  rowId!: string;
  broadcasterId!: string;
  streamKey?: string;

  @Field({ description: '1 to 140 characters.' })
  title!: string;

  @Field(() => BroadcastStatus, { description: 'SCHEDULED, LIVE, ENDED or CANCELED.' })
  status!: BroadcastStatus;

  @Field(() => BroadcastVisibility, { description: 'Who may see and watch it.' })
  visibility!: BroadcastVisibility;

  @Field(() => ChatMode, { description: 'Who may comment.' })
  chatMode!: ChatMode;

  @Field(() => DateTimeScalar, {
    description: 'When a scheduled broadcast is announced for; null when it went live at once.',
    nullable: true,
  })
  scheduledFor!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When it went live; null before.', nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, {
    description: 'When it ended or was canceled; null before.',
    nullable: true,
  })
  endedAt!: Date | null;

  @Field(() => Int, { description: 'Viewers watching now; 0 once ended.' })
  viewerCount!: number;

  @Field(() => Int, { description: 'The most viewers watching at once.' })
  peakViewerCount!: number;

  @Field(() => Int, { description: 'Hearts received in all.' })
  heartCount!: number;

  @Field(() => Int, { description: 'Chat comments, not counting removed ones.' })
  commentsCount!: number;

  static from(entity: BroadcastEntity | PublicBroadcast): BroadcastModel {
    const live = entity.status === BroadcastStatus.LIVE;
    return Object.assign(new BroadcastModel(), {
      id: toGlobalId('Broadcast', entity.id),
      rowId: entity.id,
      broadcasterId: entity.broadcasterId,
      streamKey: entity.streamKey,
      title: entity.title,
      status: entity.status,
      visibility: entity.visibility,
      chatMode: entity.chatMode,
      scheduledFor: entity.scheduledFor,
      startedAt: entity.startedAt,
      endedAt: entity.endedAt,
      viewerCount: live ? entity.viewerCount : 0,
      peakViewerCount: entity.peakViewerCount,
      heartCount: entity.heartCount,
      commentsCount: entity.commentsCount,
    });
  }
}

@ObjectType('BroadcastConnection', { description: 'A page of broadcasts (Relay connection).' })
export class BroadcastConnection extends Connection(BroadcastModel, 'Broadcast') {}
