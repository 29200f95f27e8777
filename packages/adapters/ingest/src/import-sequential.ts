/**
 * The in-thread import: read with ./readers.ts (every format), classify each chunk read, store in batches. Used for
 * streams, for JSON-array and pretty-printed inputs, and whenever no worker is wanted.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventStore, Source } from '@callstate/projections'
import { classify, type Prepared } from './classify.js'
import { batchWriter, describeError, type ImportFailure, type ImportOptions } from './import-batches.js'
import type { IngestTotals } from './ingest.js'
import { readItems } from './readers.js'

export const importInThread =
  (
    store: EventStore,
    input: AsyncIterable<Buffer | string>,
    name: string,
    source: Source,
    options: ImportOptions = {}
  ): TE.TaskEither<ImportFailure, IngestTotals> =>
  async () => {
    const now = options.now ?? (() => new Date())
    const writer = batchWriter(store, options)
    const items = readItems(input, name, source, { onBytes: options.onBytes, onFormat: options.onFormat })
    try {
      for await (const chunk of items) {
        const receivedAt = now().toISOString()
        const prepared: Prepared[] = []
        for (const item of chunk) for (const p of classify(item, receivedAt)) prepared.push(p)
        const added = await writer.add(prepared)
        if (E.isLeft(added)) return added
      }
    } catch (e) {
      // The reader only throws on I/O errors of the underlying stream: they become a value here.
      return E.left({ _tag: 'ReadFailure', path: name, cause: describeError(e) })
    }
    return writer.finish()
  }
