import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';

@ApiTags('snapshots')
@ApiBearerAuth()
@Controller('api/v1/snapshots')
export class SnapshotsController {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  private get(gateway: string) {
    const s = this.view.snapshot(gateway);
    if (!s) throw new NotFoundException(`no snapshot for gateway "${gateway}": it is not a Gateway Gatehouse serves (see GET /api/v1/resources)`);
    return s;
  }

  @Get(':namespace/:name')
  @ApiOperation({
    summary: 'The xDS a Gateway is served, as JSON',
    description: 'Listeners, routes, clusters, endpoints and secrets with their versions; private keys and other secret material are redacted.',
  })
  @ApiParam({ name: 'namespace', example: 'default' })
  @ApiParam({ name: 'name', example: 'demo' })
  byName(@Param('namespace') namespace: string, @Param('name') name: string) {
    return this.get(`${namespace}/${name}`);
  }

  @Get(':gateway')
  @ApiOperation({ summary: 'The same, with the gateway as one URL-encoded "namespace/name"' })
  byKey(@Param('gateway') gateway: string) {
    // The router has decoded the parameter already (default%2Fdemo arrives as default/demo): decoding again would
    // turn a literal "%" into a URIError.
    return this.get(gateway);
  }
}
