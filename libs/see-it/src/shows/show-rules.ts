import { InvalidInputError } from '@app/common';
import { hashtagKey, MAX_HASHTAG_LENGTH } from '@app/posts';

export const MAX_SHOW_TITLE_LENGTH = 140;
export const MAX_NETWORK_LENGTH = 100;
export const MAX_DESCRIPTION_LENGTH = 1000;
export const MAX_CHANNEL_LENGTH = 60;

const SLUG = /^[a-z0-9-]{2,60}$/;
// What a post's #tag can be (libs/posts/src/post-text.ts), so every show hashtag can be mentioned.
const HASHTAG = new RegExp(`^[\\p{L}\\p{N}_]{2,${MAX_HASHTAG_LENGTH}}$`, 'u');

/** What createShow is given, before the rules below. */
export interface NewShow {
  slug: string;
  title: string;
  network: string;
  hashtag: string;
  description?: string | null;
}

export interface ShowFields {
  slug: string;
  title: string;
  network: string;
  /** As written, without '#'. */
  hashtag: string;
  /** The lower-cased key posts index the hashtag by. */
  tag: string;
  description: string | null;
}

export interface AiringFields {
  channel: string;
  startsAt: Date;
  endsAt: Date;
}

/** Trimmed text of 1 to `max` code points (as PostgreSQL counts them). */
function text(raw: string, field: string, max: number): string {
  const value = raw.trim();
  const length = [...value].length;
  if (length === 0) throw InvalidInputError.field(field, 'must not be empty');
  if (length > max) throw InvalidInputError.field(field, `must be at most ${max} characters`);
  return value;
}

/** A slug is part of the show's links: 2 to 60 of a-z, 0-9 and '-', exactly as given. */
export function parseSlug(raw: string): string {
  if (!SLUG.test(raw)) {
    throw InvalidInputError.field('slug', 'must be 2 to 60 lower-case letters, digits or hyphens');
  }
  return raw;
}

/** '#TheShow' or 'TheShow': kept as written (without '#'), matched case-insensitively. */
export function parseHashtag(raw: string): { hashtag: string; tag: string } {
  const hashtag = raw.trim().replace(/^#/, '');
  if (!HASHTAG.test(hashtag)) {
    throw InvalidInputError.field(
      'hashtag',
      `must be 2 to ${MAX_HASHTAG_LENGTH} letters, digits or underscores, as in a post's #tag`,
    );
  }
  return { hashtag, tag: hashtagKey(hashtag) };
}

export function parseShowInput(input: NewShow): ShowFields {
  const description = input.description?.trim()
    ? text(input.description, 'description', MAX_DESCRIPTION_LENGTH)
    : null;
  return {
    slug: parseSlug(input.slug),
    title: text(input.title, 'title', MAX_SHOW_TITLE_LENGTH),
    network: text(input.network, 'network', MAX_NETWORK_LENGTH),
    ...parseHashtag(input.hashtag),
    description,
  };
}

/** An airing ends after it starts (BAD_USER_INPUT); overlaps are the database's call (CONFLICT). */
export function parseAiring(input: AiringFields): AiringFields {
  const channel = text(input.channel, 'channel', MAX_CHANNEL_LENGTH);
  if (input.endsAt.getTime() <= input.startsAt.getTime()) {
    throw InvalidInputError.field('endsAt', 'must be after startsAt');
  }
  return { channel, startsAt: input.startsAt, endsAt: input.endsAt };
}
