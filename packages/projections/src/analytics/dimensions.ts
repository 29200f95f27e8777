/**
 * The dimensions of a stats key (`--by extension,day`) and how a key is written: the dimensions' values in
 * the order asked, joined with `|` (`101|2026-01-05`); no dimension: `all`. A call without a start time goes
 * to day/hour `unknown`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Zone } from './zone.js'

export const DIMENSIONS = ['extension', 'queue', 'day', 'hour'] as const
export type Dimension = (typeof DIMENSIONS)[number]

export interface InvalidDimensions {
  readonly _tag: 'InvalidDimensions'
  readonly message: string
}

const isDimension = (s: string): s is Dimension => DIMENSIONS.some((d) => d === s)

/** `extension,day` -> ['extension', 'day']; an unknown or repeated name is refused with the reason. */
export const parseDimensions = (text: string): E.Either<InvalidDimensions, ReadonlyArray<Dimension>> => {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')
  const dims: Dimension[] = []
  for (const name of names) {
    if (!isDimension(name))
      return E.left({
        _tag: 'InvalidDimensions',
        message: `unknown dimension "${name}" (use ${DIMENSIONS.join(', ')})`
      })
    if (dims.includes(name)) return E.left({ _tag: 'InvalidDimensions', message: `dimension "${name}" given twice` })
    dims.push(name)
  }
  if (dims.includes('queue') && dims.includes('extension'))
    return E.left({
      _tag: 'InvalidDimensions',
      message: 'queue rows are per queue: combine queue with day or hour, not with extension'
    })
  return E.right(dims)
}

export const ALL_KEY = 'all'
export const UNKNOWN = 'unknown'

/**
 * The key of an extension or a queue (`who`; null: dimension absent) at an instant (null: not known). `extension`
 * and `queue` are never asked together.
 */
export const keyOf = (dims: ReadonlyArray<Dimension>, zone: Zone, who: string | null, at: string | null): string => {
  if (dims.length === 0) return ALL_KEY
  return dims
    .map((d) => {
      switch (d) {
        case 'extension':
        case 'queue':
          return who ?? UNKNOWN
        case 'day':
          return (at === null ? null : zone.day(at)) ?? UNKNOWN
        case 'hour':
          return (at === null ? null : zone.hour(at)) ?? UNKNOWN
      }
    })
    .join('|')
}
