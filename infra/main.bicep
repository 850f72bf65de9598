// Marketplace backend infrastructure (resource-group scope).
//
//   identity    user-assigned managed identity used for every data-plane call
//   storage     StorageV2, shared keys disabled; containers: deploymentpackage, marketplace
//   monitoring  Log Analytics + workspace-based Application Insights (local auth disabled)
//   rbac        identity -> Blob Data Owner / Queue Data Contributor / Table Data Contributor
//               on storage, Monitoring Metrics Publisher on Application Insights
//   function    Flex Consumption (FC1) plan + Linux Node.js Function App
//
// Deploy with `azd up` (parameters in main.parameters.json) or
// `az deployment group create -g <rg> -f infra/main.bicep -p environmentName=<env> secretsKeyVaultSecretUri=<uri>`.
//
// Output names use the same vocabulary as the app settings and the app's config schema.

targetScope = 'resourceGroup'

@description('Name of the environment (e.g. dev, prod); used to derive unique resource names and tagged as azd-env-name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for all resources.')
param location string = resourceGroup().location

@description('Key Vault secret URI holding SECRETS_KEY, e.g. https://<vault>.vault.azure.net/secrets/<name>. The managed identity needs "Key Vault Secrets User" on that vault (not granted by this template).')
@secure()
@minLength(1)
param secretsKeyVaultSecretUri string

@description('azd service name used to tag the Function App (must match azure.yaml).')
param serviceName string = 'api'

@description('Node.js major version for the Functions runtime.')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '20'

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var names = {
  identity: 'id-${resourceToken}'
  storage: 'st${resourceToken}' // 15 chars, lowercase alphanumerics only
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: 'deploymentpackage'
    appContainerName: 'marketplace'
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    principalId: identity.outputs.principalId
  }
}

module functionApp 'app/function.bicep' = {
  name: 'function'
  // Grant data-plane roles before the host starts, so its first storage calls succeed
  // (role assignments can still take a few minutes to propagate).
  dependsOn: [
    rbac
  ]
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    appTags: union(tags, {
      'azd-service-name': serviceName
    })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    secretsKeyVaultSecretUri: secretsKeyVaultSecretUri
    nodeVersion: nodeVersion
  }
}

output AZURE_LOCATION string = location
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_DEFAULT_HOST_NAME string = functionApp.outputs.defaultHostName
output PUBLIC_BASE_URL string = functionApp.outputs.publicBaseUrl
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
// Name of the Application Insights component; the connection string itself is read
// from the resource (app setting APPLICATIONINSIGHTS_CONNECTION_STRING), never output.
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
