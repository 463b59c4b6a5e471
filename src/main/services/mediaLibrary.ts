import type { RecordingEntry, SnapshotEntry } from '../../shared/domain/mediaLibrary';
import { ConsoleError } from '../../shared/contract/rpc';
import type { Db } from './store';

/**
 * Snapshots (PNG) and local recordings of wall tiles: files under `<dataDir>/media/`, indexed in SQLite.
 * STUB: being implemented (issue 3).
 */
export class MediaLibrary {
  constructor(
    private readonly db: Db,
    private readonly dir: string,
  ) {}

  saveSnapshot(_input: { channelId: string; channelName: string; takenAt: number; png: Buffer }): SnapshotEntry {
    throw new ConsoleError('internal', `not implemented ${String(this.db)} ${this.dir}`);
  }
  listSnapshots(_limit: number): SnapshotEntry[] {
    return [];
  }
  readSnapshot(_id: string): Buffer {
    throw new ConsoleError('not-found', 'no snapshot');
  }
  startRecording(_input: { channelId: string; channelName: string; mimeType: string; startedAt?: number }): RecordingEntry {
    throw new ConsoleError('internal', 'not implemented');
  }
  appendRecording(_id: string, _seq: number, _data: Buffer): { bytes: number } {
    throw new ConsoleError('internal', 'not implemented');
  }
  stopRecording(_id: string): RecordingEntry {
    throw new ConsoleError('internal', 'not implemented');
  }
  listRecordings(_limit: number): RecordingEntry[] {
    return [];
  }
  /** Closes recordings a killed process left open (end time from the file); returns how many. */
  recoverUnfinished(): number {
    return 0;
  }
}
