/**
 * `callstate simulate`: write a realistic, deterministic stream of RingCentral notifications (NDJSON, or
 * WebSocket frames) to stdout, optionally with the ground truth of every call in a file.
 */
import { createWriteStream } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { Command } from 'commander'
import {
  DEFAULT_OPTIONS,
  parseCalls,
  parseDuplicateRate,
  parseExtensions,
  parseFormat,
  parseMalformedRate,
  parseReorderRate,
  parseSeed,
  parseStart,
  simulate,
  type OptionError,
  type SimulateOptions
} from '@callstate/simulator'
import { LineSink } from '../sink.js'
import { failure, run, usage, type CliFailure } from '../run.js'

interface RawOptions {
  readonly calls?: string
  readonly extensions?: string
  readonly seed?: string
  readonly start?: string
  readonly duplicateRate?: string
  readonly reorderRate?: string
  readonly malformedRate?: string
  readonly format?: string
  readonly truth?: string
}

const optional = <A>(
  raw: string | undefined,
  parse: (s: string) => E.Either<OptionError, A>,
  fallback: A
): E.Either<OptionError, A> => (raw === undefined ? E.right(fallback) : parse(raw))

const toOptions = (raw: RawOptions): E.Either<OptionError, SimulateOptions> =>
  pipe(
    E.Do,
    E.bind('calls', () => optional(raw.calls, parseCalls, DEFAULT_OPTIONS.calls)),
    E.bind('extensions', () => optional(raw.extensions, parseExtensions, DEFAULT_OPTIONS.extensions)),
    E.bind('seed', () => optional(raw.seed, parseSeed, DEFAULT_OPTIONS.seed)),
    E.bind('start', () => optional(raw.start, parseStart, DEFAULT_OPTIONS.start)),
    E.bind('duplicateRate', () => optional(raw.duplicateRate, parseDuplicateRate, DEFAULT_OPTIONS.duplicateRate)),
    E.bind('reorderRate', () => optional(raw.reorderRate, parseReorderRate, DEFAULT_OPTIONS.reorderRate)),
    E.bind('malformedRate', () => optional(raw.malformedRate, parseMalformedRate, DEFAULT_OPTIONS.malformedRate)),
    E.bind('format', () => optional(raw.format, parseFormat, DEFAULT_OPTIONS.format))
  )

const produce = async (
  options: SimulateOptions,
  truthFile: string | undefined
): Promise<E.Either<CliFailure, void>> => {
  const out = new LineSink(process.stdout)
  const truth = truthFile === undefined ? undefined : new LineSink(createWriteStream(truthFile))
  for (const item of simulate(options)) {
    const wait = item._tag === 'Line' ? out.write(item.text) : truth?.write(JSON.stringify(item.truth))
    if (wait) await wait
    if (out.failure || truth?.failure) break
  }
  const outFailure = await out.end(false)
  const truthFailure = await truth?.end(true)
  if (truthFailure) return E.left(failure(`cannot write the truth file ${truthFile}: ${truthFailure.message}`))
  // The reader closed the pipe (`| head`): stopping is the expected end, not an error.
  if (outFailure && outFailure.code !== 'EPIPE') return E.left(failure(`cannot write to stdout: ${outFailure.message}`))
  return E.right(undefined)
}

export const register = (program: Command): void => {
  program
    .command('simulate')
    .description('Write simulated RingCentral notifications (a call centre day) to stdout, one per line.')
    .option('--calls <n>', 'number of calls to script', String(DEFAULT_OPTIONS.calls))
    .option('--extensions <m>', 'number of users (extensions) in the account', String(DEFAULT_OPTIONS.extensions))
    .option('--seed <s>', 'seed of the PRNG: the same arguments give the same bytes', String(DEFAULT_OPTIONS.seed))
    .option('--start <iso>', 'start time of the first call', new Date(DEFAULT_OPTIONS.start).toISOString())
    .option('--duplicate-rate <p>', 'probability that a notification is delivered again later (same uuid)', '0')
    .option('--reorder-rate <p>', 'probability that a notification is swapped with one of the 3 before it', '0')
    .option(
      '--malformed-rate <p>',
      'probability of an extra broken line (truncated JSON, party without status, ...)',
      '0'
    )
    .option('--truth <file>', 'write the ground truth, one JSON object per telephony session (NDJSON), to FILE')
    .option('--format <format>', 'ndjson (webhook bodies) or ws (WebSocket frames [headers, envelope])', 'ndjson')
    .addHelpText(
      'after',
      `
Scenarios (share of calls): inbound answered 22% (1 in 4 through an IVR menu), outbound to PSTN 16%,
internal 10%, inbound missed 8%, inbound to voicemail 8%, hold/unhold 8%, call queue 8% (1 in 4 abandoned),
blind transfer 4%, attended transfer 3%, park and pickup 3%, RingOut 3%, conference merge 2%, answer moved
to another device 2%, ended by presence only (the telephony end is lost) 2%, never-ending 1%.

Truth lines: {"telephonySessionId","callId","scenario","status","startedAt","endedAt","queue","parties":[{"id",
"extensionId","direction","queueCall","answered","outcome","endedBy","ringMs","talkMs","holdMs"}]}: one line
per session; the sessions of one transfer or conference share a callId. docs/simulator.md has every field.

Examples:
  $ callstate simulate --calls 1000 --seed 7 > day.ndjson
  $ callstate simulate --calls 2000 --duplicate-rate 0.05 --reorder-rate 0.05 --malformed-rate 0.01 \\
      --truth truth.ndjson | callstate import -`
    )
    .action((raw: RawOptions) =>
      run(async () => {
        const options = toOptions(raw)
        if (E.isLeft(options)) return E.left(usage(options.left.message))
        return produce(options.right, raw.truth)
      })
    )
}
