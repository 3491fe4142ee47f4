import { InvalidInputError } from '@app/common';
import { HANDLE_BODY, HANDLE_CHARACTER } from '@app/config';

export const MAX_POST_LENGTH = 280;
/** Longest hashtag kept, in code points; post_hashtags.tag is varchar(100). */
export const MAX_HASHTAG_LENGTH = 100;
const MAX_TAGS = 30;
const MAX_MENTIONS = 20;

// A tag or mention starts the text or follows a character that is not part of a word, so
// "mail@example" and "a#b" are not extracted.
const HASHTAG = /(?<![\p{L}\p{N}_#])#([\p{L}\p{N}_]{1,100})/gu;
const MENTION = new RegExp(`(?<![\\p{L}\\p{N}_@])@(${HANDLE_BODY})(?!${HANDLE_CHARACTER})`, 'gu');

export interface ParsedPostText {
  text: string;
  /** As written, first occurrence of each tag (case-insensitively), in order. */
  hashtags: string[];
  /** Lower-cased handles, each once. */
  mentions: string[];
}

function uniqueBy(values: string[], limit: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    const key = value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
    if (out.length === limit) break;
  }
  return out;
}

/**
 * The key a hashtag is indexed and looked up by (post_hashtags.tag): lower-cased, and cut to
 * MAX_HASHTAG_LENGTH code points, since lower-casing can lengthen a tag ('İ' becomes 'i' plus a
 * combining dot).
 */
export function hashtagKey(tag: string): string {
  return [...tag.toLowerCase()].slice(0, MAX_HASHTAG_LENGTH).join('');
}

/** The post rules: 1-280 Unicode code points after trimming; tags and mentions extracted. */
export function parsePostText(raw: string, field = 'text'): ParsedPostText {
  const text = raw.trim();
  const length = [...text].length;
  if (length === 0) throw InvalidInputError.field(field, 'must not be empty');
  if (length > MAX_POST_LENGTH) {
    throw InvalidInputError.field(
      field,
      `must be at most ${MAX_POST_LENGTH} characters (got ${length})`,
    );
  }
  return {
    text,
    hashtags: uniqueBy(
      [...text.matchAll(HASHTAG)].map((m) => m[1]),
      MAX_TAGS,
    ),
    mentions: uniqueBy(
      [...text.matchAll(MENTION)].map((m) => m[1]),
      MAX_MENTIONS,
    ).map((h) => h.toLowerCase()),
  };
}
