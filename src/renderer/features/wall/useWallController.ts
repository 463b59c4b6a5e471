import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { App } from 'antd';
import type { WallCommand, WallCommandResult } from '../../../shared/domain/wall';
import { PRESET_LAYOUTS } from '../../../shared/domain/wall';
import { useT } from '../../app/hooks';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { cameraNumbers } from '../tree/treeModel';
import { useGetWallQuery, useWallCommandMutation } from './wallApi';
import { CctvKeyboard } from './cctvKeyboard';

/**
 * What every wall window needs: the wall from the Node side, the catalogue indexed for tiles, a
 * command function that reports failures, and the CCTV keyboard bound to this window.
 */
export function useWallController(monitorId: number, selected: number, actions: { select: (tile: number) => void; chooseMonitor?: (m: number) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const { data: wall, error: wallError } = useGetWallQuery();
  const { data: catalogue } = useGetCatalogueQuery();
  const [send] = useWallCommandMutation();
  const channels = useMemo(() => new Map((catalogue?.channels ?? []).map((c) => [c.id, c])), [catalogue]);
  const numbers = useMemo(() => cameraNumbers(catalogue ?? { mines: [], channels: [] }), [catalogue]);
  const monitor = wall?.monitors.find((m) => m.id === monitorId) ?? null;

  const command = useCallback(
    async (cmd: WallCommand): Promise<WallCommandResult | null> => {
      try {
        const result = await send(cmd).unwrap();
        if (result.skipped > 0) void message.warning(t('wall.fillSkipped', { n: result.skipped }));
        return result;
      } catch (err) {
        const reason = err && typeof err === 'object' && 'message' in err ? String((err as { message: unknown }).message) : String(err);
        void message.error(t('wall.commandFailed', { reason }));
        return null;
      }
    },
    [send, message, t],
  );

  // The keyboard (one per window), kept across renders; its display updates with each key.
  const keyboard = useRef(new CctvKeyboard());
  const [entry, setEntry] = useState('');
  const latest = useRef({ monitor, selected, numbers, actions, wall });
  useEffect(() => {
    latest.current = { monitor, selected, numbers, actions, wall };
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      const action = keyboard.current.press(e);
      setEntry(keyboard.current.entry);
      const { monitor: m, selected: sel, numbers: nums, actions: act, wall: w } = latest.current;
      if (!action || !m) return;
      e.preventDefault();
      switch (action.kind) {
        case 'monitor':
          if (act.chooseMonitor && w?.monitors.some((x) => x.id === action.monitor)) act.chooseMonitor(action.monitor);
          else void message.warning(t('wall.noMonitor', { n: action.monitor }));
          break;
        case 'tile':
          if (action.tile < m.layout.cells.length) act.select(action.tile);
          break;
        case 'camera': {
          const channelId = nums.byNumber.get(action.camera);
          if (!channelId) void message.warning(t('wall.noCamera', { n: action.camera }));
          else void command({ op: 'open', monitor: m.id, tile: sel, channelId }).then(() => act.select((sel + 1) % m.layout.cells.length));
          break;
        }
        case 'layout':
          void command({ op: 'setLayout', monitor: m.id, layout: PRESET_LAYOUTS[action.preset] });
          break;
        case 'closeTile':
          void command({ op: 'close', monitor: m.id, tile: sel });
          break;
        case 'tour': {
          const run = w?.runs.find((r) => r.monitor === m.id && r.tile === null) ?? w?.runs.find((r) => r.monitor === m.id && r.tile === sel);
          if (!run) break;
          const tourAction = action.action === 'toggle' ? (run.paused ? 'resume' : 'pause') : action.action;
          void command({ op: 'tourControl', monitor: m.id, tile: run.tile, action: tourAction });
          break;
        }
        case 'move':
          act.select((sel + action.delta + m.layout.cells.length) % m.layout.cells.length);
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [command, message, t]);

  return { wall, wallError, catalogue, channels, numbers, monitor, command, keyboardEntry: entry };
}
