import { registerEnumType } from '@nestjs/graphql';
import { BroadcastEventKind } from '../broadcast-topics';
import { BroadcastStatus, BroadcastVisibility, ChatMode } from '../entities/broadcast.entity';

registerEnumType(BroadcastStatus, {
  name: 'BroadcastStatus',
  description: 'Where a broadcast is in its life: SCHEDULED or LIVE, then ENDED or CANCELED.',
  valuesMap: {
    SCHEDULED: { description: 'Announced for scheduledFor; goes LIVE when the encoder publishes.' },
    LIVE: { description: 'On air now.' },
    ENDED: { description: 'Over; its replay may follow.' },
    CANCELED: { description: 'A scheduled broadcast called off before it started.' },
  },
});
registerEnumType(BroadcastVisibility, {
  name: 'BroadcastVisibility',
  description: 'Who may see and watch a broadcast.',
  valuesMap: {
    PUBLIC: { description: 'Everyone the broadcaster has not blocked.' },
    FOLLOWERS: { description: "Only the broadcaster's followers (and the broadcaster)." },
  },
});
registerEnumType(ChatMode, {
  name: 'ChatMode',
  description: "Who may comment in a broadcast's live chat.",
  valuesMap: {
    EVERYONE: { description: 'Every viewer who may watch it.' },
    FOLLOWERS: { description: "Only the broadcaster's followers (and the broadcaster)." },
    OFF: { description: 'Nobody: postComment is FORBIDDEN.' },
  },
});
registerEnumType(BroadcastEventKind, {
  name: 'BroadcastEventKind',
  description: 'What a BroadcastEvent reports.',
  valuesMap: {
    STARTED: { description: 'The broadcast went LIVE.' },
    ENDED: { description: 'The broadcast ended; no more events follow.' },
    COMMENT: { description: 'A comment was posted: see comment.' },
    COMMENT_REMOVED: { description: 'A comment was removed: comment says which.' },
    HEARTS: { description: 'Hearts arrived: see heartsDelta and heartCount.' },
    VIEWERS: { description: 'The viewer count changed: see viewerCount.' },
    CHAT_MODE: { description: 'The broadcaster changed who may comment: see broadcast.chatMode.' },
  },
});

export { BroadcastEventKind, BroadcastStatus, BroadcastVisibility, ChatMode };
