#!/usr/bin/env node
// The `newsletter` command: loads the TypeScript CLI through tsx's loader, so no build step
// stands between an edit and `npx newsletter`.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/newsletter.ts');
