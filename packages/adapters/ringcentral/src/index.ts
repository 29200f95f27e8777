export { credentialsFromEnv, CREDENTIAL_VARIABLES, type RingCentralCredentials, type ConfigFailure } from './config.js'
export { secret, type Secret } from './secret.js'
export {
  startConnector,
  DEFAULT_EVENT_FILTERS,
  type Connector,
  type ConnectorMode,
  type ConnectorOptions,
  type ConnectionStatus
} from './connector.js'
export type { ConnectorLog } from './log.js'
export { openPlatform, type Platform } from './platform.js'
export { describeRcFailure, type RcFailure } from './failure.js'
export {
  createWebhookSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  renewSubscription,
  type SubscriptionFailure,
  type SubscriptionInfo
} from './webhook.js'
export { reconciliationEvent, type ReconcilerStatus } from './reconcile.js'
export { notificationTextOf } from './frame.js'
export { keepWebhookState } from './webhook-keeper.js'
