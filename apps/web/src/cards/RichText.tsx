// Post text with #hashtags and @mentions as links: a mention to the profile, a show's hashtag to
// the show (other hashtags have no page to open).
import { Fragment } from 'react';
import { Link } from '../app/router';

const TOKEN = /([#@][\p{L}\p{N}_]+)/u;

export function RichText({
  text,
  mentions,
  show,
}: {
  text: string;
  mentions: readonly { handle: string }[];
  show?: { slug: string; hashtag: string } | null;
}) {
  const handles = new Set(mentions.map((user) => user.handle.toLowerCase()));
  return (
    <p className="post-text">
      {text.split(TOKEN).map((part, index) => {
        const word = part.slice(1);
        if (part.startsWith('@') && handles.has(word.toLowerCase())) {
          return (
            <Link key={index} href={`/@${word}`} className="mention">
              {part}
            </Link>
          );
        }
        if (part.startsWith('#') && show && show.hashtag.toLowerCase() === word.toLowerCase()) {
          return (
            <Link key={index} href={`/shows/${show.slug}`} className="hashtag">
              {part}
            </Link>
          );
        }
        if (part.startsWith('#')) {
          return (
            <span key={index} className="hashtag">
              {part}
            </span>
          );
        }
        return <Fragment key={index}>{part}</Fragment>;
      })}
    </p>
  );
}
