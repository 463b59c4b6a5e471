import { useCallback } from 'react';
import { Alert, App, Tabs } from 'antd';
import type { Contact, ContactGroup } from '../../../shared/domain/telephony';
import { useAppSelector, useT } from '../../app/hooks';
import { CallHistory } from './CallHistory';
import { CallsPanel } from './CallsPanel';
import { DialPad } from './DialPad';
import { DirectoryPanel } from './DirectoryPanel';
import { usePhoneEngine } from './phoneEngineContext';
import { selectPhoneNotice } from './phoneSlice';
import { useOpenMineOnWall } from '../wall/useOpenOnWall';

/** 电话调度: directory and groups | current calls, consultation, roll-call, history and recordings | dial pad. */
export function PhonePage() {
  const t = useT();
  const engine = usePhoneEngine();
  const { message } = App.useApp();
  const notice = useAppSelector(selectPhoneNotice);
  const openMine = useOpenMineOnWall();
  const call = useCallback((c: Contact) => void engine.dial(c.number), [engine]);
  const groupCall = useCallback(
    (g: ContactGroup, members: Contact[]) => {
      if (members.length === 0) return;
      void engine.groupCall(g.id, members);
    },
    [engine],
  );
  const rollCall = useCallback(
    (g: ContactGroup, members: Contact[]) => {
      engine.rollCall(g.id, g.name, members).catch((err: unknown) => message.warning(err instanceof Error ? err.message : String(err)));
    },
    [engine, message],
  );
  return (
    <div className="phone-page" data-testid="phone-page">
      <aside className="phone-page__left">
        <DirectoryPanel onCall={call} onOpenMine={(id) => void openMine(id)} onGroupCall={groupCall} onRollCall={rollCall} />
      </aside>
      <main className="phone-page__main">
        {notice ? <Alert type="warning" showIcon closable message={notice} onClose={() => engine.dismissNotice()} data-testid="phone-notice" /> : null}
        <CallsPanel />
        <Tabs
          className="phone-page__records"
          size="small"
          items={[
            { key: 'history', label: t('phone.history'), children: <CallHistory mode="history" /> },
            { key: 'recordings', label: t('phone.recordings'), children: <CallHistory mode="recordings" /> },
          ]}
        />
      </main>
      <aside className="phone-page__right">
        <DialPad />
      </aside>
    </div>
  );
}
