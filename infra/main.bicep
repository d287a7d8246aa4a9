// mca-workflow on Azure: `azd up` provisions this at subscription scope into one resource group.
// Layout follows Microsoft's azd Functions quickstarts: one module per concern under app/, every role
// assignment in app/rbac.bicep, shared keys and local auth off everywhere.
targetScope = 'subscription'

// ---- environment ----------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region for all resources; it must offer the Flex Consumption plan.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group name; empty for rg-<environmentName>.')
param resourceGroupName string = ''

// ---- hosting --------------------------------------------------------------------------------------

@description('Node.js major version of the Flex Consumption runtime (20 or later).')
@allowed(['20', '22'])
param nodeVersion string = '22'

@description('Upper bound for scale-out. Partner Center throttles per partner: every instance has its own request budget.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Key Vault purge protection (irreversible); recommended for production.')
param keyVaultEnablePurgeProtection bool = false

@description('Optional object ID of an operator (user or group) allowed to store the secrets in Key Vault.')
param operatorPrincipalId string = ''

@allowed(['User', 'Group'])
param operatorPrincipalType string = 'User'

// A string: azd passes a blank variable as ''.
@description('MCA_REFRESH_TOKEN_STORED: \'true\' once PARTNER-CENTER-REFRESH-TOKEN is in Key Vault; then the app may write its rotated versions.')
param refreshTokenStored string = ''

// ---- access, alerts, operations (docs/operations.md: "Access (Entra ID)", "Alerts", "Operator access") --

@description('Application (client) ID of the Entra app registration with the app roles Mca.Read and Mca.Operate. Set: App Service Authentication guards every route but the webhook. Empty: no sign-in, function keys only.')
param apiClientId string = ''

@description('Who gets alert mails (comma list); empty for PARTNER_CONTACT_EMAIL.')
param alertEmails string = ''

// A Teams workflow URL carries its own signature: secure, so it stays out of deployment history.
@secure()
@description('Optional webhook the action group also calls (e.g. a Teams "post to a channel when a webhook request is received" workflow); empty for none.')
param alertWebhookUrl string = ''

@description('Optional object ID of the operations user or group: reads the state tables, receives from the crm-customer-events dead-letter queue and re-sends to that queue.')
param operationsPrincipalId string = ''

@allowed(['User', 'Group'])
param operationsPrincipalType string = 'Group'

@description('Functions kept paused across deployments: comma list of function names (e.g. mcaComplianceSweepTimer), each set AzureWebJobs.<name>.Disabled=true.')
param disabledFunctions string = ''

// ---- workflow settings (names and meaning: docs/operations.md) -------------------------------------

@description('PARTNER_TYPE: the partner\'s CSP role.')
@allowed(['DirectBill', 'IndirectProvider', 'IndirectReseller'])
param partnerType string

@description('DEFAULT_METHOD: path when an event names none.')
@allowed(['direct', 'attestation'])
param defaultMethod string = 'direct'

@description('RESELLER_STRATEGY: what an IndirectReseller deployment does.')
@allowed(['direct', 'handOff', 'both'])
param resellerStrategy string = 'both'

@description('PARTNER_CENTER_TENANT_ID: the partner\'s Entra tenant (GUID or domain).')
param partnerCenterTenantId string

@description('PARTNER_CENTER_CLIENT_ID: application (client) ID of the Partner Center app registration.')
param partnerCenterClientId string

@description('PARTNER_CENTER_AUTHORITY: empty for https://login.microsoftonline.com/<tenant>.')
param partnerCenterAuthority string = ''

@description('PARTNER_CENTER_BASE_URL: the Partner Center REST API.')
param partnerCenterBaseUrl string = 'https://api.partnercenter.microsoft.com'

@description('PARTNER_CENTER_MAX_REQUESTS_PER_SECOND, per instance.')
param partnerCenterMaxRequestsPerSecond string = '5'

@description('PARTNER_CENTER_MAX_CONCURRENCY, per instance.')
param partnerCenterMaxConcurrency string = '4'

@description('PARTNER_CENTER_MAX_INSTANCES: keep equal to maximumInstanceCount (fallback share of the rate).')
param partnerCenterMaxInstances string = '40'

@description('SWEEP_PAGE_SIZE: customers per page (one orchestration generation) of the nightly sweep.')
param sweepPageSize string = '100'

@description('PARTNER_CENTER_ATTESTATION_API_VERSION: path segment of the enhanced-attestation API.')
param partnerCenterAttestationApiVersion string = 'v1'

