/**
 * Structured JSON logs (pino, through fastify): one line per request at info level, written when the response
 * has been sent, with the request's headers minus the secrets. The tokens RingCentral and API clients send are
 * redacted by path, so no log line ever carries one.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import pino from 'pino'

export const REDACTED_PATHS = [
  'request.headers["verification-token"]',
  'request.headers["validation-token"]',
  'request.headers.authorization'
] as const

export const loggerOptions = (level: string): pino.LoggerOptions => ({
  level,
  redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime
})

/** A pino logger writing JSON lines to `destination` (stdout by default). */
export const createLogger = (level = 'info', destination?: pino.DestinationStream): pino.Logger =>
  destination === undefined ? pino(loggerOptions(level)) : pino(loggerOptions(level), destination)

/**
 * The fields of the one log line per request. Under `request`, not `req`: fastify's `req` serializer would
 * drop the headers, and the headers (minus the secrets) are what tells one sender from another.
 */
export const requestLogLine = (request: FastifyRequest, reply: FastifyReply): Record<string, unknown> => ({
  request: {
    id: request.id,
    method: request.method,
    url: request.url,
    route: request.routeOptions.url ?? null,
    remoteAddress: request.ip,
    headers: { ...request.headers }
  },
  res: { statusCode: reply.statusCode },
  responseTimeMs: Math.round(reply.elapsedTime * 1000) / 1000
})
