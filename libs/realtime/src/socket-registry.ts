import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SetMultimap } from '@app/common';
import { BusMessage, EventBus } from './event-bus';

/** What the registry needs of a websocket. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

const TOPIC = 'sockets-revoked';

/** Of the accounts given, those whose sockets must close (suspended or deleted). */
export type RevokedAmong = (userIds: string[]) => Promise<string[]>;

/**
 * The open websockets of each account, on every process. When an account is suspended or
 * deleted its sockets close (4403) wherever they are, so open subscriptions stop at once instead
 * of at the next reconnect. A revocation sent while the bus was down is lost: on recovery the
 * owners of the sockets here are checked again (`recheckOnRecover`).
 */
@Injectable()
export class SocketRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SocketRegistry.name);
  private readonly sockets = new SetMultimap<string, ClosableSocket>();
  private readonly stops: (() => void)[] = [];

  constructor(private readonly bus: EventBus) {}

  onModuleInit(): void {
    this.stops.push(
      this.bus.subscribe(TOPIC, (message: BusMessage) => this.closeHere(String(message.userId))),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** After each bus outage, closes the sockets here of the owners `revokedAmong` names. */
  recheckOnRecover(revokedAmong: RevokedAmong): void {
    this.stops.push(
      this.bus.onRecover(() => {
        const owners = [...this.sockets.keys()];
        if (owners.length === 0) return;
        revokedAmong(owners).then(
          (revoked) => revoked.forEach((userId) => this.closeHere(userId)),
          (error: Error) => this.logger.error(`Rechecking socket owners: ${error.message}`),
        );
      }),
    );
  }

  track(userId: string, socket: ClosableSocket): void {
    this.sockets.add(userId, socket);
    socket.once('close', () => this.sockets.delete(userId, socket));
  }

  /** Closes every socket of the account, on every process. */
  revoke(userId: string): Promise<void> {
    return this.bus.publish(TOPIC, { userId });
  }

  private closeHere(userId: string): void {
    for (const socket of this.sockets.get(userId)) socket.close(4403, 'Forbidden');
  }
}
