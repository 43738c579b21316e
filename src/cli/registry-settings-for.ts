import type { CliContext } from './cli-context.ts';
import { loadRegistrySettings, type RegistrySettings } from '../image/registry/registry-settings.ts';

// Registry settings for a command: the files and variables, plus --config.
export function registrySettingsFor(ctx: CliContext): RegistrySettings {
  return loadRegistrySettings(ctx.configDir ? { configDir: ctx.configDir } : {});
}
