/**
 * The storage service URIs of a deployment without a connection string (decision 0015): STORAGE_*_ENDPOINT, else the
 * Functions host's AzureWebJobsStorage__*ServiceUri, else the public-cloud URIs of AzureWebJobsStorage__accountName.
 * So the app, the Functions host and the Durable extension read one account from one set of settings.
 */
export interface EndpointSettings {
  STORAGE_TABLE_ENDPOINT?: string | undefined;
  STORAGE_BLOB_ENDPOINT?: string | undefined;
  STORAGE_QUEUE_ENDPOINT?: string | undefined;
  AzureWebJobsStorage__accountName?: string | undefined;
  AzureWebJobsStorage__tableServiceUri?: string | undefined;
  AzureWebJobsStorage__blobServiceUri?: string | undefined;
  AzureWebJobsStorage__queueServiceUri?: string | undefined;
}

export function serviceEndpoints(s: EndpointSettings): { table?: string; blob?: string; queue?: string } {
  const account = s.AzureWebJobsStorage__accountName;
  const derived = (service: string) => (account ? `https://${account}.${service}.core.windows.net/` : undefined);
  const table = s.STORAGE_TABLE_ENDPOINT ?? s.AzureWebJobsStorage__tableServiceUri ?? derived('table');
  const blob = s.STORAGE_BLOB_ENDPOINT ?? s.AzureWebJobsStorage__blobServiceUri ?? derived('blob');
  const queue = s.STORAGE_QUEUE_ENDPOINT ?? s.AzureWebJobsStorage__queueServiceUri ?? derived('queue');
  return { ...(table ? { table } : {}), ...(blob ? { blob } : {}), ...(queue ? { queue } : {}) };
}
