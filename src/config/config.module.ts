import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config';
import { validateEnvironment } from './env.validation';

/**
 * Wraps @nestjs/config: validates the environment (plus explicit overrides, which tests and the
 * in-process demo use to run several differently configured instances in one process) and
 * exposes the result as the injectable AppConfig.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(overrides: Record<string, string> = {}): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          // A single object-valued key: @nestjs/config copies only primitive values back into
          // process.env, so one instance's overrides never leak into another's.
          validate: (raw) => ({ app: new AppConfig(validateEnvironment({ ...raw, ...overrides })) }),
        }),
      ],
      providers: [
        {
          provide: AppConfig,
          useFactory: (config: ConfigService) => config.getOrThrow<AppConfig>('app'),
          inject: [ConfigService],
        },
      ],
      exports: [AppConfig],
    };
  }
}

/** The same validation, for code that runs before Nest starts (main.ts, migration CLI). */
export function loadAppConfig(overrides: Record<string, string> = {}): AppConfig {
  return new AppConfig(validateEnvironment({ ...process.env, ...overrides }));
}
