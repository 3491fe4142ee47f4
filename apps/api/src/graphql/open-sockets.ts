import type { WebSocket } from 'ws';

/** Open sockets counted by a key (an address, an account, a screen), in this process. */
export class OpenSockets {
  private readonly open = new Map<string, number>();

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }

  /** Counts the socket under `key` until it closes. */
  hold(key: string, socket: Pick<WebSocket, 'once'>): void {
    this.open.set(key, this.count(key) + 1);
    socket.once('close', () => {
      const left = this.count(key) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    });
  }
}
