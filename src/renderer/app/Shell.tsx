import { lazy, Suspense, useEffect, useState } from 'react';
import { Alert, Layout, Menu, Spin, Tag } from 'antd';
import {
  AlertOutlined,
  AppstoreOutlined,
  CarryOutOutlined,
  GlobalOutlined,
  HistoryOutlined,
  PhoneOutlined,
  SettingOutlined,
  SoundOutlined,
} from '@ant-design/icons';
import type { ConsoleApi } from '../../shared/contract/consoleApi';
import { useAppSelector, useT } from './hooks';
import { selectHost, selectHostConnected } from './uiSlice';
import { useHashRoute, type Route } from './useHashRoute';
import type { StringKey } from './strings';
import { WallPage } from '../features/wall/WallPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { PlaybackPage } from '../features/playback/PlaybackPage';

// CesiumJS is large: the map's code loads when the map is first opened.
const MapPage = lazy(() => import('../features/map/MapPage').then((m) => ({ default: m.MapPage })));
import { PhonePage } from '../features/phone/PhonePage';
import { BroadcastPage } from '../features/broadcast/BroadcastPage';
import { AlarmsEventsPage } from '../features/alarms/AlarmsEventsPage';
import { TasksPage } from '../features/tasks/TasksPage';
import { AlarmPopup } from '../features/alarms/AlarmPopup';
import { AlarmNavBadge } from '../features/alarms/AlarmNavBadge';
import { IncomingCallBar } from '../features/phone/IncomingCallBar';
import { usePhoneEngine, usePhoneEngineSync } from '../features/phone/phoneEngineContext';
import { BackendStatusBar } from '../features/status/BackendStatusBar';

const NAV: { route: Route; label: StringKey; icon: React.ReactNode }[] = [
  { route: 'wall', label: 'nav.wall', icon: <AppstoreOutlined /> },
  { route: 'map', label: 'nav.map', icon: <GlobalOutlined /> },
  { route: 'phone', label: 'nav.phone', icon: <PhoneOutlined /> },
  { route: 'broadcast', label: 'nav.broadcast', icon: <SoundOutlined /> },
  { route: 'playback', label: 'nav.playback', icon: <HistoryOutlined /> },
  { route: 'alarms', label: 'nav.alarms', icon: <AlertOutlined /> },
  { route: 'tasks', label: 'nav.tasks', icon: <CarryOutOutlined /> },
  { route: 'settings', label: 'nav.settings', icon: <SettingOutlined /> },
];

function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    <span className="shell__clock" data-testid="clock">
      {`${now.getFullYear()}年${pad(now.getMonth() + 1)}月${pad(now.getDate())}日 ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`}
    </span>
  );
}

/**
 * F11 shows the console full screen (Electron has no menu to do it). Always the whole document, so that pop-ups,
 * drop-downs and dialogs (rendered into <body>) stay visible; the map page then hides the title bar itself.
 */
function useFullscreenKey(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'F11' || e.defaultPrevented) return;
      e.preventDefault();
      if (document.fullscreenElement) void document.exitFullscreen();
      else void document.documentElement.requestFullscreen().catch(() => undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Title bar with navigation, platform lamps and clock; the page below. */
export function Shell({ api }: { api: ConsoleApi }) {
  const t = useT();
  const [route, go] = useHashRoute();
  const host = useAppSelector(selectHost);
  const connected = useAppSelector(selectHostConnected);
  const phone = usePhoneEngine();
  usePhoneEngineSync(phone);
  useFullscreenKey();

  let page: React.ReactNode;
  switch (route) {
    case 'wall':
    default:
      page = <WallPage api={api} />;
      break;
    case 'settings':
      page = <SettingsPage />;
      break;
    case 'playback':
      page = <PlaybackPage />;
      break;
    case 'phone':
      page = <PhonePage />;
      break;
    case 'broadcast':
      page = <BroadcastPage />;
      break;
    case 'alarms':
      page = <AlarmsEventsPage />;
      break;
    case 'tasks':
      page = <TasksPage />;
      break;
    case 'map':
      page = (
        <Suspense fallback={<Spin className="shell__loading" />}>
          <MapPage api={api} />
        </Suspense>
      );
      break;
  }

  return (
    <Layout className="shell">
      <Layout.Header className="shell__header">
        <div className="shell__brand">
          <span className="shell__title">{t('app.title')}</span>
          <Tag bordered={false} color={host === 'ipc' ? 'blue' : 'geekblue'}>
            {t(host === 'ipc' ? 'host.ipc' : 'host.websocket')}
          </Tag>
        </div>
        <Menu
          className="shell__nav"
          mode="horizontal"
          disabledOverflow
          theme="dark"
          selectedKeys={[route]}
          onClick={(e) => go(e.key as Route)}
          items={NAV.map((n) => ({
            key: n.route,
            icon: n.icon,
            label: (
              <span data-testid={`nav-${n.route}`}>
                {t(n.label)}
                {n.route === 'alarms' ? <AlarmNavBadge /> : null}
              </span>
            ),
          }))}
        />
        <BackendStatusBar />
        <Clock />
      </Layout.Header>
      {connected ? null : <Alert type="error" banner message={t('host.disconnected')} />}
      <IncomingCallBar />
      <Layout.Content className="shell__content">{page}</Layout.Content>
      <AlarmPopup />
    </Layout>
  );
}
