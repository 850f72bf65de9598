// Marketplace backend infrastructure (resource-group scope), deployed by `azd up` (azure.yaml) and removed by
// `azd down --purge`. docs/deploy.md walks through it; decisions 0003 and 0014-0016 say why it is shaped so.
//
//   identity    user-assigned managed identity used for every data-plane call
//   storage     StorageV2, shared keys disabled; containers: deploymentpackage, marketplace
//   monitoring  Log Analytics + workspace-based Application Insights (local auth disabled)
//   keyvault    Key Vault (RBAC) holding SECRETS_KEY; the identity is Key Vault Secrets User on it
//   rbac        identity -> Blob Data Owner / Queue Data Contributor / Table Data Contributor
//               on storage, Monitoring Metrics Publisher on Application Insights
//   function    Flex Consumption (FC1) plan + Linux Node.js 22 Function App; app settings named as the app's
//               config schema names them (shared/config.ts), secrets as Key Vault references
//
// Without azd: az deployment group create -g <rg> -f infra/main.bicep -p environmentName=<env> \
//   entraAppClientId=<app id> secretsKey="$(openssl rand -base64 32)"

targetScope = 'resourceGroup'

@description('Name of the environment (e.g. dev, prod); used to derive unique resource names and tagged as azd-env-name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for all resources (a region that offers Flex Consumption).')
param location string = resourceGroup().location

@description('Short prefix of every resource name (letters and digits; lowercased for storage and Key Vault).')
@minLength(1)
@maxLength(8)
param namePrefix string = 'mkt'

@description('Application (client) ID of the Entra app registration that callers request tokens for (the audience the app validates).')
@minLength(36)
@maxLength(36)
param entraAppClientId string

@description('Application ID URI of that app registration (empty: api://<client ID>).')
param entraAppIdUri string = ''

@description('SECRETS_KEY, the base64 32-byte key sealing secrets at rest; stored in Key Vault only. azd generates it once per environment (infra/hooks/secrets-key.mjs).')
@secure()
@minLength(44)
param secretsKey string

@description('azd service name used to tag the Function App (must match azure.yaml).')
param serviceName string = 'api'

@description('Node.js major version for the Functions runtime (Node 20 is past end of life in Azure).')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '22'

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var prefix = toLower(namePrefix)
var tags = {
  'azd-env-name': environmentName
}

var names = {
  identity: '${prefix}-id-${resourceToken}'
  storage: take('${replace(prefix, '-', '')}st${resourceToken}', 24) // lowercase alphanumerics only
  logAnalytics: '${prefix}-log-${resourceToken}'
  applicationInsights: '${prefix}-appi-${resourceToken}'
  keyVault: take('${prefix}kv${resourceToken}', 24)
  plan: '${prefix}-plan-${resourceToken}'
  functionApp: '${prefix}-func-${resourceToken}'
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

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    secretsKey: secretsKey
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
  // Grant data-plane roles (and Key Vault Secrets User) before the host starts, so its first storage calls and the
  // SECRETS_KEY reference succeed (role assignments can still take a few minutes to propagate).
  dependsOn: [
    rbac
    keyVault
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
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    secretsKeySecretUri: keyVault.outputs.secretsKeySecretUri
    entraAppClientId: entraAppClientId
    entraAppIdUri: entraAppIdUri
    nodeVersion: nodeVersion
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_DEFAULT_HOST_NAME string = functionApp.outputs.defaultHostName
output PUBLIC_BASE_URL string = functionApp.outputs.publicBaseUrl
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output KEY_VAULT_NAME string = keyVault.outputs.name
// Name of the Application Insights component; the connection string itself is read
// from the resource (app setting APPLICATIONINSIGHTS_CONNECTION_STRING), never output.
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
