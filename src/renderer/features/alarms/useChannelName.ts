import { useCallback, useMemo } from 'react';
import { useGetCatalogueQuery } from '../tree/catalogueApi';

/** The channel's name from the catalogue (its place when it has one), or its id when the catalogue lacks it. */
export function useChannelName(): (channelId: string) => string {
  const { data: catalogue } = useGetCatalogueQuery();
  const byId = useMemo(() => new Map((catalogue?.channels ?? []).map((c) => [c.id, c])), [catalogue]);
  return useCallback((channelId) => byId.get(channelId)?.name ?? channelId, [byId]);
}
