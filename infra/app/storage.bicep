// Storage account shared by the Functions host (AzureWebJobsStorage, Durable
// Functions task hub), the Flex Consumption deployment package, and the
// application's own tables, blobs and queues.
// Shared-key access is disabled: every caller must authenticate with Entra ID.

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region for the storage account.')
param location string

@description('Tags applied to the storage account.')
param tags object = {}

@description('Storage account SKU.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param skuName string = 'Standard_LRS'

@description('Blob container that holds Flex Consumption deployment packages.')
param deploymentContainerName string = 'deploymentpackage'

@description('Blob container used by the application itself.')
param appContainerName string = 'marketplace'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource appContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: appContainerName
  properties: {
    publicAccess: 'None'
  }
}

@description('Storage account resource ID.')
output id string = storage.id

@description('Storage account name.')
output name string = storage.name

@description('Primary blob endpoint, e.g. https://<name>.blob.core.windows.net/ (trailing slash included).')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Primary table endpoint (trailing slash included).')
output tableEndpoint string = storage.properties.primaryEndpoints.table

@description('Primary queue endpoint (trailing slash included).')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

@description('Name of the deployment package container.')
output deploymentContainerName string = deploymentContainer.name

@description('Name of the application container.')
output appContainerName string = appContainer.name
