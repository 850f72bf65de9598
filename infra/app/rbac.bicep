// Data-plane role assignments for the Function App's user-assigned identity.
//
// Storage (scoped to the storage account):
//   - Storage Blob Data Owner         : host storage (leases, secrets), Durable task hub
//                                       blobs, Flex Consumption deployment package, app blobs;
//                                       includes generateUserDelegationKey, which signs the analytics
//                                       report links (user-delegation SAS, decision 0907)
//   - Storage Queue Data Contributor  : Durable control/work-item queues, app queues
//   - Storage Table Data Contributor  : Durable history/instances tables, app tables
// Application Insights (scoped to the component):
//   - Monitoring Metrics Publisher    : Entra-authenticated telemetry ingestion
//                                       (local auth is disabled on the component)
//
// Role definition IDs are the built-in role GUIDs, identical in every Azure cloud.

@description('Name of the storage account (in this resource group).')
param storageAccountName string

@description('Name of the Application Insights component (in this resource group).')
param applicationInsightsName string

@description('Object (principal) ID of the user-assigned managed identity.')
param principalId string

var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var storageRoleIds = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
    name: guid(storage.id, principalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource monitoringRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, roleIds.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
