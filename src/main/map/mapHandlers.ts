import type { ConsoleHandlers } from '../../shared/contract/consoleApi';
import type { AuditLog } from '../services/auditLog';
import type { SettingsService } from '../services/settingsService';
import type { Db } from '../services/store';
import { MapMarks } from './mapMarks';

export type MapRequestName = 'saveMapOptions' | 'listMapMarks' | 'saveMapMark' | 'deleteMapMark';

/**
 * The Node side of 一张图's own data: the map options (imagery and terrain servers, in settings; their origins go
 * into the CSP as soon as they are saved, since the CSP is computed per response) and the operators' marks.
 */
export function createMapService(deps: { db: Db; settings: SettingsService; audit: AuditLog; actor: string; now?: () => number }): {
  handlers: Pick<ConsoleHandlers, MapRequestName>;
  marks: MapMarks;
} {
  const { settings, audit, actor } = deps;
  const marks = new MapMarks(deps.db, deps.now);
  return {
    marks,
    handlers: {
      saveMapOptions: async (options) => {
        const next = settings.update({ map: options });
        audit.record(actor, 'map.options.save', null, {
          imagery: options.imagery.map((l) => `${l.id} ${l.source.kind}`),
          activeImageryId: options.activeImageryId,
          terrain: options.terrainUrl !== null,
        });
        return next;
      },
      listMapMarks: async () => marks.list(),
      saveMapMark: async (input) => {
        const { mark, created } = marks.save(input);
        audit.record(actor, created ? 'map.mark.create' : 'map.mark.update', mark.id, { name: mark.name, lon: mark.lon, lat: mark.lat });
        return mark;
      },
      deleteMapMark: async ({ id }) => {
        if (marks.delete(id)) audit.record(actor, 'map.mark.delete', id);
        return null;
      },
    },
  };
}
