import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';
import { Public } from './token.guard.js';

@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (prefix gatehouse_)' })
  async metrics(@Res() res: { type(t: string): { send(b: string): void } }) {
    const m = await this.view.metrics();
    res.type(m.contentType).send(m.body);
  }
}
