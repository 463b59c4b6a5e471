import { useMemo } from 'react';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import type { Channel, StreamKind } from '../../../shared/domain/catalogue';
import type { Monitor, WallCommand, WallState } from '../../../shared/domain/wall';
import { WallTile } from './WallTile';
import { cellStyle, gridStyle } from './layoutStyle';
import type { TileMedia } from './tileMedia';

export type WallGridProps = {
  api: ConsoleApi;
  monitor: Monitor;
  wall: WallState;
  channels: ReadonlyMap<string, Channel>;
  cameraNumbers: ReadonlyMap<string, number>;
  accept: StreamKind[];
  selected: number;
  maximised: number | null;
  picked: readonly number[] | null;
  ptzDragTile: number | null;
  media: TileMedia;
  command: (command: WallCommand) => void;
  onSelect: (tile: number) => void;
  onMaximise: (tile: number) => void;
};

/** One monitor's layout: its cells on a CSS grid, one WallTile per cell (keyed by index, so a layout switch keeps the players of tiles that stay). */
export function WallGrid(props: WallGridProps) {
  const { monitor, wall, command } = props;
  const tourNames = useMemo(() => new Map(wall.tours.map((t) => [t.id, t.name])), [wall.tours]);
  const runs = wall.runs.filter((r) => r.monitor === monitor.id);
  const touring = (tile: number) => {
    const run = runs.find((r) => r.tile === tile) ?? runs.find((r) => r.tile === null);
    return run ? (tourNames.get(run.tourId) ?? run.tourId) : null;
  };

  return (
    <div className="wall-grid" data-testid="wall-grid" data-monitor={monitor.id} data-layout={monitor.layout.id} style={gridStyle(monitor.layout)}>
      {monitor.layout.cells.map((cell, i) => {
        const tile = monitor.tiles[i] ?? { channelId: null, profile: 'auto' as const, generation: 0 };
        const hidden = props.maximised !== null && props.maximised !== i;
        return (
          <WallTile
            key={i}
            api={props.api}
            monitor={monitor.id}
            index={i}
            style={props.maximised === i ? { gridColumn: '1 / -1', gridRow: '1 / -1' } : hidden ? { display: 'none' } : cellStyle(cell)}
            tile={tile}
            channel={tile.channelId ? (props.channels.get(tile.channelId) ?? null) : null}
            cameraNumber={tile.channelId ? (props.cameraNumbers.get(tile.channelId) ?? null) : null}
            accept={props.accept}
            selected={i === props.selected}
            maximised={props.maximised === i}
            picked={props.picked?.includes(i) ?? false}
            ptzDrag={props.ptzDragTile === i}
            touring={touring(i)}
            media={props.media}
            onSelect={() => props.onSelect(i)}
            onMaximise={() => props.onMaximise(i)}
            onClose={() => command({ op: 'close', monitor: monitor.id, tile: i })}
            onDropChannels={(ids) => {
              if (ids.length === 1) command({ op: 'open', monitor: monitor.id, tile: i, channelId: ids[0]! });
              else if (ids.length > 1) command({ op: 'fill', monitor: monitor.id, channelIds: ids.slice(0, 64) });
            }}
            onDropTile={(from) => {
              if (from.monitor !== monitor.id || from.tile !== i) command({ op: 'swap', from, to: { monitor: monitor.id, tile: i } });
            }}
          />
        );
      })}
    </div>
  );
}
