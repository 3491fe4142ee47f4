// The See it button: a menu of where to watch (TV, tablet, phone, web) or save it for later; a
// paired screen of that kind is told to play it, otherwise the link opens here.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { useMe } from '../app/me';
import { navigate } from '../app/router';
import {
  DevicesDocument,
  type DevicesQuery,
  TapSeeItDocument,
  type SeeItAction,
  type SeeItButtonFragment,
} from '../generated/graphql';
import { ErrorText } from '../ui/errors';

const ACTIONS: { action: SeeItAction; label: string }[] = [
  { action: 'TV', label: 'TV' },
  { action: 'TABLET', label: 'Tablet' },
  { action: 'MOBILE', label: 'Phone' },
  { action: 'WEB', label: 'Web' },
  { action: 'LATER', label: 'Later' },
];

export function SeeItButton({ seeIt }: { seeIt: SeeItButtonFragment }) {
  const me = useMe();
  const menuId = useId();
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [tap, runTap] = useMutation(TapSeeItDocument);
  const client = useClient();
  const [devices] = useQuery({
    query: DevicesDocument,
    pause: !me || !open,
    requestPolicy: 'cache-and-network',
  });
  const first = useRef<HTMLButtonElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (open) first.current?.focus();
  }, [open]);

  const choose = async (action: SeeItAction) => {
    setOpen(false);
    // A screen may have been paired elsewhere since the list was read (the TV shows a code, the
    // phone pairs it): ask again before saying there is none.
    const ofKind = (list: DevicesQuery['devices'] | undefined) =>
      list?.find((candidate) => candidate.kind === action);
    const device =
      ofKind(devices.data?.devices) ??
      (action === 'LATER'
        ? undefined
        : ofKind(
            (await client.query(DevicesDocument, {}, { requestPolicy: 'network-only' }).toPromise())
              .data?.devices,
          ));
    const subject = seeIt.broadcast
      ? { broadcastId: seeIt.broadcast.id }
      : { showId: seeIt.show?.id };
    const result = await runTap({ input: { action, ...subject, deviceId: device?.id } });
    const done = result.data?.seeIt;
    if (!done) return;
    if (done.savedForLater) setNotice('Saved to your watch-later list.');
    else if (done.sentToDevice) setNotice(`Playing on ${device?.name ?? 'your screen'}.`);
    else if (done.url && action === 'WEB') openWebLink(done.url);
    else if (done.url)
      setNotice(`No paired ${action.toLowerCase()} screen: open ${done.url} there.`);
  };

  if (!me) return null;
  return (
    <div
      className="see-it"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          setOpen(false);
          toggle.current?.focus();
        }
      }}
    >
      <button
        ref={toggle}
        type="button"
        className="primary"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
      >
        See it
      </button>
      {open && (
        <ul
          id={menuId}
          role="menu"
          aria-label={`See ${seeIt.title} on`}
          className="menu"
          onKeyDown={moveFocus}
        >
          {ACTIONS.map(({ action, label }, index) => (
            <li key={action} role="none">
              <button
                type="button"
                role="menuitem"
                ref={index === 0 ? first : undefined}
                onClick={() => void choose(action)}
              >
                {label}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorText error={tap.error} />
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
    </div>
  );
}

/** Arrow keys move between the items of an open menu. */
function moveFocus(event: KeyboardEvent<HTMLUListElement>): void {
  const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
  if (!step) return;
  event.preventDefault();
  const items = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];
  const current = items.indexOf(document.activeElement as HTMLButtonElement);
  items[(current + step + items.length) % items.length]?.focus();
}

/** A WEB link points at this app's /watch route: follow it without a reload. */
function openWebLink(url: string): void {
  const target = new URL(url, window.location.href);
  if (target.origin === window.location.origin) navigate(target.pathname + target.search);
  else window.location.assign(url);
}
