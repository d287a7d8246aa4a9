// Standard namespace with local (SAS) auth disabled and the two queues of the contract in
// docs/architecture.md: CRM events in, workflow outcomes out.
param name string
param location string
param tags object
param logAnalyticsWorkspaceId string

// Queue names are the contract with the CRM and with functions/ (checked by test/unit/infra).
var crmEventsQueueName = 'crm-customer-events'
var outcomesQueueName = 'mca-outcomes'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

// An invalid event is dead-lettered by the app at once; a failing one after 5 deliveries; an event
// nobody picked up before it expired is dead-lettered too, so no CRM event is lost silently.
resource crmEvents 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: crmEventsQueueName
  properties: {
    maxDeliveryCount: 5
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
  }
}

resource outcomes 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: outcomesQueueName
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output crmEventsQueueName string = crmEvents.name
output outcomesQueueName string = outcomes.name
