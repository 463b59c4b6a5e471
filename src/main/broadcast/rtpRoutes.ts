import { ConsoleError } from '../../shared/contract/rpc';
import type { RtpCodec, RtpRoute } from '../../shared/domain/broadcast';
import type { Db } from '../services/store';

type RouteRow = { contact_id: string; backend_id: string; host: string; port: number; codec: string };

/**
 * RTP routes (table `broadcast_rtp_routes`, migration 5): directory entries broadcast to by a Janus AudioBridge RTP
 * forward instead of a SIP call. A route goes with its contact (foreign key).
 */
export class RtpRoutes {
  constructor(private readonly db: Db) {}

  list(): RtpRoute[] {
    return (this.db.prepare('SELECT * FROM broadcast_rtp_routes ORDER BY contact_id').all() as RouteRow[]).map(toRoute);
  }

  /** Creates or replaces a contact's route; the contact must be in the directory, the backend a Janus backend. */
  save(route: RtpRoute, janusBackendIds: readonly string[]): RtpRoute {
    if (this.db.prepare('SELECT 1 FROM contacts WHERE id = ?').get(route.contactId) === undefined) {
      throw new ConsoleError('bad-request', `终端不在通讯录中: ${route.contactId}`);
    }
    if (!janusBackendIds.includes(route.backendId)) throw new ConsoleError('bad-request', `没有这个 Janus 后端: ${route.backendId}（RTP 广播经 Janus AudioBridge 转发）`);
    const clash = this.db
      .prepare('SELECT contact_id FROM broadcast_rtp_routes WHERE host = ? AND port = ? AND contact_id <> ?')
      .pluck()
      .get(route.host, route.port, route.contactId) as string | undefined;
    if (clash) throw new ConsoleError('conflict', `${route.host}:${route.port} 已用于终端 ${clash}`);
    this.db
      .prepare(
        `INSERT INTO broadcast_rtp_routes (contact_id, backend_id, host, port, codec, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(contact_id) DO UPDATE SET backend_id = excluded.backend_id, host = excluded.host, port = excluded.port,
           codec = excluded.codec, updated_at = excluded.updated_at`,
      )
      .run(route.contactId, route.backendId, route.host, route.port, route.codec, Date.now());
    return route;
  }

  delete(contactId: string): boolean {
    return this.db.prepare('DELETE FROM broadcast_rtp_routes WHERE contact_id = ?').run(contactId).changes > 0;
  }
}

function toRoute(r: RouteRow): RtpRoute {
  return { contactId: r.contact_id, backendId: r.backend_id, host: r.host, port: r.port, codec: r.codec as RtpCodec };
}
