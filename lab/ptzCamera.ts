/**
 * The lab's PTZ camera as a device: position and velocity state integrated at 25 Hz, presets saved in the run
 * dir, and the camera's running ffmpeg kept in step through its zmq filter (lab/zmqControl.ts). The ISAPI
 * server (lab/isapiServer.ts) is its front panel.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  clampPosition,
  filterSettings,
  HOME,
  integrate,
  interpolate,
  isStill,
  READOUT_FILTER,
  readoutText,
  STILL,
  type FilterCommand,
  type PtzPosition,
  type PtzVelocity,
} from './ptzModel';
import { ZmqControl } from './zmqControl';

export type PtzPresetRecord = { id: number; name: string; position: PtzPosition };

/** What GET /lab/ptz/state returns. */
export type PtzStateJson = PtzPosition & {
  velocity: PtzVelocity;
  /** A preset recall in progress. */
  moving: boolean;
  /** The camera's ffmpeg has the current state (connected, nothing unacknowledged). */
  applied: boolean;
  controlConnections: number;
};

const TICK_MS = 40;
/** A preset recall takes this long, like a real head slewing. */
const GOTO_MS = 400;
/** The readout is re-rendered at most this often while moving. */
const READOUT_EVERY_MS = 200;
export const PRESET_ID_MAX = 300;

type Recall = { from: PtzPosition; to: PtzPosition; startedAt: number };

/**
 * One zmq filter message. The filter splits it into target, command and arg at spaces, commas and
 * semicolons, with '…' quoting: the arg is quoted (the readout has spaces).
 */
export function zmqMessage(c: FilterCommand): string {
  if (/['\\]/.test(c.arg) || /[\s,;'\\]/.test(c.target + c.command)) throw new Error(`unquotable filter command ${JSON.stringify(c)}`);
  return `${c.target} ${c.command} '${c.arg}'`;
}

export class PtzCamera {
  private position: PtzPosition = HOME;
  private velocity: PtzVelocity = STILL;
  private recall: Recall | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  private readonly presets = new Map<number, PtzPresetRecord>();
  /** Filter settings the camera has been sent (cleared on every new control connection). */
  private readonly sent = new Map<string, string>();
  private sentReadout: string | null = null;
  private readoutAt = 0;
  private unacknowledged = 0;
  private readonly control: ZmqControl;
  private readonly warned = new Set<string>();

  constructor(
    /** The ipc:// endpoint the camera's zmq filter binds (a Unix socket path). */
    readonly zmqSocket: string,
    private readonly presetsFile: string,
    private readonly log: (line: string) => void,
  ) {
    if (zmqSocket.length > 100) throw new Error(`zmq socket path too long for a Unix socket: ${zmqSocket}`);
    this.loadPresets();
    this.control = new ZmqControl(zmqSocket, () => this.onControlReady(), log);
  }

  start(): void {
    this.control.start();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.control.close();
  }

  /** The camera's ffmpeg was (re)spawned: connect to its new zmq endpoint soon. */
  cameraSpawned(): void {
    this.control.kick();
  }

  /** Current position (what a new ffmpeg must start with). */
  current(): PtzPosition {
    return this.position;
  }

  state(): PtzStateJson {
    return {
      ...this.position,
      velocity: this.velocity,
      moving: this.recall !== null,
      applied: this.control.connected && this.unacknowledged === 0 && this.pendingCommands().length === 0,
      controlConnections: this.control.connections,
    };
  }

  /** Continuous pan/tilt/zoom (-1..1 each); all zero stops. A preset recall in progress is cancelled. */
  continuous(pan: number, tilt: number, zoom: number): void {
    this.recall = null;
    this.velocity = { ...this.velocity, pan, tilt, zoom };
    this.schedule();
  }

  focus(speed: number): void {
    this.velocity = { ...this.velocity, focus: speed };
    this.schedule();
  }

  iris(speed: number): void {
    this.velocity = { ...this.velocity, iris: speed };
    this.schedule();
  }

  /** Absolute move (ISAPI `absolute`): slews like a preset recall. */
  moveTo(target: PtzPosition): void {
    this.velocity = { ...this.velocity, pan: 0, tilt: 0, zoom: 0 };
    this.recall = { from: this.position, to: clampPosition(target), startedAt: performance.now() };
    this.schedule();
  }

