/**
 * `POST <webhook-path>`: the RingCentral webhook receiver.
 *
 * - Handshake: a `Validation-Token` header and an empty body is answered 200 with the same header, nothing
 *   stored. It is not checked against the verification token: RingCentral makes that token up per
 *   subscription request, and nothing is stored, so there is nothing to protect.
 * - Authenticity: with a verification token configured, a notification without it (or with another) gets 401
 *   before its body is even read, and nothing is stored.
 * - Durability: 200 only once the notification is in the log (the group commit returned); 503 when the store
 *   failed, so RingCentral retries, never 200 for data not stored.
 * - Bad input from an authentic sender is quarantined with the reason and answered 202; a body over the limit
 *   gets 413 (fastify refuses it while reading; see errors.ts).
 * The body is kept as the exact text received (server.ts registers a raw-text content-type parser).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { StoreFailure } from '@callstate/projections'
import { headerValue, presentedVerificationToken, tokenMatches } from '../auth.js'
import { ApiErrorRef, apiError } from '../errors.js'
import type { ServerMetrics } from '../metrics.js'
import type { WebhookCommit, WebhookItemOutcome } from '../webhook-commit.js'

export interface WebhookRouteOptions {
  readonly path: string
  readonly bodyLimit: number
  readonly verificationToken: string | undefined
  readonly commit: WebhookCommit
  readonly metrics: ServerMetrics
  /** Called for each notification the webhook appended (the connector counts webhook deliveries). */
  readonly onStored?: () => void
}

const ItemOutcomeSchema = {
  type: 'object',
  required: ['outcome', 'id'],
  properties: {
    outcome: { type: 'string', enum: ['appended', 'duplicate', 'quarantined'] },
    id: { type: 'string', description: 'Id of the stored event (of the quarantine entry when quarantined).' },
    stream: { type: 'string', description: 'Stream it went to (appended, duplicate).' },
    position: { type: 'integer', description: 'Log position of the stored event (appended).' },
    reason: {
      type: 'string',
      description: 'Why it was quarantined: not-json, not-a-notification, decode-failed, conflict.'
    },
    reasons: { type: 'array', items: { type: 'string' }, description: 'The problems found, one per line.' }
  }
} as const

const WebhookAnswerSchema = {
  type: 'object',
  required: ['status', 'items'],
  properties: {
    status: {
      type: 'string',
      enum: ['accepted', 'duplicate', 'quarantined'],
      description: 'quarantined when any item was; else accepted when any was appended; else duplicate.'
    },
    reasons: { type: 'array', items: { type: 'string' }, description: 'Why items were quarantined.' },
    items: { type: 'array', items: ItemOutcomeSchema }
  }
} as const

type AnswerStatus = 'accepted' | 'duplicate' | 'quarantined'

const answerOf = (items: ReadonlyArray<WebhookItemOutcome>): { status: AnswerStatus; reasons?: string[] } => {
  const quarantined = items.filter((i) => i.outcome === 'quarantined')
  if (quarantined.length > 0)
    return { status: 'quarantined', reasons: quarantined.flatMap((q) => [...(q.reasons ?? [])]) }
  return { status: items.some((i) => i.outcome === 'appended') ? 'accepted' : 'duplicate' }
}

/** The metrics label of a stored notification: the kind its stream holds. */
const kindOfStream = (stream: string | undefined): string => {
  const prefix = stream?.split('-')[0]
  return prefix === 'session'
    ? 'telephony-session'
    : prefix === 'presence'
      ? 'presence'
      : prefix === 'messages'
        ? 'message-store'
        : 'unknown'
}

/** Whether a request declares no body at all: the shape of RingCentral's subscription handshake. */
const declaresNoBody = (request: FastifyRequest): boolean => {
  const length = request.headers['content-length']
  return (length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined
}

export const registerWebhook = (app: FastifyInstance, options: WebhookRouteOptions): void => {
  const { path, bodyLimit, verificationToken, commit, metrics } = options

  const refuseUnauthenticated = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (verificationToken === undefined) return
    if (headerValue(request.headers, 'validation-token') !== undefined && declaresNoBody(request)) return
    if (tokenMatches(verificationToken, presentedVerificationToken(request.headers))) return
    metrics.rejected.inc({ reason: 'unauthorized' })
    request.log.warn({ remoteAddress: request.ip }, 'webhook: notification without a valid verification token')
    await reply.code(401).send(apiError('unauthorized', 'missing or wrong Verification-Token header'))
  }

  const storeFailed = (reply: FastifyReply, request: FastifyRequest, failure: StoreFailure): FastifyReply => {
    metrics.rejected.inc({ reason: 'store-unavailable' })
    request.log.error({ failure }, 'webhook: store failed, answered 503')
    // RingCentral retries a failed delivery; a short Retry-After says the failure is expected to pass.
    return reply
      .code(503)
      .header('retry-after', '5')
      .send(apiError('store-unavailable', `the notification log is unavailable (${failure._tag}); retry later`))
  }

  app.post(
    path,
    {
      bodyLimit,
      // Not behind the API token: RingCentral authenticates with the verification token instead.
      config: { public: true },
      onRequest: refuseUnauthenticated,
      schema: {
        summary: 'RingCentral webhook: subscription handshake and notifications',
        description:
          'Handshake: a Validation-Token header and an empty body is answered 200 echoing the header. ' +
          'Notifications: the envelope as JSON; 200 once durably stored (or already stored), 202 when kept ' +
          'in quarantine (with the reason), 401 without the verification token, 413 over the body limit, ' +
          '503 when the log is unavailable (retry).',
        tags: ['webhook'],
        headers: {
          type: 'object',
          properties: {
            'validation-token': { type: 'string', description: 'Handshake token to echo (or the token, see below).' },
            'verification-token': { type: 'string', description: 'The subscription verification token.' }
          }
        },
        response: {
          200: { description: 'Stored (or already stored); empty for a handshake.', ...WebhookAnswerSchema },
          202: { description: 'Kept in quarantine, with the reasons.', ...WebhookAnswerSchema },
          400: ApiErrorRef,
          401: ApiErrorRef,
          413: ApiErrorRef,
          503: ApiErrorRef
        }
      }
    },
    async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : ''
      if (raw.trim() === '') {
        const handshake = headerValue(request.headers, 'validation-token')
        if (handshake !== undefined) {
          metrics.handshakes.inc()
          return reply.code(200).header('validation-token', handshake).send()
        }
        metrics.rejected.inc({ reason: 'empty-body' })
        return reply.code(400).send(apiError('empty-body', 'a notification needs a JSON body'))
      }
      const result = await commit.submit({
        raw,
        source: 'webhook',
        sourceRef: `POST ${path} from ${request.ip} ${request.id}`
      })
      if (E.isLeft(result)) return storeFailed(reply, request, result.left)
      const items = result.right
      for (const item of items) {
        if (item.outcome === 'appended') {
          metrics.accepted.inc({ kind: kindOfStream(item.stream) })
          options.onStored?.()
        } else if (item.outcome === 'duplicate') metrics.duplicate.inc({ kind: kindOfStream(item.stream) })
        else metrics.quarantined.inc({ reason: item.reason ?? 'unknown' })
      }
      const answer = answerOf(items)
      if (answer.status === 'quarantined')
        request.log.warn({ reasons: answer.reasons }, 'webhook: notification quarantined')
      return reply.code(answer.status === 'quarantined' ? 202 : 200).send({ ...answer, items })
    }
  )
}
