/**
 * What a handle is (PRODUCT.md, Accounts): 3 to 30 ASCII letters, digits or underscores. Sign-up,
 * lookups by handle, mentions in posts and BOOTSTRAP_ADMIN all use these.
 */
export const HANDLE_CHARACTER = '[A-Za-z0-9_]';

/** A handle inside a longer pattern (no anchors), e.g. after '@' in a mention. */
export const HANDLE_BODY = `${HANDLE_CHARACTER}{3,30}`;

/** A whole string that is a handle. */
export const HANDLE_PATTERN = new RegExp(`^${HANDLE_BODY}$`);
