export { buildServer, type CallstateServer, type ServerConfig, type ServerDeps } from './server.js'
export {
  startServe,
  type RunningServe,
  type ServeFailure,
  type ServeOptions,
  UNAUTHENTICATED_WARNING
} from './serve-app.js'
export { createLogger, REDACTED_PATHS } from './logging.js'
export { groupCommit, type GroupCommit, type GroupCommitOptions } from './group-commit.js'
export { tokenMatches } from './auth.js'
