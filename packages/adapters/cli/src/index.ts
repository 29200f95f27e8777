/**
 * The composition root as a library: what `callstate serve` runs (for the end-to-end tests and embedders) and the
 * store choice every command makes. The `callstate` command itself is ./main.ts.
 */
export {
  startServe,
  type RunningServe,
  type ServeFailure,
  type ServeOptions,
  UNAUTHENTICATED_WARNING
} from './serve-app.js'
export { openStore, type StoreChoice } from './open-store.js'
export { ringCentralSetup, type RingCentralSetup, type ConnectorTuning } from './ringcentral.js'
