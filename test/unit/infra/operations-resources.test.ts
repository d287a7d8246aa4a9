/**
 * What the operator gets in Azure besides the app: sign-in with Entra ID in front of every route but
 * the webhook, alerts on the conditions that need a person, a workbook with the dashboard's charts,
 * pauses that survive `azd provision`, and optional least-privilege operations roles.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  REPO_ROOT,
  objectEntries,
  onlyResource,
  params,
  property,
  rawProperty,
  readBicep,
  readRepoFile,
  resourcesOfType,
  stringLiteral,
  varObject,
  type BicepResource,
} from './bicep-reader';
import { CUSTOMER_STATE_NAMES } from '../../../shared/store/customer-state';
import { FUNCTION_APP_BICEP, MAIN_BICEP } from './settings-contract';

const ALERTS_BICEP = 'infra/app/alerts.bicep';
const WORKBOOK_BICEP = 'infra/app/workbook.bicep';

/** The declaration line of a resource (its condition, if any, is there, not in the body). */
function declaration(text: string, symbol: string): string {
  return new RegExp(`^resource\\s+${symbol}\\s+.*$`, 'm').exec(text)?.[0] ?? '';
}

function only(text: string, type: string, name: string): BicepResource {
  const found = resourcesOfType(text, type).filter(
    (resource) => !resource.existing && stringLiteral(property(resource.body, 'name') ?? '') === name,
  );
  const [resource] = found;
  if (found.length !== 1 || resource === undefined)
    throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return resource;
}

/** Every non-test TypeScript source of the app (what the deployed app can log). */
function appSources(): string {
  const texts: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(REPO_ROOT, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        texts.push(readRepoFile(child));
    }
  };
  walk('functions');
  walk('shared');
  return texts.join('\n');
}

/** Routes the app registers anonymously: the last `route: '...'` before each `authLevel: 'anonymous'`. */
const ROUTE = /route:\s*'([^']+)'/;

function anonymousRoutes(): string[] {
  const routes: string[] = [];
  for (const entry of readdirSync(path.join(REPO_ROOT, 'functions'), { recursive: true })) {
    const file = String(entry);
    if (!file.endsWith('.ts')) continue;
    const text = readRepoFile(`functions/${file}`);
    for (const match of text.matchAll(/authLevel:\s*'anonymous'/g)) {
      // The route named closest to the anonymous level, before or after it in the same options object.
      const before = [
        ...text.slice(Math.max(0, match.index - 300), match.index).matchAll(new RegExp(ROUTE, 'g')),
      ].pop();
      const after = ROUTE.exec(text.slice(match.index, match.index + 300).split('handler:')[0] ?? '');
      const route = after?.[1] ?? before?.[1];
      routes.push(route ?? `<no route near authLevel in ${file}>`);
    }
  }
  return routes;
}

