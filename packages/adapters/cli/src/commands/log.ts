/**
 * `callstate log`: the raw log (or one stream) with positions, as a table or as JSON.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { Command } from 'commander'
import Table from 'cli-table3'
import { parseEventData, type EventStore, type StoredEvent, type StoreFailure } from '@callstate/projections'
import { pipe } from 'fp-ts/lib/function.js'
import { globalOptions, nonNegativeInt, out, run, storeFailure, useStore, tableStyle } from '../run.js'

const DEFAULT_LIMIT = 100

/**
 * One event as `--json` prints it. Data that is not JSON (never written by callstate) is shown as its text rather
 * than hidden: the caller sees exactly what the store holds.
 */
const eventJson = (e: StoredEvent) => ({
  position: e.position,
  stream: e.stream,
  revision: e.revision,
  type: e.type,
  id: e.id,
  receivedAt: e.metadata.receivedAt,
  metadata: e.metadata,
  data: pipe(
    parseEventData(e),
    E.getOrElse((): unknown => e.data)
  )
})

/**
 * Events of one stream with position >= `from`, at most `limit`. A stream is read by revision, so the
 * position filter is applied while paging through it.
 */
const readStreamFrom = async (
  store: EventStore,
  stream: string,
  from: number,
  limit: number
): Promise<E.Either<StoreFailure, StoredEvent[]>> => {
  const found: StoredEvent[] = []
  let revision = 0
  for (;;) {
    const page = await store.readStream(stream, { fromRevision: revision, limit: 1000 })()
    if (E.isLeft(page)) return page
    for (const e of page.right) if (e.position >= from && found.length < limit) found.push(e)
    const last = page.right[page.right.length - 1]
    if (found.length >= limit || page.right.length < 1000 || last === undefined) return E.right(found)
    revision = last.revision + 1
  }
}

const readLog = (
  store: EventStore,
  stream: string | undefined,
  from: number,
  limit: number
): TE.TaskEither<StoreFailure, ReadonlyArray<StoredEvent>> =>
  stream !== undefined ? () => readStreamFrom(store, stream, from, limit) : store.readAll(Math.max(0, from - 1), limit)

const table = (events: ReadonlyArray<StoredEvent>): string => {
  const t = new Table({ head: ['position', 'stream', 'type', 'id', 'received'], ...tableStyle() })
  for (const e of events) t.push([e.position, e.stream, e.type, e.id, e.metadata.receivedAt])
  return t.toString()
}

export const register = (program: Command): void => {
  program
    .command('log')
    .description('Show the raw event log (or one stream) in log order.')
    .option('--stream <stream>', 'only this stream (session-<id>, presence-<ext>, messages-<ext>, unknown, quarantine)')
    .option('--from <position>', 'start at this log position (inclusive)', '1')
    .option('--limit <n>', `at most n events (default ${DEFAULT_LIMIT})`)
    .option('--json', 'print a JSON array; each event has its data parsed')
    .addHelpText(
      'after',
      `
Examples:
  $ callstate log --limit 20
  $ callstate log --stream quarantine
  $ callstate log --from 1500 --limit 100 --json | jq '.[].type'`
    )
    .action((opts: Record<string, unknown>, cmd: Command) =>
      run(async () => {
        const options = globalOptions(cmd)
        const from = nonNegativeInt('--from', opts['from'])
        if (E.isLeft(from)) return from
        const limit = nonNegativeInt('--limit', opts['limit'])
        if (E.isLeft(limit)) return limit
        const stream = typeof opts['stream'] === 'string' ? opts['stream'] : undefined
        return useStore(options, async (store) => {
          const events = await readLog(store, stream, from.right ?? 1, limit.right ?? DEFAULT_LIMIT)()
          if (E.isLeft(events)) return E.left(storeFailure(events.left))
          if (options.json) out(JSON.stringify(events.right.map(eventJson), null, 2))
          else if (events.right.length === 0) out('no events')
          else out(table(events.right))
          return E.right(undefined)
        })
      })
    )
}
