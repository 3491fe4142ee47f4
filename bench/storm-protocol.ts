/** Commands from the storm and memory benches to their client process, and the replies. */
export interface GoLive {
  httpUrl: string;
  token: string;
  title: string;
  /** Fired once this many subscriptions are acknowledged. */
  atAcknowledged: number;
}

export type StormCommand =
  | {
      type: 'storm';
      url: string;
      /** Bearer tokens, one socket each; for the raw peer, only their count matters. */
      tokens: string[];
      protocol: string | undefined;
      /** The subscribe message, as sent (its `after` makes the server replay one update). */
      subscribe: string;
      parallel: number;
      goLive?: GoLive;
    }
  | { type: 'close' };

export interface GoLiveResult {
  sentAt: number;
  respondedAt: number;
  /** Sockets acknowledged before the response arrived. */
  acknowledgedBefore: number;
  /** For each of those, NOW_LIVE receipt minus the response's arrival (NaN: never came). */
  delays: number[];
  /** The broadcast's id, from the response. */
  broadcastId: string;
  /**
   * For each delay, the cursor of the socket's first message (its RESYNC): its snapshot says
   * whether the subscription already saw the go-live, which its reloaded page then shows.
   */
  firstCursors: string[];
}

export type StormReply =
  | {
      type: 'stormed';
      /** From the first connect to the last acknowledgement. */
      ms: number;
      acknowledged: number;
      problems: string[];
      goLive?: GoLiveResult;
    }
  | { type: 'closed'; problems: string[] };
