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

@description('Versionless Key Vault secret URI of SECRETS_KEY (infra/app/keyvault.bicep); the app setting is a Key Vault reference to it.')
param secretsKeySecretUri string

@description('Application (client) ID of the Entra app that callers request tokens for: its client ID and Application ID URI are the accepted audiences.')
param entraAppClientId string

@description('Application ID URI of that Entra app (empty: api://<client ID>).')
param entraAppIdUri string = ''

@description('Entra login endpoint of this cloud (issuer of the callers\' tokens).')
param entraAuthority string = environment().authentication.loginEndpoint

@description('Node.js major version for the Functions runtime (20 is past end of life in Azure).')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '22'

@description('SaaS due work (renewals, trial ends, webhook sweeper): every 5 minutes, not every 2 s, since each run wakes the app.')
param saasDueWorkSchedule string = '0 */5 * * * *'

@description('Lead sweeper (overdue and held lead deliveries, decision 0521).')
param leadsSweepSchedule string = '0 */5 * * * *'

@description('Test drive cleanup (expired drives, stuck instances, pool reconcile, decision 0703).')
param testDriveCleanupSchedule string = '0 */5 * * * *'

@description('Analytics scheduler (due report executions and their callbacks, decision 0903).')
param analyticsSchedule string = '0 */5 * * * *'

@description('Test drive instances: simulated, or azure (then the identity needs Contributor where the drives are deployed).')
@allowed([
  'simulated'
  'azure'
])
param testDriveProvider string = 'simulated'

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
  // Every name below is one the app's config schema knows (shared/config.ts, SETTING_NAMES) or one the platform reads
  // (test/unit/infra/app-settings.test.ts holds both lists and parses this block).
  properties: {
    // Functions host storage, Durable Functions task hub and the app's own tables, blobs and queues: one account,
    // identity-based, no keys (the app derives its endpoints and identity from these when no connection string is set).
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
    AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // DefaultAzureCredential's user-assigned identity for everything else (the test drives' ARM calls).
    AZURE_CLIENT_ID: identityClientId

    // Application Insights with Entra ID authentication (local auth disabled)
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

    // Callers: Entra tokens for the app registration, from any tenant; tenants and apps are then registered per publisher.
    AUTH_MODE: 'entra'
    AUTH_AUDIENCES: '${entraAppClientId},${empty(entraAppIdUri) ? 'api://${entraAppClientId}' : entraAppIdUri}'
    ENTRA_AUTHORITY: entraAuthority
    TEST_CLOCK: 'false'
    // The key that seals catalog and lead-target secrets at rest: a Key Vault reference, never the value.
    SECRETS_KEY: '@Microsoft.KeyVault(SecretUri=${secretsKeySecretUri})'
    PUBLIC_BASE_URL: 'https://${functionApp.properties.defaultHostName}'

    // Timers: each run wakes the app, so Azure runs them less often than the local defaults (README, Settings).
    SAAS_DUE_WORK_SCHEDULE: saasDueWorkSchedule
    LEADS_SWEEP_SCHEDULE: leadsSweepSchedule
    TESTDRIVE_CLEANUP_SCHEDULE: testDriveCleanupSchedule
    ANALYTICS_SCHEDULE: analyticsSchedule

    // Analytics report links: read-only user-delegation SAS URLs straight to Blob storage, so a report's download
    // does not pass through the app (decision 0907; the identity's Storage Blob Data Owner role may ask for the key).
    ANALYTICS_LINK_MODE: 'sas'

    // Webhooks (SaaS fulfillment): the documented retry policy; outbound calls go to public HTTPS only (decision 0006).
    WEBHOOK_RETRY_PERIOD_MS: '28800000'
    WEBHOOK_MAX_ATTEMPTS: '500'
    OUTBOUND_TIMEOUT_MS: '10000'
    OUTBOUND_ALLOW_LOOPBACK: 'false'

    // Leads: 72 hours of retries, 30 s per attempt (decision 0520).
    LEADS_DELIVERY_WINDOW_HOURS: '72'
    LEADS_TARGET_TIMEOUT_MS: '30000'

    // Test drives: the instance provider; the ARM endpoint of this cloud for the azure provider.
    TESTDRIVE_PROVIDER: testDriveProvider
    TESTDRIVE_ARM_ENDPOINT: environment().resourceManager

    // License checks: how stale a check may be about another instance's writes (decision 0803).
    LICENSING_CACHE_TTL_MS: '5000'

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
