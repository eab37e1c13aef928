import { LoggerService } from '@nestjs/common';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const LEVEL_RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const NEST_LEVEL: Record<string, LogLevel> = {
  error: 'error',
  fatal: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'debug',
};

/**
 * One JSON object per line on stdout (errors on stderr), filtered by LOG_LEVEL. Nest's own
 * bootstrap chatter (module/route registration) is logged at debug so the default stays quiet.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly level: LogLevel = 'info') {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(nestLevel: string, message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    let level = NEST_LEVEL[nestLevel] ?? 'info';
    if (level === 'info' && context !== undefined && NEST_BOOT_CONTEXTS.has(context)) level = 'debug';
    if (LEVEL_RANK[level] > LEVEL_RANK[this.level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level };
    if (context) entry.context = context;
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) Object.assign(entry, message);
    else entry.msg = message instanceof Error ? message.message : String(message);
    if (nestLevel === 'error' && typeof rest[0] === 'string' && rest.length > 1) entry.stack = rest[0];
    const line = JSON.stringify(entry) + '\n';
    if (level === 'error') process.stderr.write(line);
    else process.stdout.write(line);
  }
}

const NEST_BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'GraphQLModule',
  'NestApplication',
]);
