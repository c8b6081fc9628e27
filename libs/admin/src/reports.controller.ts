import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';
import { fromReporter } from './errors.js';
import { quote, single } from './query.js';

const STATES = new Set(['accepted', 'warning', 'rejected']);

function int(name: string, v: string | undefined, def: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new BadRequestException(`${name} must be an integer between 0 and ${max}, got ${quote(v)}`);
  return n;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ReportsController {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  @Get()
  @ApiOperation({ summary: "Persisted reports: each resource's latest status, first seen and last change" })
  @ApiQuery({ name: 'state', required: false, description: 'accepted, warning or rejected (comma-separated for several)' })
  @ApiQuery({ name: 'kind', required: false, example: 'HTTPRoute' })
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'limit', required: false, description: 'page size, at most 1000 (default 100)' })
  @ApiQuery({ name: 'offset', required: false })
  async list(@Query() query: Record<string, unknown>) {
    const [state, kind, namespace, limit, offset] = (['state', 'kind', 'namespace', 'limit', 'offset'] as const).map((n) => single(n, query[n]));
    for (const s of state?.split(',') ?? []) if (!STATES.has(s)) throw new BadRequestException(`state must be accepted, warning or rejected, got ${quote(s)}`);
    const filter = {
      ...(state ? { state } : {}),
      ...(kind ? { kind } : {}),
      ...(namespace ? { namespace } : {}),
      limit: int('limit', limit, 100, 1000),
      offset: int('offset', offset, 0, 1e9),
    };
    const page = await fromReporter(() => this.view.reports(filter));
    return { ...page, limit: filter.limit, offset: filter.offset };
  }
}
