/**
 * Every error answer of the API has one JSON shape, `{ error, message }`: `error` a stable machine-readable
 * code, `message` a sentence for a person. This module maps fastify's own errors (schema validation, body too
 * large, malformed requests) onto it, so a client never sees two shapes.
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { discardRestOfBody } from './discard.js'

export interface ApiError {
  readonly error: string
  readonly message: string
}

export const ApiErrorSchema = {
  $id: 'ApiError',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Stable code: bad-request, not-found, unauthorized, ...' },
    message: { type: 'string', description: 'What went wrong, for a person.' }
  }
} as const

export const apiError = (error: string, message: string): ApiError => ({ error, message })

/** Response schema entries for the error answers a route can give. */
export const ApiErrorRef = { $ref: 'ApiError#' } as const

const codeFor = (status: number): string => {
  switch (status) {
    case 400:
      return 'bad-request'
    case 401:
      return 'unauthorized'
    case 404:
      return 'not-found'
    case 413:
      return 'payload-too-large'
    case 415:
      return 'unsupported-media-type'
    case 503:
      return 'unavailable'
    default:
      return status >= 500 ? 'internal-error' : 'bad-request'
  }
}

export interface ErrorHooks {
  /** Told about a body over the limit before the 413 goes out (metrics and the log line). */
  readonly onTooLarge: (url: string) => void
  /** How many more body bytes are read and discarded after a 413 (./discard.ts). */
  readonly discardBytes: number
}

export const installErrorHandlers = (app: FastifyInstance, hooks: ErrorHooks): void => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      // fastify's text names the part and the rule: `querystring/at must match format "date-time"`.
      return reply.code(400).send(apiError('bad-request', error.message))
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      hooks.onTooLarge(request.url)
      discardRestOfBody(request, reply, hooks.discardBytes)
    }
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    // A 500 says nothing of the internals to the client; the log line above has the cause.
    const message = status >= 500 ? 'internal error (see the server log)' : error.message
    return reply.code(status).send(apiError(codeFor(status), message))
  })
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(apiError('not-found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`))
  )
}
