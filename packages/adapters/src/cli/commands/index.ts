/**
 * Every command module exports `register(program)`, which adds its command(s) with their own options
 * and help. Add one import and one call per module; keep the list alphabetical.
 */
import type { Command } from 'commander'
import * as audit from './audit.js'
import * as importCommand from './import.js'
import * as log from './log.js'
import * as quarantine from './quarantine.js'
import * as simulate from './simulate.js'

export const registerAll = (program: Command): void => {
  audit.register(program)
  importCommand.register(program)
  log.register(program)
  quarantine.register(program)
  simulate.register(program)
}
