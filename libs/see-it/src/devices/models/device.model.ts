import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar, Node, toGlobalId } from '@app/common';
import { SeeItTarget } from '../../see-it.enums';
import { DeviceEntity } from '../device.entity';

@ObjectType('Device', {
  description:
    'A screen paired to the signed-in account, that See it can send play commands to. Only its owner sees it.',
  implements: () => [Node],
})
export class DeviceModel implements Node {
  @Field(() => ID, { description: 'Global id; node(id:) returns it to its owner only.' })
  id!: string;

  @Field({ description: 'The name given at pairing, 1 to 60 characters.' })
  name!: string;

  @Field(() => SeeItTarget, { description: 'What kind of screen it is.' })
  kind!: SeeItTarget;

  @Field(() => DateTimeScalar, { description: 'When it was paired.' })
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

@ObjectType('DevicePairing', { description: 'The result of pairing a screen.' })
export class DevicePairingModel {
  @Field(() => DeviceModel, { description: 'The new device.' })
  device!: DeviceModel;

  @Field({
    description:
      'Secret the screen presents in its websocket connection_init payload as deviceToken. Shown once.',
  })
  deviceToken!: string;
}

@ObjectType('PlayCommand', { description: 'A command to a paired screen: play this now.' })
export class PlayCommandModel {
  /** Database ids of what to play, for the show and broadcast fields; not exposed. */
  showId!: string | null;
  broadcastId!: string | null;

  @Field({ description: 'The link to open.' })
  url!: string;

  @Field({ description: 'What is played, for display.' })
  title!: string;

  @Field(() => DateTimeScalar, { description: 'When the command was sent.' })
  at!: Date;
}

@ObjectType('ScreenCode', {
  description:
    'A code for a screen to show until an account pairs with it (pairDevice with screenCode), and the secret the screen keeps to claim its token (claimScreenCode).',
})
export class ScreenCodeModel {
  @Field({
    description:
      'What the screen shows for a person to type, like ABCD-EFGH: 8 letters and digits that are hard to confuse. Case, spaces and the dash do not matter.',
  })
  code!: string;

  @Field({
    description:
      'The secret only this screen knows: it claims the device token with it. Never show it.',
  })
  pairingSecret!: string;

  @Field(() => DateTimeScalar, {
    description: 'When the code stops working (10 minutes after it was given): ask for a new one.',
  })
  expiresAt!: Date;
}
