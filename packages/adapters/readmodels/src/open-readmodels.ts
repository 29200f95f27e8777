/**
 * The SQLite read-model store: `readmodels.db` under the data directory, whichever store holds the log
 * (with EventStoreDB each query node keeps its own local read models). Implements the ReadModelStore port.
 *
 * WAL mode and a busy timeout let a query process catch up while a server follows the log on the same
 * file; write transactions are IMMEDIATE so two runners serialise instead of failing mid-batch.
 */
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { MetaRow, ProjectionName, ReadModelStore, ReadModelTx, SessionListQuery } from '@callstate/projections'
import { PROJECTION_TABLES, SCHEMA } from './schema.js'
import {
  CALL_COLUMNS,
  MESSAGE_COLUMNS,
  PRESENCE_COLUMNS,
  ReadModelCorrupt,
  SESSION_COLUMNS,
  callParams,
  callRow,
  messageRow,
  presenceRow,
  sessionParams,
  sessionRow
} from './rows.js'
import { digestTables, snapshotTables } from './digest.js'
import { bulkLoad, dropSecondaryIndexes } from './bulk.js'
import { replaceWith, type ReplacedProjection } from './replace.js'
import { factKey, migrateFactKeys } from './presence-key.js'
import { enableWal } from '@callstate/sqlite'

export const READ_MODELS_FILE = 'readmodels.db'

export type ReadModelLocation = { readonly dataDir: string } | { readonly file: string }

const metaRow = (raw: unknown): MetaRow => {
  if (!Array.isArray(raw)) throw new ReadModelCorrupt('rm_meta', '*', raw)
  const [projection, version, checkpoint] = raw
  if (typeof projection !== 'string') throw new ReadModelCorrupt('rm_meta', 'projection', projection)
  if (typeof version !== 'number') throw new ReadModelCorrupt('rm_meta', 'version', version)
  if (typeof checkpoint !== 'number') throw new ReadModelCorrupt('rm_meta', 'checkpoint', checkpoint)
  return { projection, version, checkpoint }
}

export const readModelsPath = (location: ReadModelLocation): string =>
  'file' in location ? location.file : path.join(location.dataDir, READ_MODELS_FILE)

export interface ReadModelOptions {
  /**
   * A private, throw-away file (one shard of a parallel rebuild): no journal, no sync, no secondary indexes. Fast
   * to fill, useless after a crash, and never to be shared with another process.
   */
  readonly scratch?: boolean
}

/** The SQLite read-model store, with what only this adapter can do. */
export interface SqliteReadModelStore extends ReadModelStore {
  readonly file: string
  /**
   * Replaces every read model of `projections` with the rows of these scratch files (made by `openReadModels` with
   * `scratch`), and sets those projections' versions and checkpoints, in one transaction (./replace.ts).
   */
  readonly replaceWith: (files: ReadonlyArray<string>, projections: ReadonlyArray<ReplacedProjection>) => void
}

