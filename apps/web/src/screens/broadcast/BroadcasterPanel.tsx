// What only the broadcaster sees: where the encoder publishes (publishing starts the broadcast),
// the chat mode, and ending or calling it off.
import { useState } from 'react';
import { useMutation } from 'urql';
import {
  CancelBroadcastDocument,
  EndBroadcastDocument,
  SetChatModeDocument,
  type BroadcastPageQuery,
  type ChatMode,
} from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';

type Broadcast = NonNullable<BroadcastPageQuery['broadcast']>;
const MODES: { mode: ChatMode; label: string }[] = [
  { mode: 'EVERYONE', label: 'Everyone' },
  { mode: 'FOLLOWERS', label: 'Followers' },
  { mode: 'OFF', label: 'Off' },
];

export function BroadcasterPanel({ broadcast }: { broadcast: Broadcast }) {
  const [ended, end] = useMutation(EndBroadcastDocument);
  const [canceled, cancel] = useMutation(CancelBroadcastDocument);
  const [mode, setMode] = useMutation(SetChatModeDocument);
  const active = broadcast.status === 'LIVE' || broadcast.status === 'SCHEDULED';
  return (
    <section className="card" aria-labelledby="studio-title">
      <h2 id="studio-title">Your broadcast</h2>
      {broadcast.ingest && active && (
        <>
          <CopyField label="Ingest URL" value={broadcast.ingest.rtmpUrl} />
          <CopyField label="Stream key" value={broadcast.ingest.streamKey} secret />
        </>
      )}
      {active && (
        <fieldset>
          <legend>Who may comment</legend>
          {MODES.map((option) => (
            <label key={option.mode} className="inline">
              <input
                type="radio"
                name="chat-mode"
                checked={broadcast.chatMode === option.mode}
                onChange={() => void setMode({ broadcastId: broadcast.id, mode: option.mode })}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
      )}
      <ErrorText error={mode.error} />
      {broadcast.status === 'LIVE' && (
        <button type="button" className="danger" onClick={() => void end({ id: broadcast.id })}>
          End broadcast
        </button>
      )}
      {broadcast.status === 'SCHEDULED' && (
        <button type="button" className="danger" onClick={() => void cancel({ id: broadcast.id })}>
          Cancel broadcast
        </button>
      )}
      {broadcast.status === 'ENDED' && (
        <p>Ended.{broadcast.replayAvailable && ' Its replay is ready.'}</p>
      )}
      {broadcast.status === 'CANCELED' && <p>Canceled.</p>}
      <ErrorText error={ended.error ?? canceled.error} />
    </section>
  );
}

function CopyField({
  label,
  value,
  secret = false,
}: {
  label: string;
  value: string;
  secret?: boolean;
}) {
  const [copied, setCopied] = useState(false);
  const [shown, setShown] = useState(!secret);
  return (
    <div className="copy-field">
      <label>
        {label}
        <input readOnly type={shown ? 'text' : 'password'} value={value} />
      </label>
      {secret && (
        <button type="button" onClick={() => setShown(!shown)}>
          {shown ? `Hide ${label.toLowerCase()}` : `Show ${label.toLowerCase()}`}
        </button>
      )}
      <button
        type="button"
        onClick={() => void navigator.clipboard.writeText(value).then(() => setCopied(true))}
      >
        Copy {label.toLowerCase()}
      </button>
      {copied && <span role="status">Copied</span>}
    </div>
  );
}
