import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { BroadcastEntity } from '../entities/broadcast.entity';
import type { PublicBroadcast } from '../broadcast-records';
import { BroadcastStatus, BroadcastVisibility, ChatMode } from './broadcast-enums';

@ObjectType('BroadcastIngest')
export class BroadcastIngestModel {
  @Field({ description: "Where the broadcaster's encoder publishes (RTMP)." })
  rtmpUrl!: string;

  @Field()
  streamKey!: string;
}

@ObjectType('Broadcast', { implements: () => [Node] })
export class BroadcastModel implements Node {
  @Field(() => ID)
  id!: string;

  /**
   * Database ids and the stream key, for field resolvers; not exposed. A broadcast from a bus
   * event has no stream key: `ingest` loads it.
   */
  rowId!: string;
  broadcasterId!: string;
  streamKey?: string;

  @Field()
  title!: string;

  @Field(() => BroadcastStatus)
  status!: BroadcastStatus;

  @Field(() => BroadcastVisibility)
  visibility!: BroadcastVisibility;

  @Field(() => ChatMode)
  chatMode!: ChatMode;

  @Field(() => DateTimeScalar, { nullable: true })
  scheduledFor!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  endedAt!: Date | null;

  @Field(() => Int, { description: 'Viewers watching now; 0 once ended.' })
  viewerCount!: number;

  @Field(() => Int)
  peakViewerCount!: number;

  @Field(() => Int)
  heartCount!: number;

  @Field(() => Int)
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

@ObjectType('BroadcastConnection')
export class BroadcastConnection extends Connection(BroadcastModel, 'Broadcast') {}
