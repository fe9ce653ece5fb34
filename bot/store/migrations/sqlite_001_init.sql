-- Users: one row per platform account. `state` is the engine's JSON (encrypted when a key is set).
CREATE TABLE users (
    platform      TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    state         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    next_due_at   TEXT,
    due_kind      TEXT,
    due_local_date TEXT,
    unreachable   INTEGER NOT NULL DEFAULT 0,
    last_reply    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (platform, user_id)
) WITHOUT ROWID;
CREATE INDEX users_due ON users (next_due_at) WHERE next_due_at IS NOT NULL AND unreachable = 0;
CREATE INDEX users_last_seen ON users (last_seen);

-- Events already handled, so a replay (double tap, redelivered update, second dispatcher) changes nothing.
CREATE TABLE processed_events (
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    event_id  TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (platform, user_id, event_id)
) WITHOUT ROWID;
CREATE INDEX processed_events_at ON processed_events (at);

CREATE TABLE journal (
    id        INTEGER PRIMARY KEY,
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    ref       TEXT NOT NULL DEFAULT '',
    text      TEXT NOT NULL
);
CREATE INDEX journal_user ON journal (platform, user_id, at);

CREATE TABLE checkins (
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    local_date TEXT NOT NULL,
    mood       INTEGER,
    urge       INTEGER,
    contacted  INTEGER,
    at         TEXT NOT NULL,
    PRIMARY KEY (platform, user_id, local_date)
) WITHOUT ROWID;

CREATE TABLE urges (
    id         INTEGER PRIMARY KEY,
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    local_date TEXT NOT NULL,
    strength   INTEGER NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX urges_user ON urges (platform, user_id, local_date);

-- Replies committed with the state change that caused them; deleted once delivered.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    payload     TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    not_before  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_user ON outbox (platform, user_id, id);

-- A user's flag on a reply. Holds the bot's text, never the user's journal.
CREATE TABLE reports (
    id        INTEGER PRIMARY KEY,
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    at        TEXT NOT NULL,
    reply     TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    resolved  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
