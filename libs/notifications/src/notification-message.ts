import { BusMessage } from '@app/realtime';
import type { CreatedNotification } from './notifications.repository';

/** The bus topic on which every process learns of new notifications. */
export const NOTIFICATIONS_TOPIC = 'notifications';

/** The rows one event created, as parallel arrays: `recipients[i]` receives `ids[i]`. */
export interface NewNotifications {
  ids: string[];
  recipients: string[];
}

/** One message per event, whatever the number of recipients (a go-live can have thousands). */
export function toMessage(rows: readonly CreatedNotification[]): NewNotifications & BusMessage {
  return { ids: rows.map((row) => row.id), recipients: rows.map((row) => row.recipientId) };
}

const DATABASE_ID = /^[1-9][0-9]{0,18}$/;

const isIdList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((id) => typeof id === 'string' && DATABASE_ID.test(id));

/**
 * The ids of the notifications whose recipient has a subscriber in this process. A message of
 * another shape (another version of the service during a rolling deploy) yields none: its ids
 * would otherwise reach SQL.
 */
export function localIds(message: BusMessage, isLocal: (recipientId: string) => boolean): string[] {
  const { ids, recipients } = message;
  if (!isIdList(ids) || !isIdList(recipients) || ids.length !== recipients.length) return [];
  return ids.filter((_, i) => isLocal(recipients[i]));
}
