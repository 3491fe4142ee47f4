/**
 * SQL the accounts library lends to other libraries' queries, so no other library names its
 * `users` table: true when the account whose id is in `idColumn` exists and is not suspended.
 */
export function activeUserSql(idColumn: string): string {
  return `EXISTS (SELECT 1 FROM users au WHERE au.id = ${idColumn} AND au.suspended_at IS NULL)`;
}
