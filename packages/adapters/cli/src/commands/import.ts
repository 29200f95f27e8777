/**
 * `callstate import [FILE|-]`: append every notification of a file (or stdin) to the log, exactly once.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import { defaultWorkers, importFile, importStream, inputSize, type ImportFailure } from '@callstate/ingest'
import type { IngestReport, IngestTotals } from '@callstate/ingest'
import { describeStoreFailure, failure, globalOptions, nonNegativeInt, out, run, usage, useStore } from '../run.js'
import { progressBar } from '../progress-bar.js'

const describeImportFailure = (f: ImportFailure): string => {
  switch (f._tag) {
    case 'ReadFailure':
      return `cannot read ${f.path}: ${f.cause}`
    case 'WorkerFailure':
      return `a worker thread failed: ${f.cause} (run again with --workers 0 to import on the main thread only)`
    default:
      return describeStoreFailure(f)
  }
}

const summary = (name: string, t: IngestTotals): string[] => [
  `Imported ${name}: ${t.read} read`,
  `  appended     ${t.appended}`,
  `  duplicates   ${t.duplicates}  (already in the log)`,
  `  quarantined  ${t.quarantined}${t.quarantined > 0 ? '  (see `callstate quarantine`)' : ''}`
]

/** A byte-based progress bar on stderr, only when stderr is a terminal and the size is known. */
const importProgress = (total: number) => {
  const mb = (bytes: number): string => (bytes / 1048576).toFixed(1)
  const bar = progressBar(
    'importing |{bar}| {percentage}% | {mb} of {totalMb} MB | {read} read | ETA {eta_formatted}',
    total,
    { mb: mb(0), totalMb: mb(total), read: 0 }
  )
  if (bar === undefined) return undefined
  let read = 0
  return {
    bytes: (n: number) => bar.update(n, { mb: mb(n), read }),
    items: (n: number) => (read += n),
    stop: () => bar.stop()
  }
}

export const register = (program: Command): void => {
  program
    .command('import')
    .description('Append the notifications of an NDJSON or JSON-array file (or stdin) to the log, exactly once.')
    .argument('[file]', 'file to import, or - for stdin', '-')
    .option('--json', 'print only a JSON summary {"read","appended","duplicates","quarantined"} on stdout')
    .option(
      '--workers <n>',
      `worker threads that parse, decode and hash NDJSON while the main thread writes (0: none)`,
      String(defaultWorkers())
    )
    .option(
      '--exclusive',
      'keep the log to this import until it ends: pages are written once instead of twice (for loading history; ' +
        'refused while serve or another process has the log open, and they cannot open it meanwhile)'
    )
    .addHelpText(
      'after',
      `
Formats (decided on the first non-blank line):
  NDJSON      one JSON value per line: an envelope (webhook body), a WebSocket frame
              [ {"type":"ServerNotification",...}, envelope ], a pn_apns/pn_gcm wrapper, or an array of envelopes
  JSON array  a file whose first line opens an array that spans lines (e.g. a pretty-printed capture)
Blank lines are skipped. Anything that is not a notification is kept in quarantine with the reason.
Importing the same input again appends nothing: every notification has a deterministic id.

Exit codes: 0 the input was fully processed (quarantined items included); 1 the file could not be read or
the store failed (what was stored stays stored; run the import again to finish it); 2 wrong usage.

Examples:
  $ callstate import captures/day1.ndjson
  $ callstate import --json payloads/01-call.json
  $ callstate import --exclusive history-2026-q3.ndjson   load history before starting serve
  $ zcat big.ndjson.gz | callstate import -`
    )
    .action((file: string, opts: { workers?: unknown; exclusive?: boolean }, cmd: Command) =>
      run(async () => {
        const options = globalOptions(cmd)
        const workersOption = nonNegativeInt('--workers', opts.workers)
        if (E.isLeft(workersOption)) return workersOption
        const workers = workersOption.right ?? defaultWorkers()
        const fromStdin = file === '-'
        if (fromStdin && process.stdin.isTTY) return E.left(usage('no input: give a FILE, or pipe data into `-`'))
        // Check the file before opening the store, so a typo does not create a data directory.
        const size = fromStdin ? E.right(0) : await inputSize(file)
        if (E.isLeft(size)) return E.left(failure(`cannot read ${file}: ${size.left.cause}`))
        const exclusive = opts.exclusive === true && options.esdb === undefined
        if (opts.exclusive === true && options.esdb !== undefined)
          return E.left(usage('--exclusive is for the embedded log; EventStoreDB takes no such lock'))
        return useStore({ ...options, durability: 'normal', exclusive }, async (store) => {
          const bar = options.json || fromStdin ? undefined : importProgress(size.right)
          const importOptions = {
            workers,
            ...(bar ? { onBytes: bar.bytes, onBatch: (r: IngestReport) => bar.items(r.outcomes.length) } : {})
          }
          const result = fromStdin
            ? await importStream(store, process.stdin, 'stdin', 'stdin', importOptions)()
            : await importFile(store, file, importOptions)()
          bar?.stop()
          if (E.isLeft(result)) return E.left(failure(describeImportFailure(result.left)))
          const t = result.right
          const json = { read: t.read, appended: t.appended, duplicates: t.duplicates, quarantined: t.quarantined }
          if (options.json) out(JSON.stringify(json))
          else for (const line of summary(fromStdin ? 'stdin' : file, t)) out(line)
          return E.right(undefined)
        })
      })
    )
}
