import { ColumnType, DataSource } from 'typeorm';

/**
 * PostgreSQL types that entities map but TypeORM's driver does not list: `xid8`, a writer's
 * transaction id (the timeline log's order). Listed, such columns are checked against the
 * migrations like any other.
 */
const EXTRA_POSTGRES_TYPES = ['xid8'];

/** The column type of a transaction id; TypeORM's type list does not name it. */
export const XID8 = 'xid8' as ColumnType;

/** A data source whose driver also accepts EXTRA_POSTGRES_TYPES; call before `initialize`. */
export function withExtraPostgresTypes(dataSource: DataSource): DataSource {
  const driver = dataSource.driver as unknown as { supportedDataTypes: string[] };
  for (const type of EXTRA_POSTGRES_TYPES) {
    if (!driver.supportedDataTypes.includes(type)) driver.supportedDataTypes.push(type);
  }
  return dataSource;
}
