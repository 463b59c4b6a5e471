import { Emitter } from '../../shared/lifecycle';
import type { BackendHealth } from './videoBackend';

/**
 * What every VideoBackend shares: its config's id and name, and its health with change events (fired only on a
 * real change). Subclasses call `setHealth` and, in their own dispose, `super.dispose()`.
 */
export abstract class BackendBase<C extends { id: string; name: string }> {
  private current: BackendHealth = { state: 'connecting', message: null };
  private readonly healthChanged = new Emitter<BackendHealth>();
  readonly onHealthChange = this.healthChanged.event;

  constructor(protected readonly config: C) {}

  get id(): string {
    return this.config.id;
  }

  get name(): string {
    return this.config.name;
  }

  health(): BackendHealth {
    return this.current;
  }

  protected setHealth(next: BackendHealth): void {
    if (next.state === this.current.state && next.message === this.current.message) return;
    this.current = next;
    this.healthChanged.fire(next);
  }

  dispose(): void {
    this.healthChanged.dispose();
  }
}
