/**
 * What talking to RingCentral can fail with, as values, and the one place the SDK's thrown errors become them. The
 * words come from the platform's answer (status, error code, message), never from the request: nothing here can
 * carry a secret.
 */
import { describeError } from '@callstate/projections'

export type RcFailure =
  /** The credentials were refused (login or refresh): new credentials are needed. */
  | { readonly _tag: 'AuthFailed'; readonly status: number | null; readonly message: string }
  /** The platform answered 429 for a rate-limit group, or the group is known to be out of requests. */
  | { readonly _tag: 'RateLimited'; readonly group: string; readonly retryAfterMs: number }
  /** The platform could not be reached, or answered an error that is not the caller's to read. */
  | { readonly _tag: 'Unreachable'; readonly message: string }

export const describeRcFailure = (f: RcFailure): string => {
  switch (f._tag) {
    case 'AuthFailed':
      return `RingCentral refused the credentials${f.status === null ? '' : ` (${f.status})`}: ${f.message}`
    case 'RateLimited':
      return `RingCentral rate limit reached for ${f.group} requests: the next is allowed in ${Math.ceil(f.retryAfterMs / 1000)} s`
    case 'Unreachable':
      return `RingCentral did not answer: ${f.message}`
  }
}

/** The status of the platform's answer an SDK error carries, when it carries one. */
export const statusOf = (e: unknown): number | null => {
  const response = typeof e === 'object' && e !== null ? Reflect.get(e, 'response') : undefined
  const status = typeof response === 'object' && response !== null ? Reflect.get(response, 'status') : undefined
  return typeof status === 'number' ? status : null
}

/**
 * The parts of an HTTP answer callstate reads. The SDK's answers are fetch Responses, but not always of the global
 * class (it may bring its own fetch), so they are recognised by shape, not by `instanceof`.
 */
export interface AnswerLike {
  readonly status: number
  readonly headers: { get(name: string): string | null }
  clone(): { text(): Promise<string> }
}

export const isAnswerLike = (v: unknown): v is AnswerLike => {
  if (typeof v !== 'object' || v === null) return false
  const headers: unknown = Reflect.get(v, 'headers')
  return (
    typeof Reflect.get(v, 'status') === 'number' &&
    typeof Reflect.get(v, 'clone') === 'function' &&
    typeof headers === 'object' &&
    headers !== null &&
    typeof Reflect.get(headers, 'get') === 'function'
  )
}

/** The platform's answer an SDK error carries, when it carries one. */
export const responseOf = (e: unknown): AnswerLike | undefined => {
  const response: unknown = typeof e === 'object' && e !== null ? Reflect.get(e, 'response') : undefined
  return isAnswerLike(response) ? response : undefined
}

/** An SDK error as one line: the SDK words it from the answer's body (message / error_description). */
export const messageOf = (e: unknown): string => describeError(e).replace(/\s+/g, ' ').trim()
