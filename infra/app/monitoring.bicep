// Log Analytics workspace + workspace-based Application Insights.
// Local (instrumentation-key) authentication is disabled on Application
// Insights: telemetry is only accepted with an Entra ID token, so the
// connection string alone is not a usable credential.

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Azure region for the monitoring resources.')
param location string

@description('Tags applied to the monitoring resources.')
param tags object = {}

@description('Log Analytics retention in days.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
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
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

@description('Log Analytics workspace resource ID.')
output logAnalyticsId string = logAnalytics.id

@description('Application Insights resource ID.')
output applicationInsightsId string = applicationInsights.id

@description('Application Insights component name.')
output applicationInsightsName string = applicationInsights.name
