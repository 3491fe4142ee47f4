// The account's paired screens. Pairing shows a code once: typed into /screen on the TV (or
// opened there as a link), it signs that screen in to receive what See it sends.
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
  const code = pairing.data?.pairDevice.deviceToken;
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if ((await pair({ name, kind })).data) reload();
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
      <form className="card narrow" onSubmit={(event) => void submit(event)}>
        <h2>Pair a screen</h2>
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
        <button type="submit" className="primary">
          Pair screen
        </button>
      </form>
      {code && (
        <section className="card" aria-labelledby="pairing-code-title">
          <h2 id="pairing-code-title">Screen paired</h2>
          <p>
            On the screen, open <code>{`${window.location.origin}/screen`}</code> and enter this
            code, or open the link below there. It is shown once.
          </p>
          <p>
            <output aria-label="Pairing code" className="code">
              {code}
            </output>
          </p>
          <p>
            <a href={`/screen#code=${encodeURIComponent(code)}`}>Screen link</a>
          </p>
        </section>
      )}
    </>
  );
}
