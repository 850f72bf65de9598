// Flex Consumption (FC1) plan + Linux Function App (Node.js).
//
// Every connection is identity-based through the user-assigned managed identity:
//   - deployment package container: functionAppConfig.deployment.storage (UserAssignedIdentity)
//   - host storage / Durable Functions task hub: AzureWebJobsStorage__* settings
//   - Application Insights: APPLICATIONINSIGHTS_AUTHENTICATION_STRING (Entra auth)
//   - Key Vault references: keyVaultReferenceIdentity
//   - the application's own storage clients: DefaultAzureCredential with AZURE_CLIENT_ID
// No storage account key or instrumentation key is used anywhere.
//
// Note: Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
// WEBSITE_RUN_FROM_PACKAGE and similar settings; the runtime is set in functionAppConfig.

@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region for the plan and the app.')
param location string

@description('Tags applied to the plan.')
param tags object = {}

@description('Tags applied to the Function App (e.g. azd-service-name).')
param appTags object = {}

@description('Resource ID of the user-assigned managed identity.')
param identityId string

@description('Client ID of the user-assigned managed identity.')
param identityClientId string

@description('Storage account name (host storage and application data).')
param storageAccountName string

@description('Primary blob endpoint of the storage account (with trailing slash).')
param storageBlobEndpoint string

@description('Primary table endpoint of the storage account.')
param storageTableEndpoint string

@description('Primary queue endpoint of the storage account.')
param storageQueueEndpoint string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Name of the Application Insights component (in this resource group).')
param applicationInsightsName string

@description('Key Vault secret URI for SECRETS_KEY, e.g. https://<vault>.vault.azure.net/secrets/<name> (versionless to follow rotation).')
@secure()
param secretsKeyVaultSecretUri string

@description('Node.js major version for the Functions runtime.')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '20'

@description('Maximum number of instances the app can scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory size of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: appTags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Without this, Key Vault references would be resolved with the (absent) system-assigned identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// App settings live in a child resource so PUBLIC_BASE_URL can use the site's
// actual default host name (which is only known once the site exists).
// This resource replaces the whole app settings collection on every deployment.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Functions host storage + Durable Functions task hub (identity-based, no keys)
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId

    // Application Insights with Entra ID authentication (local auth disabled)
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

    // Application configuration (same names as the app's config schema)
    STORAGE_ACCOUNT_NAME: storageAccountName
    STORAGE_TABLE_ENDPOINT: storageTableEndpoint
    STORAGE_BLOB_ENDPOINT: storageBlobEndpoint
    STORAGE_QUEUE_ENDPOINT: storageQueueEndpoint
    AZURE_CLIENT_ID: identityClientId
    AUTH_MODE: 'entra'
    TEST_CLOCK: 'false'
    SECRETS_KEY: '@Microsoft.KeyVault(SecretUri=${secretsKeyVaultSecretUri})'
    PUBLIC_BASE_URL: 'https://${functionApp.properties.defaultHostName}'
    // SaaS due work every 5 minutes, not every 2 s: each run wakes the app (README, Settings).
    SAAS_DUE_WORK_SCHEDULE: '0 */5 * * * *'

    // The Node worker's heap sized to the instance (half of it; the rest is the Functions host's): V8 would
    // otherwise size it for the machine and let garbage pile up (decision 0309; the local host uses 256 of 512).
    languageWorkers__node__arguments: '--max-old-space-size=${instanceMemoryMB / 2}'
  }
}

@description('Function App name.')
output name string = functionApp.name

@description('Function App resource ID.')
output id string = functionApp.id

@description('Default host name of the Function App (no scheme).')
output defaultHostName string = functionApp.properties.defaultHostName

@description('Public base URL of the Function App.')
output publicBaseUrl string = 'https://${functionApp.properties.defaultHostName}'
