/** Commands from the now-live bench (server side) to its client process, and the replies. */
export type ClientCommand =
  | { type: 'open-seeit'; url: string; tokens: string[]; query: string }
  | { type: 'open-raw'; url: string; count: number }
  | { type: 'warm-up'; httpUrl: string; token: string; extra: number }
  | { type: 'burst'; httpUrl: string; token: string; title: string }
  | { type: 'end'; httpUrl: string; token: string; id: string }
  | { type: 'raw-prepare' }
  | { type: 'raw-collect'; timeoutMs: number }
  | { type: 'close'; group: 'seeit' | 'raw' };

export type ClientReply =
  | { type: 'opened'; ms: number }
  | { type: 'warm'; ms: number; posts: number }
  | {
      type: 'burst';
      broadcastId: string;
      /** Just before the startBroadcast request was sent. */
      sentAt: number;
      /** When its response body had arrived. */
      respondedAt: number;
      /** Each socket's NOW_LIVE receipt (NaN if it never came). */
      times: number[];
      received: number;
      /** The exact text of one NOW_LIVE message, as graphql-ws sent it. */
      payload: string;
      problems: string[];
    }
  | { type: 'ended'; received: number }
  | { type: 'ready' }
  | { type: 'raw'; times: number[]; received: number; problems: string[] }
  | { type: 'closed'; unexpectedCloses: number; problems: string[] };
