import { Badge, Button, Input, Tooltip } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import { useAppDispatch, useAppSelector, useT } from '../../app/hooks';
import type { LineState } from '../../media/telephony/sipLine';
import { usePhoneEngine } from './phoneEngineContext';
import { dialTextChanged, selectPhoneCalls, selectDialText, selectLines } from './phoneSlice';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const LINE_COLOR: Record<LineState, string> = { registered: '#52c41a', registering: '#faad14', connecting: '#faad14', disconnected: '#ff4d4f', failed: '#ff4d4f' };

/** 拨号盘: lines with their registration, a number field and keys; during a call the keys also send DTMF. */
export function DialPad() {
  const t = useT();
  const engine = usePhoneEngine();
  const dispatch = useAppDispatch();
  const lines = useAppSelector(selectLines);
  const text = useAppSelector(selectDialText);
  const calls = useAppSelector(selectPhoneCalls);
  const active = calls.filter((c) => c.state === 'established' && !c.held);
  const dtmfTarget = active.length === 1 ? active[0]! : null;

  const press = (k: string) => {
    dispatch(dialTextChanged(text + k));
    if (dtmfTarget) void engine.dtmf(dtmfTarget.id, k);
  };
  const dial = () => {
    if (!text.trim()) return;
    void engine.dial(text);
    dispatch(dialTextChanged(''));
  };

  return (
    <div className="phone-dialpad" data-testid="dialpad">
      <div className="phone-lines">
        {lines.length === 0 ? <div className="phone-lines__none">{t('phone.noLine')}</div> : null}
        {lines.map((l) => (
          <Tooltip key={l.accountId} title={l.reason ?? undefined}>
            <div className="phone-line" data-testid={`line-${l.accountId}`} data-state={l.state}>
              <Badge color={LINE_COLOR[l.state]} />
              <span className="phone-line__name">
                {l.displayName} · {l.user}
              </span>
              <span className="phone-line__state">{t(`phone.line.${l.state}`)}</span>
              {l.reason ? <div className="phone-line__reason">{l.reason}</div> : null}
            </div>
          </Tooltip>
        ))}
      </div>
      <Input
        className="phone-dialpad__display"
        value={text}
        placeholder={t('phone.dial.placeholder')}
        onChange={(e) => dispatch(dialTextChanged(e.target.value))}
        onPressEnter={dial}
        allowClear
        data-testid="dial-input"
      />
      <div className="phone-dialpad__keys">
        {KEYS.map((k) => (
          <Button key={k} size="large" onClick={() => press(k)} data-testid={`dial-key-${k}`}>
            {k}
          </Button>
        ))}
      </div>
      <Button type="primary" size="large" block icon={<PhoneOutlined />} disabled={!text.trim()} onClick={dial} data-testid="dial-call">
        {t('phone.dial.call')}
      </Button>
      {dtmfTarget ? <div className="phone-dialpad__hint">{t('phone.dial.dtmfHint', { name: dtmfTarget.party.name ?? dtmfTarget.party.number })}</div> : null}
    </div>
  );
}
