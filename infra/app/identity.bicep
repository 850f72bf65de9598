// User-assigned managed identity used by the Function App for every data-plane
// call: host storage (AzureWebJobsStorage), Durable Functions task hub, the
// deployment package container, Application Insights ingestion (Entra auth),
// Key Vault references, and the app's own DefaultAzureCredential.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region for the identity.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource ID of the identity (for userAssignedIdentities maps and deployment storage auth).')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) ID of the identity; used as AZURE_CLIENT_ID and AzureWebJobsStorage__clientId.')
output clientId string = identity.properties.clientId

@description('Object (principal) ID of the identity; used for role assignments.')
output principalId string = identity.properties.principalId
