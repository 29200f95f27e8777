/**
 * Every command module exports `register(program)`, which adds its command(s) with their own options
 * and help. Add one import and one call per module; keep the list alphabetical.
 */
import type { Command } from 'commander'
import * as audit from './audit.js'
import * as backup from './backup.js'
import * as connect from './connect.js'
import * as copy from './copy.js'
import * as doctor from './doctor.js'
import * as exportCommand from './export.js'
import * as importCommand from './import.js'
import * as log from './log.js'
import * as presence from './presence.js'
import * as quarantine from './quarantine.js'
import * as queues from './queues.js'
import * as rebuild from './rebuild.js'
import * as serve from './serve.js'
import * as session from './session.js'
import * as sessions from './sessions.js'
import * as verify from './verify.js'
import * as simulate from './simulate.js'
import * as stats from './stats.js'
import * as subscription from './subscription.js'

export const registerAll = (program: Command): void => {
  audit.register(program)
  backup.register(program)
  connect.register(program)
  copy.register(program)
  doctor.register(program)
  exportCommand.register(program)
  importCommand.register(program)
  log.register(program)
  presence.register(program)
  quarantine.register(program)
  queues.register(program)
  rebuild.register(program)
  serve.register(program)
  session.register(program)
  sessions.register(program)
  verify.register(program)
  simulate.register(program)
  stats.register(program)
  subscription.register(program)
}
