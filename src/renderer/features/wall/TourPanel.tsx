import { useEffect, useState } from 'react';
import { Button, Checkbox, Empty, Form, Input, InputNumber, List, Radio, Select, Space, Tag, Typography } from 'antd';
import { CaretRightOutlined, DeleteOutlined, PauseOutlined, StepBackwardOutlined, StepForwardOutlined, StopOutlined } from '@ant-design/icons';
import type { Catalogue } from '../../../shared/domain/catalogue';
import type { Monitor, Tour, TourRun, WallCommand, WallState } from '../../../shared/domain/wall';
import { DISTRICTS, POINT_CATEGORIES } from '../../../shared/domain/referenceData';
import { useT } from '../../app/hooks';

type Props = { wall: WallState; monitor: Monitor; selected: number; catalogue: Catalogue | undefined; command: (c: WallCommand) => void };

type FormValues = {
  name: string;
  dwellSeconds: number;
  kind: 'list' | 'query';
  countyCode?: string;
  mineId?: string;
  categoryCode?: string;
  onlineOnly: boolean;
};

/** 轮巡: tours as a list (the channels now on this monitor) or a query; run on the monitor or one tile; pause/next/previous/stop. */
export function TourPanel({ wall, monitor, selected, catalogue, command }: Props) {
  const t = useT();
  const [form] = Form.useForm<FormValues>();
  const runs = wall.runs.filter((r) => r.monitor === monitor.id);
  const listIds = monitor.tiles.slice(0, monitor.layout.cells.length).flatMap((x) => (x.channelId ? [x.channelId] : []));

  const save = (v: FormValues) => {
    const tour: Tour = {
      id: newTourId(),
      name: v.name,
      dwellSeconds: v.dwellSeconds,
      source:
        v.kind === 'list'
          ? { kind: 'list', channelIds: listIds }
          : { kind: 'query', countyCode: v.countyCode ?? null, mineId: v.mineId ?? null, categoryCode: v.categoryCode ?? null, onlineOnly: v.onlineOnly },
    };
    command({ op: 'saveTour', tour });
    form.resetFields(['name']);
  };

  return (
    <div className="tour-panel" data-testid="tour-panel">
      <Typography.Title level={5}>{t('tour.running')}</Typography.Title>
      {runs.length === 0 ? <Typography.Text type="secondary">{t('tour.none')}</Typography.Text> : null}
      {runs.map((run) => (
        <RunRow key={`${run.tile}`} run={run} tour={wall.tours.find((x) => x.id === run.tourId)} command={command} />
      ))}
      <Typography.Title level={5}>{t('tour.saved')}</Typography.Title>
      <List
        size="small"
        dataSource={wall.tours}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tour.empty')} /> }}
        renderItem={(tour) => (
          <List.Item
            data-testid="tour-item"
            data-tour-id={tour.id}
            actions={[
              <Button key="m" size="small" type="link" data-testid="tour-start-monitor" onClick={() => command({ op: 'startTour', tourId: tour.id, monitor: monitor.id, tile: null })}>
                {t('tour.onMonitor')}
              </Button>,
              <Button key="t" size="small" type="link" data-testid="tour-start-tile" onClick={() => command({ op: 'startTour', tourId: tour.id, monitor: monitor.id, tile: selected })}>
                {t('tour.onTile', { n: selected + 1 })}
              </Button>,
              <Button key="d" size="small" type="link" danger icon={<DeleteOutlined />} onClick={() => command({ op: 'deleteTour', tourId: tour.id })} />,
            ]}
          >
            <span>
              {tour.name} <Tag>{tour.dwellSeconds}s</Tag>
              <Typography.Text type="secondary">{tour.source.kind === 'list' ? t('tour.listOf', { n: tour.source.channelIds.length }) : t('tour.query')}</Typography.Text>
            </span>
          </List.Item>
        )}
      />
      <Typography.Title level={5}>{t('tour.new')}</Typography.Title>
      <Form<FormValues>
        form={form}
        layout="vertical"
        size="small"
        initialValues={{ dwellSeconds: 10, kind: 'query', onlineOnly: true }}
        onFinish={save}
        data-testid="tour-form"
      >
        <Form.Item name="name" label={t('tour.name')} rules={[{ required: true, whitespace: true, max: 60 }]}>
          <Input data-testid="tour-name" />
        </Form.Item>
        <Form.Item name="dwellSeconds" label={t('tour.dwell')} rules={[{ required: true }]}>
          <InputNumber min={3} max={3600} data-testid="tour-dwell" />
        </Form.Item>
        <Form.Item name="kind">
          <Radio.Group>
            <Radio value="query">{t('tour.byQuery')}</Radio>
            <Radio value="list" disabled={listIds.length === 0}>
              {t('tour.byList', { n: listIds.length })}
            </Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.kind !== b.kind}>
          {({ getFieldValue }) => (getFieldValue('kind') === 'query' ? <QueryFields catalogue={catalogue} /> : null)}
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="tour-save">
          {t('tour.save')}
        </Button>
      </Form>
    </div>
  );
}

