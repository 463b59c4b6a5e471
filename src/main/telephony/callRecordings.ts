import type { CallRecordingEntry } from '../../shared/domain/telephony';
import { AudioRecordings, type AudioRecordingEntry } from '../services/audioRecordings';
import { safeFileLabel } from '../services/mediaLibrary';
import type { Db } from '../services/store';

/** Call recordings (通话录音): both directions, under `<media>/calls/`, rows in `call_recordings` (migration 3). */
export class CallRecordings {
  private readonly recordings: AudioRecordings;

  constructor(db: Db, mediaDir: string) {
    this.recordings = new AudioRecordings(
      db,
      mediaDir,
      { table: 'call_recordings', ownerColumn: 'call_id', ownerTable: 'calls', folder: 'calls', noun: '通话录音' },
      (call) => [call.caller_number, call.callee_number].map((n) => safeFileLabel(String(n)) || 'x').join('-'),
    );
  }

  start(input: { callId: string; mimeType: string; startedAt?: number }): CallRecordingEntry {
    return toCallEntry(this.recordings.start({ ownerId: input.callId, mimeType: input.mimeType, startedAt: input.startedAt }));
  }

  append(id: string, seq: number, data: Buffer): { bytes: number } {
    return this.recordings.append(id, seq, data);
  }

  stop(id: string): CallRecordingEntry {
    return toCallEntry(this.recordings.stop(id));
  }

  get(id: string): CallRecordingEntry {
    return toCallEntry(this.recordings.get(id));
  }

  read(id: string): { mimeType: string; data: Buffer } {
    return this.recordings.read(id);
  }

  /** Closes recordings a killed process left open (like the wall's recordings); returns how many. */
  recoverUnfinished(): number {
    return this.recordings.recoverUnfinished();
  }
}

function toCallEntry({ ownerId, ...rest }: AudioRecordingEntry): CallRecordingEntry {
  return { ...rest, callId: ownerId };
}
