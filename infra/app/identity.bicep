// The user-assigned identity the function app runs as: storage, Service Bus, Key Vault references and
// Application Insights all authenticate with it (roles in rbac.bicep). It outlives app re-creation.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
