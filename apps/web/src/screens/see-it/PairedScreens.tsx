// The account's paired screens. A screen in screen mode (/screen) shows a code; entered here, it
// pairs that screen, which then receives what See it sends.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  DevicesDocument,
  PairDeviceDocument,
  UnpairDeviceDocument,
  type SeeItTarget,
} from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';

const KINDS: { kind: SeeItTarget; label: string }[] = [
  { kind: 'TV', label: 'TV' },
  { kind: 'TABLET', label: 'Tablet' },
  { kind: 'MOBILE', label: 'Phone' },
  { kind: 'WEB', label: 'Web' },
];

export function PairedScreens() {
  const [{ data, error }, refetch] = useQuery({
    query: DevicesDocument,
    requestPolicy: 'cache-and-network',
  });
  const [pairing, pair] = useMutation(PairDeviceDocument);
  const [unpairing, unpair] = useMutation(UnpairDeviceDocument);
  const [name, setName] = useState('Living room TV');
  const [kind, setKind] = useState<SeeItTarget>('TV');
  const [screenCode, setScreenCode] = useState('');
  const [pairedName, setPairedName] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await pair({ name, kind, screenCode });
    if (result.data) {
      setPairedName(result.data.pairDevice.device.name);
      setScreenCode('');
      reload();
    }
  };

  return (
    <>
      <h1>Paired screens</h1>
      <ErrorText error={error ?? unpairing.error} />
      <ul className="list" aria-label="Paired screens">
        {data?.devices.map((device) => (
          <li key={device.id} className="card">
            {device.name} <span className="muted">({device.kind})</span>{' '}
            <button
              type="button"
              aria-label={`Unpair ${device.name}`}
              onClick={() => void unpair({ id: device.id }).then(reload)}
            >
              Unpair
            </button>
          </li>
        ))}
      </ul>
      <form
        className="card narrow"
        aria-labelledby="pair-screen-title"
        onSubmit={(event) => void submit(event)}
      >
        <h2 id="pair-screen-title">Pair a screen</h2>
        <p>
          Enter the code shown on your TV: open <code>{`${window.location.origin}/screen`}</code> in
          its browser to see one.
        </p>
        <label>
          Code shown on the screen
          <input
            required
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="ABCD-EFGH"
            value={screenCode}
            onChange={(event) => setScreenCode(event.target.value)}
          />
        </label>
        <label>
          Screen name
          <input
            required
            maxLength={60}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(event) => setKind(event.target.value as SeeItTarget)}>
            {KINDS.map((option) => (
              <option key={option.kind} value={option.kind}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <ErrorText error={pairing.error} />
        <button type="submit" className="primary" disabled={pairing.fetching}>
          Pair screen
        </button>
        {pairedName && !pairing.error && (
          <p role="status">Paired {pairedName}: it starts in a moment.</p>
        )}
      </form>
    </>
  );
}
