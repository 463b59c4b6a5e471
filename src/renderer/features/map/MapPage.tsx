import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Form, Input, Modal } from 'antd';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import type { Alarm } from '../../../shared/domain/alarm';
import type { ConsoleEvent } from '../../../shared/domain/event';
import { mapOrigins } from '../../../shared/domain/map';
import { useT } from '../../app/hooks';
import { kindText } from '../alarms/alarmModel';
import { useListAlarmsQuery } from '../alarms/alarmsApi';
import { useListEventsQuery } from '../events/eventsApi';
import { useGetSettingsQuery } from '../settings/settingsApi';
import { useGetCatalogueQuery } from '../tree/catalogueApi';
import { MapScene } from './engine/mapScene';
import { formatArea, formatDistance, pathLengthMetres, polygonAreaSquareMetres, type LonLat } from './engine/geodesy';
import { circleRing, selectInCircle, selectInRect } from './engine/selection';
import type { ViewMode } from './engine/mapView';
import { MapDetailPanel, type MapData } from './MapDetailPanel';
import { MapToolbar, type MapTool } from './MapToolbar';
import { EventFormModal } from '../events/EventFormModal';
import { LayerLegend } from './LayerLegend';
import { MeasureList, type Measurement } from './MeasureList';
import { OverviewMap } from './OverviewMap';
import { SelectionPanel } from './SelectionPanel';
import { TrackPanel } from './TrackPanel';
import { useListGpsUnitsQuery, useListMapMarksQuery, useSaveMapMarkMutation } from './mapApi';
import {
  alarmPoints,
  cameraPoints,
  eventPoints,
  groupSelection,
  haversineMetres,
  LAYER_NAMES,
  markPoints,
  minePoints,
  mineStatuses,
  unitPoints,
  type GroupedSelection,
  type LayerName,
} from './mapModel';
import { installMapProbe } from './mapProbe';
import { readMapFocus, type MapFocus } from './mapFocus';

/** The list plus a record shown because it was asked for (handled alarms, closed events), without doubles. */
function withFocused<T extends { id: string }>(list: readonly T[], extra: T | null): readonly T[] {
  return extra && !list.some((x) => x.id === extra.id) ? [...list, extra] : list;
}
const ALL_VISIBLE = Object.fromEntries(LAYER_NAMES.map((n) => [n, true])) as Record<LayerName, boolean>;

/**
 * 一张图: the offline Cesium map of mines, cameras, GPS units, open alarms and events, with selection (框选/圈选,
 * grouped by type and function), tools (测距、测面、标记、清屏、复位、鹰眼、全屏), tracks of the past 24 hours,
 * and the links to live video, the wall, the phone and the alarm records.
 */
