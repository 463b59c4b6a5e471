import { useCallback, useEffect, useRef, useState } from 'react';
import { App } from 'antd';
import type { CallRecord } from '../../../shared/domain/telephony';
import { useT } from '../../app/hooks';
import { usePhoneEngine } from './phoneEngineContext';
import { saveBase64 } from './saveFile';
import { base64ToBytes } from '../../media';

/** Plays call recordings in the console (fetched whole over the contract, played from a blob) and downloads one. */
export function useCallRecordingPlayer() {
  const t = useT();
  const { message } = App.useApp();
  const engine = usePhoneEngine();
  const audioRef = useRef<HTMLAudioElement>(null);
  const urlRef = useRef<string | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);

  useEffect(
    () => () => {
      if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    },
    [],
  );

  const toggle = useCallback(
    async (recordingId: string) => {
      const audio = audioRef.current;
      if (!audio) return;
      if (playing === recordingId) {
        audio.pause();
        setPlaying(null);
        return;
      }
      try {
        const { mimeType, dataBase64 } = await engine.readRecording(recordingId);
        if (urlRef.current) URL.revokeObjectURL(urlRef.current);
        urlRef.current = URL.createObjectURL(new Blob([base64ToBytes(dataBase64)], { type: mimeType }));
        audio.src = urlRef.current;
        audio.dataset.recordingId = recordingId;
        await audio.play();
        setPlaying(recordingId);
      } catch (err) {
        message.error(`${t('phone.rec.playFailed')}：${err instanceof Error ? err.message : String(err)}`);
      }
    },
    [engine, playing, message, t],
  );

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

  const element = <audio ref={audioRef} className="phone-recording-audio" data-testid="rec-audio" controls={playing !== null} onEnded={() => setPlaying(null)} />;
  return { playing, toggle, download, element };
}
