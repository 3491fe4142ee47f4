// An HLS video: hls.js (loaded only then) wherever Media Source Extensions exist; the browser's own
// player only without them (iOS Safari). Chromium answers canPlayType for HLS too, but its own
// demuxer fails on the media server's live streams.
import { useEffect, useRef, useState } from 'react';

export function Player({ src, title }: { src: string; title: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    setError(null);
    let destroy = () => undefined as void;
    let canceled = false;
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
        const hls = new Hls({ liveDurationInfinity: true });
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (data.fatal) setError('The video stopped: it may have ended or the network failed.');
        });
        hls.on(Hls.Events.MANIFEST_PARSED, start);
        hls.loadSource(src);
        hls.attachMedia(element);
        destroy = () => hls.destroy();
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