describe('App Service Authentication (authsettingsV2)', () => {
  const functionApp = readBicep(FUNCTION_APP_BICEP);
  const auth = only(functionApp, 'Microsoft.Web/sites/config', 'authsettingsV2');
  const literal = (name: string) => stringLiteral(property(auth.body, name) ?? '');

  it('is on exactly when an app registration is given, on the function app', () => {
    expect(auth.apiVersion >= '2022-03-01').toBe(true);
    expect(property(auth.body, 'parent')).toBe('site');
    expect(declaration(functionApp, auth.symbol)).toMatch(/= if \(!empty\(apiClientId\)\) \{$/);
    expect(property(auth.body, 'platform')).toBe("{ enabled: true runtimeVersion: '~1' }");
    expect(readBicep(MAIN_BICEP)).toMatch(/^ {4}apiClientId: apiClientId$/m);
  });

  it('requires sign-in everywhere except the anonymous webhook route the code registers', () => {
    expect(property(auth.body, 'requireAuthentication')).toBe('true');
    expect(literal('unauthenticatedClientAction')).toBe('RedirectToLoginPage');
    // The dashboard page needs no function key (a browser cannot send one) but stays behind sign-in:
    // only the webhook, which Partner Center calls, is left out of App Service Authentication.
    const anonymous = anonymousRoutes().sort();
    expect(anonymous).toEqual(['dashboard/{*asset}', 'webhooks/partner-center']);
    const routes = anonymous.filter((route) => route.startsWith('webhooks/'));
    // host.json keeps the default route prefix `api`.
    expect(JSON.parse(readRepoFile('host.json'))).not.toHaveProperty('extensions.http.routePrefix');
    expect(property(auth.body, 'excludedPaths')).toBe('[webhookPath]');
    expect(stringLiteral(params(functionApp).get('webhookPath')?.defaultExpression ?? '')).toBe(
      `/api/${routes[0] ?? ''}`,
    );
  });

  it('accepts Entra tokens of this tenant for the app registration only', () => {
    const entra = rawProperty(auth.body, 'azureActiveDirectory') ?? '';
    expect(property(entra, 'enabled')).toBe('true');
    expect(property(entra, 'clientId')).toBe('apiClientId');
    expect(property(entra, 'openIdIssuer')).toBe(
      "'${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'",
    );
    expect(property(entra, 'allowedAudiences')).toBe("[apiClientId, 'api://${apiClientId}']");
    expect(entra).not.toMatch(/clientSecret/);
    expect(property(auth.body, 'tokenStore')).toBe('{ enabled: false }');
    expect(property(auth.body, 'requireHttps')).toBe('true');
  });

  it('tells the app to check roles exactly when App Service Authentication vouches for the caller', () => {
    const main = readBicep(MAIN_BICEP);
    expect(/^var apiAuth = (.+)$/m.exec(main)?.[1]).toBe("empty(apiClientId) ? 'open' : 'appService'");
    // The app's API_AUTH setting (added with the role check in code) must follow it.
    const apiAuth = objectEntries(varObject(main, 'workflowSettings')).get('API_AUTH');
    if (apiAuth !== undefined) expect(apiAuth).toBe('apiAuth');
    expect(main).toMatch(/^output MCA_API_AUTH string = apiAuth$/m);
  });

  it('defines the app roles Mca.Read and Mca.Operate for users and applications', () => {
    const roles = JSON.parse(readRepoFile('infra/entra/api-app-roles.json')) as {
      value: string;
      allowedMemberTypes: string[];
      isEnabled: boolean;
      displayName: string;
      description: string;
    }[];
    expect(roles.map((role) => role.value)).toEqual(['Mca.Read', 'Mca.Operate']);
    for (const role of roles) {
      expect(role.allowedMemberTypes).toEqual(['User', 'Application']);
      expect(role.isEnabled).toBe(true);
      expect(role.displayName.length).toBeGreaterThan(0);
      expect(role.description.length).toBeGreaterThan(0);
    }
  });
});

interface LogAlertRule {
  name: string;
  displayName: string;
  description: string;
  severity: number;
  evaluationFrequency: string;
  windowSize: string;
  operator: string;
  threshold: number;
  logTexts: string[];
  query: string[];
}

const rules = JSON.parse(readRepoFile('infra/app/alert-rules.json')) as LogAlertRule[];

/** An ISO-8601 duration of the forms alert rules use (PT15M, PT1H, P2D) in minutes. */
function minutes(duration: string): number {
  const [, days, hours, mins] = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(duration) ?? [];
  return Number(days ?? 0) * 1440 + Number(hours ?? 0) * 60 + Number(mins ?? 0);
}

describe('alerts', () => {
  const alerts = readBicep(ALERTS_BICEP);
  const actionGroup = onlyResource(alerts, 'Microsoft.Insights/actionGroups');

  it('cover every condition the operator must act on', () => {
    expect(rules.map((rule) => rule.name).sort()).toEqual([
      'failed-runs',
      'key-vault-reference',
      'partner-center-throttling',
      'refresh-token',
      'sweep-missing',
    ]);
    const deadLetters = onlyResource(alerts, 'Microsoft.Insights/metricAlerts');
    expect(stringLiteral(property(deadLetters.body, 'metricName') ?? '')).toBe('DeadletteredMessages');
  });

  it('are scheduled log queries over Application Insights that notify the action group', () => {
    const logRules = onlyResource(alerts, 'Microsoft.Insights/scheduledQueryRules');
    expect(logRules.apiVersion).toBe('2023-12-01');
    expect(logRules.body).toMatch(/^\[\s*for rule in logAlerts:/);
    expect(alerts).toMatch(/^var logAlerts = loadJsonContent\('alert-rules\.json'\)$/m);
    expect(stringLiteral(property(logRules.body, 'kind') ?? '')).toBe('LogAlert');
    expect(property(logRules.body, 'scopes')).toBe('[applicationInsights.id]');
    expect(property(logRules.body, 'actionGroups')).toBe(`[${actionGroup.symbol}.id]`);
    expect(property(logRules.body, 'query')).toBe("join(rule.query, '\\n')");
    expect(property(logRules.body, 'threshold')).toBe('rule.threshold');
    expect(property(logRules.body, 'enabled')).toBe('true');
    expect(property(logRules.body, 'autoMitigate')).toBe('true');
  });

  it.each(rules.map((rule) => [rule.name, rule] as const))(
    '%s: a well-formed rule, evaluated at least once per window',
    (_name, rule) => {
      expect(rule.severity).toBeGreaterThanOrEqual(0);
      expect(rule.severity).toBeLessThanOrEqual(4);
      expect(['GreaterThan', 'LessThan']).toContain(rule.operator);
      expect(rule.evaluationFrequency).toMatch(/^P(T\d+[MH]|\d+D)$/);
      expect(rule.windowSize).toMatch(/^P(T\d+[MH]|\d+D)$/);
      expect(minutes(rule.evaluationFrequency)).toBeLessThanOrEqual(minutes(rule.windowSize));
      expect(rule.displayName).toMatch(/^mca: /);
      expect(rule.query[0]).toMatch(/^(traces|union isfuzzy=true traces, exceptions)$/);
      expect(rule.logTexts.length).toBeGreaterThan(0);
    },
  );

  it('match log texts the app really writes (each cited in alert-rules.json)', () => {
    const sources = appSources();
    for (const rule of rules) {
      const query = rule.query.join('\n');
      for (const text of rule.logTexts) {
        const inQuery = text === ': ${state} (' ? query.includes(': Failed (') : query.includes(text);
        expect([rule.name, text, inQuery]).toEqual([rule.name, text, true]);
        expect([rule.name, text, sources.includes(text)]).toEqual([rule.name, text, true]);
      }
    }
    // The failed-runs query reads the orchestrator's state line `${tenantId}: ${state} (${action})`.
    expect(readRepoFile('functions/orchestrators/mca-onboarding.orchestrator.ts')).toContain(
      '`${run.tenantId}: ${state} (${action})`',
    );
  });

  it('fire when the nightly sweep has not finished for 26 hours', () => {
    const sweep = rules.find((rule) => rule.name === 'sweep-missing');
    expect(sweep?.query).toContain('| where timestamp > ago(26h)');
    expect([sweep?.operator, sweep?.threshold]).toEqual(['LessThan', 1]);
    // The window must reach back at least as far as the query's own filter.
    expect(sweep?.windowSize).toBe('P2D');
  });

  it('count dead letters on both queues through the Service Bus metric', () => {
    const deadLetters = onlyResource(alerts, 'Microsoft.Insights/metricAlerts');
    expect(deadLetters.apiVersion).toBe('2018-03-01');
    expect(property(deadLetters.body, 'scopes')).toBe('[serviceBus.id]');
    expect(stringLiteral(property(deadLetters.body, 'metricNamespace') ?? '')).toBe(
      'Microsoft.ServiceBus/namespaces',
    );
    expect(property(deadLetters.body, 'dimensions')).toBe(
      "[ { name: 'EntityName' operator: 'Include' values: deadLetterQueueNames } ]",
    );
    expect(deadLetters.body).toMatch(
      /\n\s*operator: 'GreaterThan'\n\s*threshold: 0\n\s*timeAggregation: 'Maximum'\n/,
    );
    expect(property(deadLetters.body, 'actions')).toBe(`[ { actionGroupId: ${actionGroup.symbol}.id } ]`);
    expect(readBicep(MAIN_BICEP)).toContain(
      'deadLetterQueueNames: [serviceBus.outputs.crmEventsQueueName, serviceBus.outputs.outcomesQueueName]',
    );
  });

  it('mail the alert recipients (default: the partner desk) and call the optional webhook', () => {
    expect(stringLiteral(property(actionGroup.body, 'location') ?? '')).toBe('global');
    const shortName = stringLiteral(property(actionGroup.body, 'groupShortName') ?? '') ?? '';
    expect(shortName.length).toBeLessThanOrEqual(12);
    expect(property(actionGroup.body, 'emailReceivers')).toBe(
      "[ for (address, i) in alertEmails: { name: 'mail-${i}' emailAddress: address useCommonAlertSchema: true } ]",
    );
    expect(property(actionGroup.body, 'webhookReceivers')).toBe(
      'empty(alertWebhookUrl) ? [] : webhookReceivers',
    );
    expect(alerts).toMatch(
      /^var webhookReceivers = \[\s*\{\s*name: 'webhook'\s*serviceUri: alertWebhookUrl\s/m,
    );
    expect(alerts).toMatch(
      /@secure\(\)\s*(?:@description\('(?:[^'\\]|\\.)*'\)\s*)?param alertWebhookUrl string = ''/,
    );
    const main = readBicep(MAIN_BICEP);
    expect(main).toMatch(
      /@secure\(\)\s*(?:@description\('(?:[^'\\]|\\.)*'\)\s*)?param alertWebhookUrl string = ''/,
    );
    expect(main).toMatch(/split\(!empty\(alertEmails\) \? alertEmails : partnerContactEmail, ','\)/);
  });

  it('are each explained in docs/operations.md', () => {
    const section = /^## Alerts$([\s\S]*?)^## /m.exec(readRepoFile('docs/operations.md'))?.[1] ?? '';
    for (const name of [...rules.map((rule) => rule.name), 'dead-letters'])
      expect([name, section.includes(`| \`${name}\``)]).toEqual([name, true]);
  });
});

describe('the workbook', () => {
  const workbookBicep = readBicep(WORKBOOK_BICEP);
  const raw = readRepoFile('infra/app/workbook.json');
  const serialized = raw
    .replace(
      '__APPLICATION_INSIGHTS_ID__',
      '/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/components/appi',
    )
    .replace(
      '__LOG_ANALYTICS_WORKSPACE_ID__',
      '/subscriptions/s/resourceGroups/rg/providers/microsoft.operationalinsights/workspaces/log',
    );
  const workbook = JSON.parse(serialized) as {
    version: string;
    items: { type: number; name: string; content: { query?: string; version?: string } }[];
    fallbackResourceIds: string[];
  };
  const queries = workbook.items.flatMap((item) =>
    item.content.query === undefined ? [] : [[item.name, item.content.query] as const],
  );

  it('is a shared workbook on Application Insights, loaded from workbook.json with the resource IDs filled in', () => {
    const resource = onlyResource(workbookBicep, 'Microsoft.Insights/workbooks');
    expect(resource.apiVersion).toBe('2023-06-01');
    expect(stringLiteral(property(resource.body, 'kind') ?? '')).toBe('shared');
    expect(stringLiteral(property(resource.body, 'category') ?? '')).toBe('workbook');
    expect(property(resource.body, 'sourceId')).toBe('applicationInsights.id');
    expect(property(resource.body, 'serializedData')).toBe('content');
    expect(property(resource.body, 'name')).toMatch(/^guid\(resourceGroup\(\)\.id, '[^']+'\)$/);
    expect(workbookBicep).toContain("loadTextContent('workbook.json')");
    for (const placeholder of ['__APPLICATION_INSIGHTS_ID__', '__LOG_ANALYTICS_WORKSPACE_ID__']) {
      expect(raw).toContain(placeholder);
      expect(workbookBicep).toContain(`'${placeholder}'`);
    }
    expect(readBicep(MAIN_BICEP)).toMatch(/^module workbook 'app\/workbook\.bicep'/m);
  });

  it('parses as a workbook with the dashboard charts', () => {
    expect(workbook.version).toBe('Notebook/1.0');
    expect(workbook.fallbackResourceIds).toEqual([expect.stringContaining('/components/appi')]);
    expect(queries.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'states',
        'covered',
        'state-changes',
        'time-to-accepted',
        'sweeps',
        'dead-letters',
        'throttling',
        'failed-runs',
      ]),
    );
  });

  it("parses the orchestrator's state line for every customer state", () => {
    // The line is `${tenantId}: ${state} (${action})` (mca-onboarding.orchestrator.ts).
    const states = queries.find(([name]) => name === 'states')?.[1] ?? '';
    const pattern = /extract\(@"(\^\\S\+: \(\[A-Za-z\]\+\) \\\()", 1, message\)/.exec(states)?.[1];
    expect(pattern).toBeDefined();
    const regex = new RegExp(pattern ?? '$^');
    for (const state of CUSTOMER_STATE_NAMES)
      expect([state, regex.exec(`0c9a1f3e-0000-4000-8000-000000000001: ${state} (recheck)`)?.[1]]).toEqual([
        state,
        state,
      ]);
  });

  it('reads the structured log dimensions tenantId, instanceId and msCorrelationId', () => {
    // Structured lines end in ` | key=value ...` (docs/adr/0008-structured-logs.md).
    const parsing = queries.filter(([, query]) =>
      query.includes(
        '| extend dims = iff(dimsAt >= 0, substring(message, dimsAt + 3), "")\n' +
          '| parse-kv dims as (tenantId:string, instanceId:string, msCorrelationId:string',
      ),
    );
    expect(parsing.length).toBeGreaterThan(5);
    for (const [name, query] of parsing)
      expect([name, query]).toEqual([
        name,
        expect.stringContaining('| extend dimsAt = indexof(message, " | ")'),
      ]);
    const correlation = queries.find(([name]) => name === 'correlation')?.[1];
    expect(correlation).toContain('| where isnotempty(msCorrelationId)');
  });

  it('splits log lines where the app puts its dimensions', () => {
    const logLine = path.join(REPO_ROOT, 'shared/observability/log-line.ts');
    // The structured-logs change defines the separator; until it is merged there is nothing to compare.
    if (existsSync(logLine))
      expect(readRepoFile('shared/observability/log-line.ts')).toContain("DIMENSIONS_SEPARATOR = ' | '");
    const throttling = rules.find((rule) => rule.name === 'partner-center-throttling')?.query.join('\n');
    expect(throttling).toContain('| extend dimsAt = indexof(message, " | ")');
    expect(throttling).toContain('| where status == "429"');
  });
});

describe('pausing a function', () => {
  const functionApp = readBicep(FUNCTION_APP_BICEP);
  const main = readBicep(MAIN_BICEP);

  it('is a deployment parameter, so `azd provision` keeps the pause', () => {
    expect(params(main).get('disabledFunctions')).toMatchObject({ type: 'string', defaultExpression: "''" });
    const parameters = JSON.parse(readRepoFile('infra/main.parameters.json')) as {
      parameters: Record<string, { value: string }>;
    };
    expect(parameters.parameters.disabledFunctions?.value).toBe('${MCA_DISABLED_FUNCTIONS}');
    expect(/^var pausedFunctions = (.+)$/m.exec(main)?.[1]).toBe(
      "filter(map(split(disabledFunctions, ','), name => trim(name)), name => !empty(name))",
    );
    expect(main).toMatch(/^ {4}disabledFunctions: pausedFunctions$/m);
  });

  it('becomes AzureWebJobs.<name>.Disabled=true app settings in the declared set', () => {
    expect(/^var pausedFunctionSettings = (.+)$/m.exec(functionApp)?.[1]).toBe(
      "toObject(disabledFunctions, name => 'AzureWebJobs.${name}.Disabled', name => 'true')",
    );
    const union = /^var appSettings = union\(([\s\S]*?)^\)/m.exec(functionApp)?.[1] ?? '';
    expect(union.split(',').map((part) => part.trim())).toContain('pausedFunctionSettings');
    const settings = only(functionApp, 'Microsoft.Web/sites/config', 'appsettings');
    expect(property(settings.body, 'properties')).toBe('appSettings');
  });
});

describe('Node.js versions', () => {
  it('deploys Node 22 by default while the code stays within what Node 20 offers', () => {
    const nodeVersion = params(readBicep(MAIN_BICEP)).get('nodeVersion');
    expect(nodeVersion?.defaultExpression).toBe("'22'");
    expect(nodeVersion?.allowed).toEqual(['20', '22']);
    const pkg = JSON.parse(readRepoFile('package.json')) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
    };
    expect(pkg.engines.node).toBe('>=20');
    // Type-checked against the oldest supported runtime: a Node 22-only API does not compile.
    expect(pkg.devDependencies['@types/node']).toMatch(/^\^20\./);
    expect(readRepoFile('.github/workflows/azure-dev.yml')).toMatch(/node-version: 22/);
  });
});

describe('running under Core Tools', () => {
  const vscode = (file: string): unknown => JSON.parse(readRepoFile(`.vscode/${file}`));

  it('attaches VS Code to the Node worker after building and starting the host', () => {
    const launch = vscode('launch.json') as { configurations: Record<string, unknown>[] };
    const tasks = vscode('tasks.json') as { tasks: Record<string, unknown>[] };
    const attach = launch.configurations.find((config) => config.request === 'attach');
    expect(attach).toMatchObject({ type: 'node', port: 9229, preLaunchTask: 'func: host start' });
    const hostStart = tasks.tasks.find((task) => task.label === 'func: host start');
    expect(hostStart).toMatchObject({ type: 'func', command: 'host start', isBackground: true });
    const build = tasks.tasks.find((task) => task.label === hostStart?.dependsOn);
    expect(build).toMatchObject({ command: 'npm run build' });
    const labels = tasks.tasks.map((task) => task.label);
    expect(labels).toEqual(expect.arrayContaining(['emulators', 'npm watch (functions)']));
    const settings = vscode('settings.json') as Record<string, unknown>;
    expect(settings).toMatchObject({
      'azureFunctions.projectLanguage': 'TypeScript',
      'azureFunctions.projectLanguageModel': 4,
      'azureFunctions.projectRuntime': '~4',
      'azureFunctions.deploySubpath': 'dist-package',
    });
    const preDeploy = tasks.tasks.find((task) => task.label === settings['azureFunctions.preDeployTask']);
    expect(preDeploy?.command).toContain('npm run package');
    expect(vscode('extensions.json')).toMatchObject({
      recommendations: expect.arrayContaining(['ms-azuretools.vscode-azurefunctions']) as unknown,
    });
  });

  it('is described step by step in the README, with the scripts it names', () => {
    const readme = readRepoFile('README.md');
    const section = /^## Run under Core Tools$([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    for (const step of [
      'npm run emulators',
      'local.settings.json.example',
      'npm run build',
      'npm run watch',
      'func start',
    ])
      expect([step, section.includes(step)]).toEqual([step, true]);
    const pkg = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string>; main: string };
    expect(pkg.scripts.watch).toBe('tsc -w -p tsconfig.build.json');
    expect(pkg.scripts.emulators).toBeDefined();
    expect(section).toContain(pkg.main);
  });
});
