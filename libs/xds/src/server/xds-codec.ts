// Wire encoding of discovery requests/responses (trusted shapes) with Envoy's own message types.
import type protobuf from 'protobufjs';
import { StrictEncoder } from '../codec/strict-encoder.js';

export class XdsCodec {
  readonly encoder: StrictEncoder;
  private readonly types: Record<string, protobuf.Type>;

  constructor(root: protobuf.Root) {
    this.encoder = new StrictEncoder(root);
    const t = (n: string) => root.lookupType(n);
    this.types = {
      req: t('envoy.service.discovery.v3.DiscoveryRequest'),
      res: t('envoy.service.discovery.v3.DiscoveryResponse'),
      dreq: t('envoy.service.discovery.v3.DeltaDiscoveryRequest'),
      dres: t('envoy.service.discovery.v3.DeltaDiscoveryResponse'),
      cla: t('envoy.config.endpoint.v3.ClusterLoadAssignment'),
    };
  }

  private decode(type: protobuf.Type, buf: Buffer): Record<string, unknown> {
    return type.toObject(type.decode(buf), { longs: Number, enums: String, bytes: Buffer, defaults: false, arrays: true, objects: true });
  }

  decodeRequest = (buf: Buffer) => this.decode(this.types['req']!, buf);
  decodeDeltaRequest = (buf: Buffer) => this.decode(this.types['dreq']!, buf);
  encodeResponse = (msg: Record<string, unknown>) => Buffer.from(this.types['res']!.encode(msg).finish());
  encodeDeltaResponse = (msg: Record<string, unknown>) => Buffer.from(this.types['dres']!.encode(msg).finish());
  decodeResponse = (buf: Buffer) => this.decode(this.types['res']!, buf);
  decodeDeltaResponse = (buf: Buffer) => this.decode(this.types['dres']!, buf);
  encodeRequest = (msg: Record<string, unknown>) => Buffer.from(this.types['req']!.encode(msg).finish());
  encodeDeltaRequest = (msg: Record<string, unknown>) => Buffer.from(this.types['dreq']!.encode(msg).finish());

  /**
   * A ClusterLoadAssignment with no endpoints (answers an EDS name Gatehouse has nothing for). Encoded each time, never
   * cached: the name comes from the client, and a cache keyed by it would grow with every name any client made up.
   */
  emptyLoadAssignment(clusterName: string): Uint8Array {
    return this.types['cla']!.encode({ clusterName }).finish();
  }
}
