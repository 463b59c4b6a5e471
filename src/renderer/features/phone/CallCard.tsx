import { useState } from 'react';
import { Button, Checkbox, Input, Popover, Space, Tag, Tooltip } from 'antd';
import {
  AudioMutedOutlined,
  AudioOutlined,
  PauseCircleOutlined,
  PhoneOutlined,
  PlayCircleOutlined,
  SwapOutlined,
  VideoCameraOutlined,
  CloseCircleOutlined,
  ArrowDownOutlined,
  ArrowUpOutlined,
  NumberOutlined,
} from '@ant-design/icons';
import { useT } from '../../app/hooks';
import type { StringKey } from '../../app/strings';
import { formatDuration, OUTCOME_TEXT } from '../../media/telephony/callOutcome';
import type { CallView } from '../../media/telephony/phoneEngine';

export type CallActions = {
  answer(id: string): void;
  decline(id: string): void;
  hangup(id: string): void;
  hold(id: string, on: boolean): void;
  mute(id: string, on: boolean): void;
  dtmf(id: string, tone: string): void;
  transfer(id: string, number: string): void;
  partyMute(id: string, on: boolean): void;
  split(id: string): void;
  openMine(mineId: string): void;
  toggleSelect(id: string): void;
};

const STATE_KEY: Record<CallView['state'], StringKey> = {
  calling: 'phone.state.calling',
  ringing: 'phone.state.ringing',
  established: 'phone.state.established',
  ended: 'phone.state.ended',
};

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** One call in the current-calls panel: who, state, time, media figures and what can be done with it. */
export function CallCard({ call, now, selected, actions }: { call: CallView; now: number; selected: boolean; actions: CallActions }) {
  const t = useT();
  const [transferTo, setTransferTo] = useState('');
  const live = call.state !== 'ended';
  const established = call.state === 'established';
  const ringingIn = call.direction === 'in' && call.state === 'ringing';
  const since = call.answeredAt ?? call.startedAt;
  const duration = formatDuration((call.endedAt ?? now) - since);
  const stateText = call.state === 'ended' ? (call.outcome ? OUTCOME_TEXT[call.outcome] : t(STATE_KEY.ended)) : call.held ? t('phone.state.held') : t(STATE_KEY[call.state]);
  const color = call.state === 'ended' ? (call.outcome === 'answered' ? 'default' : 'red') : established ? (call.held ? 'orange' : 'green') : 'blue';
  const s = call.stats;
  return (
    <div
      className={`call-card call-card--${call.state}${call.conferenceId ? ' call-card--conf' : ''}`}
      data-testid={`call-card-${call.party.number}`}
      data-state={call.state}
      data-outcome={call.outcome ?? ''}
      data-received={s?.packetsReceived ?? 0}
      data-sent={s?.packetsSent ?? 0}
      data-invite-ms={call.timing.inviteMs ?? ''}
      data-dial-ms={call.timing.dialMs ?? ''}
    >
      <div className="call-card__head">
        {established ? <Checkbox checked={selected} onChange={() => actions.toggleSelect(call.id)} aria-label={t('phone.select')} /> : null}
        {call.direction === 'in' ? <ArrowDownOutlined className="call-card__dir" /> : <ArrowUpOutlined className="call-card__dir" />}
        <span className="call-card__name">{call.party.name ?? call.party.number}</span>
        <span className="call-card__number">{call.party.number}</span>
        {call.party.mineName ? <span className="call-card__mine">{call.party.mineName}</span> : null}
        <Tag color={color} data-testid="call-state">
          {stateText}
        </Tag>
        {call.kind !== 'single' ? <Tag>{t(`phone.kind.${call.kind}` as StringKey)}</Tag> : null}
        {call.recording === 'recording' ? <Tag color="red">● {t('phone.recording')}</Tag> : null}
        <span className="call-card__time">{duration}</span>
      </div>
      {call.reason && call.state === 'ended' ? <div className="call-card__reason">{call.reason}</div> : null}
      {established && s ? (
        <div className="call-card__stats" data-testid="call-stats">
          {t('phone.stats', {
            codec: s.codec ?? '-',
            rx: s.packetsReceived,
            tx: s.packetsSent,
            lost: s.packetsLost,
            jitter: s.jitterMs ?? '-',
            rtt: s.rttMs ?? '-',
          })}
        </div>
      ) : null}
      {live ? (
        <Space size={4} wrap className="call-card__actions">
          {ringingIn ? (
            <>
              <Button type="primary" size="small" icon={<PhoneOutlined />} onClick={() => actions.answer(call.id)} data-testid="call-answer">
                {t('phone.answer')}
              </Button>
              <Button danger size="small" onClick={() => actions.decline(call.id)} data-testid="call-decline">
                {t('phone.decline')}
              </Button>
            </>
          ) : (
            <Button danger type="primary" size="small" icon={<CloseCircleOutlined />} onClick={() => actions.hangup(call.id)} data-testid="call-hangup">
              {t('phone.hangup')}
            </Button>
          )}
          {established ? (
            <>
              <Button size="small" icon={call.held ? <PlayCircleOutlined /> : <PauseCircleOutlined />} onClick={() => actions.hold(call.id, !call.held)} data-testid="call-hold">
                {call.held ? t('phone.resume') : t('phone.hold')}
              </Button>
              <Button size="small" icon={call.muted ? <AudioOutlined /> : <AudioMutedOutlined />} onClick={() => actions.mute(call.id, !call.muted)} data-testid="call-mute">
                {call.muted ? t('phone.unmute') : t('phone.mute')}
              </Button>
              <Popover
                trigger="click"
                content={
                  <div className="dtmf-pad">
                    {KEYS.map((k) => (
                      <Button key={k} onClick={() => actions.dtmf(call.id, k)}>
                        {k}
                      </Button>
                    ))}
                  </div>
                }
              >
                <Button size="small" icon={<NumberOutlined />}>
                  {t('phone.keypad')}
                </Button>
              </Popover>
              <Popover
                trigger="click"
                content={
                  <Space.Compact>
                    <Input placeholder={t('phone.transferTo')} value={transferTo} onChange={(e) => setTransferTo(e.target.value)} style={{ width: 140 }} />
                    <Button type="primary" disabled={!transferTo.trim()} onClick={() => actions.transfer(call.id, transferTo)}>
                      {t('phone.transfer')}
                    </Button>
                  </Space.Compact>
                }
              >
                <Button size="small" icon={<SwapOutlined />}>
                  {t('phone.transfer')}
                </Button>
              </Popover>
              {call.conferenceId ? (
                <>
                  <Button size="small" onClick={() => actions.partyMute(call.id, !call.partyMuted)} data-testid="call-party-mute">
                    {call.partyMuted ? t('phone.conf.unmuteParty') : t('phone.conf.muteParty')}
                  </Button>
                  <Button size="small" onClick={() => actions.split(call.id)}>
                    {t('phone.conf.split')}
                  </Button>
                </>
              ) : null}
            </>
          ) : null}
          {call.party.mineId ? (
            <Tooltip title={t('phone.openMineVideo')}>
              <Button size="small" icon={<VideoCameraOutlined />} onClick={() => actions.openMine(call.party.mineId!)} data-testid="call-open-mine">
                {t('phone.video')}
              </Button>
            </Tooltip>
          ) : null}
        </Space>
      ) : null}
    </div>
  );
}
