export {}
export * from './sqlite/index.js'
