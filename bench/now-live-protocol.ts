/** Commands from the now-live bench (server side) to its client process, and the replies. */
export type ClientCommand =
  | { type: 'open-seeit'; url: string; tokens: string[]; query: string }
  | { type: 'open-raw'; url: string; count: number }
  | { type: 'warm-up'; httpUrl: string; token: string; extra: number }
  | { type: 'burst'; httpUrl: string; token: string; title: string }
  | { type: 'end'; httpUrl: string; token: string; id: string }
  | { type: 'post'; httpUrl: string; token: string; text: string }
  /** Every socket's first receipt of `key` (`KIND:itemId`), waiting up to `timeoutMs`. */
  | { type: 'await'; key: string; timeoutMs: number; reset: boolean }
  | { type: 'reset' }
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
  | {
      type: 'ended';
      received: number;
      /** Updates a socket received more than once since the burst (NOW_LIVE and ENDED). */
      duplicates: number;
    }
  | { type: 'posted'; id: string }
  | { type: 'arrivals'; times: number[]; received: number; duplicates: number; problems: string[] }
  | { type: 'ready' }
  | { type: 'raw'; times: number[]; received: number; problems: string[] }
  | { type: 'closed'; unexpectedCloses: number; problems: string[] };

/** From the bench to one of its API processes (bench/now-live-server.ts), and the replies. */
export type ServerCommand = { type: 'start'; env: Record<string, string> };

export type ServerReply = { type: 'listening'; port: number };
