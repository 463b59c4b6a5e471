import { DEFAULT_SETTINGS, settingsSchema, type BackendConfig, type Settings } from '../../shared/domain/settings';
import type { AlarmInputConfig } from '../../shared/domain/alarm';
import type { SipAccount } from '../../shared/domain/telephony';
import { Emitter } from '../../shared/lifecycle';
import type { Db } from './store';

/**
 * Settings live in SQLite as one validated JSON document per key. A stored value that no longer
 * parses (older or hand-edited) falls back to the default for that key and is logged by the caller.
 */
export class SettingsService {
  private readonly changed = new Emitter<Settings>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly db: Db,
    private readonly onInvalid: (key: string, reason: string) => void,
  ) {}

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const row of rows) {
      if (!(row.key in DEFAULT_SETTINGS)) continue;
      try {
        const candidate = { ...merged, [row.key]: JSON.parse(row.value) as unknown };
        const parsed = settingsSchema.safeParse(candidate);
        if (parsed.success) merged[row.key] = parsed.data[row.key as keyof Settings];
        else this.onInvalid(row.key, parsed.error.message);
      } catch (err) {
        this.onInvalid(row.key, String(err));
      }
    }
    return settingsSchema.parse(merged);
  }

  update(patch: Partial<Settings>): Settings {
    const next = settingsSchema.parse({ ...this.get(), ...patch });
    const put = this.db.prepare(
      'INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.db.transaction(() => {
      for (const key of Object.keys(patch) as (keyof Settings)[]) put.run(key, JSON.stringify(next[key]), Date.now());
    })();
    this.changed.fire(next);
    return next;
  }

  saveBackend(config: BackendConfig): Settings {
    const backends = this.get().backends.filter((b) => b.id !== config.id);
    return this.update({ backends: [...backends, config] });
  }

  removeBackend(id: string): Settings {
    return this.update({ backends: this.get().backends.filter((b) => b.id !== id) });
  }

  /** Adds a SIP account or replaces the one with its id (in place: the list's order is the operator's). */
  saveSipAccount(account: SipAccount): Settings {
    const accounts = this.get().sipAccounts;
    const at = accounts.findIndex((a) => a.id === account.id);
    return this.update({ sipAccounts: at < 0 ? [...accounts, account] : accounts.map((a, i) => (i === at ? account : a)) });
  }

  removeSipAccount(id: string): Settings {
    return this.update({ sipAccounts: this.get().sipAccounts.filter((a) => a.id !== id) });
  }

  /** Adds an alarm input or replaces the one with its id (in place). */
  saveAlarmInput(input: AlarmInputConfig): Settings {
    const inputs = this.get().alarmInputs;
    const at = inputs.findIndex((i) => i.id === input.id);
    return this.update({ alarmInputs: at < 0 ? [...inputs, input] : inputs.map((i, n) => (n === at ? input : i)) });
  }

  removeAlarmInput(id: string): Settings {
    return this.update({ alarmInputs: this.get().alarmInputs.filter((i) => i.id !== id) });
  }
}