@description('Which Partner Center credential the app uses; the matching secret must exist in Key Vault.')
@allowed(['clientSecret', 'certificate'])
param partnerCenterCredentialType string = 'clientSecret'

@description('PARTNER_CENTER_CERTIFICATE_THUMBPRINT (hex); only with partnerCenterCredentialType certificate.')
param partnerCenterCertificateThumbprint string = ''

@description('WEBHOOK_CERTIFICATE_URLS: URLs a Partner Center webhook\'s X-MS-Certificate-Url may name (comma list; exact URLs or prefixes ending in /).')
param webhookCertificateUrls string = 'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer'

@description('PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE: Microsoft\'s parameterized acceptance link with {attestationId} (optional {country}, {language}); https. Empty: only links Partner Center returns are used.')
param partnerCenterAcceptanceUrlTemplate string = ''

@description('ON_AGREEMENT_CONFLICT: 600061 on a re-attestation with the customer still not covered: direct (invite in the admin center) or fail.')
@allowed(['direct', 'fail'])
param onAgreementConflict string = 'direct'

@description('MAIL_FROM: sender address verified in SendGrid.')
param mailFrom string

@description('PARTNER_COMPANY_NAME: the partner\'s company name as customers know it; signs every mail (one line, at most 200 characters).')
param partnerCompanyName string

@description('PARTNER_CONTACT_EMAIL: the partner desk that receives escalations.')
param partnerContactEmail string

@description('PARTNER_CONTACT_NAME: greets the partner desk and names whom customers may ask; empty for the company name.')
param partnerContactName string = ''

@description('PARTNER_CONTACT_PHONE: the partner contact\'s phone number, shown with the contact in customer and provider mails; empty for none.')
param partnerContactPhone string = ''

@description('PARTNER_LANGUAGE: BCP 47 language of mails to the partner desk (escalations).')
param partnerLanguage string = 'en'

@description('INDIRECT_PROVIDER_CONTACT: required for IndirectReseller with RESELLER_STRATEGY handOff or both.')
param indirectProviderContact string = ''

@description('INDIRECT_PROVIDER_NAME: the indirect provider\'s company name in hand-off mails.')
param indirectProviderName string = ''

@description('INDIRECT_PROVIDER_LANGUAGE: BCP 47 language of hand-off mails to the indirect provider.')
param indirectProviderLanguage string = 'en'

@description('REMINDER_SCHEDULE: ISO-8601 offsets from the workflow start, strictly increasing.')
param reminderSchedule string = 'P3D,P7D,P14D'

@description('ACCEPTANCE_DEADLINE: ISO-8601 offset after which a workflow expires.')
param acceptanceDeadline string = 'P30D'

@description('SEND_CLAIM_RECONCILE_AFTER: age of an unfinished mail send claim before it is reported as unknown.')
param sendClaimReconcileAfter string = 'PT10M'

@description('POLL_INITIAL_DELAY: first Partner Center re-check after a change.')
param pollInitialDelay string = 'PT5M'

@description('POLL_MAX_DELAY: cap of the polling back-off.')
param pollMaxDelay string = 'PT6H'

@description('REMEDIATION_RETRY_AFTER: the sweep restarts an uncovered customer whose last run ended this long ago.')
param remediationRetryAfter string = 'P30D'
@description('INSTANCE_RETENTION: finished durable instances older than this are purged daily; the state table stays.')
param instanceRetention string = 'P90D'
@description('ATTESTATION_POLL_INTERVAL: fixed re-check interval while an attestation link is out.')
param attestationPollInterval string = 'PT15M'

@description('CONFIRMATION_TIMEOUT: how long a created agreement may take to show in Partner Center reads.')
param confirmationTimeout string = 'PT48H'

@description('OUTAGE_TOLERANCE: how long a failing activity (SendGrid, Partner Center, storage down) is retried.')
param outageTolerance string = 'PT12H'

// ---- names ----------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-mca-${resourceToken}'

// API_AUTH for the app's role check (shared/config.ts): appService exactly when App Service
// Authentication runs in front of the app, else the routes would trust a header nobody vouches for.
var apiAuth = empty(apiClientId) ? 'open' : 'appService'
var pausedFunctions = filter(map(split(disabledFunctions, ','), name => trim(name)), name => !empty(name))
var alertEmailList = filter(
  map(split(!empty(alertEmails) ? alertEmails : partnerContactEmail, ','), address => trim(address)),
  address => !empty(address)
)

