export * from './notification.js'
export * from './canonical.js'
