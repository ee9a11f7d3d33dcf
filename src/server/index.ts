export { createApp, BODY_LIMITS, type AppOptions, type LogEvent, type ServerLog } from './create-app.ts';
export { startServer, type RunningServer, type ListenOptions } from './start-server.ts';
export { jsonLog } from './json-log.ts';
export { maskAddress } from '../subscribers/mask-address.ts';
export type { ArchiveMode } from './edition-archive.ts';
