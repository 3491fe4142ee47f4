// API errors in words, shown next to what failed.
import type { CombinedError } from 'urql';

const MESSAGES: Record<string, string> = {
  UNAUTHENTICATED: 'You need to sign in again.',
  FORBIDDEN: 'You are not allowed to do that.',
  NOT_FOUND: 'It is gone or hidden from you.',
  CONFLICT: 'That cannot be done right now.',
};

export function describeError(error: CombinedError): string {
  if (error.networkError) return 'The server cannot be reached. Check your connection and retry.';
  const first = error.graphQLErrors[0];
  if (!first) return 'Something went wrong.';
  const code = first.extensions?.code;
  if (code === 'RATE_LIMITED') {
    const seconds = Number(first.extensions?.retryAfterSeconds);
    return Number.isFinite(seconds)
      ? `Too fast: try again in ${Math.max(1, Math.ceil(seconds))} seconds.`
      : 'Too fast: try again in a moment.';
  }
  if (code === 'BAD_USER_INPUT') return first.message;
  return (typeof code === 'string' && MESSAGES[code]) || first.message;
}

export function ErrorText({ error }: { error?: CombinedError | string | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {typeof error === 'string' ? error : describeError(error)}
    </p>
  );
}
