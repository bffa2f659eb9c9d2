#!/usr/bin/env node
// The dlspec command.  TypeScript sources run directly through tsx: no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
