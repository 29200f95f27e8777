/** The log's tables (schema.ts explains the layout; migrate.ts upgrades older files to it). */

/**
 * Bumped when the table layout changes. A file written by an older layout is upgraded in place when opened
 * (migrate.ts); a file written by a newer one is refused rather than misread.
 */
export const SCHEMA_VERSION = 2

/** The events table of schema 2 (migrate.ts creates it under another name first, hence the parameter). */
export const eventsTable = (name: string): string => `
CREATE TABLE IF NOT EXISTS ${name} (
  position     INTEGER PRIMARY KEY,
  id           TEXT    NOT NULL,
  stream       TEXT    NOT NULL,
  revision     INTEGER NOT NULL,
  type         TEXT    NOT NULL,
  data         TEXT    NOT NULL,
  received_at  TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  content_hash TEXT    NOT NULL,
  source_ref   TEXT,
  transport    TEXT,
  uuid         TEXT,
  stream_id    INTEGER NOT NULL,
  occurred_at  INTEGER NOT NULL,
  UNIQUE (stream_id, revision),
  UNIQUE (occurred_at, id)
)`

export const STREAMS_TABLE = `
CREATE TABLE IF NOT EXISTS streams (
  id   INTEGER PRIMARY KEY,
  name TEXT    NOT NULL UNIQUE
)`
