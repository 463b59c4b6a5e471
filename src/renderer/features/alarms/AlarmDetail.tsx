import { App, Button, Descriptions, Drawer, Empty, Space, Tag, Timeline, Typography } from 'antd';
import { HistoryOutlined, EnvironmentOutlined, VideoCameraOutlined } from '@ant-design/icons';
import type { Alarm, AlarmStep } from '../../../shared/domain/alarm';
import { localDateTime } from '../../../shared/localTime';
import { useGetSettingsQuery } from '../settings/settingsApi';
import { useWallCommandMutation } from '../wall/wallApi';
import { mapFocusHash } from '../map/mapFocus';
import { AlarmActions } from './AlarmActions';
import { AlarmPicture } from './AlarmPicture';
import { AlarmWorkflow } from './AlarmWorkflow';
import { CATEGORY_NAMES, countyName, kindText, LEVEL_COLORS, LEVEL_NAMES, STATE_COLORS, STATE_NAMES, skewText } from './alarmModel';
import { useGetAlarmQuery } from './alarmsApi';
import { useChannelName } from './useChannelName';

const STEP_NAMES: Record<AlarmStep['action'], string> = { accept: '接警', dismiss: '消警', receipt: '确认收到', review: '审核', feedback: '处置反馈' };
const ROLE_NAMES = { government: '政府', enterprise: '企业' } as const;

/** One line of the 处置记录: when, who (and which side), what, and what it carried. */
function stepText(s: AlarmStep): string {
  const who = s.role ? `${s.actor}（${ROLE_NAMES[s.role]}）` : s.actor;
  const verdict = s.detail?.verdict ? `：${s.detail.verdict === 'approved' ? '通过' : '退回'}` : '';
  const feedback = s.action === 'feedback' ? `：方案「${s.detail?.plan || '—'}」，结果「${s.detail?.result || '—'}」` : '';
  const reason = s.reason ? (verdict ? `，${s.reason}` : `：${s.reason}`) : '';
  return `${localDateTime(s.at)} ${who} ${STEP_NAMES[s.action]}${verdict}${feedback}${reason}`;
}

/** One alarm in full: picture with boxes, what and where, the handling so far, and its video (live on the wall, recorded). */
export function AlarmDetail({ alarmId, onClose }: { alarmId: string | null; onClose: () => void }) {
  const { data, error } = useGetAlarmQuery(alarmId ?? '', { skip: alarmId === null });
  const shown = data && data.alarm.id === alarmId ? data : null;
  return (
    <Drawer
      open={alarmId !== null}
      onClose={onClose}
      mask={false}
      width={640}
      destroyOnHidden
      title={shown ? <DetailTitle alarm={shown.alarm} /> : '警情详情'}
      extra={shown ? <AlarmActions alarm={shown.alarm} size="small" /> : null}
      data-testid="alarm-detail"
    >
      {shown ? <DetailBody alarm={shown.alarm} steps={shown.steps} /> : error ? <Empty description={(error as { message?: string }).message ?? '读取失败'} /> : null}
    </Drawer>
  );
}

function DetailTitle({ alarm }: { alarm: Alarm }) {
  return (
    <Space size={8}>
      <Tag color={LEVEL_COLORS[alarm.level]}>{LEVEL_NAMES[alarm.level]}</Tag>
      <span>{kindText(alarm)}</span>
      <Tag color={STATE_COLORS[alarm.state]} data-testid="alarm-detail-state">
        {STATE_NAMES[alarm.state]}
      </Tag>
    </Space>
  );
}

function DetailBody({ alarm, steps }: { alarm: Alarm; steps: AlarmStep[] }) {
  const { message } = App.useApp();
  const channelName = useChannelName();
  const { data: settings } = useGetSettingsQuery();
  const [wallCommand] = useWallCommandMutation();
  const skew = skewText(alarm.skewMs);
  const target = settings?.alarmOptions.wallTarget ?? { monitor: 1, tile: 0 };

  const toWall = async (): Promise<void> => {
    if (!alarm.channelId) return;
    const result = await wallCommand({ op: 'open', monitor: target.monitor, tile: target.tile, channelId: alarm.channelId });
    if ('error' in result) message.error((result.error as { message?: string }).message ?? '上墙失败');
    else message.success(`已在 ${target.monitor} 号屏第 ${target.tile + 1} 格打开`);
  };

  return (
    <div className="alarm-detail">
      <AlarmPicture alarm={alarm} height={340} />
      <Space className="alarm-detail__video" size={8}>
        <Button icon={<VideoCameraOutlined />} disabled={!alarm.channelId} onClick={() => void toWall()} data-testid="alarm-to-wall">
          实时视频上墙
        </Button>
        <Button
          icon={<HistoryOutlined />}
          disabled={!alarm.channelId}
          onClick={() => (location.hash = `#/playback?channel=${encodeURIComponent(alarm.channelId!)}&at=${alarm.occurredAt}`)}
          data-testid="alarm-to-playback"
        >
          报警录像（前 30 秒起）
        </Button>
        <Button icon={<EnvironmentOutlined />} disabled={!alarm.linked && !alarm.mineId} onClick={() => (location.hash = mapFocusHash({ kind: 'alarm', id: alarm.id }))} data-testid="alarm-to-map">
          地图定位
        </Button>
      </Space>
      <Descriptions size="small" column={2} bordered className="alarm-detail__facts">
        <Descriptions.Item label="类别">{CATEGORY_NAMES[alarm.category]}</Descriptions.Item>
        <Descriptions.Item label="置信度">{alarm.score !== null ? `${Math.round(alarm.score * 100)}%` : '—'}</Descriptions.Item>
        <Descriptions.Item label="区县">{countyName(alarm.county) ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="煤矿">{alarm.mineName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="通道" span={2}>
          {alarm.channelId ? channelName(alarm.channelId) : <Tag color="warning">未关联（设备编号 {alarm.deviceId ?? '无'}）</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label="报警人/来源">{alarm.reporter ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="接入">{alarm.sourceId}</Descriptions.Item>
        <Descriptions.Item label="发生时间">{localDateTime(alarm.occurredAt)}</Descriptions.Item>
        <Descriptions.Item label="接收时间">{localDateTime(alarm.receivedAt)}</Descriptions.Item>
        {skew ? (
          <Descriptions.Item label="时间偏差" span={2}>
            <Typography.Text type="warning" data-testid="alarm-detail-skew">
              {skew}
            </Typography.Text>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label="说明" span={2}>
          {alarm.description ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label="来源编号" span={2}>
          <Typography.Text copyable>{alarm.externalId}</Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5}>处置流程</Typography.Title>
      <AlarmWorkflow alarm={alarm} steps={steps} />
      <Typography.Title level={5}>处置记录</Typography.Title>
      <Timeline
        data-testid="alarm-steps"
        items={[
          { color: 'red', children: `${localDateTime(alarm.receivedAt)} 收到报警` },
          ...steps.map((s) => ({
            color: s.action === 'dismiss' ? 'gray' : s.action === 'feedback' ? 'green' : 'blue',
            children: stepText(s),
          })),
        ]}
      />
    </div>
  );
}
