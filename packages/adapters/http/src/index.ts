export { buildServer, type CallstateServer, type ServerConfig, type ServerDeps } from './server.js'
export { createLogger, REDACTED_PATHS } from './logging.js'
export { groupCommit, type GroupCommit, type GroupCommitOptions } from './group-commit.js'
export { tokenMatches } from './auth.js'
export {
  CLIENT_LIMITS,
  DEFAULTS,
  LOG_LEVELS,
  type ClientLimits,
  parseServeFlags,
  parseByteSize,
  type ServeFlags
} from './config.js'
export { SAMPLE_NOTIFICATION, startupHint } from './sample.js'
export { type Reports } from './routes/stats.js'
export { webhookCommit, type WebhookCommit, type WebhookItemOutcome } from './webhook-commit.js'
export { type ConnectionProbe } from './connection.js'