function QueryFields({ catalogue }: { catalogue: Catalogue | undefined }) {
  const t = useT();
  return (
    <>
      <Form.Item name="countyCode" label={t('tour.county')}>
        <Select allowClear options={DISTRICTS.map((d) => ({ value: d.adcode, label: d.name }))} data-testid="tour-county" />
      </Form.Item>
      <Form.Item name="mineId" label={t('tour.mine')}>
        <Select allowClear showSearch optionFilterProp="label" options={(catalogue?.mines ?? []).map((m) => ({ value: m.id, label: m.shortName }))} />
      </Form.Item>
      <Form.Item name="categoryCode" label={t('tour.category')}>
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          options={POINT_CATEGORIES.map((c) => ({ value: c.code, label: `${c.code} ${c.name}` }))}
          data-testid="tour-category"
        />
      </Form.Item>
      <Form.Item name="onlineOnly" valuePropName="checked">
        <Checkbox>{t('tour.onlineOnly')}</Checkbox>
      </Form.Item>
    </>
  );
}

function RunRow({ run, tour, command }: { run: TourRun; tour: Tour | undefined; command: (c: WallCommand) => void }) {
  const t = useT();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  const control = (action: 'pause' | 'resume' | 'next' | 'previous' | 'stop') => command({ op: 'tourControl', monitor: run.monitor, tile: run.tile, action });
  const left = run.nextAt === null ? null : Math.max(0, Math.ceil((run.nextAt - now) / 1000));
  return (
    <div className="tour-run" data-testid="tour-run" data-step={run.step} data-paused={run.paused}>
      <div>
        <Typography.Text strong>{tour?.name ?? run.tourId}</Typography.Text>{' '}
        <Tag>{run.tile === null ? t('tour.wholeMonitor') : t('tour.tileN', { n: run.tile + 1 })}</Tag>
        <Typography.Text type="secondary">
          {t('tour.step', { step: run.steps === 0 ? 0 : run.step + 1, steps: run.steps })}
          {left !== null ? ` · ${t('tour.nextIn', { s: left })}` : ` · ${t('tour.paused')}`}
        </Typography.Text>
      </div>
      <Space.Compact size="small">
        <Button icon={<StepBackwardOutlined />} onClick={() => control('previous')} aria-label={t('tour.previous')} data-testid="tour-previous" />
        {run.paused ? (
          <Button icon={<CaretRightOutlined />} onClick={() => control('resume')} aria-label={t('tour.resume')} data-testid="tour-resume" />
        ) : (
          <Button icon={<PauseOutlined />} onClick={() => control('pause')} aria-label={t('tour.pause')} data-testid="tour-pause" />
        )}
        <Button icon={<StepForwardOutlined />} onClick={() => control('next')} aria-label={t('tour.next')} data-testid="tour-next" />
        <Button icon={<StopOutlined />} onClick={() => control('stop')} aria-label={t('tour.stop')} data-testid="tour-stop" />
      </Space.Compact>
    </div>
  );
}

function newTourId(): string {
  return `tour-${Date.now().toString(36)}`;
}
