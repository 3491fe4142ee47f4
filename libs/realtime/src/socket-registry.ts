import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { BusMessage, EventBus } from './event-bus';

/** What the registry needs of a websocket. */
export interface ClosableSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

const TOPIC = 'sockets-revoked';

/**
 * The open websockets of each account, on every process. When an account is suspended or
 * deleted its sockets close (4403) wherever they are, so open subscriptions stop at once instead
 * of at the next reconnect.
 */
@Injectable()
export class SocketRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly sockets = new Map<string, Set<ClosableSocket>>();
  private unsubscribe?: () => void;

  constructor(private readonly bus: EventBus) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(TOPIC, (message: BusMessage) => {
      for (const socket of this.sockets.get(String(message.userId)) ?? []) {
        socket.close(4403, 'Forbidden');
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The account's open sockets on this process. */
  openCount(userId: string): number {
    return this.sockets.get(userId)?.size ?? 0;
  }

  track(userId: string, socket: ClosableSocket): void {
    const set = this.sockets.get(userId) ?? new Set<ClosableSocket>();
    set.add(socket);
    this.sockets.set(userId, set);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size === 0 && this.sockets.get(userId) === set) this.sockets.delete(userId);
    });
  }

  /** Closes every socket of the account, on every process. */
  revoke(userId: string): Promise<void> {
    return this.bus.publish(TOPIC, { userId });
  }
}
