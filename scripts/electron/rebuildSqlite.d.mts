export type BuildResult = { ok: boolean; path?: string; reason?: string };
export declare const ELECTRON_SQLITE_OUT: string;
export declare const ELECTRON_HEADERS_URL: string;
export declare function buildSqliteForElectron(options?: { force?: boolean; distUrl?: string; log?: (line: string) => void }): Promise<BuildResult>;
export declare function buildBetterSqlite(options: {
  runtime: 'electron' | 'node';
  target: string;
  outFile: string;
  distUrl?: string;
  nodedir?: string;
  arch?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
}): Promise<BuildResult>;
