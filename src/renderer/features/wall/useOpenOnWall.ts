import { useCallback } from 'react';
import { App } from 'antd';
import { useT } from '../../app/hooks';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { useWallCommandMutation } from './wallApi';

/** Most channels one "open on the wall" fills (a 4x4 layout). */
const MAX_OPENED = 16;

/**
 * Puts channels (online first, at most 16) on monitor 1 of the wall; says why when it cannot. Resolves true when
 * the wall took them.
 */
export function useOpenChannelsOnWall(): (channelIds: readonly string[]) => Promise<boolean> {
  const t = useT();
  const { message } = App.useApp();
  const { data: catalogue } = useGetCatalogueQuery();
  const [command] = useWallCommandMutation();
  return useCallback(
    async (channelIds: readonly string[]) => {
      const byId = new Map((catalogue?.channels ?? []).map((c) => [c.id, c]));
      const channels = channelIds.flatMap((id) => byId.get(id) ?? []);
      if (channels.length === 0) {
        message.warning(t('phone.mineNoVideo'));
        return false;
      }
      const ordered = [...channels.filter((c) => c.online), ...channels.filter((c) => !c.online)].slice(0, MAX_OPENED);
      const result = await command({ op: 'fill', monitor: 1, channelIds: ordered.map((c) => c.id) });
      if ('error' in result) {
        message.error(`${t('phone.mineVideoFailed')}：${(result.error as { message?: string }).message ?? ''}`);
        return false;
      }
      return true;
    },
    [catalogue, command, message, t],
  );
}

/** Puts a mine's cameras on monitor 1 of the wall and shows the wall. */
export function useOpenMineOnWall(): (mineId: string) => Promise<void> {
  const { data: catalogue } = useGetCatalogueQuery();
  const open = useOpenChannelsOnWall();
  return useCallback(
    async (mineId: string) => {
      const ids = (catalogue?.channels ?? []).filter((c) => c.mineId === mineId).map((c) => c.id);
      if (await open(ids)) location.hash = '#/wall';
    },
    [catalogue, open],
  );
}
