import type { Settings } from '../../shared/domain/settings';
import type { AuditLog } from './auditLog';
import type { SecretStore } from './secretStore';
import type { SettingsService } from './settingsService';

/** The settings of a broker the console keeps a session with (its password is in the SecretStore). */
type BrokerKey = 'sync' | 'gpsFeed';

export type BrokerSettingsSpec<K extends BrokerKey> = {
  key: K;
  passwordKey: string;
  /** What follows the settings (a BrokerSession). */
  session: { configure(config: Settings[K], password: string | null): Promise<void>; idle(): Promise<void> };
  audit: { action: string; detail(config: Settings[K]): Record<string, unknown> };
};

/** What a service whose settings card saves a broker needs for it. */
export type BrokerSettingsDeps = { settings: SettingsService; secrets: SecretStore; audit: AuditLog; actor: string };

/** A broker's settings and password as the settings card saves them and its session follows them. */
export class BrokerSettings<K extends BrokerKey> {
  constructor(
    private readonly deps: BrokerSettingsDeps,
    private readonly spec: BrokerSettingsSpec<K>,
  ) {}

  /** Connects, reconnects or disconnects the session as these settings (by default the current ones) say. */
  follow(settings: Settings = this.deps.settings.get()): Promise<void> {
    return this.spec.session.configure(settings[this.spec.key], this.deps.secrets.get(this.spec.passwordKey));
  }

  /** Saves the config and the password (omitted: kept; null: removed); resolves once the session follows. */
  async save(input: Settings[K] & { password?: string | null }): Promise<Settings> {
    const { settings, secrets, audit, actor } = this.deps;
    const { key, passwordKey, session } = this.spec;
    const { password, ...rest } = input;
    const config = rest as Settings[K];
    // The password is in place before the settings that connect with it.
    if (password) secrets.set(passwordKey, password);
    else if (password === null) secrets.delete(passwordKey);
    const next = settings.update({ [key]: config });
    audit.record(actor, this.spec.audit.action, null, { enabled: config.enabled, url: config.url, ...this.spec.audit.detail(config), passwordChanged: password !== undefined });
    await session.idle();
    return next;
  }
}
