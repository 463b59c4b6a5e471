export type FetchResult = { ok: boolean; path?: string; reason?: string };
export declare function fetchElectronBinary(options?: { timeoutMs?: number }): Promise<FetchResult>;
export declare function explainFailure(run: { code: number | null; timedOut: boolean; output: string }, timeoutMs: number): string;
