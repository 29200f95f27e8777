/**
 * The `callstate` command line. Each command lives in its own module under ./commands and is registered
 * here through ./commands/index.ts; global options (--data-dir, --esdb) are read by every command.
 */
import { Command } from 'commander'
import { registerAll } from './commands/index.js'

const program = new Command()
  .name('callstate')
  .description('An event-sourced call-state engine for RingCentral notifications.')
  .showHelpAfterError('(run with --help for usage)')

registerAll(program)

await program.parseAsync(process.argv)
