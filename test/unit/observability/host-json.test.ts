import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface HostJson {
  logging: {
    logLevel: Record<string, string>;
    applicationInsights: { samplingSettings: { isEnabled: boolean; excludedTypes?: string } };
  };
}

const host = JSON.parse(readFileSync(join(__dirname, '../../../host.json'), 'utf8')) as HostJson;

describe('host.json logging', () => {
  it('sends every function execution (Host.Results) to Application Insights, not only failures', () => {
    expect(host.logging.logLevel['Host.Results']).toBe('Information');
  });

  it('never samples away requests or exceptions (counts per day stay exact)', () => {
    const excluded = (host.logging.applicationInsights.samplingSettings.excludedTypes ?? '').split(';');
    expect(excluded).toEqual(expect.arrayContaining(['Request', 'Exception']));
  });
});
