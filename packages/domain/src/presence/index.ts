export type { PresenceFields, PresenceCall, PresenceUpdate, EndedCall } from './update.js'
export { presenceUpdate, endedCalls } from './update.js'
export type { PresenceInterval } from './timeline.js'
export { presenceTimeline, presenceAt } from './timeline.js'
