import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `node …args` in `cwd` with only PATH and `env` in its environment (as a new user's shell
 * would give the CLI nothing else), stdin closed, stdout and stderr collected. `exited`
 * resolves once it exits; `child` is there for signals.
 */
export function spawnNode(args: string[], options: { cwd: string; env?: Record<string, string> }): { child: ChildProcess; exited: Promise<NodeRun> } {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, exited };
}
