/**
 * The options of `callstate simulate`, their defaults, and their validation. Parsers return values
 * (Either) so the CLI can print a one-line error instead of a stack trace.
 */
import * as E from 'fp-ts/lib/Either.js'

export type OutputFormat = 'ndjson' | 'ws'

export interface SimulateOptions {
  /** Number of scripted calls (a transfer or conference call is one call spanning several sessions). */
  readonly calls: number
  readonly extensions: number
  readonly seed: number
  /** Epoch milliseconds of the first call. */
  readonly start: number
  readonly duplicateRate: number
  readonly reorderRate: number
  readonly malformedRate: number
  readonly format: OutputFormat
}

export const DEFAULT_OPTIONS: SimulateOptions = {
  calls: 100,
  extensions: 10,
  seed: 1,
  start: Date.parse('2026-01-05T09:00:00Z'),
  duplicateRate: 0,
  reorderRate: 0,
  malformedRate: 0,
  format: 'ndjson'
}

export interface OptionError {
  readonly _tag: 'OptionError'
  readonly option: string
  readonly message: string
}

const fail = (option: string, message: string): E.Either<OptionError, never> =>
  E.left({ _tag: 'OptionError', option, message })

const integer =
  (option: string, min: number, max: number) =>
  (raw: string): E.Either<OptionError, number> => {
    const value = Number(raw)
    return /^\s*\d+\s*$/.test(raw) && Number.isSafeInteger(value) && value >= min && value <= max
      ? E.right(value)
      : fail(option, `${option} must be an integer from ${min} to ${max} (got "${raw}")`)
  }

const rate =
  (option: string) =>
  (raw: string): E.Either<OptionError, number> => {
    const value = Number(raw)
    return raw.trim() !== '' && Number.isFinite(value) && value >= 0 && value <= 1
      ? E.right(value)
      : fail(option, `${option} must be a probability from 0 to 1 (got "${raw}")`)
  }

export const parseCalls = integer('--calls', 1, 100_000_000)
// Internal calls and transfers need two people at least.
export const parseExtensions = integer('--extensions', 2, 100_000)
export const parseSeed = integer('--seed', 0, 4_294_967_295)
export const parseDuplicateRate = rate('--duplicate-rate')
export const parseReorderRate = rate('--reorder-rate')
export const parseMalformedRate = rate('--malformed-rate')

export const parseStart = (raw: string): E.Either<OptionError, number> => {
  // Require an explicit date-time so "tomorrow" or a bare number is not silently accepted.
  const value = /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN
  return Number.isFinite(value)
    ? E.right(value)
    : fail('--start', `--start must be an ISO 8601 date-time such as 2026-01-05T09:00:00Z (got "${raw}")`)
}

export const parseFormat = (raw: string): E.Either<OptionError, OutputFormat> =>
  raw === 'ndjson' || raw === 'ws' ? E.right(raw) : fail('--format', `--format must be ndjson or ws (got "${raw}")`)
