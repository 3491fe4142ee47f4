// An HLS video: hls.js (loaded only then) wherever Media Source Extensions exist; the browser's own
// player only without them (iOS Safari). Chromium answers canPlayType for HLS too, but its own
// demuxer fails on the media server's live streams.
import { useEffect, useRef, useState } from 'react';

/** Fatal errors in a row that the player recovers from before it says the video stopped. */
const MAX_RECOVERIES = 3;
const RECOVERY_DELAY_MS = 1_000;

export function Player({
  src,
  title,
  onTime,
}: {
  src: string;
  title: string;
  /** Where the video is, in ms of its media: as it plays, when it is sought, and at its end. */
  onTime?: (ms: number, ended: boolean) => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = video.current;
    if (!element || !onTime) return;
    const report = () => onTime(element.currentTime * 1000, element.ended);
    const events = ['timeupdate', 'seeking', 'ended'] as const;
    for (const event of events) element.addEventListener(event, report);
    return () => {
      for (const event of events) element.removeEventListener(event, report);
    };
  }, [onTime]);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    setError(null);
    let destroy = () => undefined as void;
    let canceled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const start = () => void element.play().catch(() => undefined);
    if (!('MediaSource' in window) && element.canPlayType('application/vnd.apple.mpegurl')) {
      element.src = src;
      start();
    } else {
      void import('hls.js').then(({ default: Hls }) => {
        if (canceled) return;
        if (!Hls.isSupported()) {
          setError('This browser cannot play the video.');
          return;
        }
        const hls = new Hls({
          liveDurationInfinity: true,
          // A broadcast is LIVE as soon as its encoder connects; the playlist appears with the
          // first segment a few seconds later, so keep asking for it for about half a minute.
          manifestLoadPolicy: {
            default: {
              maxTimeToFirstByteMs: 10_000,
              maxLoadTimeMs: 20_000,
              timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
              errorRetry: {
                maxNumRetry: 15,
                retryDelayMs: 1_000,
                maxRetryDelayMs: 4_000,
                // hls.js gives up on a 4xx; a 404 here only means "not written yet".
                shouldRetry: (config, count, _timeout, response, retry) =>
                  retry || (response?.code === 404 && count < (config?.maxNumRetry ?? 0)),
              },
            },
          },
        });
        // hls.js gives up on a fatal error; a live viewer expects the player to pick the stream
        // up again, as hls.js documents: reload after a network error (from the live edge, where
        // segments still exist), rebuild the buffers after a decoding one. A few times in a row,
        // then it says so; a played segment starts the count again.
        let recoveries = 0;
        hls.on(Hls.Events.FRAG_BUFFERED, () => {
          recoveries = 0;
        });
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (!data.fatal) return;
          const recoverable =
            data.type === Hls.ErrorTypes.NETWORK_ERROR || data.type === Hls.ErrorTypes.MEDIA_ERROR;
          if (recoverable && recoveries < MAX_RECOVERIES) {
            recoveries += 1;
            if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
            else retry = setTimeout(() => hls.startLoad(-1), RECOVERY_DELAY_MS * recoveries);
            return;
          }
          setError('The video stopped: it may have ended or the network failed.');
        });
        hls.on(Hls.Events.MANIFEST_PARSED, start);
        hls.loadSource(src);
        hls.attachMedia(element);
        destroy = () => {
          clearTimeout(retry);
          hls.destroy();
        };
      });
    }
    return () => {
      canceled = true;
      destroy();
    };
  }, [src]);

  return (
    <div className="player">
      <video ref={video} aria-label={title} controls muted autoPlay playsInline />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
