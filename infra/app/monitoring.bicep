// Log Analytics workspace (every diagnostic setting sends here) and workspace-based Application
// Insights with local (instrumentation key) auth disabled: telemetry must come with an Entra token.
param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    IngestionMode: 'LogAnalytics'
  }
}

output logAnalyticsWorkspaceId string = workspace.id
output applicationInsightsName string = applicationInsights.name
// Not a secret: with local auth disabled, ingestion also needs an Entra token (Monitoring Metrics Publisher).
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
