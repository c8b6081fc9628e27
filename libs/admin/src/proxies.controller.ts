import { Controller, Get, Inject } from '@nestjs/common';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';

@Controller('api/v1/proxies')
export class ProxiesController {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  /** Connected proxies: node, gateway, protocol, and per xDS type what was sent, ACKed and NACKed. */
  @Get()
  list() {
    return { items: this.view.proxies() };
  }
}
