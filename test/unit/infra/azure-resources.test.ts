/**
 * The Azure resources keep their promises: Flex Consumption on Node 20+, no shared keys or local auth,
 * queue and table names as the code uses them, least-privilege roles all in rbac.bicep, azd wiring.
 */
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  REPO_ROOT,
  objectEntries,
  onlyResource,
  params,
  property,
  readBicep,
  readRepoFile,
  resources,
  resourcesOfType,
  stringLiteral,
  varObject,
} from './bicep-reader';
import { queueNamesUsedByCode, storeTableNames } from './code-usage';
import { FUNCTION_APP_BICEP, MAIN_BICEP, appSettingBlocks, keyVaultSecretName } from './settings-contract';

const RBAC_BICEP = 'infra/app/rbac.bicep';
const SERVICE_BUS_BICEP = 'infra/app/service-bus.bicep';
const STORAGE_BICEP = 'infra/app/storage.bicep';

function infraBicepFiles(): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(REPO_ROOT, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.bicep')) files.push(child);
    }
  };
  walk('infra');
  return files.sort();
}

const literalOf = (block: string, name: string) => stringLiteral(property(block, name) ?? '');

describe('the function app', () => {
  const functionApp = readBicep(FUNCTION_APP_BICEP);
  const site = onlyResource(functionApp, 'Microsoft.Web/sites');

  it('runs on a Flex Consumption (FC1) plan on Linux', () => {
    const plan = onlyResource(functionApp, 'Microsoft.Web/serverfarms');
    expect(property(plan.body, 'sku')).toBe("{ name: 'FC1' tier: 'FlexConsumption' }");
    expect(property(plan.body, 'reserved')).toBe('true');
    expect(property(site.body, 'serverFarmId')).toBe(`${plan.symbol}.id`);
    expect(literalOf(site.body, 'kind')).toBe('functionapp,linux');
  });

  it('runs Node.js 20 or later, as package.json requires', () => {
    expect(property(site.body, 'runtime')).toBe("{ name: 'node' version: nodeVersion }");
    const nodeVersion = params(readBicep(MAIN_BICEP)).get('nodeVersion');
    const engines = (JSON.parse(readRepoFile('package.json')) as { engines: { node: string } }).engines.node;
    const minimum = Number(/>=\s*(\d+)/.exec(engines)?.[1]);
    expect(minimum).toBeGreaterThanOrEqual(20);
    const offered = [...(nodeVersion?.allowed ?? []), stringLiteral(nodeVersion?.defaultExpression ?? '')];
    expect(offered.length).toBeGreaterThan(1);
    for (const version of offered) expect(Number(version)).toBeGreaterThanOrEqual(minimum);
    expect(params(functionApp).get('nodeVersion')?.allowed).toEqual(nodeVersion?.allowed);
  });

  it('pulls its package from blob storage and resolves Key Vault references as its user-assigned identity', () => {
    expect(property(site.body, 'identity')).toBe(
      "{ type: 'UserAssigned' userAssignedIdentities: { '${identityId}': {} } }",
    );
    expect(property(site.body, 'deployment')).toBe(
      "{ storage: { type: 'blobContainer' value: deploymentContainerUrl authentication: { type: 'UserAssignedIdentity' userAssignedIdentityResourceId: identityId } } }",
    );
    expect(property(site.body, 'keyVaultReferenceIdentity')).toBe('identityId');
    expect(property(site.body, 'httpsOnly')).toBe('true');
  });

  it('carries the azd service tag of the service in azure.yaml', () => {
    expect(property(site.body, 'tags')).toBe("union(tags, { 'azd-service-name': serviceName })");
    const serviceName = stringLiteral(params(functionApp).get('serviceName')?.defaultExpression ?? '');
    const azureYaml = readRepoFile('azure.yaml');
    const service = new RegExp(`^services:\\n  ${serviceName}:\\n((?:    .*\\n)+)`, 'm').exec(azureYaml)?.[1];
    expect(service).toContain('host: function');
    expect(service).toContain('dist: dist-package');
  });
});

