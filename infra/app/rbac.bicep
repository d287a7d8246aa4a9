// Every role assignment of the deployment, in one place. The app identity gets data-plane roles only,
// each on the narrowest scope that works: the storage account (host, Durable task hub, state tables),
// one Service Bus queue per direction, the vault (read), the refresh-token secret (write), the
// Application Insights component.
param appPrincipalId string
param storageAccountName string
param serviceBusNamespaceName string
param crmEventsQueueName string
param outcomesQueueName string
param keyVaultName string
@description('The Key Vault secret with the App+User refresh token: the app writes each rotated token as a new version.')
param refreshTokenSecretName string = 'PARTNER-CENTER-REFRESH-TOKEN'
@description('True once the operator has stored that secret: a role can be scoped to an existing secret only.')
param refreshTokenSecretStored bool = false
param applicationInsightsName string
@description('Optional: an operator (user or group) who stores the secrets in Key Vault. Empty for none.')
param operatorPrincipalId string = ''
@allowed(['User', 'Group'])
param operatorPrincipalType string = 'User'
@description('Optional: the operations user or group (reads state, handles dead letters). Empty for none.')
param operationsPrincipalId string = ''
@allowed(['User', 'Group'])
param operationsPrincipalType string = 'Group'

// Built-in role definition IDs (the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Durable Functions (Azure Storage provider) and the Functions host need blob leases (Owner, for
// lease management), queues and tables; the workflow's state tables live in the same account.
var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

// The workflow's state tables (storage.bicep creates them from the same list); not the Durable task
// hub's tables, which hold orchestration inputs.
var stateTableNames = loadJsonContent('state-tables.json')

resource stateTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [
  for tableName in stateTableNames: {
    parent: tableService
    name: tableName
  }
]

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource crmEvents 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = {
  parent: serviceBus
  name: crmEventsQueueName
}

resource outcomes 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = {
  parent: serviceBus
  name: outcomesQueueName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource refreshTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = if (refreshTokenSecretStored) {
  parent: vault
  name: refreshTokenSecretName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, appPrincipalId, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The Service Bus trigger receives (and dead-letters) CRM events.
resource appReceivesCrmEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(crmEvents.id, appPrincipalId, roles.serviceBusDataReceiver)
  scope: crmEvents
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The outcome publisher sends workflow outcomes for the CRM.
resource appSendsOutcomes 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(outcomes.id, appPrincipalId, roles.serviceBusDataSender)
  scope: outcomes
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault references in the app settings are resolved with the app identity.
resource appReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Entra returns a new refresh token with every exchange and each expires 90 days after issue, so the app
// stores the newest as a new version of this one secret. Key Vault Secrets Officer is the least built-in
// role with secrets/setSecret; scoped to the secret, it reaches no other secret in the vault.
resource appRotatesRefreshToken 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (refreshTokenSecretStored) {
  name: guid(vault.id, refreshTokenSecretName, appPrincipalId, roles.keyVaultSecretsOfficer)
  scope: refreshTokenSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Application Insights with local auth disabled accepts telemetry only from this role.
resource appPublishesTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.monitoringMetricsPublisher
    )
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorManagesSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}

// ---- operations (optional): read the state, handle dead-lettered CRM events -----------------------
// Table scope keeps the Durable task hub's tables (orchestration inputs) out of reach.
resource operationsReadsState 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (tableName, i) in stateTableNames: if (!empty(operationsPrincipalId)) {
    name: guid(storage.id, tableName, operationsPrincipalId, roles.storageTableDataReader)
    scope: stateTables[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
      principalId: operationsPrincipalId
      principalType: operationsPrincipalType
    }
  }
]

// Receiving from the dead-letter subqueue needs Data Receiver on its queue (which also reaches live
// messages: handle with care); re-sending a fixed event needs Data Sender on the same queue.
resource operationsReceivesDeadLetters 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operationsPrincipalId)) {
  name: guid(crmEvents.id, operationsPrincipalId, roles.serviceBusDataReceiver)
  scope: crmEvents
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
    principalId: operationsPrincipalId
    principalType: operationsPrincipalType
  }
}

resource operationsResendsCrmEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operationsPrincipalId)) {
  name: guid(crmEvents.id, operationsPrincipalId, roles.serviceBusDataSender)
  scope: crmEvents
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: operationsPrincipalId
    principalType: operationsPrincipalType
  }
}
