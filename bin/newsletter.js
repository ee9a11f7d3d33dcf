#!/usr/bin/env node
// The `newsletter` command: loads the TypeScript CLI through tsx's loader, so no build step
// stands between an edit and `npx newsletter`. The tsconfig is named explicitly: tsx would
// otherwise look for one in the current directory, and JSX would compile wrong elsewhere.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../scripts/newsletter.ts');
