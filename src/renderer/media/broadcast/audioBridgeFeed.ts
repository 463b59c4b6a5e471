import type { JanusJS } from 'janus-gateway';
import type { RtpCodec } from '../../../shared/domain/broadcast';
import type { JanusSession, JanusSessionPool } from '../janusSession';
import type { Lease } from '../sessionPool';
import { Emitter } from '../../../shared/lifecycle';

const STEP_TIMEOUT_MS = 8000;

export type RtpTarget = { host: string; port: number; codec: RtpCodec };

/**
 * A broadcast into plain-RTP speakers through one Janus server's AudioBridge: a private room made for this broadcast,
 * the console joined to it sending the broadcast's audio (send-only WebRTC), and one RTP forwarder per speaker (the
 * room's mix, in the speaker's codec, to its unicast or multicast address). close() destroys the room, which ends
 * every forwarder with it.
 */
export class AudioBridgeFeed {
  private lease: Lease<JanusSession> | null = null;
  private handle: JanusJS.PluginHandle | null = null;
  private room: number | null = null;
  private closed = false;
  private readonly waiters = new Map<string, { resolve: (msg: JanusJS.Message, jsep?: JanusJS.JSEP) => void; reject: (err: Error) => void }>();
  private lostReason: string | null = null;
  private opened = false;
  private readonly lost = new Emitter<string>();
  /** The room's media or session died after open() (Janus gone, ICE failed): the speakers no longer hear it. */
  readonly onLost = this.lost.event;

  constructor(
    private readonly pool: JanusSessionPool,
    private readonly server: string,
  ) {}

  /** Creates the room, joins it and sends `stream` (its first audio track); resolves once Janus has our media. */
  async open(stream: MediaStream, description: string): Promise<void> {
    const track = stream.getAudioTracks()[0];
    if (!track) throw new Error('广播音频流没有音轨');
    const acquiring = this.pool.acquire({ server: this.server, iceServers: [] });
    try {
      this.lease = await withTimeout(acquiring, `连接 Janus ${this.server}`);
    } catch (err) {
      acquiring.then((late) => late.dispose()).catch(() => undefined); // a lease that arrives after the timeout goes back
      throw err;
    }
    this.lease.onLost((reason) => this.loseWith(reason));
    await this.checkOpen();
    const media = new Promise<void>((resolve, reject) => {
      this.waiters.set('webrtc', { resolve: () => resolve(), reject });
    });
    media.catch(() => undefined); // awaited below; a failure before then is reported by the step that failed
    const lease = this.lease;
    this.handle = await withTimeout(
      new Promise<JanusJS.PluginHandle>((resolve, reject) => {
        lease.session.attach({
          plugin: 'janus.plugin.audiobridge',
          opaqueId: `mdc-broadcast-${crypto.randomUUID().slice(0, 8)}`,
          success: resolve,
          error: (error) => reject(new Error(`无法连接 AudioBridge 插件：${error}`)),
          onmessage: (msg, jsep) => this.onMessage(msg, jsep),
          webrtcState: (up) => {
            if (up) this.settle('webrtc', { audiobridge: 'media' } as unknown as JanusJS.Message);
            else this.loseWith('Janus 断开了广播媒体连接');
          },
          iceState: (state) => {
            if (state === 'failed') this.loseWith('到 Janus 的媒体连接失败（ICE failed）');
          },
        });
      }),
      '连接 AudioBridge 插件',
    );
    await this.checkOpen();
    const room = 100_000_000 + Math.floor(Math.random() * 900_000_000);
    await this.request({ request: 'create', room, permanent: false, is_private: true, sampling_rate: 16000, description: description.slice(0, 60) });
    this.room = room;
    await this.checkOpen();
    const joined = this.expect('joined');
    this.handle.send({ message: { request: 'join', room, display: '调度台广播', muted: false } });
    await withTimeout(joined, '加入 AudioBridge 房间');
    const jsep = await withTimeout(
      new Promise<JanusJS.JSEP>((resolve, reject) => {
        this.handle!.createOffer({
          tracks: [{ type: 'audio', capture: track, recv: false }],
          success: resolve,
          error: (err) => reject(err instanceof Error ? err : new Error(String(err))),
        });
      }),
      '生成 WebRTC offer',
    );
    const answered = this.expect('jsep');
    this.handle.send({ message: { request: 'configure', muted: false }, jsep });
    const answer = await withTimeout(answered, '等待 Janus 应答');
    if (answer.jsep) this.handle.handleRemoteJsep({ jsep: answer.jsep });
    await withTimeout(media, '建立到 Janus 的媒体连接');
    await this.checkOpen();
    this.opened = true;
  }

