import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI documentation at /api/docs (and the JSON at /api/docs-json). */
export function setupApiDocs(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('Gatehouse admin API')
    .setDescription('Resources and their status, reports and history, connected proxies, served xDS snapshots, metrics.')
    .setVersion(version)
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
}
