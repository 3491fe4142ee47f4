/**
 * The close codes this server sends on its graphql-ws sockets besides graphql-ws's own. The
 * official client gives up for good on 4500, 4005, 4400, 4004, 4401, 4406, 4409 and 4429 and
 * retries (with backoff) on the others, so every code here is one it retries.
 */
export const CloseCode = {
  /** A bad, forged or revoked token, or the account was suspended or deleted (graphql-ws's Forbidden). */
  Forbidden: 4403,
  /**
   * The account already holds WS_MAX_SOCKETS_PER_ACCOUNT sockets on this process (a paired
   * screen: WS_MAX_SOCKETS_PER_DEVICE).
   */
  TooManySocketsForAccount: 4430,
  /** The address already holds WS_MAX_SOCKETS_PER_ADDRESS sockets on this process. */
  TooManySocketsForAddress: 4431,
  /** The socket sent more than WS_MAX_MESSAGES_PER_SECOND (beyond WS_MESSAGE_BURST). */
  TooManyMessages: 4432,
  /** The service cannot check the connection now (its database is unreachable): try again later. */
  TryAgainLater: 1013,
} as const;
