/**
 * Leaf codecs. Their names are what a user reads in a failure (`expected integer, got "abc"`), so they are
 * written as words, not TypeScript types.
 */
import * as t from 'io-ts'

export const Str = new t.Type<string, string, unknown>(
  'string',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c)),
  t.identity
)

/** uuid, event path, status code: an empty string carries no information and would key nothing. */
export const NonEmptyString = new t.Type<string, string, unknown>(
  'non-empty string',
  (u): u is string => typeof u === 'string' && u !== '',
  (u, c) => (typeof u === 'string' && u !== '' ? t.success(u) : t.failure(u, c)),
  t.identity
)

export const Bool = new t.Type<boolean, boolean, unknown>(
  'boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (typeof u === 'boolean' ? t.success(u) : t.failure(u, c)),
  t.identity
)

/** Sequences and counters. Numeric strings are rejected: no real payload sends them. */
export const Integer = new t.Type<number, number, unknown>(
  'integer',
  (u): u is number => Number.isInteger(u),
  (u, c) => (typeof u === 'number' && Number.isInteger(u) ? t.success(u) : t.failure(u, c)),
  t.identity
)

/**
 * Ids arrive as strings, or as numbers in old payloads (`extensionId: 133165004`); the model holds strings.
 * A number beyond 2^53 has already lost digits in JSON.parse, so it is rejected rather than becoming a wrong id.
 */
export const Id = new t.Type<string, string, unknown>(
  'string or integer id',
  (u): u is string => typeof u === 'string' && u !== '',
  (u, c) =>
    typeof u === 'string'
      ? u !== ''
        ? t.success(u)
        : t.failure(u, c)
      : typeof u === 'number' && Number.isSafeInteger(u)
        ? t.success(String(u))
        : t.failure(u, c),
  t.identity
)

// Date.parse alone accepts "1" or "May 5"; the prefix check keeps it to ISO 8601 as the platform sends it,
// including the `+0000` offsets of old payloads.
const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/
// A zone at the end: `Z`, `+01:00`, `-0500`, `+00`.
const ZONE_SUFFIX = /(Z|[+-]\d{2}(:?\d{2})?)$/i
const isDateTime = (u: unknown): u is string =>
  typeof u === 'string' && ISO_PREFIX.test(u) && ZONE_SUFFIX.test(u) && !Number.isNaN(Date.parse(u))

/**
 * Event and send times: folds subtract them, so a string that is not a time is unusable. Kept as received when it
 * names its zone (the platform always sends UTC, `Z`). A date-time without a zone is read as UTC (`Z` appended),
 * never as the machine's local time: JavaScript would read it in the zone of whichever machine folds the log, and
 * the same log would give other times on another machine.
 */
export const DateTime = new t.Type<string, string, unknown>(
  'ISO 8601 date-time',
  isDateTime,
  (u, c) => {
    if (isDateTime(u)) return t.success(u)
    const utc = typeof u === 'string' && ISO_PREFIX.test(u) && !ZONE_SUFFIX.test(u) ? `${u}Z` : undefined
    return utc !== undefined && isDateTime(utc) ? t.success(utc) : t.failure(u, c)
  },
  t.identity
)

/** Any JSON value at all, for the body of a notification kind we do not interpret. */
export const Anything = new t.Type<unknown, unknown, unknown>(
  'any value',
  (_u): _u is unknown => true,
  t.success,
  t.identity
)

/**
 * The codecs above whose `validate` returns the input itself whenever `is` holds (same predicate, no conversion): a
 * struct field with one of these is checked with `is` and copied, without building a context or a `Right` for it
 * (a rebuild decodes ~60 such fields per notification). When `is` fails, `validate` runs as before (Id's number
 * conversion, failures with their context), so the decoded value and every report are unchanged.
 */
export const PASS_THROUGH: ReadonlySet<unknown> = new Set<unknown>([Str, NonEmptyString, Bool, Integer, Id, DateTime])
