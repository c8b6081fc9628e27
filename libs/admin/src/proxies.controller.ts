import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';

@ApiTags('proxies')
@ApiBearerAuth()
@Controller('api/v1/proxies')
export class ProxiesController {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  @Get()
  @ApiOperation({
    summary: 'Connected proxies, and every proxy the database remembers',
    description:
      'items: live streams (node, gateway, protocol, per xDS type versions sent and ACKed, last NACK). history: persisted proxy state, including disconnected proxies.',
  })
  list() {
    return this.view.proxies();
  }
}
