// API errors in words, shown next to what failed. The API's messages are written for people;
// RATE_LIMITED also says when to retry.
import type { CombinedError } from 'urql';

export function describeError(error: CombinedError): string {
  if (error.networkError) return 'The server cannot be reached. Check your connection and retry.';
  const first = error.graphQLErrors[0];
  const code = first?.extensions?.code;
  if (!first || code === 'INTERNAL_SERVER_ERROR') return 'Something went wrong on our side. Retry.';
  if (code === 'RATE_LIMITED') {
    const seconds = Number(first.extensions?.retryAfterSeconds);
    const wait = Number.isFinite(seconds)
      ? `Try again in ${Math.max(1, Math.ceil(seconds))} seconds.`
      : 'Try again in a moment.';
    return `${first.message} ${wait}`;
  }
  return first.message;
}

export function ErrorText({ error }: { error?: CombinedError | string | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {typeof error === 'string' ? error : describeError(error)}
    </p>
  );
}
