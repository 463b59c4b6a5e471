import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { DEFAULT_MAP_OPTIONS, mapOrigins, mapOptionsSchema, type ImageryLayer, type ImageryType, type MapOptions } from '../../../shared/domain/map';
import type { StringKey } from '../../app/strings';
import { useAppDispatch, useT } from '../../app/hooks';
import { settingsApi, useGetSettingsQuery } from '../settings/settingsApi';
import { useValidatedSave } from '../settings/useValidatedSave';
import { useSaveMapOptionsMutation } from './mapApi';
import {
  layerFieldErrors,
  NEW_LAYER_VALUES,
  probeLayer,
  sameLayer,
  toDraft,
  toLayer,
  toLayerValues,
  toMapOptions,
  type LayerValues,
  type MapDraft,
  type ProbeResult,
  type SourceKind,
} from './mapOptionsForm';

const KINDS: readonly SourceKind[] = ['xyz', 'tms', 'wmts'];
const TYPES: readonly ImageryType[] = ['satellite', 'tile'];
const PROBE_TIMEOUT_MS = 8_000;

type TestState = { running: true } | { running: false; result: ProbeResult };

/**
 * The map origins this page's CSP was computed with: the page gets its policy when it loads and keeps it, so the
 * servers of a later save are reachable only after a reload (taken from the first settings this page saw).
 */
let originsAtLoad: ReadonlySet<string> | null = null;