export const openReadModels = (location: ReadModelLocation, options: ReadModelOptions = {}): SqliteReadModelStore => {
  const file = readModelsPath(location)
  mkdirSync(path.dirname(file), { recursive: true })
  const db = new Database(file, { timeout: 10_000 })
  if (options.scratch === true) {
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    db.pragma('locking_mode = EXCLUSIVE')
    db.pragma('cache_size = -16384')
    db.exec(SCHEMA)
    dropSecondaryIndexes(db)
  } else {
    enableWal(db)
    db.pragma('synchronous = NORMAL')
    db.exec(SCHEMA)
    migrateFactKeys(db)
  }

  const q = {
    meta: db.prepare('SELECT projection, version, checkpoint FROM rm_meta ORDER BY projection').raw(),
    checkpoint: db.prepare('SELECT checkpoint FROM rm_meta WHERE projection = ?').pluck(),
    setCheckpoint: db.prepare(
      'INSERT INTO rm_meta(projection, version, checkpoint) VALUES (?, 0, ?) ' +
        'ON CONFLICT(projection) DO UPDATE SET checkpoint = excluded.checkpoint'
    ),
    setMeta: db.prepare(
      'INSERT INTO rm_meta(projection, version, checkpoint) VALUES (?, ?, 0) ' +
        'ON CONFLICT(projection) DO UPDATE SET version = excluded.version, checkpoint = 0'
    ),
    session: db.prepare(`SELECT ${SESSION_COLUMNS} FROM rm_sessions WHERE telephony_session_id = ?`).raw(),
    calls: db.prepare(`SELECT ${CALL_COLUMNS} FROM rm_calls WHERE telephony_session_id = ? ORDER BY party_id`).raw(),
    putSession: db.prepare(`INSERT OR REPLACE INTO rm_sessions(${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    deleteCalls: db.prepare('DELETE FROM rm_calls WHERE telephony_session_id = ?'),
    putCall: db.prepare(
      `INSERT INTO rm_calls(${CALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    deleteExtensions: db.prepare('DELETE FROM rm_session_extensions WHERE telephony_session_id = ?'),
    putExtension: db.prepare(
      'INSERT OR IGNORE INTO rm_session_extensions(telephony_session_id, extension_id) VALUES (?, ?)'
    ),
    addPresence: db.prepare(`INSERT OR IGNORE INTO rm_presence(${PRESENCE_COLUMNS}) VALUES (?, ?, ?, ?, ?)`),
    presence: db
      .prepare(`SELECT ${PRESENCE_COLUMNS} FROM rm_presence WHERE extension_id = ? ORDER BY sequence, content_key`)
      .raw(),
    addMessage: db.prepare(`INSERT OR IGNORE INTO rm_messages(${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`),
    messages: db
      .prepare(`SELECT ${MESSAGE_COLUMNS} FROM rm_messages WHERE extension_id = ? ORDER BY at, event_id, type`)
      .raw()
  }

  const tx: ReadModelTx = {
    checkpoint: (projection) => {
      const v: unknown = q.checkpoint.get(projection)
      return typeof v === 'number' ? v : 0
    },
    setCheckpoint: (projection, position) => void q.setCheckpoint.run(projection, position),
    loadSession: (id) => {
      const raw: unknown = q.session.get(id)
      if (raw === undefined) return undefined
      return { row: sessionRow(raw), calls: q.calls.all(id).map(callRow) }
    },
    saveSession: (row, calls, extensions) => {
      q.putSession.run(sessionParams(row))
      q.deleteCalls.run(row.telephonySessionId)
      for (const c of calls) q.putCall.run(callParams(c))
      q.deleteExtensions.run(row.telephonySessionId)
      for (const e of extensions) q.putExtension.run(row.telephonySessionId, e)
    },
    addPresence: (r) => void q.addPresence.run(r.extensionId, r.sequence, r.at, factKey(r.fact), r.fact),
    addMessage: (r) => void q.addMessage.run(r.extensionId, r.at, r.type, r.newCount, r.updatedCount, r.eventId)
  }

  const reset = db.transaction((projection: ProjectionName, version: number) => {
    for (const table of PROJECTION_TABLES[projection]) db.exec(`DELETE FROM ${table}`)
    q.setMeta.run(projection, version)
  })

  const listSessions = (query: SessionListQuery) => {
    const where: string[] = []
    const params: unknown[] = []
    let from = 'rm_sessions s'
    if (query.extensionId !== undefined) {
      from += ' JOIN rm_session_extensions e ON e.telephony_session_id = s.telephony_session_id'
      where.push('e.extension_id = ?')
      params.push(query.extensionId)
    }
    if (query.notEnded === true) where.push("s.status != 'ended'")
    if (query.startedAtOrBefore !== undefined) {
      where.push("COALESCE(s.started_at, '') <= ?")
      params.push(query.startedAtOrBefore)
    }
    if (query.openAt !== undefined) {
      where.push('(s.ended_at IS NULL OR s.ended_at > ?)')
      params.push(query.openAt)
    }
    if (query.lastEventAfter !== undefined) {
      where.push('(s.last_event_at IS NULL OR s.last_event_at > ?)')
      params.push(query.lastEventAfter)
    }
    if (query.after !== undefined) {
      // The plain bound lets SQLite seek to the cursor (it does not use the row-value comparison as an index
      // range), so a later page does not rescan every newer session first.
      where.push("COALESCE(s.started_at, '') <= ?")
      where.push("(COALESCE(s.started_at, ''), s.telephony_session_id) < (?, ?)")
      params.push(query.after.startedAt, query.after.startedAt, query.after.telephonySessionId)
    }
    const columns = SESSION_COLUMNS.split(', ')
      .map((c) => `s.${c}`)
      .join(', ')
    const sql =
      `SELECT ${columns} FROM ${from}` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY COALESCE(s.started_at, '') DESC, s.telephony_session_id DESC LIMIT ?`
    params.push(query.limit)
    return db.prepare(sql).raw().all(params).map(sessionRow)
  }

  return {
    file,
    replaceWith: (files, projections) => replaceWith(db, files, projections),
    meta: () => q.meta.all().map(metaRow),
    reset: (projection, version) => reset.immediate(projection, version),
    transaction: <A>(f: (t: ReadModelTx) => A): A => db.transaction(() => f(tx)).immediate(),
    session: (id) => {
      const raw: unknown = q.session.get(id)
      return raw === undefined ? undefined : sessionRow(raw)
    },
    listSessions,
    calls: (id) => q.calls.all(id).map(callRow),
    presence: (ext) => q.presence.all(ext).map(presenceRow),
    messages: (ext) => q.messages.all(ext).map(messageRow),
    digest: () => digestTables(db),
    snapshot: () => snapshotTables(db),
    bulkLoad: () => bulkLoad(db),
    close: () => db.close()
  }
}
