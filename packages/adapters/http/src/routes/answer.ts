/**
 * How a query's answer becomes an HTTP reply: the value as JSON, or its failure as `{error, message}` with the
 * status that failure means (404 unknown id, 400 bad parameter, 503 the log did not answer, 500 otherwise).
 * Lists carry the next page's cursor in the `X-Next-Cursor` header (absent on the last page).
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { FastifyReply } from 'fastify'
import {
  describeStoreFailure,
  type QueryDeps,
  type QueryFailure,
  type QueryTime,
  type SessionPage
} from '@callstate/projections'
import { ApiErrorRef, apiError } from '../errors.js'

const statusOf = (f: QueryFailure): number => {
  switch (f._tag) {
    case 'NotFound':
      return 404
    case 'InvalidQuery':
    case 'InvalidRequest':
      return 400
    case 'Unavailable':
    case 'Timeout':
      return 503
    case 'ReadModelFailure':
    case 'VersionConflict':
      return 500
  }
}

const messageOf = (f: QueryFailure): string => {
  switch (f._tag) {
    case 'NotFound':
    case 'InvalidQuery':
      return f.message
    case 'InvalidRequest':
      return f.reason
    case 'ReadModelFailure':
      return `the read models failed: ${f.cause}`
    default:
      return describeStoreFailure(f)
  }
}

const codeOf = (status: number): string =>
  status === 404 ? 'not-found' : status === 400 ? 'bad-request' : status === 503 ? 'unavailable' : 'internal-error'

export const answer = async <A>(reply: FastifyReply, task: TE.TaskEither<QueryFailure, A>): Promise<FastifyReply> => {
  const result = await task()
  if (E.isRight(result)) return reply.send(result.right)
  const status = statusOf(result.left)
  if (status >= 500) reply.log.error({ failure: result.left }, 'query failed')
  return reply.code(status).send(apiError(codeOf(status), messageOf(result.left)))
}

export const answerPage = async (reply: FastifyReply, task: TE.TaskEither<QueryFailure, SessionPage>) =>
  answer(
    reply,
    pipe(
      task,
      TE.map((page) => {
        if (page.nextCursor !== null) void reply.header('x-next-cursor', page.nextCursor)
        return page.items
      })
    )
  )

export interface QueryRouteOptions {
  readonly deps: QueryDeps
  readonly now: () => Date
  readonly staleAfterMs: number
}

export interface TimeQuery {
  readonly at?: string
  readonly knownAt?: string
}

/** The instant of a request: the server's clock, `at` and `knownAt` from the query string. */
export const queryTime = (now: () => Date, staleAfterMs: number, q: TimeQuery): QueryTime => ({
  now: now().toISOString(),
  staleAfterMs,
  ...(q.at !== undefined ? { at: q.at } : {}),
  ...(q.knownAt !== undefined ? { knownAt: q.knownAt } : {})
})

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } }
} as const

export const security = [{ bearer: [] }]

/** The error answers most query routes can give. */
export const errorResponses = { 400: ApiErrorRef, 401: ApiErrorRef, 404: ApiErrorRef, 503: ApiErrorRef } as const
