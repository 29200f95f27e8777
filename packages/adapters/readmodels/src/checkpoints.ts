/**
 * `rm_meta`: each projection's version and checkpoint. The checkpoint is read and moved inside the runner's
 * transaction (with the rows it covers); a reset empties a projection's tables and sets its new version.
 */
import type Database from 'better-sqlite3'
import type { MetaRow, ProjectionName, ReadModelStore, ReadModelTx } from '@callstate/projections'
import { ReadModelCorrupt } from './rows.js'
import { PROJECTION_TABLES } from './schema.js'

const metaRow = (raw: unknown): MetaRow => {
  if (!Array.isArray(raw)) throw new ReadModelCorrupt('rm_meta', '*', raw)
  const [projection, version, checkpoint] = raw
  if (typeof projection !== 'string') throw new ReadModelCorrupt('rm_meta', 'projection', projection)
  if (typeof version !== 'number') throw new ReadModelCorrupt('rm_meta', 'version', version)
  if (typeof checkpoint !== 'number') throw new ReadModelCorrupt('rm_meta', 'checkpoint', checkpoint)
  return { projection, version, checkpoint }
}

export type Checkpoints = Pick<ReadModelStore, 'meta' | 'reset'> & Pick<ReadModelTx, 'checkpoint' | 'setCheckpoint'>

export const prepareCheckpoints = (db: Database.Database): Checkpoints => {
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
    )
  }
  const reset = db.transaction((projection: ProjectionName, version: number) => {
    for (const table of PROJECTION_TABLES[projection]) db.exec(`DELETE FROM ${table}`)
    q.setMeta.run(projection, version)
  })
  return {
    meta: () => q.meta.all().map(metaRow),
    reset: (projection, version) => reset.immediate(projection, version),
    checkpoint: (projection) => {
      const v: unknown = q.checkpoint.get(projection)
      return typeof v === 'number' ? v : 0
    },
    setCheckpoint: (projection, position) => void q.setCheckpoint.run(projection, position)
  }
}
