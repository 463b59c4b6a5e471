import { useEffect, useRef } from 'react';
import { Button, Empty, Progress, Switch, Table, Tag } from 'antd';
import { AudioOutlined, PoweroffOutlined } from '@ant-design/icons';
import type { EndpointView } from '../../media/broadcast/broadcastEngine';
import { useAppSelector, useT } from '../../app/hooks';
import { OUTCOME_TEXT, formatDuration } from '../../media/telephony/callOutcome';
import { useNow } from '../phone/useNow';
import { useBroadcastEngine } from './broadcastEngineContext';
import { DELIVERY_COLOR, RESULT_COLOR } from './broadcastModel';
import { selectActiveBroadcast } from './broadcastSlice';

/** The output level, read from the engine on every animation frame (not through the store). */
function LevelMeter({ live }: { live: boolean }) {
  const engine = useBroadcastEngine();
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!live) return;
    let frame = 0;
    const tick = () => {
      const level = engine.level();
      if (bar.current) {
        bar.current.style.width = `${Math.round(level * 100)}%`;
        bar.current.dataset.level = level.toFixed(3);
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [engine, live]);
  return (
    <div className="level-meter" aria-label="level">
      <div className="level-meter__bar" ref={bar} data-testid="level-meter" />
    </div>
  );
}

/** 当前广播: phase, progress or push-to-talk, level, every endpoint's state, and 结束广播. */
export function OnAirPanel() {
  const t = useT();
  const engine = useBroadcastEngine();
  const active = useAppSelector(selectActiveBroadcast);
  const live = active !== null && active.phase !== 'ended';
  const now = useNow(live, 500);
  const isLive = active?.source.kind === 'live';

  // Space bar is push-to-talk while a live broadcast runs (not while typing in a field); leaving the window lets go.
  useEffect(() => {
    if (!live || !isLive) return;
    const typing = (e: KeyboardEvent) => e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
    const down = (e: KeyboardEvent) => {
      if (e.code === 'Space' && !e.repeat && !typing(e)) {
        e.preventDefault();
        engine.pushToTalk(true);
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.code === 'Space' && !typing(e)) engine.pushToTalk(false);
    };
    const release = () => engine.pushToTalk(false);
    const hidden = () => {
      if (document.visibilityState === 'hidden') release();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', release);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', release);
      document.removeEventListener('visibilitychange', hidden);
      release();
    };
  }, [engine, live, isLive]);

  if (!active) {
    return (
      <section className="broadcast-onair" data-testid="broadcast-onair">
        <h3 className="panel-title">{t('broadcast.onAir')}</h3>
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('broadcast.idle')} />
      </section>
    );
  }

  const answered = active.endpoints.filter((e) => e.answeredAt !== null).length;
  const play = active.play;
  const playPercent = play ? Math.min(100, Math.round(((now - play.startedAt) / Math.max(1, play.durationMs)) * 100)) : 0;
  const columns = [
    { title: t('broadcast.col.endpoint'), dataIndex: 'name', key: 'name' },
    { title: t('broadcast.col.number'), dataIndex: 'number', key: 'number', width: 80 },
    {
      title: t('broadcast.col.result'),
      key: 'state',
      width: 120,
      render: (_: unknown, e: EndpointView) =>
        e.state === 'ended' ? (
          <Tag color={e.outcome === 'answered' ? 'success' : 'error'}>{e.outcome ? OUTCOME_TEXT[e.outcome] : t('broadcast.delivery.ended')}</Tag>
        ) : (
          <Tag color={DELIVERY_COLOR[e.state]}>{t(`broadcast.delivery.${e.state}`)}</Tag>
        ),
    },
    { title: t('broadcast.col.reason'), dataIndex: 'reason', key: 'reason', ellipsis: true, render: (r: string | null) => r ?? '' },
  ];

  return (
    <section className="broadcast-onair" data-testid="broadcast-onair" data-phase={active.phase} data-broadcast-id={active.id}>
      <h3 className="panel-title">
        {t('broadcast.onAir')}：{active.groupName}
        <Tag className="broadcast-onair__phase" color={active.result ? RESULT_COLOR[active.result.state] : active.phase === 'on-air' ? 'red' : 'processing'} data-testid="broadcast-phase">
          {active.result ? t(`broadcast.result.${active.result.state}`) : t(`broadcast.phase.${active.phase}`)}
        </Tag>
        <span className="broadcast-onair__meta">
          {isLive ? t('broadcast.source.live') : active.clipName} · {t('broadcast.answeredOf', { a: answered, n: active.endpoints.length })} ·{' '}
          {formatDuration(Math.max(0, now - active.startedAt))}
        </span>
      </h3>
      {active.result?.reason ? <div className="broadcast-onair__reason">{active.result.reason}</div> : null}
      <div className="broadcast-onair__controls">
        {play ? (
          <div className="broadcast-onair__progress">
            <span data-testid="broadcast-play">{t('broadcast.play', { i: play.index, n: play.repeat })}</span>
            <Progress percent={active.phase === 'on-air' ? playPercent : 100} size="small" showInfo={false} />
          </div>
        ) : null}
        {isLive && live ? (
          <>
            <Button
              type={active.talking ? 'primary' : 'default'}
              danger={active.talking}
              size="large"
              icon={<AudioOutlined />}
              onPointerDown={() => engine.pushToTalk(true)}
              onPointerUp={() => engine.pushToTalk(false)}
              onPointerLeave={() => engine.pushToTalk(false)}
              data-testid="broadcast-ptt"
            >
              {t('broadcast.ptt')}
            </Button>
            <Switch
              checked={active.latched}
              onChange={(on) => engine.setLatched(on)}
              checkedChildren={t('broadcast.latch')}
              unCheckedChildren={t('broadcast.latch')}
              data-testid="broadcast-latch"
            />
          </>
        ) : null}
        <span className="broadcast-onair__level-label">{t('broadcast.level')}</span>
        <LevelMeter live={live} />
        <Button danger icon={<PoweroffOutlined />} disabled={!live || active.phase === 'ending'} onClick={() => void engine.stop()} data-testid="broadcast-stop">
          {t('broadcast.stop')}
        </Button>
      </div>
      <Table
        size="small"
        rowKey="endpointId"
        pagination={false}
        dataSource={active.endpoints}
        columns={columns}
        onRow={(e) => ({ 'data-testid': `endpoint-${e.number}`, 'data-state': e.state, 'data-outcome': e.outcome ?? '', 'data-answered-at': e.answeredAt ?? '' }) as React.HTMLAttributes<HTMLElement>}
      />
    </section>
  );
}
