import { useMemo, useState } from 'react';

const NO_ROWS: readonly never[] = [];

interface OlderPages<Row> {
  key: string;
  rows: readonly Row[];
  exhausted: boolean;
}

export interface KeysetPages<Row> {
  /** The live first page, then the older pages loaded so far (a row the first page holds again is shown once). */
  rows: Row[];
  /** A full first page and the last older page was full too: there may be more. */
  canLoadMore: boolean;
  /** Fetches the page older than the last row and appends it. */
  loadMore: () => Promise<void>;
}

/**
 * "Load more" over a keyset-paged list: the first page is a live query (it follows new rows as they arrive), older
 * pages are fetched on demand after the last row shown. Older pages belong to the query they were loaded for: a new
 * query (compared as JSON) starts again from its first page.
 */
export function useKeysetPages<Row extends { id: string }>(
  query: unknown,
  pageSize: number,
  firstPage: readonly Row[] | undefined,
  fetchOlder: (last: Row) => Promise<readonly Row[]>,
): KeysetPages<Row> {
  const queryKey = JSON.stringify(query);
  const [olderPages, setOlderPages] = useState<OlderPages<Row>>({ key: '', rows: [], exhausted: false });
  const older = olderPages.key === queryKey ? olderPages.rows : NO_ROWS;
  const exhausted = olderPages.key === queryKey && olderPages.exhausted;

  const rows = useMemo(() => {
    const head = firstPage ?? [];
    const seen = new Set(head.map((r) => r.id));
    return [...head, ...older.filter((r) => !seen.has(r.id))];
  }, [firstPage, older]);

  const loadMore = async (): Promise<void> => {
    const last = rows[rows.length - 1];
    if (!last) return;
    const page = await fetchOlder(last);
    setOlderPages({ key: queryKey, rows: [...older, ...page], exhausted: page.length < pageSize });
  };

  return { rows, canLoadMore: rows.length >= pageSize && !exhausted, loadMore };
}
