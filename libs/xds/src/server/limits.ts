// Bounds on what one xDS client can make the server keep. Every client string the server stores is counted here;
// a stream that goes past a bound is ended with a status that says which bound and how to stay within it.
import { status } from '@grpc/grpc-js';

export interface StreamLimits {
  /** Resource names one stream may subscribe to, all types together (SotW: the current request's; delta: the sum). */
  maxNamesPerStream: number;
  /** Characters in one resource name. */
  maxNameLength: number;
  /** Distinct type URLs one stream may ask for. */
  maxTypesPerStream: number;
  /** Characters in a type URL. */
  maxTypeUrlLength: number;
  /** Characters of a NACK's message kept (the rest is cut). */
  maxNackMessageLength: number;
  /** Characters of a node id kept (escaped, then cut). */
  maxNodeIdLength: number;
  /** Responses a delta stream remembers until the proxy ACKs them (older ones are forgotten). */
  maxPendingNonces: number;
  /** Open ADS streams on the server; more are refused (RESOURCE_EXHAUSTED). */
  maxStreams: number;
}

export const DEFAULT_STREAM_LIMITS: Readonly<StreamLimits> = Object.freeze({
  maxNamesPerStream: 100_000,
  maxNameLength: 1024,
  maxTypesPerStream: 32,
  maxTypeUrlLength: 256,
  maxNackMessageLength: 4096,
  maxNodeIdLength: 256,
  maxPendingNonces: 64,
  maxStreams: 10_000,
});

/** Longest Gateway reference a node may name (a 63-character namespace, "/", a 253-character name). */
export const MAX_NODE_GROUP_LENGTH = 317;

/** Ends a stream with a gRPC status (thrown from request handling, turned into the stream's status). */
export class StreamError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export function tooMany(what: string, limit: number, field: string): StreamError {
  return new StreamError(status.RESOURCE_EXHAUSTED, `${what}: at most ${limit} per stream (${field}); split the proxy's configuration or raise the limit`);
}
