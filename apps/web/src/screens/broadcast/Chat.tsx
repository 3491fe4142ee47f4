// The live chat and hearts. Comments are kept by id: a reconnect refetches the chat and merges it,
// so nothing is lost or shown twice.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useClient, useMutation } from 'urql';
import { onEnd, pipe, subscribe } from 'wonka';
import { useMe } from '../../app/me';
import {
  BanViewerDocument,
  BroadcastEventsDocument,
  PostCommentDocument,
  RemoveCommentDocument,
  SendHeartsDocument,
  type BroadcastPageQuery,
  type CommentFragment,
} from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';
import { Hearts } from './Hearts';

type Broadcast = NonNullable<BroadcastPageQuery['broadcast']>;

/** The codes the events of a broadcast answer with to a viewer who may no longer watch it. */
const DENIED = new Set(['NOT_FOUND', 'FORBIDDEN']);
/** The longest wait before the events are opened again after a fault. */
const MAX_RETRY_MS = 30_000;

/** A replay's chat up to where its video is (ReplayChat): shown instead of the live one. */
export interface ReplayedChat {
  comments: CommentFragment[];
  hearts: { total: number; burst: number };
  error: string | null;
}

export function Chat({
  broadcast,
  isBroadcaster,
  onStatusChanged,
  replayed,
}: {
  broadcast: Broadcast;
  isBroadcaster: boolean;
  /** The broadcast went live or ended: read it again. */
  onStatusChanged: () => void;
  replayed?: ReplayedChat;
}) {
  const me = useMe();
  const live = broadcast.status === 'LIVE';
  // A scheduled broadcast's events say when it goes live; an ended one has none left.
  const over = broadcast.status === 'ENDED' || broadcast.status === 'CANCELED';
  const [added, setAdded] = useState<CommentFragment[]>([]);
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const [hearts, setHearts] = useState({ total: broadcast.heartCount, burst: 0 });
  const [text, setText] = useState('');
  const [sent, send] = useMutation(PostCommentDocument);
  const [heartResult, sendHearts] = useMutation(SendHeartsDocument);
  const [removal, remove] = useMutation(RemoveCommentDocument);
  const [ban, runBan] = useMutation(BanViewerDocument);
  // The chat mode a comment was sent under: its refusal goes once the mode changes.
  const [sentUnder, setSentUnder] = useState<string | null>(null);
  const [lostAccess, setLostAccess] = useState(false);
  const client = useClient();
  const statusChanged = useRef(onStatusChanged);
  statusChanged.current = onStatusChanged;

  // Each new value opens the events again, after they stopped without ENDED.
  const [attempt, setAttempt] = useState(0);
  const failures = useRef(0);
  useEffect(() => setSentUnder(null), [broadcast.chatMode]);

  useEffect(() => {
    if (over || lostAccess) return;
    let leaving = false;
    let ended = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let denied = false;
    const subscription = pipe(
      client.subscription(BroadcastEventsDocument, { broadcastId: broadcast.id }),
      // Events stop after ENDED. Otherwise the viewer may have lost access to a broadcast still
      // running (banned, blocked, no longer a follower of a followers-only one), or something
      // failed: opening them again tells which (NOT_FOUND or FORBIDDEN when access is gone), at
      // once the first time, then backing off; the page is read again for what was missed.
      onEnd(() => {
        if (leaving || ended) return;
        if (denied) {
          setLostAccess(true);
          return;
        }
        const delay =
          failures.current === 0 ? 0 : Math.min(MAX_RETRY_MS, 500 * 2 ** failures.current);
        failures.current += 1;
        retry = setTimeout(() => {
          statusChanged.current();
          setAttempt((count) => count + 1);
        }, delay);
      }),
      subscribe((result) => {
        if (result.error?.graphQLErrors.some((error) => DENIED.has(String(error.extensions.code))))
          denied = true;
        const event = result.data?.broadcastEvents;
        if (!event) return;
        failures.current = 0;
        if (event.kind === 'ENDED') ended = true;
        if (event.kind === 'COMMENT' && event.comment) {
          const comment = event.comment;
          setAdded((list) => [...list, comment]);
        }
        if (event.kind === 'COMMENT_REMOVED' && event.comment) {
          const { id } = event.comment;
          setRemoved((set) => new Set(set).add(id));
        }
        if (event.kind === 'HEARTS')
          setHearts({ total: event.heartCount, burst: event.heartsDelta });
        if (event.kind === 'STARTED' || event.kind === 'ENDED') statusChanged.current();
      }),
    );
    return () => {
      leaving = true;
      clearTimeout(retry);
      subscription.unsubscribe();
    };
  }, [client, broadcast.id, over, lostAccess, attempt]);

  const comments = useMemo(() => {
    const byId = new Map<string, CommentFragment>();
    if (replayed) for (const comment of replayed.comments) byId.set(comment.id, comment);
    else for (const edge of broadcast.comments.edges) byId.set(edge.node.id, edge.node);
    for (const comment of added) byId.set(comment.id, comment);
    return [...byId.values()].filter((comment) => !removed.has(comment.id));
  }, [replayed, broadcast.comments.edges, added, removed]);
  const shownHearts = replayed?.hearts ?? hearts;
  const refusal = lostAccess
    ? 'You can no longer take part in this broadcast.'
    : isBroadcaster
      ? null
      : chatRefusal(broadcast);

  useEffect(
    () => setHearts((current) => ({ ...current, total: broadcast.heartCount })),
    [broadcast.heartCount],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSentUnder(broadcast.chatMode);
    const comment = (await send({ broadcastId: broadcast.id, text })).data?.postComment;
    if (!comment) return;
    setText('');
    setAdded((list) => [...list, comment]);
  };

  return (
    <aside className="chat" aria-label={replayed ? 'Chat replay' : 'Live chat'}>
      <h2>Chat</h2>
      <ErrorText error={replayed?.error} />
      <ul className="comments" aria-live="polite">
        {comments.map((comment) => (
          <li key={comment.id}>
            <strong>@{comment.author.handle}</strong> {comment.text}
            {(isBroadcaster || comment.author.id === me?.id) && (
              <button
                type="button"
                className="link"
                aria-label={`Remove comment by @${comment.author.handle}`}
                onClick={() =>
                  void remove({ id: comment.id }).then(
                    (result) =>
                      result.data?.removeComment &&
                      setRemoved((set) => new Set(set).add(comment.id)),
                  )
                }
              >
                Remove
              </button>
            )}
            {isBroadcaster && comment.author.id !== me?.id && (
              <button
                type="button"
                className="link"
                aria-label={`Ban @${comment.author.handle}`}
                onClick={() =>
                  void runBan({ broadcastId: broadcast.id, userId: comment.author.id })
                }
              >
                Ban
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorText error={removal.error ?? ban.error} />
      {ban.data?.banViewer && <p role="status">Banned.</p>}
      <Hearts total={shownHearts.total} burst={shownHearts.burst} />
      {live && me && refusal && <p role="status">{refusal}</p>}
      {live && me && !lostAccess && (
        <>
          <button
            type="button"
            aria-label="Heart"
            onClick={() => void sendHearts({ broadcastId: broadcast.id, count: 1 })}
          >
            ♥ Heart
          </button>
          <ErrorText error={heartResult.error} />
          {!refusal && (
            <form onSubmit={(event) => void submit(event)} className="comment-form">
              <label>
                Comment
                <input
                  value={text}
                  maxLength={200}
                  required
                  onChange={(event) => setText(event.target.value)}
                />
              </label>
              <button type="submit" disabled={sent.fetching}>
                Send
              </button>
            </form>
          )}
          <ErrorText error={sentUnder === broadcast.chatMode ? sent.error : undefined} />
        </>
      )}
    </aside>
  );
}

/** Why the chat mode keeps the viewer from commenting, or null when it does not. */
function chatRefusal(broadcast: Broadcast): string | null {
  if (broadcast.chatMode === 'OFF') return 'Comments are off.';
  if (broadcast.chatMode === 'FOLLOWERS' && !broadcast.broadcaster.viewerFollows) {
    return `Only followers of @${broadcast.broadcaster.handle} may comment.`;
  }
  return null;
}
