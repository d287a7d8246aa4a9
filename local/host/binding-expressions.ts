/** `%SettingName%` in binding properties (schedule, queueName, ...) resolves from app settings. */
export function resolveSettingExpression(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/%([^%]+)%/g, (whole, name: string) => {
    const resolved = env[name];
    if (resolved === undefined)
      throw new Error(`Binding expression ${whole} names a setting that is not set.`);
    return resolved;
  });
}

/** A string binding property, resolved, or undefined when absent. */
export function bindingString(
  binding: Record<string, unknown>,
  key: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const value = binding[key];
  return typeof value === 'string' ? resolveSettingExpression(value, env) : undefined;
}
