/**
 * Numbered schema migrations. Append only: never edit a released step, add a new one.
 * `PRAGMA user_version` records the last applied number.
 */
export type Migration = { version: number; name: string; sql: string };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'settings and audit log',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT
      );
      CREATE INDEX audit_log_at ON audit_log(at);
      -- The audit log is append-only.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'video wall, scenes, snapshots and local recordings',
    sql: `
      -- The live wall (monitors, tiles, tours, runs) as one validated JSON document, written on every change.
      CREATE TABLE wall_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE wall_scenes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        saved_at INTEGER NOT NULL,
        scene TEXT NOT NULL
      );
      CREATE TABLE snapshots (
        id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL,
        channel_name TEXT NOT NULL,
        taken_at INTEGER NOT NULL,
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL
      );
      CREATE INDEX snapshots_taken_at ON snapshots(taken_at);
      CREATE TABLE recordings (
        id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL,
        channel_name TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        path TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        bytes INTEGER NOT NULL DEFAULT 0,
        next_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX recordings_started_at ON recordings(started_at);
    `,
  },
  {
    version: 3,
    name: 'telephone dispatch: directory, groups, calls and call recordings',
    sql: `
      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        number TEXT NOT NULL,
        role TEXT NOT NULL,
        org TEXT NOT NULL,
        county TEXT,
        mine_id TEXT,
        mine_name TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX contacts_number ON contacts(number);
      CREATE TABLE contact_groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- Members in roll-call order; deleting a contact or a group removes its memberships.
      CREATE TABLE contact_group_members (
        group_id TEXT NOT NULL REFERENCES contact_groups(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (group_id, contact_id)
      );
      CREATE INDEX contact_group_members_contact ON contact_group_members(contact_id);
      CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        kind TEXT NOT NULL,
        group_id TEXT,
        caller_number TEXT NOT NULL,
        caller_name TEXT,
        callee_number TEXT NOT NULL,
        callee_name TEXT,
        mine_id TEXT,
        state TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER,
        outcome TEXT,
        reason TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX calls_started_at ON calls(started_at);
      CREATE INDEX calls_caller_number ON calls(caller_number);
      CREATE INDEX calls_callee_number ON calls(callee_number);
      CREATE INDEX calls_open ON calls(state) WHERE state <> 'ended';
      CREATE TABLE call_recordings (
        id TEXT PRIMARY KEY,
        call_id TEXT NOT NULL REFERENCES calls(id),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        path TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        bytes INTEGER NOT NULL DEFAULT 0,
        next_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX call_recordings_call ON call_recordings(call_id, started_at);
    `,
  },
  {
    version: 4,
    name: 'emergency broadcast: groups of directory entries, clips, broadcasts with deliveries and recordings, schedules',
    sql: `
      CREATE TABLE broadcast_groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE broadcast_group_members (
        group_id TEXT NOT NULL REFERENCES broadcast_groups(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (group_id, contact_id)
      );
      CREATE TABLE broadcast_clips (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT,
        source_name TEXT,
        duration_ms INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        mime_type TEXT NOT NULL,
        path TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      -- Names and texts are copied in: a record stays readable after its group, clip or endpoints are gone.
      CREATE TABLE broadcasts (
        id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL,
        group_name TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        clip_id TEXT,
        clip_name TEXT,
        text TEXT,
        repeat INTEGER,
        schedule_id TEXT,
        operator TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        started_at INTEGER NOT NULL,
        ended_at INTEGER
      );
      CREATE INDEX broadcasts_started_at ON broadcasts(started_at);
      CREATE INDEX broadcasts_open ON broadcasts(state) WHERE state = 'running';
      CREATE TABLE broadcast_deliveries (
        broadcast_id TEXT NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
        endpoint_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        number TEXT NOT NULL,
        role TEXT NOT NULL,
        mine_name TEXT,
        state TEXT NOT NULL,
        call_id TEXT,
        answered_at INTEGER,
        ended_at INTEGER,
        outcome TEXT,
        reason TEXT,
        PRIMARY KEY (broadcast_id, endpoint_id)
      );
      CREATE TABLE broadcast_recordings (
        id TEXT PRIMARY KEY,
        broadcast_id TEXT NOT NULL REFERENCES broadcasts(id),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        path TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        bytes INTEGER NOT NULL DEFAULT 0,
        next_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX broadcast_recordings_broadcast ON broadcast_recordings(broadcast_id);
      CREATE TABLE broadcast_schedules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        group_id TEXT NOT NULL,
        clip_id TEXT NOT NULL,
        repeat INTEGER NOT NULL,
        first_at INTEGER NOT NULL,
        recurrence TEXT NOT NULL,
        state TEXT NOT NULL,
        next_at INTEGER,
        last_fired_at INTEGER,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'emergency broadcast: RTP routes of directory entries (Janus AudioBridge forwards)',
    sql: `
      CREATE TABLE broadcast_rtp_routes (
        contact_id TEXT PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
        backend_id TEXT NOT NULL,
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        codec TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'alarms: one table of normalised alarms (deduplicated by source and external id), full-text index, handling steps',
    sql: `
      -- seq is the rowid the full-text index points at (explicit, so VACUUM never renumbers it).
      CREATE TABLE alarms (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source_id TEXT NOT NULL,
        external_id TEXT NOT NULL,
        category TEXT NOT NULL,
        kind TEXT NOT NULL,
        kind_name TEXT,
        level INTEGER NOT NULL,
        channel_id TEXT,
        device_id TEXT,
        reporter TEXT,
        occurred_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        score REAL,
        boxes TEXT NOT NULL,
        description TEXT,
        mine_id TEXT,
        mine_name TEXT,
        county TEXT,
        linked INTEGER NOT NULL,
        picture_path TEXT,
        picture_mime TEXT,
        picture_bytes INTEGER,
        state TEXT NOT NULL,
        handled_by TEXT,
        handled_at INTEGER,
        dismiss_reason TEXT,
        UNIQUE (source_id, external_id)
      );
      -- Newest first, filtered by what the list filters on; (received_at, id) is the keyset.
      CREATE INDEX alarms_received ON alarms(received_at DESC, id DESC);
      CREATE INDEX alarms_state_received ON alarms(state, received_at DESC, id DESC);
      CREATE INDEX alarms_mine_received ON alarms(mine_id, received_at DESC, id DESC);
      CREATE INDEX alarms_county_received ON alarms(county, received_at DESC, id DESC);
      CREATE INDEX alarms_kind_received ON alarms(kind, received_at DESC, id DESC);
      CREATE INDEX alarms_category_received ON alarms(category, received_at DESC, id DESC);
      -- Chinese has no spaces: the indexed text is its characters and character pairs, space-separated.
      CREATE VIRTUAL TABLE alarms_fts USING fts5(terms, content='', contentless_delete=1, tokenize='unicode61');
      -- Append-only handling steps (接警, 消警, notes), with who and when.
      CREATE TABLE alarm_steps (
        alarm_id TEXT NOT NULL REFERENCES alarms(id),
        seq INTEGER NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        at INTEGER NOT NULL,
        reason TEXT,
        PRIMARY KEY (alarm_id, seq)
      );
    `,
  },
  {
    version: 7,
    name: 'seat sync: this seat\'s id, the outbox and inbox of records, alarm steps with ids and seats, parked steps, alarm aliases',
    sql: `
      -- One row: this data folder's seat (console) id, made once.
      CREATE TABLE sync_seat (
        only INTEGER PRIMARY KEY CHECK (only = 1),
        seat_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      INSERT INTO sync_seat (only, seat_id, created_at) VALUES (1,
        lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' ||
        substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
        CAST(strftime('%s', 'now') AS INTEGER) * 1000);
      -- Records to publish, in the order they were made; published_at once the broker acknowledged them.
      CREATE TABLE sync_outbox (
        seq INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        published_at INTEGER
      );
      CREATE INDEX sync_outbox_unpublished ON sync_outbox(seq) WHERE published_at IS NULL;
      -- Other seats' records applied here (a repeat is recognised by its key).
      CREATE TABLE sync_inbox (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        seat_id TEXT NOT NULL,
        received_at INTEGER NOT NULL
      );
      -- Steps get a global id and the seat that made them; existing steps are this seat's.
      ALTER TABLE alarm_steps ADD COLUMN id TEXT;
      ALTER TABLE alarm_steps ADD COLUMN seat_id TEXT;
      UPDATE alarm_steps SET
        id = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' ||
          substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
        seat_id = (SELECT seat_id FROM sync_seat);
      CREATE UNIQUE INDEX alarm_steps_id ON alarm_steps(id);
      -- Another seat's step whose alarm has not arrived yet, applied when it does.
      CREATE TABLE alarm_steps_parked (
        step_id TEXT PRIMARY KEY,
        alarm_id TEXT NOT NULL,
        step TEXT NOT NULL,
        received_at INTEGER NOT NULL
      );
      CREATE INDEX alarm_steps_parked_alarm ON alarm_steps_parked(alarm_id);
      -- Another seat's id of an alarm stored here under its own id (both received the same push).
      CREATE TABLE alarm_aliases (
        alias_id TEXT PRIMARY KEY,
        alarm_id TEXT NOT NULL REFERENCES alarms(id)
      );
    `,
  },
  {
    version: 8,
    name: 'events (事件管理): events with typed links, append-only change history, 快报 templates, full-text index',
    sql: `
      -- seq is the rowid the full-text index points at (explicit, so VACUUM never renumbers it).
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        level INTEGER NOT NULL,
        state TEXT NOT NULL,
        mine_id TEXT,
        mine_name TEXT,
        place TEXT NOT NULL,
        lon REAL,
        lat REAL,
        occurred_at INTEGER NOT NULL,
        description TEXT NOT NULL,
        casualties TEXT NOT NULL,
        cause TEXT NOT NULL,
        measures TEXT NOT NULL,
        reporter TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        seat_id TEXT NOT NULL,
        closed_at INTEGER,
        closed_by TEXT
      );
      -- Newest first; (occurred_at, id) is the keyset.
      CREATE INDEX events_occurred ON events(occurred_at DESC, id DESC);
      CREATE INDEX events_state_occurred ON events(state, occurred_at DESC, id DESC);
      CREATE INDEX events_mine_occurred ON events(mine_id, occurred_at DESC, id DESC);
      CREATE INDEX events_type_occurred ON events(type, occurred_at DESC, id DESC);
      -- The alarms, calls and recordings that belong to an event, in the order they were linked.
      CREATE TABLE event_links (
        event_id TEXT NOT NULL REFERENCES events(id),
        ord INTEGER NOT NULL,
        kind TEXT NOT NULL,
        target_id TEXT NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (event_id, kind, target_id)
      );
      CREATE INDEX event_links_target ON event_links(kind, target_id);
      -- Every change of every event (this seat's and the other seats'), append-only: id is the change's sync key.
      CREATE TABLE event_history (
        id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        seat_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        changes TEXT NOT NULL,
        note TEXT
      );
      CREATE INDEX event_history_event ON event_history(event_id, at, id);
      CREATE TRIGGER event_history_no_update BEFORE UPDATE ON event_history BEGIN SELECT RAISE(ABORT, 'event history is append-only'); END;
      CREATE TRIGGER event_history_no_delete BEFORE DELETE ON event_history BEGIN SELECT RAISE(ABORT, 'event history is append-only'); END;
      CREATE TABLE event_templates (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        body TEXT NOT NULL,
        builtin INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- Chinese has no spaces: the indexed text is its characters and character pairs (cjkTerms), space-separated.
      CREATE VIRTUAL TABLE events_fts USING fts5(terms, content='', contentless_delete=1, tokenize='unicode61');
    `,
  },
  {
    version: 9,
    name: 'tasks: tasks with their full-text index, and the append-only history of every change',
    sql: `
      -- seq is the rowid the full-text index points at (explicit, so VACUUM never renumbers it).
      CREATE TABLE tasks (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        level INTEGER NOT NULL,
        sender TEXT NOT NULL,
        receiver_kind TEXT NOT NULL,
        receiver_id TEXT,
        receiver_name TEXT NOT NULL,
        mine_id TEXT,
        deadline INTEGER NOT NULL,
        state TEXT NOT NULL,
        feedback TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        seat_id TEXT NOT NULL,
        event_id TEXT,
        alarm_id TEXT
      );
      -- (created_at, id) and (deadline, id) are the two keysets of the list.
      CREATE INDEX tasks_created ON tasks(created_at DESC, id DESC);
      CREATE INDEX tasks_deadline ON tasks(deadline, id);
      CREATE INDEX tasks_state_deadline ON tasks(state, deadline, id);
      CREATE INDEX tasks_sender_created ON tasks(sender, created_at DESC, id DESC);
      CREATE INDEX tasks_receiver_created ON tasks(receiver_name, created_at DESC, id DESC);
      -- Title, description and receiver as characters and character pairs (see cjkTerms.ts).
      CREATE VIRTUAL TABLE tasks_fts USING fts5(terms, content='', contentless_delete=1, tokenize='unicode61');
      -- Every change of a task (this seat's and other seats'), append-only; change_id is the sync record's key.
      CREATE TABLE task_history (
        seq INTEGER PRIMARY KEY,
        change_id TEXT NOT NULL UNIQUE,
        task_id TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        seat_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        note TEXT,
        changed TEXT NOT NULL,
        before TEXT,
        after TEXT NOT NULL
      );
      CREATE INDEX task_history_task ON task_history(task_id, at, seq);
      CREATE TRIGGER task_history_no_update BEFORE UPDATE ON task_history BEGIN SELECT RAISE(ABORT, 'task history is append-only'); END;
      CREATE TRIGGER task_history_no_delete BEFORE DELETE ON task_history BEGIN SELECT RAISE(ABORT, 'task history is append-only'); END;
    `,
  },
  {
    version: 10,
    name: 'tiered alarm workflow: the role of a step\'s seat and its detail (review verdict, feedback plan and result)',
    sql: `
      -- The tiered alarm workflow: the role of the seat that took a step (政府/企业), and what a review (verdict)
      -- or an enterprise feedback (plan, result) carries, as JSON.
      ALTER TABLE alarm_steps ADD COLUMN role TEXT;
      ALTER TABLE alarm_steps ADD COLUMN detail TEXT;
    `,
  },
  {
    version: 11,
    name: '一张图: map marks, GPS units with their newest fix, and their positions (kept 7 days)',
    sql: `
      -- Named marks operators place on the map.
      CREATE TABLE map_marks (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        note TEXT NOT NULL,
        lon REAL NOT NULL,
        lat REAL NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- Every unit the feed ever reported, with its newest fix (by the unit's time) copied in, so the list is one read.
      CREATE TABLE gps_units (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        mine_id TEXT,
        phone TEXT,
        channel_id TEXT,
        last_at INTEGER,
        last_lon REAL,
        last_lat REAL,
        last_alt REAL,
        last_speed REAL,
        last_heading REAL,
        first_seen INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- One row per (unit, measured time): a repeated report is stored once. The key is the track query's index.
      CREATE TABLE gps_fixes (
        unit_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        lon REAL NOT NULL,
        lat REAL NOT NULL,
        alt REAL,
        speed REAL,
        heading REAL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (unit_id, at)
      ) WITHOUT ROWID;
    `,
  },
];
