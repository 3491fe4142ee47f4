import { QueryFailedError } from 'typeorm';

/** PostgreSQL's SQLSTATE codes for the constraint violations a repository may translate. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const EXCLUSION_VIOLATION = '23P01';

const TRANSLATED = new Set([UNIQUE_VIOLATION, FOREIGN_KEY_VIOLATION, EXCLUSION_VIOLATION]);

/** The constraint a failed statement violated, or undefined for any other error. */
export function violatedConstraint(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const { code, constraint } = (error.driverError ?? {}) as { code?: string; constraint?: string };
  return code !== undefined && TRANSLATED.has(code) ? constraint : undefined;
}

/**
 * The one mapping from database constraints to domain errors: runs `statement` and, when it
 * violates one of the named constraints, throws that constraint's error instead. Any other error
 * passes through unchanged.
 */
export async function translateConstraints<T>(
  statement: () => Promise<T>,
  errors: Readonly<Record<string, () => Error>>,
): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    const constraint = violatedConstraint(error);
    const translated = constraint === undefined ? undefined : errors[constraint];
    throw translated ? translated() : error;
  }
}
