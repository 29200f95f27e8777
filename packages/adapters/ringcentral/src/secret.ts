/**
 * A secret (client secret, JWT, verification token) that cannot leak by accident: printing it, logging it, putting
 * it in JSON or an error message shows `[redacted]`; only `reveal()` gives the value, at the one place that sends it.
 */
import { inspect } from 'node:util'

export interface Secret {
  readonly reveal: () => string
}

const REDACTED = '[redacted]'

export const secret = (value: string): Secret => {
  const s = {
    reveal: () => value,
    toString: () => REDACTED,
    toJSON: () => REDACTED,
    [inspect.custom]: () => REDACTED
  }
  return Object.freeze(s)
}
