-- Which process is delivering a user's outbox right now. Several processes can share one database;
-- the one holding a user's lease is the only one that sends that user's replies, in order, once.
CREATE TABLE send_leases (
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    holder    TEXT NOT NULL,
    until     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (platform, user_id)
);

-- The shared send pace per bot token (bot.budget): the moment the next message may go, in Unix seconds
-- of the database server's clock, so workers on different machines agree on it.
CREATE TABLE send_budgets (
    name     TEXT PRIMARY KEY,
    next_at  DOUBLE PRECISION NOT NULL
);