// Blank values count as "not set" for the app (shared/config.ts), so optional settings may stay empty.
var workflowSettings = {
  PARTNER_TYPE: partnerType
  DEFAULT_METHOD: defaultMethod
  RESELLER_STRATEGY: resellerStrategy
  PARTNER_CENTER_TENANT_ID: partnerCenterTenantId
  PARTNER_CENTER_CLIENT_ID: partnerCenterClientId
  PARTNER_CENTER_AUTHORITY: partnerCenterAuthority
  PARTNER_CENTER_BASE_URL: partnerCenterBaseUrl
  PARTNER_CENTER_MAX_REQUESTS_PER_SECOND: partnerCenterMaxRequestsPerSecond
  PARTNER_CENTER_MAX_CONCURRENCY: partnerCenterMaxConcurrency
  PARTNER_CENTER_MAX_INSTANCES: partnerCenterMaxInstances
  SWEEP_PAGE_SIZE: sweepPageSize
  PARTNER_CENTER_ATTESTATION_API_VERSION: partnerCenterAttestationApiVersion
  PARTNER_CENTER_CERTIFICATE_THUMBPRINT: partnerCenterCertificateThumbprint
  WEBHOOK_CERTIFICATE_URLS: webhookCertificateUrls
  PARTNER_CENTER_ACCEPTANCE_URL_TEMPLATE: partnerCenterAcceptanceUrlTemplate
  ON_AGREEMENT_CONFLICT: onAgreementConflict
  MAIL_FROM: mailFrom
  PARTNER_COMPANY_NAME: partnerCompanyName
  PARTNER_CONTACT_EMAIL: partnerContactEmail
  PARTNER_CONTACT_NAME: partnerContactName
  PARTNER_CONTACT_PHONE: partnerContactPhone
  PARTNER_LANGUAGE: partnerLanguage
  INDIRECT_PROVIDER_CONTACT: indirectProviderContact
  INDIRECT_PROVIDER_NAME: indirectProviderName
  INDIRECT_PROVIDER_LANGUAGE: indirectProviderLanguage
  REMINDER_SCHEDULE: reminderSchedule
  ACCEPTANCE_DEADLINE: acceptanceDeadline
  SEND_CLAIM_RECONCILE_AFTER: sendClaimReconcileAfter
  POLL_INITIAL_DELAY: pollInitialDelay
  POLL_MAX_DELAY: pollMaxDelay
  REMEDIATION_RETRY_AFTER: remediationRetryAfter
  ATTESTATION_POLL_INTERVAL: attestationPollInterval
  CONFIRMATION_TIMEOUT: confirmationTimeout
  OUTAGE_TOLERANCE: outageTolerance
  INSTANCE_RETENTION: instanceRetention
  API_AUTH: apiAuth
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-mca-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module serviceBus 'app/service-bus.bicep' = {
  name: 'service-bus'
  scope: rg
  params: {
    name: 'sb-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module keyVault 'app/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    enablePurgeProtection: keyVaultEnablePurgeProtection
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    crmEventsQueueName: serviceBus.outputs.crmEventsQueueName
    outcomesQueueName: serviceBus.outputs.outcomesQueueName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    refreshTokenSecretStored: toLower(refreshTokenStored) == 'true'
    operationsPrincipalId: operationsPrincipalId
    operationsPrincipalType: operationsPrincipalType
  }
}

// After rbac: the app's first start already finds its storage, queues and secrets readable.
module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  dependsOn: [rbac]
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    nodeVersion: nodeVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    keyVaultUri: keyVault.outputs.vaultUri
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    workflowSettings: workflowSettings
    partnerCenterCredentialType: partnerCenterCredentialType
    apiClientId: apiClientId
    disabledFunctions: pausedFunctions
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    resourceToken: resourceToken
    location: location
    tags: tags
    alertEmails: alertEmailList
    alertWebhookUrl: alertWebhookUrl
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    serviceBusNamespaceName: serviceBus.outputs.name
    deadLetterQueueNames: [serviceBus.outputs.crmEventsQueueName, serviceBus.outputs.outcomesQueueName]
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

// ---- outputs (azd stores them in .azure/<env>/.env) -------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.vaultUri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output SERVICE_BUS_CRM_EVENTS_QUEUE string = serviceBus.outputs.crmEventsQueueName
output SERVICE_BUS_OUTCOMES_QUEUE string = serviceBus.outputs.outcomesQueueName
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
// Where the app registration's web redirect URI points (docs/operations.md, "Access (Entra ID)").
output MCA_AUTH_REDIRECT_URI string = 'https://${functionApp.outputs.defaultHostName}/.auth/login/aad/callback'
output MCA_API_AUTH string = apiAuth
