// The function app on a Flex Consumption (FC1) plan: Linux, Node, package pulled from a blob container
// with the user-assigned identity, identity-based connections only, secrets as Key Vault references.
param name string
param planName string
param location string
param tags object
@description('Must match the service name in azure.yaml: azd deploys to the app with this tag.')
param serviceName string = 'api'
@allowed(['20', '22'])
param nodeVersion string
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int
@allowed([512, 2048, 4096])
param instanceMemoryMB int
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param serviceBusFullyQualifiedNamespace string
param keyVaultUri string
param applicationInsightsConnectionString string
param logAnalyticsWorkspaceId string
@description('The non-secret workflow settings (built in main.bicep from its parameters).')
param workflowSettings object
@allowed(['clientSecret', 'certificate'])
param partnerCenterCredentialType string
@description('Client ID of the Entra app registration with the app roles; empty leaves App Service Authentication off.')
param apiClientId string = ''
@description('Function names kept paused: each gets AzureWebJobs.<name>.Disabled=true.')
param disabledFunctions array = []
@description('The one anonymous route: Partner Center cannot sign in, its signature is the authentication.')
param webhookPath string = '/api/webhooks/partner-center'

// A Key Vault reference resolved by the platform with `keyVaultReferenceIdentity`. Without a version the
// latest secret version is used (picked up within a day, or at once on restart).
func keyVaultReference(vaultUri string, secretName string) string => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName}/)'

// ---- app settings: one block per concern; test/unit/infra reads these blocks by name ----------------

// Read by the Functions host and its extensions only.
var hostSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  ServiceBusConnection__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Identity-based connections, read by the host and by shared/config.ts (no keys, no connection strings).
var connectionSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__clientId: identityClientId
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__clientId: identityClientId
  // Not a reference: the app reads and writes this secret itself, adding a version per rotated token.
  PARTNER_CENTER_REFRESH_TOKEN_SECRET_URI: '${keyVaultUri}secrets/PARTNER-CENTER-REFRESH-TOKEN'
}

// Secrets: Key Vault secret name = setting name with '-' for '_'.
var secretSettings = {
  SENDGRID_API_KEY: keyVaultReference(keyVaultUri, 'SENDGRID-API-KEY')
  PARTNER_CENTER_REFRESH_TOKEN: keyVaultReference(keyVaultUri, 'PARTNER-CENTER-REFRESH-TOKEN')
}

// Exactly one Partner Center credential kind; an unresolvable reference would fail the app's start.
var clientSecretSettings = {
  PARTNER_CENTER_CLIENT_SECRET: keyVaultReference(keyVaultUri, 'PARTNER-CENTER-CLIENT-SECRET')
}

var certificateSettings = {
  PARTNER_CENTER_CERTIFICATE_PRIVATE_KEY: keyVaultReference(keyVaultUri, 'PARTNER-CENTER-CERTIFICATE-PRIVATE-KEY')
}

// Pausing is part of the declared set: a pause set by hand in the portal would vanish on the next
// `azd provision` (docs/operations.md, "Pausing a function").
var pausedFunctionSettings = toObject(disabledFunctions, name => 'AzureWebJobs.${name}.Disabled', name => 'true')

var appSettings = union(
  hostSettings,
  connectionSettings,
  workflowSettings,
  secretSettings,
  partnerCenterCredentialType == 'certificate' ? certificateSettings : clientSecretSettings,
  pausedFunctionSettings
)

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
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
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
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
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

// A separate resource so the whole set is declarative (settings added by hand are removed on the next
// `azd provision`: change parameters instead).
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

// App Service Authentication (Easy Auth) with Entra ID in front of every route but the webhook. It
// proves who calls; the app checks the `roles` claim (Mca.Read, Mca.Operate) itself, since Easy Auth
// validates tokens but not roles. No client secret: browsers sign in with the implicit flow (an ID
// token, which carries the user's roles); machines send client-credential access tokens.
resource auth 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(apiClientId)) {
  parent: site
  name: 'authsettingsV2'
  // One site config write at a time: parallel writes to the same site can conflict.
  dependsOn: [settings]
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      // Browsers are sent to the sign-in page; a request with X-Requested-With (or a bad token) gets 401.
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: [webhookPath]
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          clientId: apiClientId
        }
        validation: {
          // v2 access tokens carry the client ID as audience, v1 tokens the Application ID URI.
          allowedAudiences: [apiClientId, 'api://${apiClientId}']
        }
      }
    }
    login: {
      // The app needs the caller's claims only, never a downstream token: nothing to store.
      tokenStore: {
        enabled: false
      }
    }
  }
}

// Deployments (azd, the deployment container) authenticate with Entra ID; publishing-profile
// (basic) credentials stay off.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
