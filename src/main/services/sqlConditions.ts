type Params = Record<string, string | number>;

/**
 * The WHERE of a list query, condition by condition, with its named parameters. `equal` is for columns that lead a
 * (column, time) index: the first one present picks its index, a unary + keeps the others off theirs (the planner,
 * which has no statistics, might otherwise choose a broader one).
 */
export class SqlConditions {
  readonly clauses: string[] = [];
  readonly params: Params;
  private indexed = false;

  constructor(params: Params = {}) {
    this.params = { ...params };
  }

  add(clause: string, values: Params = {}): void {
    this.clauses.push(clause);
    Object.assign(this.params, values);
  }

  equal(column: string, name: string, value: string | undefined): void {
    if (value === undefined) return;
    this.add(`${this.indexed ? '+' : ''}${column} = @${name}`, { [name]: value });
    this.indexed = true;
  }

  /** `from` inclusive, `to` exclusive, on a time column. */
  timeWindow(column: string, from: number | undefined, to: number | undefined): void {
    if (from !== undefined) this.add(`${column} >= @from`, { from });
    if (to !== undefined) this.add(`${column} < @to`, { to });
  }

  /**
   * Keyset paging newest first (`column DESC, id DESC`): the rows after the previous page's last one. The range on
   * the time column alone lets every (x, time) index seek; the OR settles ties by id.
   */
  before(column: string, idColumn: string, at: number, id: string): void {
    this.add(`${column} <= @beforeAt AND (${column} < @beforeAt OR ${idColumn} < @beforeId)`, { beforeAt: at, beforeId: id });
  }

  /** `WHERE a AND b`, or nothing when there is no condition. */
  where(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}
