import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '../errors/domain-errors';

/** The GraphQL type names whose ids are global ids `node(id:)` resolves. */
export type NodeTypeName =
  | 'User'
  | 'Post'
  | 'Broadcast'
  | 'BroadcastComment'
  | 'Show'
  | 'Airing'
  | 'Device'
  | 'Notification'
  | 'Report'
  | 'WatchLaterEntry';

export interface DecodedGlobalId {
  type: string;
  id: string;
}

/** Opaque, type-tagged ids: base64url("Post:42"). Database ids are positive bigints. */
export function toGlobalId(type: NodeTypeName, id: string | number): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

const DATABASE_ID = /^[1-9][0-9]{0,17}$/;

/** Whether `text` is a database id: a positive bigint, in range. */
export function isDatabaseId(text: string): boolean {
  return DATABASE_ID.test(text);
}

export function decodeGlobalId(globalId: string): DecodedGlobalId | undefined {
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > 64)
    return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(globalId)) return undefined;
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const type = text.slice(0, colon);
  const id = text.slice(colon + 1);
  return isDatabaseId(id) ? { type, id } : undefined;
}

/** The database id inside a global id of the expected type, or BAD_USER_INPUT naming the field. */
export function parseGlobalId(globalId: string, type: NodeTypeName, field = 'id'): string {
  const decoded = decodeGlobalId(globalId);
  if (!decoded || decoded.type !== type) {
    throw InvalidInputError.field(field, `is not a valid ${type} id`);
  }
  return decoded.id;
}

/**
 * The database id inside an optional global id: undefined only when it is absent (null or
 * undefined). An empty string is a malformed id like any other, not a missing one.
 */
export function parseOptionalGlobalId(
  globalId: string | null | undefined,
  type: NodeTypeName,
  field = 'id',
): string | undefined {
  return globalId === null || globalId === undefined
    ? undefined
    : parseGlobalId(globalId, type, field);
}

/** `@Args('id', { type: () => ID }, new GlobalIdPipe('Post'))` yields the Post's database id. */
@Injectable()
export class GlobalIdPipe implements PipeTransform<string | null | undefined> {
  constructor(private readonly type: NodeTypeName) {}

  transform(value: string | null | undefined, metadata: ArgumentMetadata): string | undefined {
    return parseOptionalGlobalId(value, this.type, metadata.data ?? 'id');
  }
}