export function MapPage({ api }: { api: ConsoleApi }) {
  const t = useT();
  const { message } = App.useApp();
  const globeRef = useRef<HTMLDivElement>(null);
  const [scene, setScene] = useState<MapScene | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  // ── The globe ──
  useEffect(() => {
    const el = globeRef.current;
    if (!el) return;
    let created: MapScene | null = null;
    try {
      created = new MapScene(el);
    } catch (err) {
      queueMicrotask(() => setFailure(err instanceof Error ? err.message : String(err)));
      return;
    }
    const s = created;
    const removeProbe = installMapProbe(s);
    queueMicrotask(() => setScene(s));
    return () => {
      removeProbe();
      s.destroy();
      setScene(null);
    };
  }, []);

  // ── Data ──
  const { data: settings } = useGetSettingsQuery();
  const { data: catalogue } = useGetCatalogueQuery();
  // Every unhandled alarm, however old (the newest 500): they make a mine red.
  const { data: alarms = [] } = useListAlarmsQuery({ state: 'new', limit: 500 });
  const { data: events = [] } = useListEventsQuery({ state: 'open', limit: 500 });
  const { data: units = [] } = useListGpsUnitsQuery();
  const { data: marks = [] } = useListMapMarksQuery();
  // A handled alarm or closed event asked for by address (#/map?alarm=…) is shown too.
  const [focused, setFocused] = useState<{ alarm: Alarm | null; event: ConsoleEvent | null }>({ alarm: null, event: null });
  const statuses = useMemo(() => mineStatuses(catalogue ?? { mines: [], channels: [] }, alarms), [catalogue, alarms]);
  const channelIndex = useMemo(() => new Map((catalogue?.channels ?? []).map((c) => [c.id, c])), [catalogue]);
  const mineIndex = useMemo(() => new Map((catalogue?.mines ?? []).map((m) => [m.id, m])), [catalogue]);
  const unitIndex = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);
  const alarmsWithFocused = useMemo(() => withFocused(alarms, focused.alarm), [alarms, focused.alarm]);
  const eventsWithFocused = useMemo(() => withFocused(events, focused.event), [events, focused.event]);
  const data: MapData = { catalogue, statuses, alarms: alarmsWithFocused, events: eventsWithFocused, units, marks };

  // What each layer draws; each layer is updated only when its own points change (a GPS push touches units only).
  const minesShown = useMemo(() => minePoints(statuses), [statuses]);
  const camerasShown = useMemo(() => cameraPoints(catalogue?.channels ?? []), [catalogue]);
  const unitsShown = useMemo(() => unitPoints(units), [units]);
  const alarmsShown = useMemo(() => alarmPoints(data.alarms, channelIndex, mineIndex, kindText), [data.alarms, channelIndex, mineIndex]);
  const eventsShown = useMemo(() => eventPoints(data.events), [data.events]);
  const marksShown = useMemo(() => markPoints(marks), [marks]);
  const counts: Record<LayerName, number> = {
    mines: minesShown.length,
    cameras: camerasShown.length,
    units: unitsShown.length,
    alarms: alarmsShown.length,
    events: eventsShown.length,
    marks: marksShown.length,
  };
  useEffect(() => scene?.layers.mines.set(minesShown), [scene, minesShown]);
  useEffect(() => {
    if (!scene) return;
    scene.layers.cameras.set(camerasShown);
    scene.queueRecluster();
  }, [scene, camerasShown]);
  useEffect(() => scene?.layers.units.set(unitsShown), [scene, unitsShown]);
  useEffect(() => scene?.layers.alarms.set(alarmsShown), [scene, alarmsShown]);
  useEffect(() => scene?.layers.events.set(eventsShown), [scene, eventsShown]);
  useEffect(() => scene?.layers.marks.set(marksShown), [scene, marksShown]);

  // ── View: layers, imagery, 2D/3D ──
  const [visible, setVisible] = useState<Record<LayerName, boolean>>(ALL_VISIBLE);
  const [districtsVisible, setDistrictsVisible] = useState(true);
  useEffect(() => {
    if (!scene) return;
    for (const name of LAYER_NAMES) scene.layers[name].show = visible[name];
    scene.districts.show = districtsVisible;
  }, [scene, visible, districtsVisible]);
  const mapOptions = settings?.map;
  const [imageryChoice, setImageryChoice] = useState<string | null | undefined>(undefined);
  const imageryId = imageryChoice === undefined ? (mapOptions?.activeImageryId ?? null) : imageryChoice;
  useEffect(() => {
    if (!scene || !mapOptions) return;
    scene.view.setImagery(mapOptions, mapOptions.imagery.some((l) => l.id === imageryId) ? imageryId : null);
    scene.view.setTerrain(mapOptions.terrainUrl);
  }, [scene, mapOptions, imageryId]);
  // A page keeps the security policy it was loaded with: tile servers saved since then are refused until a reload.
  const [policyStale, setPolicyStale] = useState(false);
  useEffect(() => {
    if (!mapOptions) return;
    const origins = new Set(mapOrigins(mapOptions));
    const onViolation = (e: SecurityPolicyViolationEvent) => {
      try {
        if (origins.has(new URL(e.blockedURI).origin)) setPolicyStale(true);
      } catch {
        // not a URL (inline, eval): not ours to report here
      }
    };
    document.addEventListener('securitypolicyviolation', onViolation);
    return () => document.removeEventListener('securitypolicyviolation', onViolation);
  }, [mapOptions]);
  const [mode, setModeState] = useState<ViewMode>('3d');
  const setMode = (m: ViewMode) => {
    scene?.view.setMode(m);
    setModeState(m);
  };

  // ── Picked object, selection, track ──
  const [picked, setPicked] = useState<{ layer: LayerName; id: string } | null>(null);
  const [selection, setSelection] = useState<GroupedSelection | null>(null);
  const [trackUnit, setTrackUnit] = useState<string | null>(null);
  const [trackOpen, setTrackOpen] = useState(false);
  const [overview, setOverview] = useState(true);
  useEffect(() => {
    if (!scene) return;
    for (const name of LAYER_NAMES) scene.layers[name].setSelected(picked?.layer === name ? [picked.id] : []);
  }, [scene, picked]);

  const showSelection = useCallback(
    (result: ReadonlyMap<string, readonly { id: string }[]>) => {
      if (!scene) return;
      const grouped = groupSelection(result as Parameters<typeof groupSelection>[0], channelIndex, unitIndex);
      for (const name of LAYER_NAMES) scene.layers[name].setSelected((result.get(name) ?? []).map((p) => p.id));
      setPicked(null);
      setSelection(grouped);
    },
    [scene, channelIndex, unitIndex],
  );

  // ── Tools ──
  const [tool, setTool] = useState<MapTool>('none');
  const [measurements, setMeasurements] = useState<Measurement[]>([]);
  const [markAt, setMarkAt] = useState<LonLat | null>(null);
  const [eventAt, setEventAt] = useState<LonLat | null>(null);
  const toolRef = useRef(tool);
  toolRef.current = tool;
  useEffect(() => {
    if (!scene) return;
    const finish = () => {
      const kind = toolRef.current;
      if (kind !== 'distance' && kind !== 'area') return;
      // A double click also clicked twice: drop repeated points.
      const points = scene.sketch.endDraft().filter((p, i, all) => i === 0 || p.lon !== all[i - 1]!.lon || p.lat !== all[i - 1]!.lat);
      let result: Measurement | null = null;
      if (kind === 'distance' && points.length >= 2) {
        const value = pathLengthMetres(points);
        result = { id: crypto.randomUUID(), kind, value, text: `${t('map.result.distance')} ${formatDistance(value, t)}`, points };
      } else if (kind === 'area' && points.length >= 3) {
        const value = polygonAreaSquareMetres(points);
        result = { id: crypto.randomUUID(), kind, value, text: `${t('map.result.area')} ${formatArea(value, t)}`, points };
      }
      if (result) {
        scene.sketch.addMeasurement(result.kind, points, result.text);
        const added = result;
        setMeasurements((list) => [...list, added]);
      }
      setTool('none');
    };
    const offClick = scene.view.onInput('click', (x, y) => {
      const kind = toolRef.current;
      const at = scene.view.toLonLat(x, y);
      if (kind === 'distance' || kind === 'area') {
        if (at) scene.sketch.draftPoint(kind, at);
        return;
      }
      if (kind === 'mark' || kind === 'event') {
        if (at) (kind === 'mark' ? setMarkAt : setEventAt)({ lon: at.lon, lat: at.lat });
        setTool('none');
        return;
      }
      if (kind !== 'none') return;
      const hit = scene.pick(x, y);
      if (!hit) return;
      if (hit.kind === 'cluster') {
        const zoom = scene.layers[hit.layer].expansionZoom(hit.cluster.cluster) ?? 16;
        // Height that shows that zoom: ~156 km per pixel-row of 1000 px at zoom 0.
        scene.view.flyTo({ lon: hit.cluster.lon, lat: hit.cluster.lat }, Math.max(600, 40_000_000 / 2 ** zoom), 0.8);
        return;
      }
      setSelection(null);
      setPicked({ layer: hit.layer, id: hit.id });
    });
    const offDouble = scene.view.onInput('dblclick', () => finish());
    const offMove = scene.view.onInput('move', (x, y) => {
      const kind = toolRef.current;
      if (kind === 'distance' || kind === 'area') scene.sketch.draftCursor(scene.view.toLonLat(x, y));
    });
    return () => {
      offClick();
      offDouble();
      offMove();
    };
  }, [scene, t]);

  const chooseTool = (next: MapTool) => {
    if (!scene) return;
    if (next === 'clear') {
      scene.sketch.clear();
      scene.track.clear();
      setMeasurements([]);
      for (const name of LAYER_NAMES) scene.layers[name].setSelected([]);
      setSelection(null);
      setPicked(null);
      setTrackOpen(false);
      setTool('none');
      return;
    }
    if (next === 'home') {
      scene.view.home();
      return;
    }
    scene.sketch.endDraft();
    setTool(tool === next ? 'none' : next);
  };

  // 全屏 (and F11, in the shell): the whole document goes full screen — dialogs, drop-downs and messages live in
  // <body> and would vanish with only the map's element — and while the map is shown the title bar is hidden, so
  // the map fills the screen with its tools. Esc leaves any tool.
  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen().catch((err: unknown) => message.warning(`${t('map.fullscreenRefused')}：${err instanceof Error ? err.message : String(err)}`));
  }, [message, t]);
  useEffect(() => {
    const follow = () => document.body.classList.toggle('map-fullscreen', document.fullscreenElement !== null);
    follow();
    document.addEventListener('fullscreenchange', follow);
    return () => {
      document.removeEventListener('fullscreenchange', follow);
      document.body.classList.remove('map-fullscreen');
    };
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && toolRef.current !== 'none') {
        scene?.sketch.endDraft();
        setTool('none');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [scene]);

  // ── Box and circle selection: drag on an overlay (the globe does not pan meanwhile) ──
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const dragTool = tool === 'box' || tool === 'circle';
  const overlayPoint = (e: React.PointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const endDrag = (d: { x0: number; y0: number; x1: number; y1: number }) => {
    if (!scene) return;
    setDrag(null);
    setTool('none');
    if (tool === 'box') {
      if (Math.abs(d.x1 - d.x0) < 4 || Math.abs(d.y1 - d.y0) < 4) return;
      showSelection(selectInRect(scene.view, LAYER_NAMES.map((n) => scene.layers[n]), d));
    } else {
      const center = scene.view.toLonLat(d.x0, d.y0);
      const edge = scene.view.toLonLat(d.x1, d.y1);
      if (!center || !edge) return;
      const radius = haversineMetres(center, edge);
      if (radius < 1) return;
      scene.sketch.addCircle(circleRing(center, radius));
      showSelection(selectInCircle(LAYER_NAMES.map((n) => scene.layers[n]), center, radius));
    }
  };

  // ── Arriving with a place to show: #/map?alarm=…, ?event=…, ?lon=&lat= ──
  const [focus, setFocus] = useState<MapFocus | null>(() => readMapFocus(location.hash));
  useEffect(() => {
    const onHash = () => setFocus(readMapFocus(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  // An alarm or event is fetched by id (it may be handled or closed, and so not on its layer), kept on the map
  // while focused, and flown to.
  // Read when a fetched record arrives (the effect must not restart, and drop the record, when they change).
  const lookup = useRef({ channelIndex, mineIndex, message, t });
  lookup.current = { channelIndex, mineIndex, message, t };
  useEffect(() => {
    if (!scene || !focus) return;
    let cancelled = false;
    const { message, t } = lookup.current;
    const go = (at: { lon: number; lat: number }, height: number) => {
      if (!cancelled) scene.view.flyTo(at, height);
    };
    // Taken: the same link followed again changes the address again, and so is seen again.
    history.replaceState(null, '', '#/map');
    if (focus.kind === 'place') go(focus, focus.height ?? 2500);
    else if (focus.kind === 'alarm')
      void api.getAlarm({ id: focus.id }).then(
        ({ alarm }) => {
          const [p] = alarmPoints([alarm], lookup.current.channelIndex, lookup.current.mineIndex, kindText);
          if (cancelled) return;
          if (!p) return void message.warning(t('map.focus.noPlace'));
          setFocused({ alarm, event: null });
          setPicked({ layer: 'alarms', id: alarm.id });
          go(p, 2500);
        },
        () => message.warning(t('map.focus.missing')),
      );
    else
      void api.getEvent({ id: focus.id }).then(
        ({ event }) => {
          if (cancelled) return;
          if (!event.location) return void message.warning(t('map.focus.noPlace'));
          setFocused({ alarm: null, event });
          setPicked({ layer: 'events', id: event.id });
          go({ lon: event.location[0], lat: event.location[1] }, 2500);
        },
        () => message.warning(t('map.focus.missing')),
      );
    return () => {
      cancelled = true;
    };
  }, [scene, focus, api]);

  const [saveMark] = useSaveMapMarkMutation();
  const [markForm] = Form.useForm<{ name: string; note: string }>();

  return (
    <div className="map-page" data-testid="map-page">
      <div className="map-page__globe" ref={globeRef} data-testid="map-globe" data-ready={scene ? 'true' : 'false'} />
      {policyStale ? (
        <Alert
          className="map-page__failure"
          type="warning"
          showIcon
          message={t('map.policyStale')}
          action={<Button size="small" onClick={() => location.reload()}>{t('map.reload')}</Button>}
          data-testid="map-policy-stale"
        />
      ) : null}
      {failure ? <Alert className="map-page__failure" type="error" showIcon message={t('map.error.webgl')} description={failure} /> : null}
      {scene ? (
        <>
          <MapToolbar
            tool={tool}
            onTool={chooseTool}
            mode={mode}
            onMode={setMode}
            imagery={mapOptions?.imagery ?? []}
            imageryId={imageryId}
            onImagery={setImageryChoice}
            overview={overview}
            onOverview={() => setOverview(!overview)}
            onTrack={() => setTrackOpen(!trackOpen)}
            onFullscreen={toggleFullscreen}
          />
          <LayerLegend
            visible={visible}
            onVisible={(name, on) => setVisible({ ...visible, [name]: on })}
            districts={districtsVisible}
            onDistricts={setDistrictsVisible}
            counts={counts}
          />
          {tool !== 'none' ? <div className="map-page__hint" data-testid="map-hint">{t(`map.hint.${tool}`)}</div> : null}
          {dragTool ? (
            <div
              className="map-page__drag"
              data-testid="map-drag"
              onPointerDown={(e) => {
                e.currentTarget.setPointerCapture(e.pointerId);
                const p = overlayPoint(e);
                setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
              }}
              onPointerMove={(e) => {
                if (!drag) return;
                const p = overlayPoint(e);
                setDrag({ ...drag, x1: p.x, y1: p.y });
              }}
              onPointerUp={() => drag && endDrag(drag)}
            >
              {drag && tool === 'box' ? (
                <div className="map-page__box" style={{ left: Math.min(drag.x0, drag.x1), top: Math.min(drag.y0, drag.y1), width: Math.abs(drag.x1 - drag.x0), height: Math.abs(drag.y1 - drag.y0) }} />
              ) : null}
              {drag && tool === 'circle'
                ? (() => {
                    const r = Math.hypot(drag.x1 - drag.x0, drag.y1 - drag.y0);
                    return <div className="map-page__circle" style={{ left: drag.x0 - r, top: drag.y0 - r, width: 2 * r, height: 2 * r }} />;
                  })()
                : null}
            </div>
          ) : null}
          {picked ? (
            <MapDetailPanel
              api={api}
              picked={picked}
              data={data}
              onClose={() => setPicked(null)}
              onTrack={(id) => {
                setTrackUnit(id);
                setTrackOpen(true);
              }}
            />
          ) : selection ? (
            <SelectionPanel
              selection={selection}
              onClose={() => {
                setSelection(null);
                for (const name of LAYER_NAMES) scene.layers[name].setSelected([]);
              }}
              onFocus={(type, id) => {
                const layer: LayerName = type === 'camera' ? 'cameras' : 'units';
                const p = scene.layers[layer].get(id);
                if (p) scene.view.flyTo(p, 1500);
              }}
            />
          ) : null}
          {overview ? <OverviewMap scene={scene} /> : null}
          {measurements.length > 0 ? (
            <MeasureList measurements={measurements} onFocus={(m) => scene.view.flyTo(m.points[m.points.length - 1]!, Math.max(2000, scene.view.cameraHeight()), 0.8)} />
          ) : null}
          {trackOpen ? <TrackPanel scene={scene} units={units} unitId={trackUnit} onUnit={setTrackUnit} onClose={() => setTrackOpen(false)} /> : null}
        </>
      ) : null}
      <EventFormModal
        open={eventAt !== null}
        event={null}
        at={eventAt ? [eventAt.lon, eventAt.lat] : null /* compared by value in the form */}
        onClose={(saved) => {
          setEventAt(null);
          if (saved) setPicked({ layer: 'events', id: saved.id });
        }}
      />
      <Modal
        open={markAt !== null}
        title={t('map.mark.title')}
        okText={t('map.mark.save')}
        destroyOnHidden
        onCancel={() => setMarkAt(null)}
        onOk={async () => {
          const values = await markForm.validateFields();
          if (!markAt) return;
          const result = await saveMark({ name: values.name, note: values.note ?? '', lon: markAt.lon, lat: markAt.lat });
          if ('error' in result) message.error((result.error as { message?: string }).message ?? t('map.mark.failed'));
          else {
            message.success(t('map.mark.saved', { name: result.data.name }));
            setMarkAt(null);
          }
        }}
      >
        <Form form={markForm} layout="vertical" preserve={false}>
          <Form.Item label={t('map.mark.position')}>{markAt ? `${markAt.lon.toFixed(6)}, ${markAt.lat.toFixed(6)}` : ''}</Form.Item>
          <Form.Item name="name" label={t('map.mark.name')} rules={[{ required: true, whitespace: true, message: t('map.mark.nameRequired') }, { max: 50 }]}>
            <Input autoFocus maxLength={50} data-testid="mark-name" />
          </Form.Item>
          <Form.Item name="note" label={t('map.mark.note')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
