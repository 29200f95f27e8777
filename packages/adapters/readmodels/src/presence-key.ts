/**
 * The `rm_presence.content_key` of a fact: a digest of its canonical text. The key only has to tell two different
 * facts at the same (extension, sequence) apart, and the fact itself used to serve as its own key, which stored every
 * fact twice (half of the table's bytes, written in a rebuild and read again by the digest). 132 bits of sha256 make
 * a collision between two facts of one extension and sequence out of reach.
 *
 * Files written before this key keep the fact as key: `migrateFactKeys` rewrites them once when opened, marked by
 * the file's `user_version`, so live and rebuilt read models never mix the two forms (same rows, same digest).
 */
import { hash } from 'node:crypto'
import type Database from 'better-sqlite3'

export const factKey = (fact: string): string => hash('sha256', fact, 'base64url').slice(0, 22)

/** `PRAGMA user_version` of readmodels.db once its presence keys are digests. */
const FACT_KEYS_FORMAT = 1

const format = (db: Database.Database): number => {
  const v: unknown = db.pragma('user_version', { simple: true })
  return typeof v === 'number' ? v : 0
}

export const migrateFactKeys = (db: Database.Database): void => {
  if (format(db) >= FACT_KEYS_FORMAT) return
  db.function('callstate_fact_key', { deterministic: true }, (fact: unknown) =>
    typeof fact === 'string' ? factKey(fact) : null
  )
  db.transaction(() => {
    // Another process may have migrated the file between the check above and this write lock.
    if (format(db) >= FACT_KEYS_FORMAT) return
    db.exec('UPDATE rm_presence SET content_key = callstate_fact_key(fact)')
    db.pragma(`user_version = ${FACT_KEYS_FORMAT}`)
  }).immediate()
}
