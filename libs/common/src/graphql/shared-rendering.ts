import { randomBytes } from 'node:crypto';
import { Extensions } from '@nestjs/graphql';

/** The schema extension that marks a field with a resolver as the same for every viewer. */
export const VIEWER_INDEPENDENT = 'viewerIndependent';

/**
 * Marks a resolved field as the same for every viewer given the same parent, so a pushed update
 * selecting it is rendered once for all its recipients. Fields with a resolver are per-viewer
 * unless marked.
 */
export const ViewerIndependent = (): MethodDecorator & PropertyDecorator & ClassDecorator =>
  Extensions({ [VIEWER_INDEPENDENT]: true });

/**
 * Stands for each recipient's own string in a shared rendering. Random per process: text from
 * users cannot contain it.
 */
export const RECIPIENT_VALUE = `\u0000${randomBytes(16).toString('hex')}`;

/** One event as several subscriptions receive it: rendered once per operation for all of them. */
export class SharedEvent {
  /** The renderings made for it, by operation (document, operation name and variables). */
  readonly renderings = new Map<string, Promise<string[] | undefined>>();

  /**
   * @param template the subscription's root value, with RECIPIENT_VALUE in place of each
   *   recipient's own string; it is executed with no viewer.
   */
  constructor(readonly template: unknown) {}
}

/** A subscription event that may be rendered once for all the recipients of `shared`. */
export interface SharedRecipient {
  shared?: SharedEvent;
  /** What replaces RECIPIENT_VALUE for this recipient. */
  recipientValue?: string;
}
