// Screen mode, for a TV's browser: it shows a pairing code, someone signed in enters it on their
// Screens page, and the screen claims its own device token; then it plays whatever a See it tap
// sends it (PlayCommand).
import { useEffect, useState } from 'react';
import { useMutation, useSubscription } from 'urql';
import { socketEvents } from '../../api/client';
import { session } from '../../api/session';
import {
  ClaimScreenCodeDocument,
  PlayCommandsDocument,
  RequestScreenCodeDocument,
  type PlayCommandsSubscription,
} from '../../generated/graphql';
import { describeError, ErrorText } from '../../ui/errors';
import { Player } from '../../ui/Player';

type Command = PlayCommandsSubscription['playCommands'];

/** How often the screen asks whether an account has paired with its code. */
const CLAIM_EVERY_MS = 2000;

export default function ScreenMode() {
  const [paired] = useState(() => session.deviceToken());
  return <main className="screen-mode">{paired ? <NowPlaying /> : <PairingCode />}</main>;
}

/** Shows a code until an account pairs with it; a new code when it expires. */
function PairingCode() {
  const [requested, requestCode] = useMutation(RequestScreenCodeDocument);
  const [claimed, claim] = useMutation(ClaimScreenCodeDocument);
  const screenCode = requested.data?.requestScreenCode;

  useEffect(() => {
    void requestCode({});
  }, [requestCode]);

  useEffect(() => {
    if (!screenCode) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      const result = await claim({ pairingSecret: screenCode.pairingSecret });
      if (stopped) return;
      const pairing = result.data?.claimScreenCode;
      if (pairing) return session.setDeviceToken(pairing.deviceToken);
      // NOT_FOUND: the code expired (or was claimed elsewhere); show a new one.
      const gone = result.error?.graphQLErrors.some((e) => e.extensions?.code === 'NOT_FOUND');
      if (gone || Date.parse(screenCode.expiresAt) <= Date.now()) {
        void requestCode({});
        return;
      }
      timer = setTimeout(() => void poll(), CLAIM_EVERY_MS);
    };
    timer = setTimeout(() => void poll(), CLAIM_EVERY_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [screenCode, claim, requestCode]);

  return (
    <section className="card" aria-labelledby="pair-screen-title">
      <h1 id="pair-screen-title">Pair this screen</h1>
      {screenCode ? (
        <>
          <p className="screen-code">
            <output aria-label="Pairing code">{screenCode.code}</output>
          </p>
          <p>On your phone: See it → Screens → Pair, enter this code.</p>
          <p className="muted">A new code appears when this one expires, after 10 minutes.</p>
        </>
      ) : (
        !requested.error && <p>Getting a code…</p>
      )}
      <ErrorText error={requested.error} />
      {requested.error && (
        <button type="button" onClick={() => void requestCode({})}>
          Get a new code
        </button>
      )}
      {claimed.error?.networkError && <ErrorText error={claimed.error} />}
    </section>
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
        {command
          ? `Now playing: ${command.title}`
          : socketState === 'connected'
            ? 'Ready: tap See it, then TV, on your phone'
            : 'Connecting…'}
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
