/** Presence facts per extension: added once each (keyed by `factKey`, ./presence-key.ts), read in sequence order. */
import type Database from 'better-sqlite3'
import type { ReadModelStore, ReadModelTx } from '@callstate/projections'
import { factKey } from './presence-key.js'
import { PRESENCE_COLUMNS, presenceRow } from './rows.js'

export type Presence = Pick<ReadModelStore, 'presence'> & Pick<ReadModelTx, 'addPresence'>

export const preparePresence = (db: Database.Database): Presence => {
  const add = db.prepare(`INSERT OR IGNORE INTO rm_presence(${PRESENCE_COLUMNS}) VALUES (?, ?, ?, ?, ?)`)
  const read = db
    .prepare(`SELECT ${PRESENCE_COLUMNS} FROM rm_presence WHERE extension_id = ? ORDER BY sequence, content_key`)
    .raw()
  return {
    addPresence: (r) => void add.run(r.extensionId, r.sequence, r.at, factKey(r.fact), r.fact),
    presence: (ext) => read.all(ext).map(presenceRow)
  }
}
