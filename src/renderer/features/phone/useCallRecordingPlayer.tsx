import { useCallback } from 'react';
import { App } from 'antd';
import type { CallRecord } from '../../../shared/domain/telephony';
import { useT } from '../../app/hooks';
import { usePhoneEngine } from './phoneEngineContext';
import { saveBase64 } from './saveFile';
import { useBlobAudioPlayer } from '../../app/useBlobAudioPlayer';

/** Plays call recordings in the console (fetched whole over the contract, played from a blob) and downloads one. */
export function useCallRecordingPlayer() {
  const t = useT();
  const { message } = App.useApp();
  const engine = usePhoneEngine();
  const player = useBlobAudioPlayer(t('phone.rec.playFailed'), 'rec-audio');
  const { toggle: toggleAudio } = player;
  const toggle = useCallback((recordingId: string) => toggleAudio(recordingId, (id) => engine.readRecording(id)), [toggleAudio, engine]);

  const download = useCallback(
    async (r: CallRecord) => {
      if (!r.recordingId) return;
      try {
        const { mimeType, dataBase64 } = await engine.readRecording(r.recordingId);
        const ext = mimeType.includes('ogg') ? 'ogg' : 'webm';
        saveBase64(dataBase64, mimeType, `通话录音-${r.caller.number}-${r.callee.number}-${r.startedAt}.${ext}`);
      } catch (err) {
        message.error(`${t('phone.rec.downloadFailed')}：${err instanceof Error ? err.message : String(err)}`);
      }
    },
    [engine, message, t],
  );

  return { playing: player.playing, toggle, download, element: player.element };
}
