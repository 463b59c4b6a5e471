import { useCallback } from 'react';
import { App } from 'antd';
import { useT } from '../../app/hooks';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { useWallCommandMutation } from '../wall/wallApi';

/** Puts a mine's cameras (online first, at most 16) on monitor 1 of the wall and shows the wall. */
export function useOpenMineOnWall(): (mineId: string) => Promise<void> {
  const t = useT();
  const { message } = App.useApp();
  const { data: catalogue } = useGetCatalogueQuery();
  const [command] = useWallCommandMutation();
  return useCallback(
    async (mineId: string) => {
      const channels = (catalogue?.channels ?? []).filter((c) => c.mineId === mineId);
      if (channels.length === 0) {
        message.warning(t('phone.mineNoVideo'));
        return;
      }
      const ordered = [...channels.filter((c) => c.online), ...channels.filter((c) => !c.online)].slice(0, 16);
      const result = await command({ op: 'fill', monitor: 1, channelIds: ordered.map((c) => c.id) });
      if ('error' in result) {
        message.error(`${t('phone.mineVideoFailed')}：${(result.error as { message?: string }).message ?? ''}`);
        return;
      }
      location.hash = '#/wall';
    },
    [catalogue, command, message, t],
  );
}
