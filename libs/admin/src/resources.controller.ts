import { Controller, Get, Inject } from '@nestjs/common';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';

@Controller('api/v1/resources')
export class ResourcesController {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  /** Every input resource with its current status: state, conditions, per-parent and per-listener status. */
  @Get()
  list() {
    return { items: this.view.resources() };
  }
}
