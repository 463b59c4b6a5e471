import { useEffect, useRef, useState } from 'react';
import { Button, Space, Tag, Typography } from 'antd';
import type { Alarm } from '../../../shared/domain/alarm';
import { CloseOutlined, LeftOutlined, RightOutlined } from '@ant-design/icons';
import { localDateTime } from '../../../shared/localTime';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { useGetSettingsQuery } from '../settings/settingsApi';
import { AlarmActions } from './AlarmActions';
import { AlarmPicture } from './AlarmPicture';
import { mapFocusHash } from '../map/mapFocus';
import { CATEGORY_NAMES, kindText, LEVEL_COLORS, LEVEL_NAMES, placeText, skewText } from './alarmModel';
import { detailOpened, popupClosed, popupHeld, popupReleased, popupShown, selectAlarmArrivals, selectNewWhileHeld, selectAlarmChimes, selectAlarmDetailId, selectPending, selectPopup } from './alarmsSlice';
import { useChannelName } from './useChannelName';

/**
 * The alarm pop-up: the newest unhandled alarm at or above the configured level, with its picture and the handling
 * buttons, on every page. It is a panel, not a modal: it never takes the keyboard focus, so a dispatcher on a call
 * or typing keeps doing so; ‹ › walk the other unhandled alarms.
 */
export function AlarmPopup() {
  const dispatch = useAppDispatch();
  const alarm = useAppSelector(selectPopup);
  const pending = useAppSelector(selectPending);
  const chimes = useAppSelector(selectAlarmChimes);
  const newWhileHeld = useAppSelector(selectNewWhileHeld);
  const arrivals = useAppSelector(selectAlarmArrivals);
  // Beside the alarm page's detail drawer, not over it.
  const besideDrawer = useAppSelector(selectAlarmDetailId) !== null && location.hash.startsWith('#/alarms');
  const channelName = useChannelName();
  // Keeps the settings (pop-up level, sound) loaded for the alarm feed.
  useGetSettingsQuery();
  const reasonOpen = useRef(false);
  if (!alarm) return null;
  const index = pending.findIndex((a) => a.id === alarm.id);
  const show = (i: number) => dispatch(popupShown(pending[(i + pending.length) % pending.length]!.id));
  const skew = skewText(alarm.skewMs);

  return (
    <section
      onMouseEnter={() => dispatch(popupHeld(alarm.id))}
      onMouseLeave={() => !reasonOpen.current && dispatch(popupReleased())}
      className={`alarm-popup alarm-popup--level${alarm.level}${besideDrawer ? ' alarm-popup--beside-drawer' : ''}`} role="alert" aria-live="assertive" data-testid="alarm-popup" data-alarm-id={alarm.id} data-chimes={chimes} data-arrivals={arrivals}>
      <header className="alarm-popup__header">
        <Tag color={LEVEL_COLORS[alarm.level]}>{LEVEL_NAMES[alarm.level]}</Tag>
        <span className="alarm-popup__kind" data-testid="alarm-popup-kind">
          {kindText(alarm)}
        </span>
        <span className="alarm-popup__count" data-testid="alarm-popup-count">
          {pending.length > 1 ? `未处理 ${index + 1}/${pending.length}` : null}
        </span>
        {pending.length > 1 ? (
          <Space.Compact>
            <Button size="small" icon={<LeftOutlined />} aria-label="上一条" onClick={() => show(index - 1)} />
            <Button size="small" icon={<RightOutlined />} aria-label="下一条" onClick={() => show(index + 1)} />
          </Space.Compact>
        ) : null}
        <Button size="small" type="text" icon={<CloseOutlined />} aria-label="稍后处理" title="稍后处理" onClick={() => dispatch(popupClosed())} />
      </header>
      {newWhileHeld > 0 ? (
        <Button block size="small" type="dashed" danger className="alarm-popup__newer" data-testid="alarm-popup-newer" onClick={() => dispatch(popupShown(null))}>
          又有 {newWhileHeld} 条新报警，点击查看最新
        </Button>
      ) : null}
      {alarm.picture ? <SettledPicture alarm={alarm} /> : null}
      <dl className="alarm-popup__facts">
        <dt>地点</dt>
        <dd data-testid="alarm-popup-place">
          {placeText(alarm)}
          {alarm.channelId ? ` · ${channelName(alarm.channelId)}` : ''}
        </dd>
        <dt>时间</dt>
        <dd>
          {localDateTime(alarm.occurredAt)}
          {skew ? (
            <Typography.Text type="warning" className="alarm-popup__skew" data-testid="alarm-skew">
              {' '}
              {skew}
            </Typography.Text>
          ) : null}
        </dd>
        <dt>来源</dt>
        <dd>
          {CATEGORY_NAMES[alarm.category]}
          {alarm.reporter ? ` · ${alarm.reporter}` : ''}
          {alarm.score !== null ? ` · 置信度 ${Math.round(alarm.score * 100)}%` : ''}
        </dd>
        {alarm.description ? (
          <>
            <dt>说明</dt>
            <dd>{alarm.description}</dd>
          </>
        ) : null}
      </dl>
      <footer className="alarm-popup__footer">
        <AlarmActions
          key={alarm.id}
          alarm={alarm}
          onReasonOpen={(open) => {
            reasonOpen.current = open;
            dispatch(open ? popupHeld(alarm.id) : popupReleased());
          }}
        />
        <Button
          data-testid="alarm-popup-map"
          disabled={!alarm.linked && !alarm.mineId}
          onClick={() => (location.hash = mapFocusHash({ kind: 'alarm', id: alarm.id }))}
        >
          地图
        </Button>
        <Button
          data-testid="alarm-popup-detail"
          onClick={() => {
            dispatch(detailOpened(alarm.id));
            location.hash = '#/alarms';
          }}
        >
          详情
        </Button>
      </footer>
    </section>
  );
}

/** During a burst the pop-up's alarm changes every frame: its picture is fetched once the alarm stays for a moment. */
const PICTURE_SETTLE_MS = 120;

function SettledPicture({ alarm }: { alarm: Alarm }) {
  const [settled, setSettled] = useState<Alarm | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(alarm), PICTURE_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [alarm]);
  const shown = settled?.id === alarm.id ? settled : null;
  return shown ? <AlarmPicture alarm={shown} height={220} /> : <div className="alarm-picture" style={{ height: 220 }} />;
}