  listPresets(): PtzPresetRecord[] {
    return [...this.presets.values()].sort((a, b) => a.id - b.id);
  }

  getPreset(id: number): PtzPresetRecord | undefined {
    return this.presets.get(id);
  }

  setPreset(id: number, name: string): void {
    const { x, y, zoom } = this.position;
    this.presets.set(id, { id, name, position: { ...HOME, x, y, zoom } });
    this.savePresets();
  }

  removePreset(id: number): boolean {
    const had = this.presets.delete(id);
    if (had) this.savePresets();
    return had;
  }

  /** Recalls pan/tilt/zoom of a preset (focus and iris stay); false when the preset is not set. */
  gotoPreset(id: number): boolean {
    const p = this.presets.get(id);
    if (!p) return false;
    this.moveTo({ ...this.position, x: p.position.x, y: p.position.y, zoom: p.position.zoom });
    return true;
  }

  private schedule(): void {
    this.sync(true);
    const active = !isStill(this.velocity) || this.recall !== null;
    if (active && !this.timer) {
      this.lastTick = performance.now();
      this.timer = setInterval(() => this.tick(), TICK_MS);
    }
  }

  private tick(): void {
    const now = performance.now();
    const dtS = Math.min(0.2, (now - this.lastTick) / 1000);
    this.lastTick = now;
    if (this.recall) {
      const t = (now - this.recall.startedAt) / GOTO_MS;
      this.position = interpolate(this.recall.from, this.recall.to, t);
      if (t >= 1) this.recall = null;
    }
    if (!isStill(this.velocity)) this.position = integrate(this.position, this.velocity, dtS);
    const active = !isStill(this.velocity) || this.recall !== null;
    this.sync(!active);
    if (!active && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private pendingCommands(): FilterCommand[] {
    const out: FilterCommand[] = [];
    for (const [key, cmd] of filterSettings(this.position)) {
      if (this.sent.get(key) !== cmd.arg) out.push(cmd);
    }
    return out;
  }

  /** Sends what changed; the readout only every READOUT_EVERY_MS unless `final`. */
  private sync(final: boolean): void {
    if (!this.control.connected) return;
    const commands = this.pendingCommands();
    const readout = readoutText(this.position);
    const now = performance.now();
    if (readout !== this.sentReadout && (final || now - this.readoutAt >= READOUT_EVERY_MS)) {
      commands.push({ target: READOUT_FILTER, command: 'reinit', arg: `text=${readout}` });
    }
    if (commands.length === 0) return;
    const replies = this.control.send(commands.map(zmqMessage));
    if (!replies) return;
    for (const c of commands) {
      if (c.target === READOUT_FILTER) {
        this.sentReadout = readout;
        this.readoutAt = now;
      }
    }
    for (const [key, cmd] of filterSettings(this.position)) this.sent.set(key, cmd.arg);
    this.unacknowledged++;
    replies.then(
      (list) => {
        this.unacknowledged--;
        list.forEach((r, i) => {
          const c = commands[i];
          if (r.code !== 0 && c) this.warnOnce(`${c.target} ${c.command}: ${r.code} ${r.text}`);
        });
      },
      () => {
        // Connection lost: onControlReady re-sends everything on the next connection.
        this.unacknowledged--;
      },
    );
  }

  private onControlReady(): void {
    this.sent.clear();
    this.sentReadout = null;
    this.unacknowledged = 0;
    this.sync(true);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.log(`ptz camera: filter command failed: ${message}`);
  }

  private loadPresets(): void {
    if (!existsSync(this.presetsFile)) return;
    try {
      const json = JSON.parse(readFileSync(this.presetsFile, 'utf8')) as { presets?: unknown };
      if (!Array.isArray(json.presets)) return;
      for (const raw of json.presets as Array<Partial<PtzPresetRecord>>) {
        const id = Number(raw.id);
        if (!Number.isInteger(id) || id < 1 || id > PRESET_ID_MAX || typeof raw.name !== 'string' || !raw.position) continue;
        this.presets.set(id, { id, name: raw.name, position: clampPosition({ ...HOME, ...raw.position }) });
      }
    } catch (err) {
      this.log(`ptz presets ${this.presetsFile} unreadable, starting empty: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private savePresets(): void {
    const tmp = `${this.presetsFile}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, presets: this.listPresets() }, null, 2)}\n`);
    renameSync(tmp, this.presetsFile);
  }
}
