import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';
import { fromReporter } from './errors.js';

@ApiTags('resources')
@ApiBearerAuth()
@Controller('api/v1/resources')
export class ResourcesController {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  @Get()
  @ApiOperation({
    summary: 'Every input resource with its current status',
    description:
      'state (accepted, warning, rejected), messages, conditions, per-parent and per-listener conditions, file and line; plus problems tied to no resource.',
  })
  list() {
    return this.view.resources();
  }

  @Get(':kind/:namespace/:name/history')
  @ApiOperation({
    summary: "A resource's status history, newest first",
    description: 'Use "-" as the namespace of cluster-scoped kinds. Bounded by the retention setting.',
  })
  @ApiParam({ name: 'kind', example: 'HTTPRoute' })
  @ApiParam({ name: 'namespace', example: 'default' })
  @ApiParam({ name: 'name', example: 'echo' })
  async history(@Param('kind') kind: string, @Param('namespace') namespace: string, @Param('name') name: string) {
    return { items: await fromReporter(() => this.view.history(kind, namespace === '-' ? '' : namespace, name)) };
  }
}
