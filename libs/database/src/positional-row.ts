/** Where each column of a statement's rows is, by name. */
export type ColumnPositions = ReadonlyMap<string, number>;

/**
 * A row as pg reads it in array mode, with its statement's column positions.
 *
 * pg makes each row an object by copying one that has every column, at one place in its code for
 * every statement a process runs. Once that place has seen more than four column sets, V8 copies
 * the object property by property: a row of 90 columns then takes about 5 µs and twice the memory.
 * A wide row read on every request (the home page's) is read by position instead.
 */
export class PositionalRow {
  constructor(
    readonly values: readonly unknown[],
    readonly positions: ColumnPositions,
  ) {}

  get(column: string): unknown {
    return this.values[positionOf(this.positions, column)];
  }
}

/** A row as pg gives it: an object by column name, or by position. */
export type ResultRow = Record<string, unknown> | PositionalRow;

export function positionOf(positions: ColumnPositions, column: string): number {
  const at = positions.get(column);
  if (at === undefined) throw new Error(`The statement has no column ${column}`);
  return at;
}

/** The positions of `columns`, the names of a statement's result columns in order. */
export function columnPositions(columns: readonly string[]): ColumnPositions {
  const positions = new Map<string, number>();
  columns.forEach((column, at) => {
    if (positions.has(column)) throw new Error(`The statement names column ${column} twice`);
    positions.set(column, at);
  });
  return positions;
}
