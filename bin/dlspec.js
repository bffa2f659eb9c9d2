#!/usr/bin/env node
// The dlspec command.  TypeScript sources run directly through tsx: no build step.
import { register } from 'tsx/esm/api';

register();
// output piped into a reader that stops early (`dlspec list | head`): stop quietly, as other commands do
process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 3));
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
