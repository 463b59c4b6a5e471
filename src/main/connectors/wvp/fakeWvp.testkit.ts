import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../../services/loopbackServer';
import { md5Hex } from './wvpClient';

/**
 * A local stand-in for a WVP-GB28181-pro server in tests: answers recorded, real-shaped responses on
 * 127.0.0.1 and records every request. Used by the *.test.ts files beside it only.
 */
export type FakeRequest = { method: string; path: string; query: URLSearchParams; token: string | null };
export type FakeReply = { status?: number; body?: unknown; raw?: string } | 'hang';
export type FakeHandler = (req: FakeRequest) => FakeReply | undefined;

export type FakeWvp = { url: string; requests: FakeRequest[]; close: () => Promise<void> };

export const ok = (data: unknown): FakeReply => ({ body: { code: 0, msg: '成功', data } });

/** The fake WVP's admin password (what the tests' backends log in with). */
export const WVP_PASSWORD = 'Wvp@Secret#2026';
/** WVP's answer to a wrong username or password. */
export const LOGIN_REFUSED: FakeReply = { body: { code: 100, msg: '用户名或密码错误', data: null } };

/** Whether a login request names admin with the MD5 of `password`, as WVP checks it. */
export function loginAccepted(req: FakeRequest, password = WVP_PASSWORD): boolean {
  return req.query.get('username') === 'admin' && req.query.get('password') === md5Hex(password);
}

export async function startFakeWvp(handler: FakeHandler): Promise<FakeWvp> {
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = req.headers['access-token'];
    const r: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, token: typeof token === 'string' ? token : null };
    requests.push(r);
    const reply = handler(r) ?? { status: 404, body: { timestamp: '2026-11-24T05:00:00.000+00:00', status: 404, error: 'Not Found', path: url.pathname } };
    if (reply === 'hang') return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(reply.raw ?? JSON.stringify(reply.body));
  });
  const listener = await listenOnLoopback(server);
  return { url: listener.origin, requests, close: listener.close };
}

/** A JWT shaped like WVP's (jose, RS256); the signature is not checked by the client. */
export function fakeJwt(expSeconds: number, user = 'admin'): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', kid: '3e79646c4dbc408383a9eed09f2b85ae' })}.${b64({ jti: 'x', iat: expSeconds - 3600, exp: expSeconds, sub: 'login', aud: 'Audience', userName: user })}.c2lnbmF0dXJl`;
}

/** The login answer of WVP 2.7 (LoginUser: user fields, role, accessToken). */
export function loginReply(accessToken: string): FakeReply {
  return ok({
    id: 1,
    username: 'admin',
    pushKey: '3e80d1762a324d5b0ff636e0bd16f1e3',
    role: { id: 1, name: 'admin', authority: '0', createTime: '2021-04-13 14:14:57', updateTime: '2021-04-13 14:14:57' },
    createTime: '2021-04-13 14:14:57',
    updateTime: '2021-04-13 14:14:57',
    accessToken,
  });
}

/**
 * Recorded real-shaped DeviceAlarm entries of WVP 2.7's `/api/alarm/all` (PageInfo `list`; master's `/api/alarm/list`
 * answers the same entries): a GB video intrusion, a motion detection, a device fault without a channel, a
 * phone alarm. alarmTime is the device's clock ('yyyy-MM-dd HH:mm:ss', +08:00); WVP stores 0 for absent coordinates.
 */
export const RECORDED_REAL_SHAPED_WVP_ALARMS = [
  {
    id: 1207,
    deviceId: '14040300111180000001',
    channelId: '14040300001320000001',
    alarmPriority: '1',
    alarmPriorityDescription: '一级警情',
    alarmMethod: '5',
    alarmMethodDescription: '视频报警',
    alarmTime: '2026-11-24 12:00:05',
    alarmDescription: '主井口区域入侵',
    longitude: 113.106888,
    latitude: 36.190941,
    alarmType: '6',
    alarmTypeDescription: '入侵检测报警',
    createTime: '2026-11-24 12:00:06',
  },
  {
    id: 1208,
    deviceId: '14040300111180000001',
    channelId: '14040300001320000002',
    alarmPriority: '3',
    alarmMethod: '5',
    alarmTime: '2026-11-24 12:01:10',
    alarmDescription: null,
    longitude: 0,
    latitude: 0,
    alarmType: '2',
    createTime: '2026-11-24 12:01:10',
  },
  {
    id: 1209,
    deviceId: '14040300111180000001',
    channelId: '14040300111180000001',
    alarmPriority: '2',
    alarmMethod: '6',
    alarmTime: '2026-11-24 12:02:00',
    alarmDescription: '硬盘故障',
    longitude: 0,
    latitude: 0,
    alarmType: '1',
    createTime: '2026-11-24 12:02:01',
  },
  {
    id: 1210,
    deviceId: '14040300111180000003',
    channelId: '14040300001320000009',
    alarmPriority: '4',
    alarmMethod: '1',
    alarmTime: '2026-11-24 12:03:00',
    alarmDescription: '调度电话报警',
    longitude: 0,
    latitude: 0,
    alarmType: null,
    createTime: '2026-11-24 12:03:00',
  },
];

/** A recorded real-shaped PageInfo answer of the alarm list (pageNum/pageSize/total/list, as PageHelper sends it). */
export function recordedRealShapedAlarmPage(list: readonly unknown[], page: number, count: number): FakeReply {
  const slice = list.slice((page - 1) * count, page * count);
  return ok({ total: list.length, list: slice, pageNum: page, pageSize: count, size: slice.length, pages: Math.ceil(list.length / count), hasNextPage: page * count < list.length });
}
