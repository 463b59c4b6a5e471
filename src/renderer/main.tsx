import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { App as AntApp, ConfigProvider, Result, theme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { connectToHost } from './api/hostConnection';
import { makeStore } from './app/store';
import { hostConnectionChanged } from './app/uiSlice';
import { Shell } from './app/Shell';
import { WallWindow } from './features/wall/WallWindow';
import { wallWindowMonitor } from './app/useHashRoute';
import { translate } from './app/strings';
import { PhoneEngine } from './media/telephony/phoneEngine';
import { BroadcastEngine } from './media/broadcast/broadcastEngine';
import { BroadcastEngineContext } from './features/broadcast/broadcastEngineContext';
import { broadcastChanged } from './features/broadcast/broadcastSlice';
import { PhoneEngineContext } from './features/phone/phoneEngineContext';
import { phoneChanged } from './features/phone/phoneSlice';
import { consoleApi } from './api/consoleApiSlice';
import { connectAlarmFeed } from './features/alarms/alarmFeed';
import './app/styles.css';

performance.mark('mdc:boot');
const container = document.getElementById('root')!;
const root = createRoot(container);

function themed(children: React.ReactNode) {
  return (
    <ConfigProvider locale={zhCN} theme={{ algorithm: theme.darkAlgorithm, token: { colorPrimary: '#1677ff', borderRadius: 4, motion: false } }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

async function boot(): Promise<void> {
  let connection;
  try {
    connection = await connectToHost((event, reason) => console.warn(`invalid ${event} payload: ${reason}`));
  } catch (err) {
    root.render(
      themed(<Result status="error" title={translate('zh-CN', 'host.unreachable')} subTitle={err instanceof Error ? err.message : String(err)} />),
    );
    return;
  }
  const { api } = connection;
  // Read after connecting: the web host's token leaves the address first.
  const wallMonitor = wallWindowMonitor();
  const store = makeStore(api, connection.kind);
  connection.onConnectionChange((up) => store.dispatch(hostConnectionChanged(up)));
  window.addEventListener('error', (e) => void api.reportClientError({ message: String(e.message), context: 'window.error' }).catch(() => undefined));
  window.addEventListener('unhandledrejection', (e) =>
    void api.reportClientError({ message: String(e.reason), context: 'unhandledrejection' }).catch(() => undefined),
  );
  if (wallMonitor !== null) {
    root.render(
      <StrictMode>
        <Provider store={store}>{themed(<WallWindow api={api} monitorId={wallMonitor} />)}</Provider>
      </StrictMode>,
    );
    return;
  }
  // Telephony lives in the console window only (one SIP registration per seat, not one per wall window).
  const phone = new PhoneEngine(api);
  let callsSignature = '';
  phone.onChange((snapshot) => {
    store.dispatch(phoneChanged(snapshot));
    // The history lists change when a call starts, changes state or its recording is saved.
    const signature = snapshot.calls.map((c) => `${c.id}:${c.state}:${c.recording}`).join('|');
    if (signature !== callsSignature) {
      callsSignature = signature;
      store.dispatch(consoleApi.util.invalidateTags(['Calls']));
    }
  });
  const broadcast = new BroadcastEngine(api, phone);
  let broadcastSignature = '';
  broadcast.onChange((snapshot) => {
    store.dispatch(broadcastChanged(snapshot));
    // The records list changes when a broadcast starts, an endpoint's delivery moves, or the broadcast ends.
    const a = snapshot.active;
    const signature = a ? `${a.id}:${a.phase}:${a.endpoints.map((e) => e.state).join(',')}` : '';
    if (signature !== broadcastSignature) {
      broadcastSignature = signature;
      store.dispatch(consoleApi.util.invalidateTags(['Broadcasts', 'Schedules']));
    }
  });
  // A schedule fired (here or on another console): its state and the records change.
  api.onBroadcastDue(() => store.dispatch(consoleApi.util.invalidateTags(['Broadcasts', 'Schedules'])));
  // Alarms pop up in the console window only (wall windows show video, not dialogs).
  const alarmFeed = connectAlarmFeed(api, store);
  window.addEventListener('pagehide', () => {
    alarmFeed.dispose();
    broadcast.dispose();
    phone.dispose();
  });
  root.render(
    <StrictMode>
      <Provider store={store}>
        <PhoneEngineContext.Provider value={phone}>
          <BroadcastEngineContext.Provider value={broadcast}>{themed(<Shell api={api} />)}</BroadcastEngineContext.Provider>
        </PhoneEngineContext.Provider>
      </Provider>
    </StrictMode>,
  );
}

void boot();
