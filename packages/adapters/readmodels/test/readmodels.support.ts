/** Helpers for the read-model tests: real payloads, the real SQLite store, the real ingest path. */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { createRunner, type EventStore, type ReadModelStore, type Runner } from '@callstate/projections'
import { openSqliteStore } from '@callstate/sqlite'
import { ingest } from '@callstate/ingest'
import { openReadModels, type ReadModelLocation, type ReadModelOptions } from '../src/index.js'

export const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`

export const payload = (prefix: string): unknown[] => {
  const name = [
    '01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json',
    '02-rc-to-rc-internal-answered-hold-unhold-hangup.json',
    '03-rc-to-pstn-outbound-answered-hold-unhold-hangup.json',
    '09-inbound-unanswered-to-voicemail-presence-plus-message-store.json',
    '04-outbound-call-control-js-fixtures-setup-proceeding-disconnected-gap.json'
  ].find((n) => n.startsWith(prefix))
  if (name === undefined) throw new Error(`no payload ${prefix}`)
  const value: unknown = JSON.parse(readFileSync(path.join(PAYLOADS, name), 'utf8'))
  if (!Array.isArray(value)) throw new Error(`${name} is not an array`)
  return value
}

export const tempDir = (): string => mkdtempSync(path.join(tmpdir(), 'callstate-rm-'))

export const openBoth = (dataDir: string) => {
  const store = openSqliteStore({ dataDir, pollIntervalMs: 20 })
  if (E.isLeft(store)) throw new Error(`store: ${JSON.stringify(store.left)}`)
  return { store: store.right, readModels: openedReadModels({ dataDir }) }
}

/** The read models at `location`, which the test expects to open. */
export const openedReadModels = (location: ReadModelLocation, options?: ReadModelOptions) => {
  const opened = openReadModels(location, options)
  if (E.isLeft(opened)) throw new Error(`read models: ${JSON.stringify(opened.left)}`)
  return opened.right
}

export const importValues = async (
  store: EventStore,
  values: ReadonlyArray<unknown>,
  at = '2024-01-01T00:00:00.000Z'
) => {
  const items = values.map((v, i) => ({
    raw: JSON.stringify(v),
    value: v,
    source: 'import-file' as const,
    sourceRef: `test:#${i}`
  }))
  const r = await ingest(store, items, () => new Date(at))()
  if (E.isLeft(r)) throw new Error(`ingest: ${JSON.stringify(r.left)}`)
  return r.right.totals
}

export const right = async <A>(te: () => Promise<E.Either<unknown, A>>): Promise<A> => {
  const r = await te()
  if (E.isLeft(r)) throw new Error(`expected Right, got ${JSON.stringify(r.left)}`)
  return r.right
}

/** Deterministic shuffle (seeded LCG), so a failure can be reproduced. */
export const shuffle = <A>(xs: ReadonlyArray<A>, seed: number): A[] => {
  const out = [...xs]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648
    const j = s % (i + 1)
    const a = out[i]
    const b = out[j]
    if (a !== undefined && b !== undefined) {
      out[i] = b
      out[j] = a
    }
  }
  return out
}

/** A runner following the log into these read models, in small batches, collecting its failures. */
export const following = (store: EventStore, readModels: ReadModelStore, batchSize = 5) => {
  const runner = createRunner(store, readModels, { batchSize })
  const errors: unknown[] = []
  const subscription = runner.follow({ onError: (f) => errors.push(f) })
  return { runner, errors, subscription }
}

/** Waits (up to 5 s) until the runner has applied the whole log. */
export const caughtUp = async (runner: Runner): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    if ((await right(runner.lag())) === 0) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('the runner never caught up')
}
