/**
 * TEST DOUBLE of the RingCentral platform (OAuth, WebSocket gateway, subscriptions, webhooks, telephony REST,
 * rate limits) for tests of code that uses the official RingCentral JS clients. It stands in for the platform
 * because none is reachable here, and speaks the real wire protocol. See ./README.md and ./double.ts.
 */
export { startRingCentralDouble } from './double.js'
export type { RingCentralDouble, RingCentralDoubleOptions, SubscriptionView, GatewaySessionView } from './double.js'
export type { PublishReport, WebhookDelivery } from './publish.js'
export type { LoggedRequest, RequestFilter, Transport } from './request-log.js'
export type { RateGroup, GroupLimit } from './rate-limits.js'
export type { Refusal, Replay, WsDelivery } from './ws-gateway.js'
export type { GatewayErrorCode } from './ws-frames.js'
export type { SessionExtra } from './telephony.js'
export { decodeEnvelope, type Envelope } from './wire.js'
export {
  capture,
  echoHandshake,
  once,
  openRaw,
  startReceiver,
  until,
  type RawGateway,
  type Receiver,
  type ReceiverAnswer
} from './harness.js'
