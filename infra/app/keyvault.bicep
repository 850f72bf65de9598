// Key Vault for the app's secrets (decision 0016). RBAC authorization only (no access policies); the Function App's
// user-assigned identity gets Key Vault Secrets User on this vault and reads the secrets through Key Vault
// references in its app settings (`@Microsoft.KeyVault(SecretUri=...)`, resolved by the platform with
// keyVaultReferenceIdentity). No secret value appears in an app setting, an output or the deployment history
// (the value parameter is @secure()).

@description('Key Vault name (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region for the vault.')
param location string

@description('Tags applied to the vault.')
param tags object = {}

@description('Object (principal) ID of the identity that reads the secrets (Key Vault Secrets User).')
param readerPrincipalId string

@description('SECRETS_KEY: the base64 32-byte key that seals catalog and lead-target secrets at rest. azd generates it once per environment (infra/hooks/secrets-key.mjs).')
@secure()
@minLength(44)
param secretsKey string

@description('Name of the secret that holds SECRETS_KEY.')
param secretsKeySecretName string = 'secrets-key'

var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource secretsKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretsKeySecretName
  properties: {
    value: secretsKey
    contentType: 'base64 32-byte key (SECRETS_KEY)'
  }
}

resource readerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('Key Vault name.')
output name string = vault.name

@description('Versionless URI of the SECRETS_KEY secret, for the Key Vault reference in the app settings.')
output secretsKeySecretUri string = '${vault.properties.vaultUri}secrets/${secretsKeySecret.name}'
