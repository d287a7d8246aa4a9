/** The `durableClient` binding data and management URLs, shaped as the Durable extension produces them. */

export const webhookPath = '/runtime/webhooks/durabletask';
const instanceIdPlaceholder = 'INSTANCEID';

export interface ClientBindingData {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; createAndWaitOnNewInstancePostUri: string };
  managementUrls: ReturnType<typeof managementUrls>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

export function clientBindingData(baseUrl: string, hubName: string): ClientBindingData {
  const webhook = `${trimSlash(baseUrl)}${webhookPath}`;
  const creation = `${webhook}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: creation,
      createAndWaitOnNewInstancePostUri: `${creation}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}`,
    },
    managementUrls: managementUrls(baseUrl, hubName, instanceIdPlaceholder),
    baseUrl: webhook,
    requiredQueryStringParameters: '', // no system key locally (Core Tools has none either)
    rpcBaseUrl: `${webhook}/`,
  };
}

/** HttpManagementPayload: the links returned by a start request and `createCheckStatusResponse`. */
export function managementUrls(baseUrl: string, hubName: string, instanceId: string) {
  const instance = `${trimSlash(baseUrl)}${webhookPath}/instances/${instanceId === instanceIdPlaceholder ? instanceId : encodeURIComponent(instanceId)}`;
  const query = `taskHub=${encodeURIComponent(hubName)}&connection=Storage`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
