// Screen mode, for a TV's browser: pair it with a code from the Screens page, then it plays
// whatever a See it tap sends it (PlayCommand).
import { useEffect, useState, type FormEvent } from 'react';
import { useSubscription } from 'urql';
import { socketEvents } from '../../api/client';
import { session } from '../../api/session';
import { PlayCommandsDocument, type PlayCommandsSubscription } from '../../generated/graphql';
import { describeError } from '../../ui/errors';
import { Player } from '../../ui/Player';

type Command = PlayCommandsSubscription['playCommands'];

export default function ScreenMode() {
  const [paired] = useState(() => session.deviceToken());
  useEffect(() => {
    const code = new URLSearchParams(window.location.hash.slice(1)).get('code');
    if (code) {
      window.history.replaceState(null, '', '/screen');
      session.setDeviceToken(code);
    }
  }, []);
  return <main className="screen-mode">{paired ? <NowPlaying /> : <PairForm />}</main>;
}

function PairForm() {
  const [code, setCode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    session.setDeviceToken(code.trim());
  };
  return (
    <form className="card narrow" onSubmit={submit}>
      <h1>Pair this screen</h1>
      <p>On your phone or computer, open Screens, pair a screen, and enter the code shown there.</p>
      <label>
        Pairing code
        <input
          required
          autoComplete="off"
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
      </label>
      <button type="submit" className="primary">
        Pair
      </button>
    </form>
  );
}

function playbackUrl(command: Command): string | null {
  const broadcast = command.broadcast;
  if (!broadcast) return null;
  return broadcast.status === 'LIVE'
    ? broadcast.playbackUrl
    : (broadcast.replay?.playbackUrl ?? null);
}

function NowPlaying() {
  const [{ data, error }] = useSubscription({ query: PlayCommandsDocument });
  const [socketState, setSocketState] = useState(socketEvents.state());
  useEffect(() => socketEvents.onState(setSocketState), []);
  const command = data?.playCommands;
  const url = command ? playbackUrl(command) : null;
  return (
    <>
      <h1>
        {command ? `Now playing: ${command.title}` : 'Ready: tap See it, then TV, on your phone'}
      </h1>
      {socketState === 'rejected' ? (
        <p role="alert" className="error">
          This screen is no longer paired: unpair it and pair it again.
        </p>
      ) : (
        error && (
          <p role="alert" className="error">
            This screen cannot receive: {describeError(error)}
          </p>
        )
      )}
      {command && !url && <p>Open {command.url} to watch it.</p>}
      {url && <Player src={url} title={`Video: ${command?.title ?? ''}`} />}
      <button type="button" className="link" onClick={() => session.setDeviceToken(null)}>
        Unpair this screen
      </button>
    </>
  );
}
