/** Message-store counts per extension: added once per (event, type), read in time order. */
import type Database from 'better-sqlite3'
import type { ReadModelStore, ReadModelTx } from '@callstate/projections'
import { MESSAGE_COLUMNS, messageRow } from './rows.js'

export type Messages = Pick<ReadModelStore, 'messages'> & Pick<ReadModelTx, 'addMessage'>

export const prepareMessages = (db: Database.Database): Messages => {
  const add = db.prepare(`INSERT OR IGNORE INTO rm_messages(${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`)
  const read = db
    .prepare(`SELECT ${MESSAGE_COLUMNS} FROM rm_messages WHERE extension_id = ? ORDER BY at, event_id, type`)
    .raw()
  return {
    addMessage: (r) => void add.run(r.extensionId, r.at, r.type, r.newCount, r.updatedCount, r.eventId),
    messages: (ext) => read.all(ext).map(messageRow)
  }
}