/** 地图图层 in settings: the private network's imagery layers, the default one and the terrain server (一张图). */
export function MapOptionsCard() {
  const t = useT();
  const dispatch = useAppDispatch();
  const { data: settings } = useGetSettingsQuery();
  const [save, saveState] = useSaveMapOptionsMutation();
  const validatedSave = useValidatedSave();
  const saved = settings?.map ?? DEFAULT_MAP_OPTIONS;
  // null: showing the stored options; else the operator's unsaved changes.
  const [draft, setDraft] = useState<MapDraft | null>(null);
  const shown = draft ?? toDraft(saved);
  const [editing, setEditing] = useState<{ index: number | null } | null>(null);
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const runTest = useLayerTest();

  useEffect(() => {
    if (settings && originsAtLoad === null) originsAtLoad = new Set(mapOrigins(settings.map));
  }, [settings]);
  const needsReload = originsAtLoad !== null && mapOrigins(saved).some((o) => !originsAtLoad!.has(o));

  const change = (next: Partial<MapDraft>) => setDraft({ ...shown, ...next });
  const terrainError = terrainIssue(shown.terrainUrl);

  const onSave = async () => {
    const ok = await validatedSave(mapOptionsSchema, toMapOptions(shown), async (value: MapOptions) => {
      const result = await save(value);
      // The stored settings at once (the refetch follows), so the table does not flash the old layers.
      if (result.data) dispatch(settingsApi.util.upsertQueryData('getSettings', undefined, result.data));
      return result;
    });
    if (ok) setDraft(null);
  };

  const test = (layer: ImageryLayer) => {
    setTests((s) => ({ ...s, [layer.id]: { running: true } }));
    void runTest(layer).then((result) => setTests((s) => ({ ...s, [layer.id]: { running: false, result } })));
  };

  const editLayer = editing ? (editing.index === null ? null : (shown.imagery[editing.index] ?? null)) : null;

  return (
    <Card
      title={t('mapSettings.card.title')}
      size="small"
      data-testid="map-options-card"
      extra={
        <Button size="small" onClick={() => setEditing({ index: null })} disabled={shown.imagery.length >= 16} data-testid="map-layer-add">
          {t('mapSettings.add')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('mapSettings.card.hint')}</Typography.Paragraph>
      {needsReload ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('mapSettings.reload')}
          action={
            <Button size="small" onClick={() => window.location.reload()} data-testid="map-options-reload">
              {t('mapSettings.reload.button')}
            </Button>
          }
          data-testid="map-options-reload-hint"
        />
      ) : null}
      <Table<ImageryLayer>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={shown.imagery}
        tableLayout="fixed"
        locale={{ emptyText: t('mapSettings.empty') }}
        data-testid="map-layer-table"
        columns={[
          {
            title: t('mapSettings.col.name'),
            dataIndex: 'name',
            render: (name: string, l) => (
              <Space size={4}>
                {name}
                {shown.activeImageryId === l.id ? <Tag color="blue">{t('mapSettings.default')}</Tag> : null}
                {!sameLayer(l, saved.imagery.find((s) => s.id === l.id)) ? <Tag color="orange">{t('mapSettings.unsaved')}</Tag> : null}
              </Space>
            ),
          },
          { title: t('mapSettings.col.id'), dataIndex: 'id', width: 110, ellipsis: true },
          { title: t('mapSettings.col.type'), dataIndex: 'type', width: 90, render: (type: ImageryType) => t(`mapSettings.type.${type}`) },
          { title: t('mapSettings.col.kind'), key: 'kind', width: 100, render: (_, l) => <Tag>{t(`mapSettings.kind.${l.source.kind}`)}</Tag> },
          {
            title: t('mapSettings.col.url'),
            key: 'url',
            width: '30%',
            ellipsis: true,
            render: (_, l) => (
              <Typography.Text style={{ fontFamily: 'monospace', fontSize: 12 }} title={l.source.url}>
                {l.source.url}
              </Typography.Text>
            ),
          },
          { title: t('mapSettings.col.maximumLevel'), dataIndex: 'maximumLevel', width: 80 },
          { title: t('mapSettings.col.test'), key: 'test', width: 240, render: (_, l) => <TestResult state={tests[l.id]} /> },
          {
            key: 'actions',
            width: 190,
            render: (_, l, index) => {
              const testable = sameLayer(l, saved.imagery.find((s) => s.id === l.id));
              return (
                <Space size={4}>
                  <Tooltip title={testable ? null : t('mapSettings.test.unsaved')}>
                    <Button size="small" disabled={!testable} loading={tests[l.id]?.running === true} onClick={() => test(l)} data-testid={`map-layer-test-${l.id}`}>
                      {t('mapSettings.test')}
                    </Button>
                  </Tooltip>
                  <Button size="small" onClick={() => setEditing({ index })} data-testid={`map-layer-edit-${l.id}`}>
                    {t('mapSettings.edit')}
                  </Button>
                  <Popconfirm
                    title={t('mapSettings.removeConfirm', { name: l.name })}
                    onConfirm={() =>
                      change({ imagery: shown.imagery.filter((_x, i) => i !== index), activeImageryId: shown.activeImageryId === l.id ? null : shown.activeImageryId })
                    }
                  >
                    <Button size="small" danger data-testid={`map-layer-remove-${l.id}`}>
                      {t('mapSettings.remove')}
                    </Button>
                  </Popconfirm>
                </Space>
              );
            },
          },
        ]}
      />
      <Form layout="inline" className="settings-form" style={{ marginTop: 12 }} data-testid="map-options-form">
        <Form.Item label={t('mapSettings.active')}>
          <Select<string>
            style={{ width: 240 }}
            aria-label={t('mapSettings.active')}
            value={shown.activeImageryId ?? ''}
            onChange={(v) => change({ activeImageryId: v === '' ? null : v })}
            options={[{ value: '', label: t('mapSettings.active.builtin') }, ...shown.imagery.map((l) => ({ value: l.id, label: l.name }))]}
            data-testid="map-active-layer"
          />
        </Form.Item>
        <Form.Item
          label={t('mapSettings.terrain')}
          tooltip={t('mapSettings.terrain.hint')}
          validateStatus={terrainError ? 'error' : undefined}
          help={terrainError ?? undefined}
        >
          <Input
            style={{ width: 300 }}
            value={shown.terrainUrl}
            placeholder="http://198.51.100.20/terrain/"
            onChange={(e) => change({ terrainUrl: e.target.value })}
            allowClear
            data-testid="map-terrain-url"
          />
        </Form.Item>
        <Space>
          <Button type="primary" onClick={() => void onSave()} loading={saveState.isLoading} disabled={draft === null} data-testid="map-options-save">
            {t('mapSettings.save')}
          </Button>
          {draft !== null ? (
            <Button onClick={() => setDraft(null)} data-testid="map-options-discard">
              {t('mapSettings.discard')}
            </Button>
          ) : null}
        </Space>
      </Form>
      {editing ? (
        <LayerModal
          layer={editLayer}
          otherIds={shown.imagery.filter((l) => l !== editLayer).map((l) => l.id)}
          onCancel={() => setEditing(null)}
          onOk={(layer) => {
            const imagery = editing.index === null ? [...shown.imagery, layer] : shown.imagery.map((l, i) => (i === editing.index ? layer : l));
            // A renamed default stays the default.
            const activeImageryId = editLayer && shown.activeImageryId === editLayer.id ? layer.id : shown.activeImageryId;
            change({ imagery, activeImageryId });
            setEditing(null);
          }}
        />
      ) : null}
    </Card>
  );
}

/** The terrain URL's reason from the schema (empty is fine: no terrain). */
function terrainIssue(url: string): string | null {
  if (url.trim() === '') return null;
  const parsed = mapOptionsSchema.safeParse({ imagery: [], activeImageryId: null, terrainUrl: url.trim() });
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? null);
}

function TestResult({ state }: { state: TestState | undefined }) {
  const t = useT();
  if (!state) return null;
  if (state.running) return <Typography.Text type="secondary">{t('mapSettings.test.running')}</Typography.Text>;
  const r = state.result;
  const text =
    r.kind === 'ok'
      ? r.level !== undefined
        ? t('mapSettings.test.okLevel', { level: r.level })
        : t('mapSettings.test.ok')
      : r.kind === 'http'
        ? t('mapSettings.test.http', { status: r.status })
        : r.kind === 'missing'
          ? t('mapSettings.test.missing', { what: r.what })
          : r.kind === 'csp'
            ? t('mapSettings.test.csp')
            : r.kind === 'cors'
              ? t('mapSettings.test.cors')
              : t('mapSettings.test.unreachable', { message: r.message });
  return (
    <Typography.Text type={r.kind === 'ok' ? 'success' : 'danger'} title={r.url} data-testid="map-layer-test-result">
      {text}
    </Typography.Text>
  );
}

