export * from './notification.js'
