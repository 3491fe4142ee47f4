import { Injectable } from '@nestjs/common';
import { AsyncQueue, BusMessage, EventBus } from '@app/realtime';
import { PlayCommandModel } from './models/device.model';

/** What a tap sends a screen, as it travels on the bus. */
export interface PlayCommandMessage {
  url: string;
  title: string;
  showId: string | null;
  broadcastId: string | null;
  at: string;
}

/** One topic per device, so a command costs one delivery whatever the number of open sockets. */
const topicOf = (deviceId: string) => `see-it:device:${deviceId}`;

const DATABASE_ID = /^[1-9][0-9]{0,18}$/;
const isIdOrNull = (value: unknown) =>
  value === null || (typeof value === 'string' && DATABASE_ID.test(value));

/**
 * A message of another shape (another version of the service during a rolling deploy) is
 * dropped rather than half-delivered.
 */
function toCommand(message: BusMessage): PlayCommandModel | undefined {
  const { url, title, showId, broadcastId, at } = message;
  if (typeof url !== 'string' || typeof title !== 'string' || typeof at !== 'string') return;
  if (!isIdOrNull(showId) || !isIdOrNull(broadcastId) || Number.isNaN(Date.parse(at))) return;
  return Object.assign(new PlayCommandModel(), {
    url,
    title,
    showId: showId as string | null,
    broadcastId: broadcastId as string | null,
    at: new Date(at),
  });
}

/**
 * Play commands and unpairings, through the one EventBus (Redis with REDIS_URL), so a tap served
 * by any API process reaches the screen connected to any other.
 */
@Injectable()
export class PlayCommands {
  constructor(private readonly bus: EventBus) {}

  send(deviceId: string, command: PlayCommandMessage): Promise<void> {
    return this.bus.publish(topicOf(deviceId), { kind: 'play', ...command });
  }

  unpaired(deviceId: string): Promise<void> {
    return this.bus.publish(topicOf(deviceId), { kind: 'unpaired' });
  }

  /** The device's commands until the client goes; `onUnpaired` when its pairing is revoked. */
  listen(deviceId: string, onUnpaired: () => void): AsyncQueue<PlayCommandModel> {
    let unsubscribe: () => void = () => undefined;
    // A screen plays one thing at a time: a backlog this long means the client stopped reading.
    const queue = new AsyncQueue<PlayCommandModel>(() => unsubscribe(), 100);
    unsubscribe = this.bus.subscribe(topicOf(deviceId), (message) => {
      if (message.kind === 'unpaired') {
        void queue.return();
        onUnpaired();
        return;
      }
      const command = message.kind === 'play' ? toCommand(message) : undefined;
      if (command) queue.push(command);
    });
    return queue;
  }
}
