import { useMemo, useState } from 'react';
import { Button, Empty, Input, Space, Table, Tag } from 'antd';
import { ApartmentOutlined, StopOutlined, UserAddOutlined } from '@ant-design/icons';
import { useAppDispatch, useAppSelector, useT } from '../../app/hooks';
import { OUTCOME_TEXT } from '../../media/telephony/callOutcome';
import { CallCard, type CallActions } from './CallCard';
import { usePhoneEngine } from './phoneEngineContext';
import { callSelectionToggled, selectPhoneCalls, selectRollCall, selectSelectedCallIds } from './phoneSlice';
import { useNow } from './useNow';
import { useOpenMineOnWall } from '../wall/useOpenOnWall';

/** 当前通话: every call with its controls, the consultation (会商) toolbar and the roll-call (点名) report. */
export function CallsPanel() {
  const t = useT();
  const engine = usePhoneEngine();
  const dispatch = useAppDispatch();
  const calls = useAppSelector(selectPhoneCalls);
  const selected = useAppSelector(selectSelectedCallIds);
  const rollCall = useAppSelector(selectRollCall);
  const openMine = useOpenMineOnWall();
  const [addNumber, setAddNumber] = useState('');
  const live = calls.some((c) => c.state !== 'ended');
  const now = useNow(live);
  const conferenceId = calls.find((c) => c.conferenceId && c.state !== 'ended')?.conferenceId ?? null;
  const conferenceSize = calls.filter((c) => c.conferenceId === conferenceId && c.state === 'established').length;

  const actions: CallActions = useMemo(
    () => ({
      answer: (id) => void engine.answer(id),
      decline: (id) => void engine.decline(id),
      hangup: (id) => void engine.hangup(id),
      hold: (id, on) => void engine.hold(id, on),
      mute: (id, on) => engine.mute(id, on),
      dtmf: (id, tone) => void engine.dtmf(id, tone),
      transfer: (id, n) => void engine.transfer(id, n),
      partyMute: (id, on) => engine.setPartyMuted(id, on),
      split: (id) => engine.split(id),
      openMine: (mineId) => void openMine(mineId),
      toggleSelect: (id) => dispatch(callSelectionToggled(id)),
    }),
    [engine, openMine, dispatch],
  );

  const merge = () => engine.merge(selected, conferenceId);
  const addParty = () => {
    const n = addNumber.trim();
    if (!n) return;
    if (conferenceId) void engine.addToConference(conferenceId, n);
    else void engine.addToConference(engine.merge(selected), n);
    setAddNumber('');
  };

  return (
    <div className="phone-calls" data-testid="phone-calls">
      <div className="phone-calls__toolbar">
        <span className="phone-section-title">{t('phone.currentCalls')}</span>
        <Space size={6} wrap>
          <Button icon={<ApartmentOutlined />} disabled={selected.length < (conferenceId ? 1 : 2)} onClick={merge} data-testid="conf-merge">
            {conferenceId ? t('phone.conf.join') : t('phone.conf.start')}
          </Button>
          <Space.Compact>
            <Input
              placeholder={t('phone.conf.addPlaceholder')}
              value={addNumber}
              onChange={(e) => setAddNumber(e.target.value)}
              onPressEnter={addParty}
              style={{ width: 150 }}
              data-testid="conf-add-number"
            />
            <Button icon={<UserAddOutlined />} disabled={!addNumber.trim() || (!conferenceId && selected.length === 0)} onClick={addParty} data-testid="conf-add">
              {t('phone.conf.add')}
            </Button>
          </Space.Compact>
          {conferenceId ? (
            <Tag color="purple" data-testid="conf-tag">
              {t('phone.conf.active', { n: conferenceSize })}
            </Tag>
          ) : null}
        </Space>
      </div>
      {calls.length === 0 ? <Empty className="phone-calls__empty" description={t('phone.noCalls')} /> : null}
      <div className="phone-calls__list">
        {calls.map((c) => (
          <CallCard key={c.id} call={c} now={now} selected={selected.includes(c.id)} actions={actions} />
        ))}
      </div>
      {rollCall ? (
        <div className="phone-rollcall" data-testid="rollcall">
          <div className="phone-calls__toolbar">
            <span className="phone-section-title">
              {t('phone.rollCall.title', { name: rollCall.groupName })}
              {' · '}
              {t('phone.rollCall.summary', {
                answered: rollCall.entries.filter((e) => e.status === 'answered').length,
                total: rollCall.entries.length,
              })}
            </span>
            {rollCall.running ? (
              <Button size="small" icon={<StopOutlined />} onClick={() => engine.stopRollCall()}>
                {t('phone.rollCall.stop')}
              </Button>
            ) : (
              <Tag>{t('phone.rollCall.done')}</Tag>
            )}
          </div>
          <Table
            size="small"
            pagination={false}
            rowKey="contactId"
            dataSource={rollCall.entries}
            columns={[
              { title: t('phone.col.name'), dataIndex: 'name' },
              { title: t('phone.col.number'), dataIndex: 'number' },
              {
                title: t('phone.col.result'),
                key: 'status',
                render: (_, e) => (
                  <Tag color={e.status === 'answered' ? 'green' : e.status === 'unanswered' ? 'red' : e.status === 'calling' ? 'blue' : 'default'} data-testid={`roll-${e.number}`} data-status={e.status}>
                    {e.status === 'unanswered' && e.outcome ? OUTCOME_TEXT[e.outcome] : t(`phone.rollCall.${e.status}`)}
                    {e.answerMs !== null ? ` ${(e.answerMs / 1000).toFixed(1)} s` : ''}
                  </Tag>
                ),
              },
            ]}
          />
        </div>
      ) : null}
    </div>
  );
}
