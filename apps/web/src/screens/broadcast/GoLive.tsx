// Starting a broadcast: now, or scheduled for later.
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { navigate } from '../../app/router';
import { StartBroadcastDocument } from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';

export function GoLive() {
  const [title, setTitle] = useState('');
  const [scheduledFor, setScheduledFor] = useState('');
  const [result, start] = useMutation(StartBroadcastDocument);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = {
      title,
      scheduledFor: scheduledFor ? new Date(scheduledFor).toISOString() : undefined,
    };
    const started = (await start({ input })).data?.startBroadcast;
    if (started) navigate(`/broadcasts/${encodeURIComponent(started.id)}`);
  };
  return (
    <section className="card narrow" aria-labelledby="go-live-title">
      <h1 id="go-live-title">Go live</h1>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          Title
          <input
            required
            maxLength={140}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
          />
        </label>
        <label>
          Schedule for (leave empty to start now)
          <input
            type="datetime-local"
            value={scheduledFor}
            onChange={(event) => setScheduledFor(event.target.value)}
          />
        </label>
        <ErrorText error={result.error} />
        <button type="submit" className="primary" disabled={result.fetching}>
          {scheduledFor ? 'Schedule broadcast' : 'Start broadcast'}
        </button>
      </form>
    </section>
  );
}
