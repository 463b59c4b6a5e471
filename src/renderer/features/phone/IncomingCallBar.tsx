import { Button, Space } from 'antd';
import { PhoneOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { useAppSelector, useT } from '../../app/hooks';
import { usePhoneEngine } from './phoneEngineContext';
import { selectCalls } from './phoneSlice';
import { useOpenMineOnWall } from '../wall/useOpenOnWall';

/** Incoming calls ring on every page: caller, mine, answer, decline, and the mine's cameras on the wall. */
export function IncomingCallBar() {
  const t = useT();
  const engine = usePhoneEngine();
  const openMine = useOpenMineOnWall();
  const ringing = useAppSelector(selectCalls).filter((c) => c.direction === 'in' && c.state === 'ringing');
  if (ringing.length === 0) return null;
  return (
    <div className="incoming-calls" role="alert">
      {ringing.map((c) => (
        <div key={c.id} className="incoming-call" data-testid={`incoming-${c.party.number}`}>
          <PhoneOutlined className="incoming-call__icon" />
          <div className="incoming-call__who">
            <div className="incoming-call__name">{c.party.name ?? c.party.number}</div>
            <div className="incoming-call__detail">
              {c.party.mineName ? `${c.party.mineName} · ` : ''}
              {c.party.number} · {t('phone.incoming')}
            </div>
          </div>
          <Space size={6}>
            <Button type="primary" icon={<PhoneOutlined />} onClick={() => void engine.answer(c.id)} data-testid="incoming-answer">
              {t('phone.answer')}
            </Button>
            <Button danger onClick={() => void engine.decline(c.id)} data-testid="incoming-decline">
              {t('phone.decline')}
            </Button>
            {c.party.mineId ? (
              <Button icon={<VideoCameraOutlined />} onClick={() => void openMine(c.party.mineId!)} data-testid="incoming-open-mine">
                {t('phone.openMineVideo')}
              </Button>
            ) : null}
          </Space>
        </div>
      ))}
    </div>
  );
}
