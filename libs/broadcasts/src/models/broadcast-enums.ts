import { registerEnumType } from '@nestjs/graphql';
import { BroadcastEventKind } from '../broadcast-topics';
import { BroadcastStatus, BroadcastVisibility, ChatMode } from '../entities/broadcast.entity';

registerEnumType(BroadcastStatus, {
  name: 'BroadcastStatus',
  valuesMap: { CANCELED: { description: 'A scheduled broadcast called off before it started.' } },
});
registerEnumType(BroadcastVisibility, { name: 'BroadcastVisibility' });
registerEnumType(ChatMode, { name: 'ChatMode' });
registerEnumType(BroadcastEventKind, { name: 'BroadcastEventKind' });

export { BroadcastEventKind, BroadcastStatus, BroadcastVisibility, ChatMode };
