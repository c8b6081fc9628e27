import { ServiceUnavailableException } from '@nestjs/common';

/** Database reads: an outage is a 503 with the reason, never a crash. */
export async function fromReporter<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw new ServiceUnavailableException(
      `the report database is unavailable (${(err as Error).message}); live state is at /api/v1/resources and /api/v1/proxies`,
    );
  }
}
