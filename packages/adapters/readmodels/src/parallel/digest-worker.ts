/**
 * The entry point of the digest worker of a parallel rebuild (started by ./rebuild.ts once every shard is replayed):
 * takes the digest of the scratch files together (`digestMerged`) while the main thread copies the same rows into
 * the live read models, so the two single-threaded steps at the end of a rebuild run at the same time.
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { digestMerged } from '../digest.js'
import { isDigestWorkerData, type DigestWorkerMessage } from './protocol.js'
import { describeError } from '@callstate/projections'

const port = parentPort
if (port === null) throw new Error('the digest worker runs as a worker thread only')
const setup: unknown = workerData
if (!isDigestWorkerData(setup)) throw new Error(`digest worker: unexpected setup ${JSON.stringify(setup)}`)

const digestOf = (files: ReadonlyArray<string>): DigestWorkerMessage => {
  const db = new Database(':memory:')
  try {
    // Only read: the scratch files are finished, and the main thread reads them at the same time.
    const schemas = files.map((file, i) => {
      db.prepare(`ATTACH DATABASE ? AS shard${i}`).run(file)
      return `shard${i}`
    })
    return { kind: 'digest', digest: digestMerged(db, schemas) }
  } catch (error) {
    return { kind: 'failed', cause: describeError(error) }
  } finally {
    db.close()
  }
}

port.postMessage(digestOf(setup.files))