/**
 * Runs one layer's probes from the renderer, with a time limit, noting the CSP's refusals of this page (a page
 * loaded before the save keeps the policy it was loaded with).
 */
function useLayerTest(): (layer: ImageryLayer) => Promise<ProbeResult> {
  const violations = useRef<string[]>([]);
  useEffect(() => {
    const onViolation = (e: SecurityPolicyViolationEvent) => violations.current.push(e.blockedURI);
    document.addEventListener('securitypolicyviolation', onViolation);
    return () => document.removeEventListener('securitypolicyviolation', onViolation);
  }, []);
  return useCallback(async (layer: ImageryLayer) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
    try {
      return await probeLayer(
        layer,
        (url, init) => fetch(url, { ...init, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' }),
        async (url) => {
          // The violation event is queued as its own task: give it the time to arrive.
          await new Promise((r) => setTimeout(r, 100));
          const origin = new URL(url).origin;
          return violations.current.some((blocked) => blocked === url || blocked.startsWith(origin));
        },
        controller.signal,
      );
    } finally {
      clearTimeout(timer);
    }
  }, []);
}

/** Adds or edits one layer of the draft; the schema's reasons go under their fields. */
function LayerModal({ layer, otherIds, onOk, onCancel }: { layer: ImageryLayer | null; otherIds: string[]; onOk: (layer: ImageryLayer) => void; onCancel: () => void }) {
  const t = useT();
  const [form] = Form.useForm<LayerValues>();
  const kind = Form.useWatch('kind', form) ?? layer?.source.kind ?? 'xyz';

  const submit = async () => {
    const values = { ...NEW_LAYER_VALUES, ...(await form.validateFields()) };
    const input = toLayer(values);
    const errors = layerFieldErrors(input, otherIds, { generic: t('mapSettings.invalid.generic'), duplicateId: t('mapSettings.invalid.duplicateId') });
    const fields = Object.entries(errors).map(([name, message]) => ({ name: name as keyof LayerValues, errors: [message] }));
    if (fields.length > 0) {
      form.setFields(fields);
      return;
    }
    onOk(input as ImageryLayer);
  };

  const item = (name: keyof LayerValues, label: StringKey, node: ReactNode, extra?: StringKey) => (
    <Form.Item name={name} label={t(label)} extra={extra ? t(extra) : undefined}>
      {node}
    </Form.Item>
  );

  return (
    <Modal
      open
      title={t(layer ? 'mapSettings.modal.edit' : 'mapSettings.modal.add')}
      onCancel={onCancel}
      onOk={() => void submit().catch(() => undefined)}
      destroyOnHidden
      width={620}
      data-testid="map-layer-modal"
    >
      <Form<LayerValues> form={form} layout="horizontal" labelCol={{ span: 5 }} initialValues={layer ? toLayerValues(layer) : NEW_LAYER_VALUES} preserve={false}>
        {item('name', 'mapSettings.field.name', <Input maxLength={50} data-testid="map-layer-name" />)}
        {item('id', 'mapSettings.field.id', <Input maxLength={32} placeholder="a-z A-Z 0-9 _ -" data-testid="map-layer-id" />)}
        {item(
          'type',
          'mapSettings.field.type',
          <Select<ImageryType> options={TYPES.map((ty) => ({ value: ty, label: t(`mapSettings.type.${ty}`) }))} data-testid="map-layer-type" />,
        )}
        {item(
          'kind',
          'mapSettings.field.kind',
          <Select<SourceKind> options={KINDS.map((k) => ({ value: k, label: t(`mapSettings.kind.${k}`) }))} data-testid="map-layer-kind" />,
        )}
        {item(
          'url',
          'mapSettings.field.url',
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} spellCheck={false} style={{ fontFamily: 'monospace' }} data-testid="map-layer-url" />,
          `mapSettings.field.url.${kind}`,
        )}
        {kind === 'xyz' ? item('subdomains', 'mapSettings.field.subdomains', <Input placeholder="a,b,c" data-testid="map-layer-subdomains" />, 'mapSettings.field.subdomains.hint') : null}
        {kind === 'wmts' ? (
          <>
            {item('layer', 'mapSettings.field.layer', <Input data-testid="map-layer-wmts-layer" />)}
            {item('style', 'mapSettings.field.style', <Input placeholder="default" data-testid="map-layer-wmts-style" />)}
            {item('tileMatrixSetID', 'mapSettings.field.tileMatrixSetID', <Input placeholder="EPSG:900913" data-testid="map-layer-wmts-matrix" />)}
            {item('format', 'mapSettings.field.format', <Input placeholder="image/png" data-testid="map-layer-wmts-format" />)}
          </>
        ) : null}
        {item(
          'maximumLevel',
          'mapSettings.field.maximumLevel',
          <InputNumber min={0} max={22} precision={0} style={{ width: 100 }} data-testid="map-layer-max-level" />,
          'mapSettings.field.maximumLevel.hint',
        )}
      </Form>
    </Modal>
  );
}