describe('every resource', () => {
  it('is tagged with the azd environment', () => {
    const main = readBicep(MAIN_BICEP);
    expect(objectEntries(varObject(main, 'tags')).get('azd-env-name')).toBe('environmentName');
    expect(property(onlyResource(main, 'Microsoft.Resources/resourceGroups').body, 'tags')).toBe('tags');
    for (const file of infraBicepFiles().filter((name) => name !== MAIN_BICEP)) {
      const text = readBicep(file);
      expect(params(text).has('tags') || !/\btags\b/.test(text)).toBe(true);
      const topLevel = resources(text).filter(
        (resource) =>
          !resource.existing &&
          resource.type.split('/').length === 2 &&
          !/^\s*\{?\s*(?:parent|scope):/m.test(resource.body.replace(/^[[{]\s*/, '')) &&
          !resource.body.includes('scope:') &&
          resource.type !== 'Microsoft.Authorization/roleAssignments',
      );
      for (const resource of topLevel) {
        expect([file, resource.symbol, property(resource.body, 'tags')]).toEqual([
          file,
          resource.symbol,
          expect.stringMatching(/^(tags|union\(tags, .*\))$/),
        ]);
      }
    }
  });

  it('sends its logs and metrics to the Log Analytics workspace', () => {
    for (const file of [FUNCTION_APP_BICEP, STORAGE_BICEP, SERVICE_BUS_BICEP, 'infra/app/key-vault.bicep']) {
      const diagnostics = resourcesOfType(readBicep(file), 'Microsoft.Insights/diagnosticSettings');
      expect([file, diagnostics.length > 0]).toEqual([file, true]);
      for (const setting of diagnostics)
        expect(property(setting.body, 'workspaceId')).toBe('logAnalyticsWorkspaceId');
    }
  });

  it('turns shared keys and local authentication off', () => {
    const storage = onlyResource(readBicep(STORAGE_BICEP), 'Microsoft.Storage/storageAccounts');
    expect(property(storage.body, 'allowSharedKeyAccess')).toBe('false');
    expect(property(storage.body, 'allowBlobPublicAccess')).toBe('false');
    expect(literalOf(storage.body, 'minimumTlsVersion')).toBe('TLS1_2');
    const namespace = onlyResource(readBicep(SERVICE_BUS_BICEP), 'Microsoft.ServiceBus/namespaces');
    expect(property(namespace.body, 'disableLocalAuth')).toBe('true');
    expect(property(namespace.body, 'sku')).toBe("{ name: 'Standard' tier: 'Standard' }");
    const insights = onlyResource(readBicep('infra/app/monitoring.bicep'), 'Microsoft.Insights/components');
    expect(property(insights.body, 'DisableLocalAuth')).toBe('true');
    expect(property(insights.body, 'WorkspaceResourceId')).toBe('workspace.id');
    const vault = onlyResource(readBicep('infra/app/key-vault.bicep'), 'Microsoft.KeyVault/vaults');
    expect(property(vault.body, 'enableRbacAuthorization')).toBe('true');
  });

  it('never reads keys or connection strings', () => {
    for (const file of infraBicepFiles()) {
      expect([file, readBicep(file)]).not.toEqual([
        file,
        expect.stringMatching(
          /listKeys|listConnectionStrings|listAuthKeys|primaryKey|AccountKey=|SharedAccessKey/i,
        ),
      ]);
    }
  });
});

describe('Service Bus queues', () => {
  const serviceBus = readBicep(SERVICE_BUS_BICEP);
  const queues = resourcesOfType(serviceBus, 'Microsoft.ServiceBus/namespaces/queues');
  const variables = (name: string) =>
    stringLiteral(new RegExp(`^var\\s+${name}\\s*=\\s*(.+)$`, 'm').exec(serviceBus)?.[1] ?? '');
  const queueName = (body: string) => variables(property(body, 'name') ?? '');
  const bicepQueueNames = new Set(queues.map((queue) => queueName(queue.body)));

  it('are the two queues of the contract', () => {
    expect([...bicepQueueNames].sort()).toEqual(['crm-customer-events', 'mca-outcomes']);
  });

  it('include every queue the code uses, and only those once the code uses queues', () => {
    const used = queueNamesUsedByCode(REPO_ROOT);
    expect([...used].filter((name) => !bicepQueueNames.has(name))).toEqual([]);
    if (used.size > 0) expect([...bicepQueueNames].sort()).toEqual([...used].sort());
  });

  it('dead-letter CRM events after 5 deliveries or on expiry, as the local emulator does', () => {
    const crm = queues.find((queue) => queueName(queue.body) === 'crm-customer-events');
    expect(property(crm?.body ?? '', 'maxDeliveryCount')).toBe('5');
    for (const queue of queues) expect(property(queue.body, 'deadLetteringOnMessageExpiration')).toBe('true');
    const emulatorConfig = path.join(REPO_ROOT, 'local/emulators/service-bus/config.json');
    if (existsSync(emulatorConfig)) {
      const config = JSON.parse(readRepoFile('local/emulators/service-bus/config.json')) as {
        UserConfig: {
          Namespaces: { Queues: { Name: string; Properties: { MaxDeliveryCount: number } }[] }[];
        };
      };
      const local = config.UserConfig.Namespaces.flatMap((ns) => ns.Queues);
      expect(local.map((queue) => queue.Name).sort()).toEqual([...bicepQueueNames].sort());
      expect(local.find((queue) => queue.Name === 'crm-customer-events')?.Properties.MaxDeliveryCount).toBe(
        5,
      );
    }
  });

  it('are found in code by the scanner (trigger options, senders, constants)', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'queue-scan-'));
    try {
      mkdirSync(path.join(root, 'functions'));
      mkdirSync(path.join(root, 'shared/events'), { recursive: true });
      writeFileSync(
        path.join(root, 'functions/crm-queue.function.ts'),
        "app.serviceBusQueue('crm', { queueName: 'q-in', connection: 'C' });",
      );
      writeFileSync(
        path.join(root, 'shared/events/publisher.ts'),
        "client.createSender('q-out');\nexport const AUDIT_QUEUE = 'q-audit';\nexport const QUEUES = { a: 'q-obj', b: \"q-obj2\" } as const;",
      );
      writeFileSync(path.join(root, 'functions/ignored.test.ts'), "createSender('q-test');");
      expect([...queueNamesUsedByCode(root)].sort()).toEqual(['q-audit', 'q-in', 'q-obj', 'q-obj2', 'q-out']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('state tables', () => {
  const tables = JSON.parse(readRepoFile('infra/app/state-tables.json')) as string[];

  it('are valid Table storage names, created by storage.bicep from the one list', () => {
    expect(tables.length).toBeGreaterThan(0);
    for (const name of tables) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9]{2,62}$/);
    expect(readBicep(STORAGE_BICEP)).toContain("loadJsonContent('state-tables.json')");
  });

  it("are the store's tables when the store exists", () => {
    const store = storeTableNames(REPO_ROOT);
    if (store !== undefined) expect([...tables].sort()).toEqual([...store].sort());
  });
});

describe('rbac.bicep', () => {
  const rbac = readBicep(RBAC_BICEP);
  // Built-in role definition IDs as Microsoft publishes them.
  const BUILT_IN = {
    storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6',
    serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
    serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
    keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
    keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  };
  const BROAD = {
    owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419',
    keyVaultAdministrator: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    storageAccountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab',
  };

  interface Grant {
    role: string;
    scope: string;
    principal: string;
  }

  function grants(): Grant[] {
    const roleLists = new Map([['storageRoles', varArrayRoles('storageRoles')]]);
    return resourcesOfType(rbac, 'Microsoft.Authorization/roleAssignments').flatMap((assignment) => {
      const loop = /^\[\s*for\s+\w+\s+in\s+(\w+)\s*:/.exec(assignment.body)?.[1];
      const roleNames =
        loop !== undefined
          ? (roleLists.get(loop) ?? [])
          : [/roleDefinitions',\s*roles\.(\w+)/.exec(assignment.body)?.[1] ?? ''];
      return roleNames.map((role) => ({
        role,
        scope: property(assignment.body, 'scope') ?? '',
        principal: property(assignment.body, 'principalId') ?? '',
      }));
    });
  }

  function varArrayRoles(name: string): string[] {
    const block = new RegExp(`^var\\s+${name}\\s*=\\s*\\[([\\s\\S]*?)\\]`, 'm').exec(rbac)?.[1] ?? '';
    return [...block.matchAll(/roles\.(\w+)/g)].map((match) => match[1] ?? '');
  }

  /** What the deployed app needs, derived from its app settings and the queues' directions. */
  function neededByTheApp(): Grant[] {
    const blocks = appSettingBlocks();
    const settings = new Map([
      ...blocks.host,
      ...blocks.connection,
      ...blocks.secret,
      ...blocks.clientSecret,
    ]);
    const needed: Grant[] = [];
    const app = (role: string, scope: string) => needed.push({ role, scope, principal: 'appPrincipalId' });
    if (settings.has('AzureWebJobsStorage__accountName')) {
      app('storageBlobDataOwner', 'storage');
      app('storageQueueDataContributor', 'storage');
      app('storageTableDataContributor', 'storage');
    }
    if (settings.has('ServiceBusConnection__fullyQualifiedNamespace')) {
      app('serviceBusDataReceiver', existingQueue('crmEventsQueueName'));
      app('serviceBusDataSender', existingQueue('outcomesQueueName'));
    }
    if ([...settings.values()].some((expression) => keyVaultSecretName(expression) !== undefined)) {
      app('keyVaultSecretsUser', 'vault');
    }
    // The app writes each rotated refresh token as a new version of that one secret.
    if (settings.has('PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI'))
      app('keyVaultSecretsOfficer', 'refreshTokenSecret');
    if (settings.has('APPLICATIONINSIGHTS_AUTHENTICATION_STRING'))
      app('monitoringMetricsPublisher', 'applicationInsights');
    return needed;
  }

  /** The symbol of the existing queue resource named by this parameter. */
  function existingQueue(nameParam: string): string {
    const queue = resourcesOfType(rbac, 'Microsoft.ServiceBus/namespaces/queues').find(
      (resource) => resource.existing && property(resource.body, 'name') === nameParam,
    );
    return queue?.symbol ?? `<no existing queue named by ${nameParam}>`;
  }

  const byText = (a: Grant, b: Grant) => JSON.stringify(a).localeCompare(JSON.stringify(b));

  it('uses the built-in role IDs Microsoft publishes', () => {
    const roles = objectEntries(varObject(rbac, 'roles'));
    for (const [name, expression] of roles) {
      expect([name, stringLiteral(expression)]).toEqual([name, BUILT_IN[name as keyof typeof BUILT_IN]]);
    }
  });

  it('grants the app identity exactly the roles it needs, each on its narrowest scope', () => {
    const app = grants().filter((grant) => grant.principal === 'appPrincipalId');
    expect(app.sort(byText)).toEqual(neededByTheApp().sort(byText));
    expect(readBicep(MAIN_BICEP)).toMatch(/appPrincipalId:\s*identity\.outputs\.principalId/);
  });

  it('lets the optional operator write secrets and nothing else', () => {
    const others = grants().filter((grant) => grant.principal === 'operatorPrincipalId');
    expect(others).toEqual([
      { role: 'keyVaultSecretsOfficer', scope: 'vault', principal: 'operatorPrincipalId' },
    ]);
    expect(rbac).toMatch(/if \(!empty\(operatorPrincipalId\)\)/);
  });

  it('lets the optional operations principal read the state tables and handle CRM dead letters, no more', () => {
    const others = grants().filter(
      (grant) => grant.principal !== 'appPrincipalId' && grant.principal !== 'operatorPrincipalId',
    );
    expect(others.sort(byText)).toEqual(
      [
        { role: 'storageTableDataReader', scope: 'stateTables[i]', principal: 'operationsPrincipalId' },
        { role: 'serviceBusDataReceiver', scope: 'crmEvents', principal: 'operationsPrincipalId' },
        { role: 'serviceBusDataSender', scope: 'crmEvents', principal: 'operationsPrincipalId' },
      ].sort(byText),
    );
    // Each table of the one list, never the storage account (the Durable task hub's tables).
    const tables = resourcesOfType(rbac, 'Microsoft.Storage/storageAccounts/tableServices/tables');
    expect(tables.map((table) => [table.symbol, table.existing])).toEqual([['stateTables', true]]);
    expect(tables[0]?.body).toMatch(/^\[\s*for tableName in stateTableNames:/);
    expect(rbac).toMatch(/^var stateTableNames = loadJsonContent\('state-tables\.json'\)$/m);
    const conditioned = rbac.match(/if \(!empty\(operationsPrincipalId\)\)/g) ?? [];
    expect(conditioned).toHaveLength(3);
    expect(readBicep(MAIN_BICEP)).toMatch(/operationsPrincipalId: operationsPrincipalId/);
  });

  it('holds every role assignment of the deployment and no broad role', () => {
    for (const file of infraBicepFiles()) {
      const text = readBicep(file);
      if (file !== RBAC_BICEP)
        expect([file, text.includes('Microsoft.Authorization/roleAssignments')]).toEqual([file, false]);
      for (const [name, id] of Object.entries(BROAD))
        expect([file, name, text.includes(id)]).toEqual([file, name, false]);
    }
  });
});

describe('deployment wiring', () => {
  it('runs `npm run package` for azd and bundles to the folder azure.yaml deploys', () => {
    const pkg = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.package).toBe('node scripts/package.js');
    expect(readRepoFile('azure.yaml')).toMatch(/^ {4}language: ts$/m);
  });

  it('deploys from GitHub with federated credentials and every variable the parameters use', () => {
    const workflow = readRepoFile('.github/workflows/azure-dev.yml');
    expect(workflow).toMatch(/^ {6}id-token: write$/m);
    expect(workflow).not.toMatch(/^ {4}environment:/m);
    expect(workflow).toMatch(
      /azd auth login[\s\\]+--client-id "\$AZURE_CLIENT_ID"[\s\\]+--federated-credential-provider "github"/,
    );
    expect(workflow).toContain('azd provision --no-prompt');
    expect(workflow).toContain('azd deploy --no-prompt');
    expect(workflow).not.toMatch(/secrets\.|client-secret|AZURE_CREDENTIALS/);
    const parameterFile = readRepoFile('infra/main.parameters.json');
    for (const [, variable] of parameterFile.matchAll(/\$\{([A-Z0-9_]+)\}/g)) {
      expect([variable, workflow]).toEqual([
        variable,
        expect.stringContaining(`${variable ?? ''}: \${{ vars.${variable ?? ''} }}`),
      ]);
    }
  });

  it('keeps infra, tooling and build artefacts out of a Core Tools publish (.funcignore)', () => {
    const ignored = new Set(
      readRepoFile('.funcignore')
        .split('\n')
        .map((line) => line.trim()),
    );
    for (const entry of [
      'infra',
      'azure.yaml',
      '.github',
      'docs',
      'test',
      'local',
      'scripts',
      'dist-package',
      'dist-package.zip',
      '*.ts',
    ]) {
      expect([entry, ignored.has(entry)]).toEqual([entry, true]);
    }
  });
});