  /** Stops open() between its steps once the feed was closed, cleaning up what the steps so far made. */
  private async checkOpen(): Promise<void> {
    if (!this.closed) return;
    await this.teardown();
    throw new Error('广播已结束');
  }

  /** Before open() finished: the waiting step fails with it. After: the feed is lost (onLost). */
  private loseWith(reason: string): void {
    if (this.closed || this.lostReason) return;
    this.lostReason = reason;
    if (this.opened) this.lost.fire(reason);
    else for (const key of [...this.waiters.keys()]) this.fail(key, new Error(reason));
  }

  /** Starts forwarding the room to a speaker; resolves with the forwarder's id. */
  async forward(target: RtpTarget): Promise<number> {
    if (this.room === null) throw new Error('AudioBridge 房间未建立');
    const result = await this.request({ request: 'rtp_forward', room: this.room, host: target.host, port: target.port, codec: target.codec, always_on: true });
    const id = Number((result as { stream_id?: unknown }).stream_id);
    if (!Number.isFinite(id)) throw new Error('AudioBridge 未返回转发编号');
    return id;
  }

  /** Destroys the room (and its forwarders), hangs up and lets the session go. Never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.teardown();
    for (const [key, w] of this.waiters) w.reject(new Error(`AudioBridge 已关闭（${key}）`));
    this.waiters.clear();
    this.lost.dispose();
  }

  /** Whatever exists so far goes: the room (with its forwarders), our handle, the session lease. Idempotent. */
  private async teardown(): Promise<void> {
    const { handle, room, lease } = this;
    this.handle = null;
    this.room = null;
    this.lease = null;
    if (handle && room !== null && !this.lostReason) {
      await new Promise<void>((resolve) => {
        handle.send({ message: { request: 'destroy', room }, success: () => resolve(), error: () => resolve() });
        setTimeout(resolve, 2000);
      });
    }
    try {
      handle?.hangup(false);
      handle?.detach({ noRequest: this.lostReason !== null });
    } catch {
      // already gone
    }
    lease?.dispose();
  }

  private request(message: Record<string, unknown> & { request: string }): Promise<Record<string, unknown>> {
    const handle = this.handle;
    if (!handle) return Promise.reject(new Error('AudioBridge 未连接'));
    return withTimeout(
      new Promise((resolve, reject) => {
        handle.send({
          message,
          success: (data: Record<string, unknown> | undefined) => {
            if (data?.error) reject(new Error(`AudioBridge ${message.request}：${String(data.error)}`));
            else resolve(data ?? {});
          },
          error: (error) => reject(new Error(`AudioBridge ${message.request}：${error}`)),
        });
      }),
      `AudioBridge ${message.request}`,
    );
  }

  private expect(key: string): Promise<{ msg: JanusJS.Message; jsep?: JanusJS.JSEP }> {
    return new Promise((resolve, reject) => {
      this.waiters.set(key, { resolve: (msg, jsep) => resolve({ msg, jsep }), reject });
    });
  }

  private onMessage(msg: JanusJS.Message, jsep?: JanusJS.JSEP): void {
    if (msg.error) {
      const err = new Error(`AudioBridge：${String(msg.error)}`);
      for (const key of ['joined', 'jsep']) this.fail(key, err);
      return;
    }
    if ((msg as { audiobridge?: string }).audiobridge === 'joined') this.settle('joined', msg);
    if (jsep) this.settle('jsep', msg, jsep);
  }

  private settle(key: string, msg: JanusJS.Message, jsep?: JanusJS.JSEP): void {
    const w = this.waiters.get(key);
    if (!w) return;
    this.waiters.delete(key);
    w.resolve(msg, jsep);
  }

  private fail(key: string, err: Error): void {
    const w = this.waiters.get(key);
    if (!w) return;
    this.waiters.delete(key);
    w.reject(err);
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}超时（${STEP_TIMEOUT_MS / 1000} 秒）`)), STEP_TIMEOUT_MS);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
