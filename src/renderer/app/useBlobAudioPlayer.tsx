import { useCallback, useEffect, useRef, useState } from 'react';
import { App } from 'antd';
import { base64ToBytes } from '../media';

export type AudioData = { mimeType: string; dataBase64: string };

/**
 * Plays audio fetched whole over the contract (call and broadcast recordings, broadcast clips) from a blob, one at a
 * time: toggling the playing item stops it. `element` must be rendered once by the caller.
 */
export function useBlobAudioPlayer(failedText: string, testId: string) {
  const { message } = App.useApp();
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
    async (id: string, load: (id: string) => Promise<AudioData>) => {
      const audio = audioRef.current;
      if (!audio) return;
      if (playing === id) {
        audio.pause();
        setPlaying(null);
        return;
      }
      try {
        const { mimeType, dataBase64 } = await load(id);
        if (urlRef.current) URL.revokeObjectURL(urlRef.current);
        urlRef.current = URL.createObjectURL(new Blob([base64ToBytes(dataBase64)], { type: mimeType }));
        audio.src = urlRef.current;
        audio.dataset.audioId = id;
        await audio.play();
        setPlaying(id);
      } catch (err) {
        message.error(`${failedText}：${err instanceof Error ? err.message : String(err)}`);
      }
    },
    [playing, message, failedText],
  );

  const element = <audio ref={audioRef} className="blob-audio" data-testid={testId} controls={playing !== null} onEnded={() => setPlaying(null)} />;
  return { playing, toggle, element };
}
