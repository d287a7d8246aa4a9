// Alerts for the operator (docs/operations.md, "Alerts"): one action group (e-mail, optional webhook
// such as a Teams workflow), log alerts over the app's Application Insights logs (the queries live in
// alert-rules.json, next to the log texts they match) and a metric alert on dead-lettered messages.
param resourceToken string
param location string
param tags object
@description('Mail recipients of every alert.')
@minLength(1)
param alertEmails array
@secure()
@description('Optional webhook receiver (e.g. a Teams workflow URL); empty for none.')
param alertWebhookUrl string = ''
param applicationInsightsName string
param serviceBusNamespaceName string
@description('Queues whose dead-letter count must stay 0.')
param deadLetterQueueNames array

var logAlerts = loadJsonContent('alert-rules.json')

var webhookReceivers = [
  {
    name: 'webhook'
    serviceUri: alertWebhookUrl
    useCommonAlertSchema: true
  }
]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-mca-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    // At most 12 characters: shown as the sender of alert mails and SMS.
    groupShortName: 'mca-alerts'
    enabled: true
    emailReceivers: [
      for (address, i) in alertEmails: {
        name: 'mail-${i}'
        emailAddress: address
        useCommonAlertSchema: true
      }
    ]
    webhookReceivers: empty(alertWebhookUrl) ? [] : webhookReceivers
  }
}

// Stateful (autoMitigate): one notification when a condition starts, one when it clears.
resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in logAlerts: {
    name: 'mca-${rule.name}-${resourceToken}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [applicationInsights.id]
      evaluationFrequency: rule.evaluationFrequency
      windowSize: rule.windowSize
      criteria: {
        allOf: [
          {
            query: join(rule.query, '\n')
            timeAggregation: 'Count'
            operator: rule.operator
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [actionGroup.id]
      }
    }
  }
]

// Service Bus's own count (no log needed): any dead-lettered CRM event or outcome is an operator's job
// (docs/operations.md, "Handling dead-lettered messages"). One alert per queue through the dimension.
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'mca-dead-letters-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages wait in a dead-letter queue: read the reason, fix, re-send or remove them.'
    severity: 2
    enabled: true
    scopes: [serviceBus.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadLetteredMessages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: deadLetterQueueNames
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id
