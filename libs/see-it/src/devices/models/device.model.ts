import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar, Node, toGlobalId } from '@app/common';
import { SeeItTarget } from '../../see-it.enums';
import { DeviceEntity } from '../device.entity';

@ObjectType('Device', { implements: () => [Node] })
export class DeviceModel implements Node {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => SeeItTarget)
  kind!: SeeItTarget;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  static from(entity: DeviceEntity): DeviceModel {
    return Object.assign(new DeviceModel(), {
      id: toGlobalId('Device', entity.id),
      name: entity.name,
      kind: entity.kind,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('DevicePairing')
export class DevicePairingModel {
  @Field(() => DeviceModel)
  device!: DeviceModel;

  @Field({
    description:
      'Secret the screen presents in its websocket connection_init payload as deviceToken. Shown once.',
  })
  deviceToken!: string;
}

@ObjectType('PlayCommand')
export class PlayCommandModel {
  /** Database ids of what to play, for the show and broadcast fields; not exposed. */
  showId!: string | null;
  broadcastId!: string | null;

  @Field()
  url!: string;

  @Field()
  title!: string;

  @Field(() => DateTimeScalar)
  at!: Date;
}
