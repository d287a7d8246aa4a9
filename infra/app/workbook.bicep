// An Azure Monitor workbook with the dashboard's charts, drawn from the app's logs (Application
// Insights) and Service Bus metrics (Log Analytics). Its content is workbook.json, exported as is
// from the workbook editor with two placeholders for the resource IDs.
param location string
param tags object
param applicationInsightsName string
param logAnalyticsWorkspaceId string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var content = replace(
  replace(loadTextContent('workbook.json'), '__APPLICATION_INSIGHTS_ID__', applicationInsights.id),
  '__LOG_ANALYTICS_WORKSPACE_ID__',
  logAnalyticsWorkspaceId
)

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; stable per resource group so provisioning updates it in place.
  name: guid(resourceGroup().id, 'mca-workflow-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'mca-workflow'
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: content
  }
}

output workbookId string = workbook.id
