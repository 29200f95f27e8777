/**
 * The `callstate` command line. Each command lives in its own module under ./commands and is registered
 * here through ./commands/index.ts; global options (--data-dir, --esdb, --esdb-timeout-ms, --esdb-concurrency) are
 * read by every command through `globalOptions(cmd)` in ./run.ts; a bad value of a global option is a usage error
 * (exit 2), whether it came from the flag or from its environment variable.
 *
 * Errors: commands report expected failures themselves (one line, exit 1; usage errors exit 2). What escapes
 * them is a bug or an environment problem: it is still shown as one line (the stack only with
 * CALLSTATE_DEBUG=1), never as a raw stack trace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from '@callstate/esdb'
import { registerAll } from './commands/index.js'
import { describeError } from '@callstate/projections'

/** Commander's parser for a whole number > 0; `rule` follows commander's "error: option ... is invalid." */
const positiveInt =
  (rule: string) =>
  (value: string): number => {
    const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN
    if (!(Number.isSafeInteger(n) && n > 0)) throw new InvalidArgumentError(rule)
    return n
  }

const program = new Command()
  .name('callstate')
  .description('An event-sourced call-state engine for RingCentral notifications.')
  .addOption(
    new Option('--data-dir <dir>', 'directory of the embedded event store').env('CALLSTATE_DATA_DIR').default('./data')
  )
  .addOption(
    new Option(
      '--esdb <connection-string>',
      'use EventStoreDB instead of the embedded store (esdb://host:2113?tls=false)'
    ).env('CALLSTATE_ESDB_URL')
  )
  .addOption(
    new Option(
      '--esdb-timeout-ms <ms>',
      'EventStoreDB: how long each call to the node may take before it fails with a timeout (an import that ' +
        'times out keeps what it stored; run it again to continue)'
    )
      .env('CALLSTATE_ESDB_TIMEOUT_MS')
      .default(DEFAULT_TIMEOUT_MS)
      .argParser(positiveInt('It must be a whole number of milliseconds > 0, e.g. 10000.'))
  )
  .addOption(
    new Option(
      '--esdb-concurrency <n>',
      'EventStoreDB: how many streams an import or a webhook batch appends to at once'
    )
      .env('CALLSTATE_ESDB_CONCURRENCY')
      .default(DEFAULT_CONCURRENCY)
      .argParser(positiveInt('It must be a whole number > 0, e.g. 16.'))
  )
  .configureHelp({ showGlobalOptions: true })
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .addHelpText(
    'after',
    `
Examples:
  $ callstate import calls.ndjson          append notifications to ./data/events.db
  $ callstate quarantine                    what could not be logged, and why
  $ callstate log --limit 20                the raw log
  $ callstate --data-dir /var/lib/callstate audit s-a0d17930c96bd`
  )

registerAll(program)

const debug = process.env['CALLSTATE_DEBUG'] === '1'

const fail = (message: string, exitCode: number, error?: unknown): void => {
  process.stderr.write(`callstate: ${message}\n`)
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
  process.exitCode = exitCode
}

// A reader that stops early (`callstate log --json | head`) closes the pipe: that is not an error, stop quietly.
const stopOnClosedPipe = (error: NodeJS.ErrnoException): void => {
  if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0)
  fail(`cannot write output: ${error.message}`, 1, error)
}
process.stdout.on('error', stopOnClosedPipe)

process.on('unhandledRejection', (reason) => fail(`unexpected error: ${String(reason)}`, 1, reason))

try {
  await program.parseAsync(process.argv)
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander has already printed its message (usage errors) or the help/version text.
    // Help or version asked for: 0. Anything else (unknown option, missing argument, no command): usage, 2.
    const informational = ['commander.helpDisplayed', 'commander.version'].includes(e.code) || e.exitCode === 0
    process.exitCode = informational ? 0 : 2
  } else fail(`unexpected error: ${describeError(e)}`, 1, e)
}
